import Foundation
import ProctorCore
import Testing

@testable import ProctorScenario

/// The samples in `Fixtures/schema-samples` are the contract between the loader and
/// `Schemas/scenario.schema.json`: the loader accepts every valid sample and rejects every invalid
/// one, and the schema does the same.
@Suite struct SchemaSampleTests {
    static let validDirectory = Fixtures.directory + "/schema-samples/valid"
    static let invalidDirectory = Fixtures.directory + "/schema-samples/invalid"

    @Test func corpusIsLargeEnough() {
        #expect(Fixtures.files(in: "schema-samples/valid").count >= 15)
        #expect(Fixtures.files(in: "schema-samples/invalid").count >= 15)
    }

    @Test(arguments: Fixtures.files(in: "schema-samples/valid"))
    func loaderAcceptsValidSample(name: String) {
        let result = Fixtures.loader(in: Self.validDirectory, environment: [:]).load(path: name)
        #expect(result.diagnostics.sorted.map(\.description) == [])
        #expect(result.scenario != nil)
    }

    @Test(arguments: Fixtures.files(in: "schema-samples/invalid"))
    func loaderRejectsInvalidSample(name: String) {
        let result = Fixtures.loader(in: Self.invalidDirectory, environment: [:]).load(path: name)
        #expect(result.diagnostics.hasErrors)
        #expect(result.scenario == nil)
    }

    @Test func schemaNamesEveryKeyTheLoaderKnows() throws {
        let data = try Data(
            contentsOf: URL(fileURLWithPath: Fixtures.repositoryRoot + "/Schemas/scenario.schema.json"))
        let text = String(decoding: data, as: UTF8.self)
        for key in ScenarioKeys.topLevel + ScenarioKeys.step + ScenarioKeys.expect + FaultKind.names
            + TestVocabulary.vendorNames
        {
            #expect(text.contains("\"\(key)\""), "schema does not mention '\(key)'")
        }
    }
}

import Foundation
import ProctorJSON
import ProctorSchema
import Testing

@testable import ProctorScenario

/// `Schemas/scenario.schema.json`, checked with Proctor's own validator: every shipped scenario
/// satisfies it, and it agrees with the loader on the sample corpus.
@Suite struct ScenarioSchemaTests {
    static let schema: JSONSchema? = {
        let path = Fixtures.repositoryRoot + "/Schemas/scenario.schema.json"
        return try? JSONSchema(contentsOfFile: path)
    }()

    static func document(_ path: String) throws -> JSONValue {
        let node = try YAMLReader().read(path: path, displayPath: path)
        return node?.jsonValue ?? .null
    }

    static var shippedScenarios: [String] {
        let folder = Fixtures.repositoryRoot + "/Scenarios"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted().map { folder + "/" + $0 }
    }

    @Test func schemaCompiles() throws {
        #expect(Self.schema != nil)
        #expect(Self.shippedScenarios.count >= 5)
    }

    @Test(arguments: shippedScenarios)
    func shippedScenarioSatisfiesTheSchema(path: String) throws {
        let schema = try #require(Self.schema)
        let result = schema.validate(try Self.document(path))
        #expect(result.isValid, "\(path):\n\(result.text)")
    }

    @Test(arguments: Fixtures.files(in: "schema-samples/valid"))
    func schemaAcceptsValidSample(name: String) throws {
        let schema = try #require(Self.schema)
        let result = schema.validate(try Self.document(SchemaSampleTests.validDirectory + "/" + name))
        #expect(result.isValid, "\(name):\n\(result.text)")
    }

    @Test(arguments: Fixtures.files(in: "schema-samples/invalid"))
    func schemaRejectsInvalidSample(name: String) throws {
        let schema = try #require(Self.schema)
        let path = SchemaSampleTests.invalidDirectory + "/" + name
        let document: JSONValue
        do {
            document = try Self.document(path)
        } catch {
            // Not YAML at all: nothing for the schema to accept.
            return
        }
        #expect(!schema.validate(document).isValid, "\(name) satisfies the schema but the loader rejects it")
    }
}

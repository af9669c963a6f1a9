import Foundation
import ProctorJSON
import Testing

@testable import ProctorVendors

/// The embedded vendor templates: each one parses, and they are exactly the files of
/// `Sources/ProctorVendors/Templates/ReferenceExamples/`.
@Suite struct ReferenceTemplateTests {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/ProctorVendors/Templates/ReferenceExamples")

    @Test(arguments: ReferenceTemplates.files.keys.sorted())
    func everyTemplateParsesToAnObject(_ name: String) throws {
        let template = try ReferenceTemplates.template(name)
        #expect(template.objectValue != nil, "\(name) is not a JSON object")
    }

    @Test func theEmbeddedTemplatesAreTheExampleFiles() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path)
            .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(".json".count)) }
        #expect(names.count == 45)
        #expect(Set(names) == Set(ReferenceTemplates.files.keys))
        for name in names {
            let bytes = try [UInt8](Data(contentsOf: Self.folder.appendingPathComponent(name + ".json")))
            #expect(ReferenceTemplates.files[name] == bytes, "\(name) differs from its file")
        }
    }

    @Test func aTemplateThatIsNotJSONIsAnErrorNamingIt() {
        let result = ReferenceTemplates.parse("vendor__event", Array(#"{"a": }"#.utf8))
        let error = #expect(throws: GenerationError.self) { try result.get() }
        #expect(
            error?.message.hasPrefix("reference template \"vendor__event\" is not valid JSON: 1:") == true)
    }

    @Test func anUnknownTemplateIsAnError() {
        #expect(throws: GenerationError("no reference template \"vendor__nothing\"")) {
            try ReferenceTemplates.template("vendor__nothing")
        }
    }
}

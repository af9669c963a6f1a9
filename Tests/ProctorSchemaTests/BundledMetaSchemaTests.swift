import Foundation
import ProctorJSON
import Testing

@testable import ProctorSchema

/// The embedded meta-schemas: each one parses, names itself by its key and compiles, and they are
/// exactly the files of `Sources/ProctorSchema/MetaSchemas/`.
@Suite struct BundledMetaSchemaTests {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/ProctorSchema/MetaSchemas")

    @Test(arguments: BundledMetaSchemas.documents.keys.sorted())
    func everyMetaSchemaParsesAndCompiles(_ uri: String) throws {
        let document = try #require(BundledMetaSchemas.parsed[uri]).get()
        #expect(document["$id"]?.stringValue == uri)
        _ = try JSONSchema(document, options: SchemaOptions(loader: InMemorySchemaLoader(documents: [:])))
    }

    @Test func theEmbeddedMetaSchemasAreTheFiles() throws {
        let enumerator = try #require(FileManager.default.enumerator(atPath: Self.folder.path))
        let files = enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(".json") }
        #expect(files.count == BundledMetaSchemas.documents.count)
        for file in files {
            let bytes = try [UInt8](Data(contentsOf: Self.folder.appendingPathComponent(file)))
            let uri = try #require(try JSONParser().parse(bytes)["$id"]?.stringValue, "\(file) has no $id")
            #expect(BundledMetaSchemas.documents[uri] == bytes, "\(file) differs from the bundled \(uri)")
        }
    }

    @Test func aMetaSchemaThatIsNotJSONIsAnErrorAtItsURI() {
        let result = BundledMetaSchemas.parse("https://example.com/meta", Array("[1,".utf8))
        let error = #expect(throws: SchemaError.self) { try result.get() }
        #expect(error?.location == "https://example.com/meta")
        #expect(error?.message.hasPrefix("bundled meta-schema is not valid JSON: ") == true)
    }
}

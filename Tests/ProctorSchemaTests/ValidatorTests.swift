import Foundation
import ProctorJSON
import Testing

@testable import ProctorRegex
@testable import ProctorSchema

private func schema(
    _ text: String, assertFormat: Bool = false, loader: any SchemaResourceLoader = FileSchemaLoader()
)
    throws -> JSONSchema
{
    try JSONSchema(
        JSONParser().parse(text), options: SchemaOptions(assertFormat: assertFormat, loader: loader))
}

private func json(_ text: String) throws -> JSONValue { try JSONParser().parse(text) }

/// A temporary folder removed when the value goes away.
final class TemporaryFolder {
    let path: String
    init() throws {
        path = NSTemporaryDirectory() + "proctor-schema-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func write(_ relative: String, _ text: String) throws {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(
            atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: full, atomically: true, encoding: .utf8)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

@Suite("Validator")
struct ValidatorTests {
    @Test("error units carry instance, keyword and absolute keyword locations through $ref")
    func locationsThroughReference() throws {
        let s = try schema(
            #"""
            {"$id": "https://example.com/root.json",
             "properties": {"data": {"properties": {"scores": {"properties": {"totalScore": {"$ref": "#/$defs/score"}}}}}},
             "$defs": {"score": {"type": "integer"}}}
            """#)
        let result = s.validate(try json(#"{"data": {"scores": {"totalScore": "37"}}}"#))
        #expect(!result.isValid)
        let error = try #require(result.errors.first)
        #expect(error.instanceLocation.description == "/data/scores/totalScore")
        #expect(error.keywordLocation == "/properties/data/properties/scores/properties/totalScore/$ref/type")
        #expect(error.absoluteKeywordLocation == "https://example.com/root.json#/$defs/score/type")
        #expect(error.description == #"/data/scores/totalScore: expected integer, got string "37""#)
    }

    @Test("basic output is the specification's shape")
    func basicOutput() throws {
        let s = try schema(#"{"required": ["a"], "properties": {"b": {"minimum": 3}}}"#)
        #expect(s.validate(try json(#"{"a": 1}"#)).basicOutput == ["valid": true])
        let output = s.validate(try json(#"{"b": 1}"#)).basicOutput
        #expect(output["valid"] == false)
        let errors = try #require(output["errors"]?.arrayValue)
        #expect(errors.count == 2)
        let keywordLocations = Set(errors.compactMap { $0["keywordLocation"]?.stringValue })
        #expect(keywordLocations == ["/required", "/properties/b/minimum"])
        #expect(
            errors.allSatisfy {
                $0["absoluteKeywordLocation"]?.stringValue?.hasPrefix("urn:proctor:schema#") == true
            })
        #expect(errors.allSatisfy { $0["instanceLocation"] != nil && $0["error"] != nil })
    }

    @Test(
        "isValid and validate agree",
        arguments: [
            (#"{"type": "string"}"#, #""x""#, true),
            (#"{"type": "string"}"#, "1", false),
            (#"{"multipleOf": 0.01}"#, "0.29", true),
            (#"{"multipleOf": 0.01}"#, "19.99", true),
            (#"{"multipleOf": 0.01}"#, "0.075", false),
            (#"{"multipleOf": 3}"#, "98249283749234923498293171823948729348710298301928331", false),
            (#"{"multipleOf": 7}"#, "70000000000000000000000000000000000000000000000000000", true),
            (#"{"maximum": 18446744073709551615}"#, "18446744073709551616", false),
            (#"{"type": "integer"}"#, "1.0", true),
            (#"{"const": 1}"#, "1.0", true),
            (#"{"pattern": "^\\p{Lu}\\d+$"}"#, #""É42""#, true),
            (#"{"pattern": "^\\d+$"}"#, #""٤٢""#, false),
            (#"{"maxLength": 2}"#, #""😀😀""#, true),
            (#"{"uniqueItems": true}"#, "[1, 1.0]", false),
        ])
    func agreement(schemaText: String, instance: String, expected: Bool) throws {
        let s = try schema(schemaText)
        let value = try json(instance)
        #expect(s.isValid(value) == expected)
        #expect(s.validate(value).isValid == expected)
    }

    @Test("format is an annotation unless assertion is on")
    func formatAssertion() throws {
        let value = try json(#""not-a-date""#)
        #expect(try schema(#"{"format": "date"}"#).isValid(value))
        let asserting = try schema(#"{"format": "date"}"#, assertFormat: true)
        #expect(!asserting.isValid(value))
        #expect(asserting.isValid(try json(#""2024-02-29""#)))
        #expect(!asserting.isValid(try json(#""2023-02-29""#)))
        #expect(asserting.validate(value).errors.first?.message.contains("not a valid date") == true)
    }

    @Test(
        "malformed schemas are rejected with a clear message",
        arguments: [
            (#"{"type": 12}"#, "type"),
            (#"{"type": "strin"}"#, "unknown type"),
            (#"{"minLength": -1}"#, "non-negative integer"),
            (#"{"pattern": "(unclosed"}"#, "regular expression"),
            (##"{"$ref": "#/$defs/missing"}"##, ##"unresolvable reference "#/$defs/missing""##),
            (#"{"$ref": "other.json"}"#, "unresolvable reference \"other.json\""),
            (#"{"properties": {"a": 3}}"#, "object or a boolean"),
        ])
    func malformed(schemaText: String, fragment: String) throws {
        do {
            _ = try schema(schemaText)
            Issue.record("schema \(schemaText) compiled")
        } catch let error as SchemaError {
            #expect(error.description.contains(fragment), "\(error)")
        }
    }

    @Test("references across files resolve relative to the referring file, onward, and cycles terminate")
    func crossFileReferences() throws {
        let folder = try TemporaryFolder()
        try folder.write(
            "Schemas/contracts/ack.schema.json",
            ##"{"type": "object", "properties": {"received": {"$ref": "common/flag.json"}, "next": {"$ref": "#"}}, "required": ["received"]}"##
        )
        try folder.write("Schemas/contracts/common/flag.json", #"{"$ref": "../../shared/bool.json"}"#)
        try folder.write("Schemas/shared/bool.json", #"{"type": "boolean"}"#)
        let s = try JSONSchema(
            ["$ref": "../Schemas/contracts/ack.schema.json"],
            baseURI: JSONSchema.fileURI(forPath: folder.path + "/Scenarios/x.yaml"))
        #expect(s.isValid(try json(#"{"received": true, "next": {"received": false}}"#)))
        let result = s.validate(try json(#"{"received": "yes"}"#))
        #expect(!result.isValid)
        #expect(
            result.errors.first?.absoluteKeywordLocation.hasSuffix("Schemas/shared/bool.json#/type") == true)
        #expect(result.errors.first?.keywordLocation == "/$ref/properties/received/$ref/$ref/type")
    }

    @Test("a reference cycle that never reaches a value stops validation with an error naming it")
    func referenceCycle() throws {
        let s = try schema(
            ##"{"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}"##)
        #expect(!s.isValid(1))
        let result = s.validate(1)
        #expect(!result.isValid)
        #expect(result.evaluationError?.reason == .referenceCycle)
        #expect(
            result.errors.first?.message
                == "reference cycle: urn:proctor:schema#/$defs/a/$ref -> urn:proctor:schema#/$defs/b/$ref "
                + "leads back to urn:proctor:schema#/$defs/a without moving into the instance, so validation "
                + "would never end")
    }

    @Test("the bundled meta-schema validates schemas without any network")
    func metaSchema() throws {
        let s = try schema(
            #"{"$ref": "https://json-schema.org/draft/2020-12/schema"}"#,
            loader: InMemorySchemaLoader(documents: [:]))
        #expect(s.isValid(try json(#"{"type": "string", "minLength": 1}"#)))
        #expect(!s.isValid(try json(#"{"type": 12}"#)))
        #expect(!s.isValid(try json(#"{"minLength": -1}"#)))
    }

    @Test("the ECMA-262 translation keeps JavaScript semantics")
    func regex() throws {
        #expect(try ECMARegex("^\\w+$").matches("abc_1"))
        #expect(try !ECMARegex("^\\w+$").matches("é"))
        #expect(try ECMARegex("^\\cJ$").matches("\n"))
        #expect(try !ECMARegex("^abc$").matches("abc\n"))
        #expect(try ECMARegex("[^]").matches("x"))
        #expect(throws: RegexSyntaxError.self) { try ECMARegex("(?i)abc") }
        #expect(throws: RegexSyntaxError.self) { try ECMARegex("\\a") }
        #expect(try ECMARegex.cached("^a+$").matches("aaa"))
    }

    @Test("a compiled schema is used from many tasks at once")
    func concurrentUse() async throws {
        let s = try schema(#"{"items": {"type": "integer"}, "unevaluatedItems": false}"#)
        let good = try json("[1, 2, 3]")
        let bad = try json(#"[1, "x"]"#)
        let results = await withTaskGroup(of: Bool.self, returning: [Bool].self) { group in
            for i in 0..<64 { group.addTask { s.validate(i.isMultiple(of: 2) ? good : bad).isValid } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.filter { $0 }.count == 32)
    }
}

import Foundation
import Testing

@testable import ProctorSchema

@Suite("proctor schema validate")
struct ValidateCommandTests {
    struct Run {
        var code: Int32
        var out: [String]
        var err: [String]
    }

    func run(
        _ validation: SchemaValidation, _ instances: [String], jsonl: Bool = false, stdin: String = ""
    ) -> Run {
        var lines = stdin.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)[...]
        let input = SchemaValidation.Input(
            readAll: { Array(stdin.utf8) },
            readLine: { lines.isEmpty ? nil : lines.removeFirst() })
        var out: [String] = []
        var err: [String] = []
        let code = validation.run(
            instances: instances, jsonl: jsonl, input: input, write: { out.append($0) },
            writeError: { err.append($0) })
        return Run(code: code, out: out, err: err)
    }

    @Test("exit 0 when all instances are valid, 1 when any is invalid")
    func validAndInvalid() throws {
        let folder = try TemporaryFolder()
        try folder.write("s.json", #"{"type": "object", "properties": {"n": {"type": "integer"}}}"#)
        try folder.write("good.json", #"{"n": 1}"#)
        try folder.write("bad.json", #"{"n": "1"}"#)
        let validation = SchemaValidation(schemaPath: folder.path + "/s.json")
        let ok = run(validation, [folder.path + "/good.json"])
        #expect(ok.code == 0)
        #expect(ok.out == ["\(folder.path)/good.json: valid"])
        let bad = run(validation, [folder.path + "/good.json", folder.path + "/bad.json"])
        #expect(bad.code == 1)
        #expect(bad.out.contains { $0.contains(#"/n: expected integer, got string "1""#) })
    }

    @Test("standard input as one document and as JSON Lines, with basic output")
    func standardInput() throws {
        let folder = try TemporaryFolder()
        try folder.write("s.json", #"{"type": "integer"}"#)
        let validation = SchemaValidation(schemaPath: folder.path + "/s.json", output: .basic)
        let single = run(validation, ["-"], stdin: "42")
        #expect(single.code == 0)
        #expect(single.out == [#"{"valid":true}"#])
        let lines = run(validation, [], jsonl: true, stdin: "1\n2\n\"x\"\n")
        #expect(lines.code == 1)
        #expect(lines.out.count == 3)
        #expect(lines.out[2].hasPrefix(#"{"valid":false,"errors":[{"keywordLocation":"/type""#))
    }

    @Test("exit 2 for malformed JSON, with file:line:col")
    func malformedInstance() throws {
        let folder = try TemporaryFolder()
        try folder.write("s.json", #"{"type": "object"}"#)
        try folder.write("broken.json", "{\n  \"a\": tru\n}")
        let result = run(
            SchemaValidation(schemaPath: folder.path + "/s.json"), [folder.path + "/broken.json"])
        #expect(result.code == 2)
        #expect(result.err.first?.hasPrefix("error: \(folder.path)/broken.json:2:") == true)
        let lines = run(
            SchemaValidation(schemaPath: folder.path + "/s.json"), [], jsonl: true, stdin: "{}\n{oops}\n")
        #expect(lines.code == 2)
        #expect(lines.err.first?.hasPrefix("error: stdin:2:") == true)
    }

    @Test(
        "exit 2 for unusable schemas",
        arguments: [
            (#"{"type": 12}"#, "type must be"),
            (#"{"$ref": "missing.json"}"#, "unresolvable reference \"missing.json\""),
            ("{\"type\": ", "s.json:1:"),
        ])
    func unusableSchema(text: String, fragment: String) throws {
        let folder = try TemporaryFolder()
        try folder.write("s.json", text)
        try folder.write("i.json", "{}")
        let result = run(SchemaValidation(schemaPath: folder.path + "/s.json"), [folder.path + "/i.json"])
        #expect(result.code == 2)
        #expect(result.err.first?.contains(fragment) == true, "\(result.err)")
        #expect(result.out.isEmpty)
    }

    @Test(
        "exit 2 when validation stops without a verdict: a $ref cycle, the work budget, a pattern too expensive",
        arguments: [
            (##"{"anyOf": [{"$ref": "#"}, {"$ref": "#"}]}"##, "1", "cannot validate: reference cycle: "),
            (EvaluationLimitsTests.exponential, "1", "cannot validate: validation stopped after "),
            (
                #"{"pattern": "^(?=(a+)+b)"}"#, "\"" + String(repeating: "a", count: 40) + "\"",
                "cannot validate: pattern /^(?=(a+)+b)/ is too expensive to match"
            ),
        ])
    func noVerdict(text: String, instance: String, fragment: String) throws {
        let folder = try TemporaryFolder()
        try folder.write("s.json", text)
        try folder.write("i.json", instance)
        let validation = SchemaValidation(schemaPath: folder.path + "/s.json")
        let result = run(validation, [folder.path + "/i.json"])
        #expect(result.code == 2)
        #expect(result.err.count == 1)
        #expect(
            result.err.first?.hasPrefix("error: \(folder.path)/i.json: \(fragment)") == true, "\(result.err)")
        #expect(result.out.isEmpty)
        let basic = run(
            SchemaValidation(schemaPath: folder.path + "/s.json", output: .basic), [folder.path + "/i.json"])
        #expect(basic.code == 2)
        #expect(basic.out.first?.hasPrefix(#"{"valid":false,"errors":[{"keywordLocation":"""#) == true)
    }

    @Test("missing schema file is exit 2")
    func missingSchema() {
        let result = run(SchemaValidation(schemaPath: "/nonexistent/schema.json"), ["-"], stdin: "{}")
        #expect(result.code == 2)
        #expect(result.err.first?.contains("cannot read schema file") == true)
    }
}

import Foundation
import ProctorJSON
import Testing

@testable import ProctorSchema

/// Validation that cannot hang or wrap: reference cycles and exponential `$ref`/`anyOf`
/// combinations stop with an error, integer keywords take any size.
@Suite("Evaluation limits")
struct EvaluationLimitsTests {
    func schema(_ text: String) throws -> JSONSchema { try JSONSchema(JSONParser().parse(text)) }
    func json(_ text: String) throws -> JSONValue { try JSONParser().parse(text) }

    @Test(
        "a $ref cycle on the same instance value is an error, not a verdict",
        arguments: [
            ##"{"$ref": "#"}"##,
            ##"{"anyOf": [{"$ref": "#"}]}"##,
            ##"{"anyOf": [{"$ref": "#"}, {"$ref": "#"}]}"##,
            ##"{"oneOf": [{"$ref": "#/$defs/a"}, {"$ref": "#/$defs/a"}], "$defs": {"a": {"allOf": [{"$ref": "#"}]}}}"##,
            ##"{"not": {"$ref": "#"}}"##,
            ##"{"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"}"##,
            ##"{"properties": {"x": {"$ref": "#/$defs/loop"}}, "$defs": {"loop": {"if": true, "then": {"$ref": "#/$defs/loop"}}}}"##,
        ])
    func referenceCycles(text: String) throws {
        let s = try schema(text)
        let instance = try json(#"{"x": [1, 2]}"#)
        #expect(!s.isValid(instance))
        #expect(throws: SchemaEvaluationError.self) { try s.check(instance) }
        let result = s.validate(instance)
        #expect(result.evaluationError?.reason == .referenceCycle)
        #expect(result.errors.count == 1)
        #expect(result.errors.first?.message.hasPrefix("reference cycle: ") == true)
    }

    @Test("a recursive schema follows a deep instance; past 256 references it is too deep, not a cycle")
    func deepInstance() throws {
        let s = try schema(##"{"items": {"$ref": "#"}, "type": "array"}"##)
        func nested(_ depth: Int) -> JSONValue {
            var value = JSONValue.array([])
            for _ in 0..<depth { value = .array([value]) }
            return value
        }
        #expect(try s.check(nested(200)))
        #expect(!(try s.check(.array([nested(200), .int(1)]))))
        let deep = s.validate(nested(300))
        #expect(deep.evaluationError?.reason == .tooDeep)
        #expect(deep.evaluationError?.message.contains("nested more than 256 deep") == true)
    }

    /// `levels` nested `allOf`s around `inner`.
    static func nestedAllOf(_ levels: Int, around inner: String) -> String {
        String(repeating: #"{"allOf": ["#, count: levels) + inner + String(repeating: "]}", count: levels)
    }

    /// A cycle that passes 200 applicators on every hop runs out of stack long before 256
    /// references (the differential test found one through `else`): an error, not a crash.
    @Test("a cycle through deep applicators stops with an error before the stack runs out")
    func cycleThroughDeepApplicators() throws {
        let s = try schema(
            ##"{"$defs": {"d": "## + Self.nestedAllOf(200, around: ##"{"$ref": "#/$defs/d"}"##)
                + ##"}, "$ref": "#/$defs/d"}"##)
        let result = s.validate(.int(1))
        #expect(result.evaluationError?.reason == .referenceCycle)
        #expect(!s.isValid(.int(1)))
        let found = try schema(
            ##"{"$defs": {"d0": {"if": {"exclusiveMinimum": 10}, "then": {"type": "array"}, "else": {"minimum": 100.0, "if": {"allOf": [{"type": "array"}]}, "else": {"$ref": "#/$defs/d0"}}}}, "allOf": [{"$ref": "#/$defs/d0"}]}"##
        )
        #expect(found.validate(.int(1)).evaluationError?.reason == .referenceCycle)
    }

    /// A deep instance under a schema that nests 200 applicators per level: too deep, no crash,
    /// on the calling thread and on a thread with a small stack.
    @Test("a deep instance under deeply nested subschemas is too deep, not a crash")
    func deepInstanceUnderDeepSubschemas() async throws {
        let s = try schema(
            ##"{"type": "array", "items": "## + Self.nestedAllOf(200, around: ##"{"$ref": "#"}"##) + "}")
        var value = JSONValue.array([])
        for _ in 0..<200 { value = .array([value]) }
        #expect(s.validate(value).evaluationError?.reason == .tooDeep)
        let deep = value
        let onSmallStack = await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: s.validate(deep).evaluationError?.reason) }
            thread.stackSize = 1 << 20
            thread.start()
        }
        #expect(onSmallStack == .tooDeep)
    }

    /// `d0` to `d39`, each `anyOf` two references to the next, the last `false`: 2^40 paths, no cycle.
    static let exponential: String = {
        var defs: [String] = []
        for index in 0..<40 {
            let next = "#/$defs/d\(index + 1)"
            defs.append(#""d\#(index)": {"anyOf": [{"$ref": "\#(next)"}, {"$ref": "\#(next)"}]}"#)
        }
        defs.append(#""d40": false"#)
        return ##"{"$defs": {\##(defs.joined(separator: ", "))}, "$ref": "#/$defs/d0"}"##
    }()

    @Test("exponential $ref/anyOf combinations stop at the work budget")
    func workBudget() throws {
        let s = try schema(Self.exponential)
        #expect(!s.isValid(1))
        var thrown: SchemaEvaluationError?
        do {
            _ = try s.check(1)
        } catch {
            thrown = error
        }
        let error = try #require(thrown)
        #expect(error.reason == .workLimit)
        #expect(error.message.hasPrefix("validation stopped after 1001001 subschema applications"))
        #expect(error.absoluteKeywordLocation.hasPrefix("urn:proctor:schema#/$defs/d"))
        #expect(s.validate(1).evaluationError?.reason == .workLimit)
    }

    @Test("the work budget grows with the instance: large valid instances are not cut off")
    func workBudgetScales() throws {
        // 300 subschemas per item, 4,000 items: 1.2 million applications, over the base budget.
        let many = (0..<300).map { _ in #"{"type": "integer"}"# }.joined(separator: ", ")
        let s = try schema(##"{"items": {"$ref": "#/$defs/n"}, "$defs": {"n": {"allOf": [\##(many)]}}}"##)
        let instance = JSONValue.array((0..<4_000).map { JSONValue.int($0) })
        #expect(try s.check(instance))
        #expect(s.validate(instance).isValid)
        var broken = instance
        broken = .array((instance.arrayValue ?? []) + [.string("x")])
        #expect(try !s.check(broken))
    }

    @Test(
        "integer keywords never wrap: huge limits behave as written",
        arguments: [
            (#"{"minLength": 2305843009213693952}"#, #""abc""#, false),
            (#"{"minLength": 4611686018427387904}"#, #""abc""#, false),
            (#"{"minLength": 9223372036854775807}"#, #""abc""#, false),
            (#"{"minLength": 99999999999999999999999}"#, #""abc""#, false),
            (#"{"minLength": 1e99999999999999999999}"#, #""abc""#, false),
            (#"{"maxLength": 2305843009213693952}"#, #""abc""#, true),
            (#"{"maxLength": 1e400}"#, #""abc""#, true),
            (#"{"minItems": 9223372036854775808}"#, "[1]", false),
            (#"{"maxItems": 9223372036854775808}"#, "[1]", true),
            (#"{"minProperties": 18446744073709551616}"#, #"{"a": 1}"#, false),
            (#"{"maxProperties": 18446744073709551616}"#, #"{"a": 1}"#, true),
            (#"{"contains": true, "minContains": 4611686018427387904}"#, "[1]", false),
            (#"{"contains": true, "maxContains": 4611686018427387904}"#, "[1]", true),
            (#"{"multipleOf": 1e-99999999999999999999}"#, "1", true),
            (#"{"multipleOf": 1e99999999999999999999}"#, "10", false),
            (#"{"multipleOf": 9223372036854775807}"#, "18446744073709551614", true),
            (#"{"maximum": 5}"#, "1e99999999999999999999", false),
            (#"{"minimum": 5}"#, "1e-99999999999999999999", false),
            (#"{"minimum": 1e400000000000000000}"#, "1e399999999999999999", false),
            (#"{"exclusiveMaximum": -1e400000000000000000}"#, "-1e400000000000000001", true),
            // Exponents beyond ±2^59 saturate: such numbers compare equal to one another.
            (#"{"minimum": 1e99999999999999999999}"#, "1e99999999999999999998", true),
        ])
    func hugeIntegers(schemaText: String, instance: String, valid: Bool) throws {
        let s = try schema(schemaText)
        #expect(s.isValid(try json(instance)) == valid)
        #expect(s.validate(try json(instance)).isValid == valid)
    }
}

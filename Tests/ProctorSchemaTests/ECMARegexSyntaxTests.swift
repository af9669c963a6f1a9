import ProctorJSON
import Testing

@testable import ProctorRegex
@testable import ProctorSchema

/// The `regex` format's syntax check follows ECMA-262 in Unicode mode, not Swift's engine.
@Suite("ECMA-262 regex syntax")
struct ECMARegexSyntaxTests {
    static let valid = [
        "", "a", "^abc$", "([abc])+\\s+$", "(?<name>x)", "(?<n>a)\\k<n>", "\\k<late>(?<late>a)",
        "(?<=a+)b", "(?<!x{2,})y", "(?=a)b", "(?!a)", "[]", "[^]", "\\cA", "\\cz", "a{2}", "a{2,}",
        "a{2,5}?", "a*?b+?c??", "\\u0041\\u{1F600}\\x41\\0", "\\uD83D\\uDE00", "[a-z\\d_-]", "[\\-]",
        "[\\b]", "\\bword\\B", "\\p{L}\\P{Lu}", "\\p{Script=Greek}", "[\\p{N}a-f]", "(a)|(b)\\2",
        "(?:x)", "(?i:abc)", "(?i-m:abc)", "(?-s:.)", "\\/\\.\\*", "[{}()|]", "a|", "|", "(|a)",
        "\\f\\n\\r\\t\\v", "[\\u0000-\\u{10FFFF}]", "^[A-Z]{3}-[0-9]{4}$", "é+",
    ]

    static let invalid = [
        "\\a", "(?P<name>x)", "(?P<n>a)(?P=n)", "(?#comment)a", "(?i)abc", "(?ims)abc", "^(abc]",
        "(", ")", "a)", "[a", "[z-a]", "[\\d-z]", "a**", "*a", "+", "?", "a{2,1}", "{", "}", "]",
        "a{", "x{2}{", "\\1", "(a)\\2", "\\k<none>(?<some>a)", "\\k", "(?<1a>x)", "(?<a>x)(?<a>y)",
        "(?=a)*", "(?!a){2}", "\\c1", "\\x4", "\\u12", "\\u{110000}", "\\p{NotAProperty}", "\\p",
        "\\p{L", "\\-", "\\01", "(?ii:a)", "(?:", "(?-:a)", "(?<=a", "\\", "\\e", "\\z", "\\Z",
        "\\A",
    ]

    @Test("accepts ECMA-262 patterns, lookbehind of any width included")
    func acceptsValid() {
        for pattern in Self.valid {
            #expect(ECMARegexSyntax.problem(in: pattern) == nil, "/\(pattern)/ should be valid")
        }
    }

    @Test("rejects what ECMA-262 in Unicode mode does not allow, saying why")
    func rejectsInvalid() {
        for pattern in Self.invalid {
            let problem = ECMARegexSyntax.problem(in: pattern)
            #expect(problem != nil, "/\(pattern)/ should be invalid")
            #expect(problem?.isEmpty == false)
        }
    }

    @Test("the regex format asserts the ECMA-262 syntax")
    func formatUsesSyntax() throws {
        let schema = try JSONSchema(
            .object(JSONObject([("format", .string("regex"))])), options: SchemaOptions(assertFormat: true))
        #expect(schema.isValid(.string("(?<=a+)b")))
        #expect(!schema.isValid(.string("(?i)abc")))
        #expect(!schema.isValid(.string("\\a")))
    }
}

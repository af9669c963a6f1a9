import Foundation
import ProctorJSON
import Testing

@testable import ProctorRegex
@testable import ProctorSchema

/// The matching engines behind `ECMARegex`: automata for patterns without backreferences or
/// lookarounds (linear time), a budgeted backtracker for the others.
@Suite("Regex engines")
struct RegexEngineTests {
    static let manyA = String(repeating: "a", count: 10_000)

    /// Patterns that take exponential time on a backtracking engine (Swift's `Regex` among them).
    /// Each must answer correctly; on a backtracking engine most of these would not finish.
    static let catastrophic: [(pattern: String, input: String, expected: Bool)] = [
        ("^(a+)+$", manyA + "!", false),
        ("^(a+)+$", String(repeating: "a", count: 40) + "!", false),
        ("^(a+)+$", manyA, true),
        ("^(a|aa)+$", manyA + "b", false),
        ("^(a|a?)+$", manyA + "b", false),
        ("(a*)*b", manyA, false),
        ("(x+x+)+y", String(repeating: "x", count: 5_000), false),
        ("^(\\w+\\s?)*$", String(repeating: "word ", count: 2_000) + "!", false),
        ("^(.*a){20}$", String(repeating: "a", count: 2_000) + "b", false),
        ("^(a?){30}a{30}$", String(repeating: "a", count: 30), true),
        ("^([a-z0-9]+[-_.]?)+@example\\.com$", String(repeating: "a", count: 5_000) + "@example.co", false),
        ("(\\d+)*\\.", String(repeating: "1", count: 10_000), false),
    ]

    @Test("catastrophic patterns answer correctly on long inputs, in linear time", arguments: catastrophic)
    func catastrophicPatterns(pattern: String, input: String, expected: Bool) throws {
        let regex = try ECMARegex(pattern)
        #expect(regex.isLinear)
        #expect(try regex.matches(input) == expected)
        // The general automaton agrees with the DFA.
        #expect(try Engines.pike(pattern, input) == expected)
    }

    @Test("a pattern keyword with a catastrophic pattern rejects a 10,000-character string")
    func catastrophicSchema() throws {
        let schema = try JSONSchema(try JSONParser().parse(#"{"pattern": "^(a+)+$"}"#))
        #expect(!schema.isValid(.string(Self.manyA + "!")))
        #expect(schema.isValid(.string(Self.manyA)))
        let result = schema.validate(.string(Self.manyA + "!"))
        #expect(result.evaluationError == nil)
        #expect(result.errors.map(\.keywordLocation) == ["/pattern"])
        let properties = try JSONSchema(
            try JSONParser().parse(#"{"patternProperties": {"^(a|aa)+$": false}}"#))
        #expect(properties.isValid(.object(JSONObject([(Self.manyA + "b", .null)]))))
        #expect(!properties.isValid(.object(JSONObject([(Self.manyA, .null)]))))
    }

    /// ECMA-262 answers, including where Swift's regex engine (the old translation) differed.
    static let semantics: [(pattern: String, input: String, expected: Bool)] = [
        // `.` is anything but LF, CR, U+2028 and U+2029 (Swift also excluded VT, FF and U+0085).
        ("^.$", "\u{0B}", true), ("^.$", "\u{0C}", true), ("^.$", "\u{85}", true), ("^.$", "\n", false),
        ("^.$", "\r", false), ("^.$", "\u{2028}", false), ("^.$", "😀", true), ("^.$", "e\u{301}", false),
        // `\s` is WhiteSpace and LineTerminator: U+FEFF yes, U+0085 (Unicode White_Space) no.
        ("^\\s$", "\u{FEFF}", true), ("^\\s$", "\u{A0}", true), ("^\\s$", "\u{3000}", true),
        ("^\\s$", "\u{85}", false), ("^\\S$", "\u{85}", true), ("^[\\s]$", "\u{85}", false),
        ("^\\s$", "\u{180E}", false),
        // `\d`, `\w`, `\b` are ASCII, also inside classes and negated.
        ("^\\w$", "é", false), ("^[\\W]$", "é", true), ("^[\\D]$", "৪", true), ("^\\d$", "৪", false),
        ("a\\b", "aé", true), ("a\\B", "aé", false), ("\\b", "é", false), ("^\\B$", "", true),
        ("\\bfoo\\b", "a foo.", true), ("\\bfoo\\b", "afoo", false),
        // `$` is the end of the input only; `^` its start.
        ("^abc$", "abc\n", false), ("abc$", "abc\r\n", false), ("^a", "b\na", false), ("$a", "a", false),
        // Escapes and classes.
        ("^\\cJ$", "\n", true), ("^\\u{1F600}$", "😀", true), ("^\\uD83D\\uDE00$", "😀", true),
        ("^\\x41\\0$", "A\u{0}", true), ("[^]", "\n", true), ("[]", "", false), ("[]", "a", false),
        ("^[\\b]$", "\u{8}", true), ("^[&&~[]+$", "&~[", true), ("^[a-]$", "-", true),
        // Unicode properties: General_Category as ranges, scripts through Swift's tables.
        ("^\\p{L}+$", "héllo", true), ("^\\p{Lu}$", "É", true), ("^\\p{Lu}$", "é", false),
        ("^\\P{L}$", "1", true), ("^[^\\p{L}]$", "é", false), ("^\\p{digit}+$", "৪২", true),
        ("^\\p{Nd}+$", "42", true), ("^\\p{gc=Lu}$", "A", true), ("^\\p{General_Category=Ll}$", "a", true),
        ("^\\p{Script=Greek}+$", "αβγ", true), ("^\\p{sc=Grek}$", "a", false), ("^\\p{Greek}$", "α", true),
        ("^\\p{Any}$", "😀", true), ("^\\p{ASCII}+$", "abc", true), ("^\\p{ASCII}$", "é", false),
        ("^\\p{Assigned}$", "a", true), ("^\\p{Assigned}$", "\u{378}", false),
        // Lenient forms (ECMA-262 Annex B), which the old translation accepted too.
        ("a{", "a{", true), ("^a}$", "a}", true), ("^]$", "]", true), ("^\\-$", "-", true),
        ("^[\\d-z]+$", "1-z", true), ("^[\\d-z]$", "y", false), ("^x{1,2$", "x{1,2", true),
        // Greedy, lazy, counted, empty loops.
        ("^a{2,3}$", "aaaa", false), ("^a{2,3}$", "aa", true), ("^a{0}$", "", true), ("^(a*)*$", "aaa", true),
        ("^(a*)+b$", "aab", true), ("^(?:a|ab)(?:c|bcd)d$", "abcd", true), ("a*?", "b", true),
        ("^(|a)+$", "aa", true),
    ]

    @Test("ECMA-262 semantics", arguments: semantics)
    func ecmaSemantics(pattern: String, input: String, expected: Bool) throws {
        #expect(try ECMARegex(pattern).matches(input) == expected)
        #expect(try Engines.pike(pattern, input) == expected)
        #expect(try Engines.backtrack(pattern, input) == expected)
    }

    /// Backreferences and lookarounds, on the backtracking engine. The expected answers are
    /// JavaScript's (several from ECMA-262's own examples).
    static let backtracking: [(pattern: String, input: String, expected: Bool)] = [
        ("^(\\w+)\\s\\1$", "hello hello", true), ("^(\\w+)\\s\\1$", "hello world", false),
        ("^(?<word>\\w+) \\k<word>$", "ab ab", true), ("(?=(a+))a*b\\1", "baaabac", true),
        ("(.*?)a(?!(a+)b\\2c)\\2(.*)", "baaabaac", true), ("(?<=(\\d+)(\\d+))$", "1053", true),
        ("(?<=\\$)\\d+", "$42", true), ("(?<=\\$)\\d+", "42", false), ("(?<!\\$)\\b\\d+", "$42", false),
        ("(?<!\\$)\\b\\d+", "x 42", true), ("(?<=\\1(a))b", "aab", true), ("(?<=\\1(a))b", "ab", false),
        ("^(?:(a)|b)+\\1$", "ab", true), ("^(?=.*[A-Z])(?=.*\\d).{8,}$", "passWord1", true),
        ("^(?=.*[A-Z])(?=.*\\d).{8,}$", "password1", false), ("^(?!.*\\s$).+$", "trailing ", false),
        ("\\1(a)", "a", true), ("^(a)?\\1b$", "b", true), ("(?=a)", "", false), ("(?!a)", "", true),
        ("^(?:(?=(\\w))\\1)+$", "abc", true), ("(a)|\\1b", "b", true),
    ]

    @Test("backreferences and lookarounds", arguments: backtracking)
    func backtrackingSemantics(pattern: String, input: String, expected: Bool) throws {
        let regex = try ECMARegex(pattern)
        #expect(!regex.isLinear)
        #expect(try regex.matches(input) == expected)
    }

    @Test("a backtracking match past its step budget throws instead of running on")
    func stepBudget() throws {
        let regex = try ECMARegex("^(?=(a+)+b)", stepLimit: 100_000)
        let input = String(repeating: "a", count: 40)
        #expect(throws: RegexMatchLimitExceeded(pattern: "^(?=(a+)+b)", steps: 100_000)) {
            try regex.matches(input)
        }
        #expect(try regex.matches("aab"))
        let error = RegexMatchLimitExceeded(pattern: "(a)\\1", steps: 10)
        #expect(error.description.contains("/(a)\\1/ is too expensive to match"))
        // With the default budget the same search gives up too, in well under a second.
        #expect(throws: RegexMatchLimitExceeded.self) { try ECMARegex("^(?=(a+)+b)").matches(input) }
    }

    @Test("a schema pattern past its step budget stops validation, naming the keyword and the pattern")
    func schemaPatternBudget() throws {
        let schema = try JSONSchema(
            try JSONParser().parse(#"{"properties": {"a": {"pattern": "(?=(x+)+y)"}}}"#))
        let instance = JSONValue.object(JSONObject([("a", .string(String(repeating: "x", count: 40)))]))
        #expect(!schema.isValid(instance))
        let error = try #require(schema.validate(instance).evaluationError)
        #expect(error.reason == .patternLimit)
        #expect(error.absoluteKeywordLocation == "urn:proctor:schema#/properties/a/pattern")
        #expect(error.message.hasPrefix("pattern /(?=(x+)+y)/ is too expensive to match"))
        #expect(throws: error) { try schema.check(instance) }
        let keys = try JSONSchema(try JSONParser().parse(#"{"patternProperties": {"(?=(x+)+y)": true}}"#))
        let keyError = try #require(
            keys.validate(.object(JSONObject([(String(repeating: "x", count: 40), .null)]))).evaluationError)
        #expect(keyError.absoluteKeywordLocation == "urn:proctor:schema#/patternProperties/(?=(x+)+y)")
        #expect(keyError.message.hasPrefix("patternProperties /(?=(x+)+y)/ is too expensive to match"))
    }

    @Test("engines: literals, DFA, automaton for properties Swift resolves, backtracking")
    func engineChoice() throws {
        func name(_ pattern: String) throws -> String {
            switch try ECMARegex(pattern).engine {
            case .literal: return "literal"
            case .dfa: return "dfa"
            case .automaton: return "automaton"
            case .backtracking: return "backtracking"
            }
        }
        #expect(try name("^evt_") == "literal")
        #expect(try name("^[a-z0-9_]+$") == "dfa")
        #expect(try name("^\\p{L}+$") == "dfa")
        #expect(try name("\\bword\\b") == "automaton")
        #expect(try name("^\\p{Script=Greek}+$") == "automaton")
        #expect(try name("(a|b)*a(a|b){14}") == "automaton")
        #expect(try name("(a)\\1") == "backtracking")
        #expect(try name("(?<=a)b") == "backtracking")
    }

    @Test("long counted repetitions run on the automaton")
    func countedRepetition() throws {
        let regex = try ECMARegex("^[a-z]{0,20000}$")
        #expect(regex.isLinear)
        #expect(try regex.matches(String(repeating: "q", count: 20_000)))
        #expect(try !regex.matches(String(repeating: "q", count: 20_001)))
        let nested = try ECMARegex(
            String(repeating: "(", count: 200) + "a" + String(repeating: ")", count: 200))
        #expect(try nested.matches("xa"))
    }

    @Test("patterns the engines do not run are refused with a reason")
    func refused() {
        #expect(throws: RegexSyntaxError.self) { try ECMARegex("(?i:abc)") }
        #expect(throws: RegexSyntaxError.self) { try ECMARegex("(?i)abc") }
        #expect(throws: RegexSyntaxError.self) { try ECMARegex("\\a") }
        #expect(throws: RegexSyntaxError.self) { try ECMARegex("\\01") }
        #expect(throws: RegexSyntaxError.self) { try ECMARegex("(") }
        #expect(throws: RegexSyntaxError.self) { try ECMARegex("x{2,1}") }
        let deep = String(repeating: "(", count: 300) + "a" + String(repeating: ")", count: 300)
        #expect(throws: RegexSyntaxError.self) { try ECMARegex(deep) }
        #expect(ECMARegexSyntax.problem(in: deep)?.hasPrefix("groups nested more than 256 deep") == true)
        let large = "^(?:(?:a{1000}){1000})$"
        #expect(
            throws: RegexSyntaxError(
                pattern: large,
                reason: "too large: its counted repetitions expand to more than 50000 instructions")
        ) {
            try ECMARegex(large)
        }
    }
}

/// The engines run directly, bypassing the choice `ECMARegex` makes.
struct Engines {
    struct NotForThisEngine: Error {}

    let program: RegexProgram?
    let dfa: RegexDFA?
    let backtracking: BacktrackingProgram

    init(_ pattern: String) throws {
        let tree: (node: RegexNode, groups: Int)
        do {
            tree = try ECMARegexSyntax.parse(pattern)
        } catch {
            tree = try ECMARegexSyntax.parse(pattern, lenient: true)
        }
        program = tree.node.needsBacktracking ? nil : try RegexProgram(tree.node)
        dfa = program.flatMap(RegexDFA.init)
        backtracking = try BacktrackingProgram(tree.node, groups: tree.groups)
    }

    func pike(_ input: String) throws -> Bool {
        guard let program else { throw NotForThisEngine() }
        return Array(input.unicodeScalars.map(\.value)).withUnsafeBufferPointer {
            PikeVM.matches(program, $0)
        }
    }

    func backtrack(_ input: String) throws -> Bool {
        try Array(input.unicodeScalars.map(\.value)).withUnsafeBufferPointer { buffer in
            var backtracker = Backtracker(backtracking, buffer, limit: 10_000_000)
            return try backtracker.search()
        }
    }

    static func pike(_ pattern: String, _ input: String) throws -> Bool { try Engines(pattern).pike(input) }
    static func backtrack(_ pattern: String, _ input: String) throws -> Bool {
        try Engines(pattern).backtrack(input)
    }
}

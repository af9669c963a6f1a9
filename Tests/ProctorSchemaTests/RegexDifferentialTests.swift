import Foundation
import ProctorJSON
import Testing

@testable import ProctorRegex
@testable import ProctorSchema

/// The engines against the old translation run by Swift's `Regex` (``LegacyRegexTranslation``),
/// on the patterns of the JSON Schema Test Suite and of the schemas in `Schemas/`, and on
/// generated ones. The automaton (DFA and Pike VM) and the backtracker must also agree with each
/// other everywhere.
///
/// Where the old translation departed from ECMA-262 the new engines follow ECMA-262, and those
/// inputs are left out of the comparison (``RegexEngineTests/semantics`` pins the ECMA answers):
/// `.` on VT, FF and U+0085, `\s` on U+0085, `\b`/`\B` and class escapes (`[\W]`, `[\D]`,
/// `[\S]`) next to non-ASCII characters, which Swift read with Unicode rules.
@Suite("Regex engines against Swift's Regex")
struct RegexDifferentialTests {
    struct Tally {
        var compared = 0
        var disagreements: [String] = []
    }

    /// Compares every engine with the old translation on `inputs`.
    static func compare(_ pattern: String, _ inputs: [String], _ tally: inout Tally) throws {
        guard let legacy = LegacyRegexTranslation.regex(pattern), let regex = try? ECMARegex(pattern) else {
            return
        }
        let engines = try Engines(pattern)
        let unicodeRules = ["\\b", "\\B", "\\W", "\\D", "\\S"].contains { pattern.contains($0) }
        for input in inputs {
            if input.unicodeScalars.contains(where: { [0x0B, 0x0C, 0x85].contains($0.value) }) { continue }
            if unicodeRules && !input.unicodeScalars.allSatisfy(\.isASCII) { continue }
            let expected = (try? legacy.firstMatch(in: input)) != nil
            var answers = [("ECMARegex", try regex.matches(input))]
            if engines.program != nil { answers.append(("PikeVM", try engines.pike(input))) }
            if let dfa = engines.dfa { answers.append(("RegexDFA", dfa.matches(input))) }
            answers.append(("Backtracker", try engines.backtrack(input)))
            tally.compared += 1
            for (engine, answer) in answers where answer != expected {
                tally.disagreements.append(
                    "\(engine) /\(pattern)/ on \(input.debugDescription): \(answer), Swift's Regex \(expected)"
                )
            }
        }
    }

    /// Patterns (`pattern` values and `patternProperties` keys) and strings of a JSON document.
    static func collect(_ value: JSONValue, patterns: inout Set<String>, strings: inout Set<String>) {
        switch value {
        case .string(let text):
            strings.insert(text)
        case .array(let items):
            for item in items { collect(item, patterns: &patterns, strings: &strings) }
        case .object(let object):
            for (key, member) in object {
                strings.insert(key)
                if key == "pattern", case .string(let pattern) = member { patterns.insert(pattern) }
                if key == "patternProperties", case .object(let map) = member {
                    for name in map.keys { patterns.insert(name) }
                }
                collect(member, patterns: &patterns, strings: &strings)
            }
        default:
            return
        }
    }

    /// Strings over the pattern's own characters and a few others, deterministic.
    static func inputs(for pattern: String, extra: Set<String>, seed: UInt64) -> [String] {
        var alphabet = Array(
            Set(pattern.unicodeScalars.filter { !"\\^$*+?()[]{}|".unicodeScalars.contains($0) }))
        alphabet += Array("aZ09_-. é😀\n\t%@/:".unicodeScalars)
        alphabet.sort { $0.value < $1.value }
        var generator = Generator(state: seed)
        var result = Array(extra)
        result.append("")
        for _ in 0..<60 {
            var text = ""
            for _ in 0..<generator.next(10) {
                text.unicodeScalars.append(alphabet[generator.next(alphabet.count)])
            }
            result.append(text)
        }
        return result
    }

    @Test("the suite's and the repository's patterns agree with Swift's Regex")
    func corpus() throws {
        try ConformanceSuite.requireSuite()
        var patterns = Set<String>()
        var strings = Set<String>()
        let suite = ConformanceSuite.root + "/tests/draft2020-12"
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent()
            .deletingLastPathComponent().path
        var files: [String] = []
        for folder in [suite, repository + "/Schemas"] {
            let enumerator = FileManager.default.enumerator(atPath: folder)
            while let name = enumerator?.nextObject() as? String {
                if name.hasSuffix(".json") { files.append(folder + "/" + name) }
            }
        }
        for file in files {
            let document = try JSONParser().parse(try Data(contentsOf: URL(fileURLWithPath: file)))
            Self.collect(document, patterns: &patterns, strings: &strings)
        }
        #expect(patterns.count >= 40)
        // Up to 400 of the documents' short strings (test data, property names) besides generated ones.
        let short = strings.filter { $0.unicodeScalars.count <= 30 }.sorted()
        let step = max(1, short.count / 400)
        let samples = Set(stride(from: 0, to: short.count, by: step).map { short[$0] })
        var tally = Tally()
        for (index, pattern) in patterns.sorted().enumerated() {
            try Self.compare(pattern, Self.inputs(for: pattern, extra: samples, seed: UInt64(index)), &tally)
        }
        #expect(tally.compared > 10_000)
        #expect(tally.disagreements.isEmpty, "\(tally.disagreements.prefix(20).joined(separator: "\n"))")
    }

    static let atoms = [
        "a", "b", "\\d", "\\w", "\\s", ".", "[a-c]", "[^a]", "[0-9_]", "-", "\\.", "[\\d.]", "é", "\\p{L}",
        "(a|b)", "(?:ab|a)", "(a*)", "(?:b+|)", "[^\\s]", "\\u{1F600}", "[é-ü]",
    ]
    static let quantifiers = ["", "", "", "*", "+", "?", "{2}", "{1,3}", "{0,}", "*?", "+?", "??", "{0,2}?"]
    static let alphabet: [Character] = ["a", "b", "c", "1", "9", "_", ".", "-", "é", "\n", "Z", " ", "😀"]

    @Test("generated patterns agree with Swift's Regex, and the engines with each other")
    func generated() throws {
        var generator = Generator(state: 42)
        var tally = Tally()
        for _ in 0..<1_500 {
            var alternatives: [String] = []
            for _ in 0..<(1 + generator.next(2)) {
                var sequence = ""
                for _ in 0..<(1 + generator.next(4)) {
                    var atom = Self.atoms[generator.next(Self.atoms.count)]
                    if generator.next(6) == 0 {
                        atom = "(" + atom + Self.atoms[generator.next(Self.atoms.count)] + ")"
                    }
                    sequence += atom + Self.quantifiers[generator.next(Self.quantifiers.count)]
                }
                alternatives.append(sequence)
            }
            var pattern = alternatives.joined(separator: "|")
            if generator.next(2) == 0 { pattern = "^(?:" + pattern + ")" }
            if generator.next(2) == 0 { pattern += "$" }
            var inputs: [String] = []
            for _ in 0..<16 {
                var text = ""
                for _ in 0..<generator.next(9) {
                    text.append(Self.alphabet[generator.next(Self.alphabet.count)])
                }
                inputs.append(text)
            }
            try Self.compare(pattern, inputs, &tally)
        }
        #expect(tally.compared > 20_000)
        #expect(tally.disagreements.isEmpty, "\(tally.disagreements.prefix(20).joined(separator: "\n"))")
    }

    @Test("lookaheads and backreferences agree with Swift's Regex")
    func backtracking() throws {
        let patterns = [
            "^(?=.*\\d)(?=.*[a-z]).{4,}$", "^(?!.*--)[a-z-]+$", "(\\w)\\1", "^(a+)b\\1$",
            "^(?<x>[ab])\\k<x>*$",
            "(?=(a+))a*b\\1", "(a|b)(?!\\1)", "^(\\d)(?:(?!\\1)\\d)*$", "x(?=y|z)",
        ]
        var generator = Generator(state: 7)
        var tally = Tally()
        for pattern in patterns {
            var inputs: [String] = []
            for _ in 0..<200 {
                var text = ""
                for _ in 0..<generator.next(9) {
                    text.append(Array("ab1-xyz2 é")[generator.next(10)])
                }
                inputs.append(text)
            }
            try Self.compare(pattern, inputs, &tally)
        }
        #expect(tally.compared > 1_500)
        #expect(tally.disagreements.isEmpty, "\(tally.disagreements.prefix(20).joined(separator: "\n"))")
    }
}

/// A small deterministic generator (64-bit LCG), so failures reproduce.
struct Generator {
    var state: UInt64

    mutating func next(_ bound: Int) -> Int {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Int((state >> 33) % UInt64(bound))
    }
}

import Testing

@testable import ProctorSchema

/// The dedicated matcher for simple patterns must agree with the general regex engine.
@Suite("Simple pattern matcher")
struct SimplePatternTests {
    /// A small deterministic generator (64-bit LCG), so failures reproduce.
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    static let atoms = ["a", "b", "\\d", "\\w", ".", "[a-c]", "[^a]", "[0-9_]", "-", "\\.", "[\\d.]", "é"]
    static let quantifiers = ["", "", "*", "+", "?", "{2}", "{1,3}", "{0,}"]
    static let alphabet: [Character] = ["a", "b", "c", "1", "9", "_", ".", "-", "é", "\n", "Z"]

    @Test("agrees with the general engine on generated patterns and strings")
    func agreement() throws {
        var generator = Generator(state: 42)
        var compared = 0
        for _ in 0..<400 {
            var pattern = generator.next(2) == 0 ? "^" : ""
            for _ in 0..<(1 + generator.next(4)) {
                pattern +=
                    Self.atoms[generator.next(Self.atoms.count)]
                    + Self.quantifiers[generator.next(Self.quantifiers.count)]
            }
            if generator.next(2) == 0 { pattern += "$" }
            let general = try Regex(try ECMARegex.translate(pattern)).matchingSemantics(.unicodeScalar)
            guard let simple = SimplePattern(pattern) else { continue }
            for _ in 0..<20 {
                var text = ""
                for _ in 0..<generator.next(7) {
                    text.append(Self.alphabet[generator.next(Self.alphabet.count)])
                }
                let expected = (try? general.firstMatch(in: text)) != nil
                #expect(simple.matches(text) == expected, "pattern /\(pattern)/ on \(text.debugDescription)")
                compared += 1
            }
        }
        #expect(compared > 4000)
    }

    @Test(
        "patterns outside the subset are left to the general engine",
        arguments: [
            "(a|b)", "a*?", "\\p{L}", "[[:alpha:]]", "a{2,1}", "\\s", "é+",
        ])
    func unsupported(pattern: String) {
        #expect(SimplePattern(pattern) == nil)
    }
}

/// A syntax check of ECMA-262 regular expressions with the `u` flag (the dialect JSON Schema's
/// `regex` format names), and the parser that gives the matching engines their ``RegexNode`` tree.
///
/// It follows the grammar of ECMA-262 §22.2.1 with the `[UnicodeMode]` parameter: identity
/// escapes only for syntax characters and `/`, no lone `{`, `}` or `]`, no quantified lookarounds,
/// backreferences and `\k<name>` must name an existing group, class ranges must be in order and
/// may not start or end at a class escape. Lookbehind of any width, named groups and the ES2025
/// modifier groups `(?ims-ims:...)` are accepted; inline flags such as `(?i)` and other engines'
/// extensions (`(?P<n>...)`, `(?#...)`, `\a`) are not.
public enum ECMARegexSyntax {
    /// Nil when `pattern` is a valid ECMA-262 pattern, otherwise why it is not.
    public static func problem(in pattern: String) -> String? {
        do {
            _ = try parse(pattern)
            return nil
        } catch {
            return error.reason
        }
    }

    /// True when `pattern` is a valid ECMA-262 pattern.
    public static func isValid(_ pattern: String) -> Bool { problem(in: pattern) == nil }

    /// The tree of `pattern` and its number of capturing groups.
    ///
    /// With `lenient`, three forms that Unicode mode forbids get their meaning from ECMA-262's
    /// Annex B (what browsers accept without the `u` flag), as schemas in the wild use them: a
    /// `{`, `}` or `]` that does not open or close anything is a literal, `\-` outside a class is
    /// `-`, and a class escape at the end of a class range (`[\d-z]`) makes the `-` a literal.
    static func parse(_ pattern: String, lenient: Bool = false) throws(Failure) -> (
        node: RegexNode, groups: Int
    ) {
        var parser = Parser(Array(pattern.unicodeScalars))
        parser.lenient = lenient
        let node = try parser.parsePattern()
        return (node, parser.groupCount)
    }

    struct Failure: Error {
        var reason: String
    }

    struct Parser {
        let s: [Unicode.Scalar]
        var i = 0
        /// Capturing groups and group names of the whole pattern (backreferences may point forward).
        let groupCount: Int
        let groupNumbers: [String: Int]
        /// Capturing groups opened so far.
        var openedGroups = 0
        /// Accept the Annex B forms described at ``ECMARegexSyntax/parse(_:lenient:)``.
        var lenient = false
        /// Groups and lookarounds open around the current position.
        var nesting = 0
        /// Deeper nesting is refused: the parser and the engines recurse on it.
        static let maximumNesting = 256

        init(_ scalars: [Unicode.Scalar]) {
            s = scalars
            (groupCount, groupNumbers) = Parser.scanGroups(scalars)
        }

        /// Counts capturing groups and numbers their names, skipping escapes and classes.
        static func scanGroups(_ s: [Unicode.Scalar]) -> (Int, [String: Int]) {
            var count = 0
            var names: [String: Int] = [:]
            var inClass = false
            var i = 0
            while i < s.count {
                let c = s[i]
                if c == "\\" {
                    i += 2
                    continue
                }
                if inClass {
                    if c == "]" { inClass = false }
                } else if c == "[" {
                    inClass = true
                } else if c == "(" {
                    if i + 1 < s.count, s[i + 1] == "?" {
                        if i + 2 < s.count, s[i + 2] == "<", i + 3 < s.count, s[i + 3] != "=", s[i + 3] != "!"
                        {
                            count += 1
                            var name = ""
                            var k = i + 3
                            while k < s.count, s[k] != ">" {
                                name.unicodeScalars.append(s[k])
                                k += 1
                            }
                            if names[name] == nil { names[name] = count }
                        }
                    } else {
                        count += 1
                    }
                }
                i += 1
            }
            return (count, names)
        }

        var atEnd: Bool { i >= s.count }
        var current: Unicode.Scalar? { i < s.count ? s[i] : nil }

        func peek(_ offset: Int) -> Unicode.Scalar? { i + offset < s.count ? s[i + offset] : nil }

        func fail(_ reason: String) -> Failure { Failure(reason: reason + " at offset \(i)") }

        mutating func parsePattern() throws(Failure) -> RegexNode {
            var names = Set<String>()
            let node = try parseDisjunction(names: &names)
            if !atEnd {
                // Only an unmatched ')' stops a disjunction early.
                throw fail("unmatched ')'")
            }
            return node
        }

        mutating func parseDisjunction(names: inout Set<String>) throws(Failure) -> RegexNode {
            var alternatives = [try parseAlternative(names: &names)]
            while current == "|" {
                i += 1
                alternatives.append(try parseAlternative(names: &names))
            }
            return alternatives.count == 1 ? alternatives[0] : .alternation(alternatives)
        }

        mutating func parseAlternative(names: inout Set<String>) throws(Failure) -> RegexNode {
            var terms: [RegexNode] = []
            while let c = current, c != "|", c != ")" {
                terms.append(try parseTerm(names: &names))
            }
            switch terms.count {
            case 0: return .empty
            case 1: return terms[0]
            default: return .sequence(terms)
            }
        }

        mutating func parseTerm(names: inout Set<String>) throws(Failure) -> RegexNode {
            guard let c = current else { return .empty }
            let atom: RegexNode
            switch c {
            case "^", "$":
                i += 1
                return .assertion(c == "^" ? .start : .end)
            case "\\" where peek(1) == "b" || peek(1) == "B":
                i += 2
                return .assertion(peek(-1) == "b" ? .wordBoundary : .notWordBoundary)
            case "(" where peek(1) == "?":
                let kind = peek(2)
                if kind == "=" || kind == "!" {
                    i += 3
                    let body = try parseGroupBody(names: &names)
                    // Lookaheads are not quantifiable in Unicode mode.
                    return .lookaround(body, behind: false, negated: kind == "!")
                }
                if kind == "<", peek(3) == "=" || peek(3) == "!" {
                    let negated = peek(3) == "!"
                    i += 4
                    let body = try parseGroupBody(names: &names)
                    return .lookaround(body, behind: true, negated: negated)
                }
                atom = try parseAtom(names: &names)
            case "*", "+", "?":
                throw fail("nothing to repeat before '\(c)'")
            case "{":
                if quantifierBounds() != nil { throw fail("nothing to repeat before '{'") }
                guard lenient else { throw fail("lone '{' (escape it as \\{)") }
                i += 1
                atom = .scalar(.scalar(c.value))
            default:
                atom = try parseAtom(names: &names)
            }
            return try parseQuantifier(atom)
        }

        /// `{n}`, `{n,}` or `{n,m}` at the current position: the bounds and the length.
        func quantifierBounds() -> (min: Int, max: Int?, length: Int)? {
            guard current == "{" else { return nil }
            var k = i + 1
            func digits() -> Int? {
                let start = k
                var value = 0
                while k < s.count, let d = s[k].asciiDigit {
                    value = min(value &* 10 &+ d, Int(Int32.max))
                    k += 1
                }
                return k > start ? value : nil
            }
            guard let low = digits() else { return nil }
            var high: Int? = low
            if k < s.count, s[k] == "," {
                k += 1
                high = digits()
            }
            guard k < s.count, s[k] == "}" else { return nil }
            return (low, high, k + 1 - i)
        }

        mutating func parseQuantifier(_ atom: RegexNode) throws(Failure) -> RegexNode {
            guard let c = current else { return atom }
            let low: Int
            let high: Int?
            switch c {
            case "*":
                (low, high) = (0, nil)
                i += 1
            case "+":
                (low, high) = (1, nil)
                i += 1
            case "?":
                (low, high) = (0, 1)
                i += 1
            case "{":
                guard let bounds = quantifierBounds() else {
                    if lenient { return atom }
                    throw fail("lone '{' (escape it as \\{)")
                }
                if let high = bounds.max, high < bounds.min {
                    throw fail("numbers out of order in {\(bounds.min),\(high)} quantifier")
                }
                (low, high) = (bounds.min, bounds.max)
                i += bounds.length
            default:
                return atom
            }
            var greedy = true
            if current == "?" {
                greedy = false
                i += 1
            }
            if let next = current, next == "*" || next == "+" || next == "?" {
                throw fail("nothing to repeat before '\(next)'")
            }
            if current == "{", quantifierBounds() != nil { throw fail("nothing to repeat before '{'") }
            return .repetition(atom, min: low, max: high, greedy: greedy)
        }

        mutating func parseGroupBody(names: inout Set<String>) throws(Failure) -> RegexNode {
            nesting += 1
            defer { nesting -= 1 }
            guard nesting <= Self.maximumNesting else {
                throw fail("groups nested more than \(Self.maximumNesting) deep")
            }
            let body = try parseDisjunction(names: &names)
            guard current == ")" else { throw fail("missing ')'") }
            i += 1
            return body
        }

        mutating func parseAtom(names: inout Set<String>) throws(Failure) -> RegexNode {
            guard let c = current else { return .empty }
            switch c {
            case ".":
                i += 1
                return .scalar(.dot)
            case "\\":
                i += 1
                return try parseAtomEscape()
            case "[":
                return .scalar(try parseClass())
            case "(":
                i += 1
                var index: Int?
                var flags: String?
                if current == "?" {
                    i += 1
                    switch current {
                    case ":":
                        i += 1
                    case "<":
                        i += 1
                        let name = try parseGroupName()
                        if names.contains(name) { throw fail("duplicate group name '\(name)'") }
                        names.insert(name)
                        openedGroups += 1
                        index = openedGroups
                    default:
                        flags = try parseModifiers()
                    }
                } else {
                    openedGroups += 1
                    index = openedGroups
                }
                let body = try parseGroupBody(names: &names)
                if let flags { return .modified(body, flags: flags) }
                return .group(body, index: index)
            case ")":
                throw fail("unmatched ')'")
            case "]", "}":
                guard lenient else { throw fail("lone '\(c)' (escape it as \\\(c))") }
                i += 1
                return .scalar(.scalar(c.value))
            default:
                i += 1
                return .scalar(.scalar(c.value))
            }
        }

        /// ES2025 modifiers: `(?ims-ims:` with each flag at most once and at least one flag.
        mutating func parseModifiers() throws(Failure) -> String {
            var seen = Set<Unicode.Scalar>()
            var any = false
            var removing = false
            var text = ""
            while let c = current, c != ":" {
                if c == "-", !removing {
                    removing = true
                    text += "-"
                    i += 1
                    continue
                }
                guard c == "i" || c == "m" || c == "s" else {
                    throw fail(c == ")" ? "inline flags (?...) are not ECMA-262" : "invalid group '(?\(c)'")
                }
                guard !seen.contains(c) else { throw fail("repeated flag '\(c)' in modifier group") }
                seen.insert(c)
                any = true
                text.unicodeScalars.append(c)
                i += 1
            }
            guard current == ":" else { throw fail("unterminated group modifiers") }
            guard any else { throw fail("empty modifier group") }
            i += 1
            return text
        }

        mutating func parseGroupName() throws(Failure) -> String {
            var name = ""
            guard let first = current, Self.isIdentifierStart(first) else {
                throw fail("invalid group name")
            }
            while let c = current, c != ">" {
                guard name.isEmpty ? Self.isIdentifierStart(c) : Self.isIdentifierPart(c) else {
                    throw fail("invalid character in group name")
                }
                name.unicodeScalars.append(c)
                i += 1
            }
            guard current == ">" else { throw fail("unterminated group name") }
            i += 1
            return name
        }

        static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
            c == "$" || c == "_" || c.properties.isIDStart
        }

        static func isIdentifierPart(_ c: Unicode.Scalar) -> Bool {
            c == "$" || c == "\u{200C}" || c == "\u{200D}" || c.properties.isIDContinue
        }

        /// After `\` outside a class.
        mutating func parseAtomEscape() throws(Failure) -> RegexNode {
            guard let c = current else { throw fail("trailing backslash") }
            if let digit = c.asciiDigit, digit > 0 {
                var value = 0
                while let d = current?.asciiDigit {
                    value = min(value * 10 + d, Int(Int32.max))
                    i += 1
                }
                if value > groupCount {
                    throw fail("backreference \\\(value) to a group that does not exist")
                }
                return .backreference(value)
            }
            if c == "k" {
                i += 1
                guard current == "<" else { throw fail("\\k must be followed by <name>") }
                i += 1
                let name = try parseGroupName()
                guard let number = groupNumbers[name] else { throw fail("\\k<\(name)> names no group") }
                return .backreference(number)
            }
            if let set = try parseClassEscapeSet() { return .scalar(set) }
            return .scalar(.scalar(try parseCharacterEscape(inClass: false)))
        }

        /// `d D s S w W p{...} P{...}` at the current position (after `\`); nil when it is not one.
        mutating func parseClassEscapeSet() throws(Failure) -> ScalarSet? {
            guard let c = current else { return nil }
            switch c {
            case "d", "D", "s", "S", "w", "W":
                i += 1
                let set: ScalarSet = c == "d" || c == "D" ? .digits : c == "s" || c == "S" ? .space : .word
                return c.properties.isUppercase ? set.complemented() : set
            case "p", "P":
                i += 1
                guard current == "{" else { throw fail("\\\(c) must be followed by {property}") }
                i += 1
                var body = ""
                while let k = current, k != "}" {
                    body.unicodeScalars.append(k)
                    i += 1
                }
                guard current == "}" else { throw fail("unterminated \\\(c){...}") }
                i += 1
                guard Self.isPropertyExpression(body), let set = ScalarSet.property(body, negated: c == "P")
                else {
                    throw fail("unknown Unicode property '\(body)'")
                }
                return set
            default:
                return nil
            }
        }

        /// `Name` or `Name=Value`, each of ASCII letters, digits and `_`, that Swift's engine knows.
        static func isPropertyExpression(_ body: String) -> Bool {
            let parts = body.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count == 1 || parts.count == 2 else { return false }
            for part in parts {
                guard !part.isEmpty,
                    part.unicodeScalars.allSatisfy({
                        $0.isASCII && ($0.properties.isAlphabetic || $0.asciiDigit != nil || $0 == "_")
                    })
                else { return false }
            }
            return (try? Regex("\\p{" + body + "}")) != nil
        }

        /// A CharacterEscape (after `\`); returns its code point.
        mutating func parseCharacterEscape(inClass: Bool) throws(Failure) -> UInt32 {
            guard let c = current else { throw fail("trailing backslash") }
            i += 1
            switch c {
            case "f": return 0x0C
            case "n": return 0x0A
            case "r": return 0x0D
            case "t": return 0x09
            case "v": return 0x0B
            case "c":
                guard let letter = current, letter.isASCII, letter.properties.isAlphabetic else {
                    throw fail("\\c must be followed by an ASCII letter")
                }
                i += 1
                return letter.value % 32
            case "0":
                if current?.asciiDigit != nil { throw fail("octal escapes are not allowed") }
                return 0
            case "x":
                guard let value = hex(count: 2) else { throw fail("\\x must be followed by two hex digits") }
                return value
            case "u":
                return try parseUnicodeEscape()
            case "^", "$", "\\", ".", "*", "+", "?", "(", ")", "[", "]", "{", "}", "|", "/":
                return c.value
            case "-" where inClass || lenient:
                return c.value
            default:
                throw fail("invalid escape \\\(c)")
            }
        }

        mutating func hex(count: Int) -> UInt32? {
            guard i + count <= s.count else { return nil }
            var value: UInt32 = 0
            for k in 0..<count {
                guard let d = s[i + k].hexDigit else { return nil }
                value = value * 16 + d
            }
            i += count
            return value
        }

        /// After `\u`: `XXXX` (a surrogate pair of two escapes counts as one) or `{X...}`.
        mutating func parseUnicodeEscape() throws(Failure) -> UInt32 {
            if current == "{" {
                i += 1
                var value: UInt32 = 0
                var digits = 0
                while let d = current?.hexDigit {
                    value = min(value * 16 + d, 0x110000)
                    digits += 1
                    i += 1
                }
                guard digits > 0, current == "}", value <= 0x10FFFF else {
                    throw fail("invalid \\u{...} escape")
                }
                i += 1
                return value
            }
            guard let value = hex(count: 4) else { throw fail("\\u must be followed by four hex digits") }
            if (0xD800...0xDBFF).contains(value), current == "\\", peek(1) == "u" {
                let save = i
                i += 2
                if let low = hex(count: 4), (0xDC00...0xDFFF).contains(low) {
                    return 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                }
                i = save
            }
            return value
        }

        /// One class atom: a code point, or the set of a class escape (`\d`, `\p{...}`).
        enum ClassAtom {
            case scalar(UInt32)
            case set(ScalarSet)
        }

        mutating func parseClassAtom() throws(Failure) -> ClassAtom {
            guard let c = current else { throw fail("unterminated character class") }
            guard c == "\\" else {
                i += 1
                return .scalar(c.value)
            }
            i += 1
            if current == "b" {
                i += 1
                return .scalar(0x08)
            }
            if let set = try parseClassEscapeSet() { return .set(set) }
            return .scalar(try parseCharacterEscape(inClass: true))
        }

        mutating func parseClass() throws(Failure) -> ScalarSet {
            i += 1  // [
            var negated = false
            if current == "^" {
                negated = true
                i += 1
            }
            var ranges: [ClosedRange<UInt32>] = []
            var sets: [ScalarSet] = []
            while true {
                guard let c = current else { throw fail("unterminated character class") }
                if c == "]" {
                    i += 1
                    break
                }
                let low = try parseClassAtom()
                guard current == "-", let next = peek(1), next != "]" else {
                    switch low {
                    case .scalar(let value): ranges.append(value...value)
                    case .set(let set): sets.append(set)
                    }
                    continue
                }
                i += 1  // -
                let high = try parseClassAtom()
                guard case .scalar(let from) = low, case .scalar(let to) = high else {
                    guard lenient else { throw fail("a class escape cannot bound a range") }
                    for atom in [low, .scalar(0x2D), high] {
                        switch atom {
                        case .scalar(let value): ranges.append(value...value)
                        case .set(let set): sets.append(set)
                        }
                    }
                    continue
                }
                if from > to { throw fail("range out of order in character class") }
                ranges.append(from...to)
            }
            var set = ScalarSet(ranges: ranges)
            for other in sets { set = set.union(other) }
            return negated ? set.complemented() : set
        }
    }
}

extension Unicode.Scalar {
    fileprivate var asciiDigit: Int? {
        (0x30...0x39).contains(value) ? Int(value - 0x30) : nil
    }

    fileprivate var hexDigit: UInt32? {
        switch value {
        case 0x30...0x39: return value - 0x30
        case 0x41...0x46: return value - 0x41 + 10
        case 0x61...0x66: return value - 0x61 + 10
        default: return nil
        }
    }
}

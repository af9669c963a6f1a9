/// A syntax check of ECMA-262 regular expressions with the `u` flag (the dialect JSON Schema's
/// `regex` format names), independent of what Swift's regex engine can run.
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
        var parser = Parser(Array(pattern.unicodeScalars))
        do {
            try parser.parsePattern()
            return nil
        } catch {
            return error.reason
        }
    }

    /// True when `pattern` is a valid ECMA-262 pattern.
    public static func isValid(_ pattern: String) -> Bool { problem(in: pattern) == nil }

    struct Failure: Error {
        var reason: String
    }

    struct Parser {
        let s: [Unicode.Scalar]
        var i = 0
        /// Capturing groups and group names of the whole pattern (backreferences may point forward).
        let groupCount: Int
        let groupNames: Set<String>

        init(_ scalars: [Unicode.Scalar]) {
            s = scalars
            (groupCount, groupNames) = Parser.scanGroups(scalars)
        }

        /// Counts capturing groups and collects their names, skipping escapes and classes.
        static func scanGroups(_ s: [Unicode.Scalar]) -> (Int, Set<String>) {
            var count = 0
            var names = Set<String>()
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
                            names.insert(name)
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

        mutating func parsePattern() throws(Failure) {
            var names = Set<String>()
            try parseDisjunction(names: &names)
            if !atEnd {
                // Only an unmatched ')' stops a disjunction early.
                throw fail("unmatched ')'")
            }
        }

        mutating func parseDisjunction(names: inout Set<String>) throws(Failure) {
            try parseAlternative(names: &names)
            while current == "|" {
                i += 1
                try parseAlternative(names: &names)
            }
        }

        mutating func parseAlternative(names: inout Set<String>) throws(Failure) {
            while let c = current, c != "|", c != ")" {
                try parseTerm(names: &names)
            }
        }

        mutating func parseTerm(names: inout Set<String>) throws(Failure) {
            guard let c = current else { return }
            switch c {
            case "^", "$":
                i += 1
                return
            case "\\" where peek(1) == "b" || peek(1) == "B":
                i += 2
                return
            case "(" where peek(1) == "?":
                let kind = peek(2)
                if kind == "=" || kind == "!" {
                    i += 3
                    try parseGroupBody(names: &names)
                    return  // lookaheads are not quantifiable in Unicode mode
                }
                if kind == "<", peek(3) == "=" || peek(3) == "!" {
                    i += 4
                    try parseGroupBody(names: &names)
                    return
                }
                try parseAtom(names: &names)
            case "*", "+", "?":
                throw fail("nothing to repeat before '\(c)'")
            case "{":
                if quantifierBounds() != nil { throw fail("nothing to repeat before '{'") }
                throw fail("lone '{' (escape it as \\{)")
            default:
                try parseAtom(names: &names)
            }
            try parseQuantifier()
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

        mutating func parseQuantifier() throws(Failure) {
            guard let c = current else { return }
            switch c {
            case "*", "+", "?":
                i += 1
            case "{":
                guard let bounds = quantifierBounds() else { throw fail("lone '{' (escape it as \\{)") }
                if let high = bounds.max, high < bounds.min {
                    throw fail("numbers out of order in {\(bounds.min),\(high)} quantifier")
                }
                i += bounds.length
            default:
                return
            }
            if current == "?" { i += 1 }
            if let next = current, next == "*" || next == "+" || next == "?" {
                throw fail("nothing to repeat before '\(next)'")
            }
            if current == "{", quantifierBounds() != nil { throw fail("nothing to repeat before '{'") }
        }

        mutating func parseGroupBody(names: inout Set<String>) throws(Failure) {
            try parseDisjunction(names: &names)
            guard current == ")" else { throw fail("missing ')'") }
            i += 1
        }

        mutating func parseAtom(names: inout Set<String>) throws(Failure) {
            guard let c = current else { return }
            switch c {
            case ".":
                i += 1
            case "\\":
                i += 1
                try parseAtomEscape()
            case "[":
                try parseClass()
            case "(":
                i += 1
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
                    default:
                        try parseModifiers()
                    }
                }
                try parseGroupBody(names: &names)
            case ")":
                throw fail("unmatched ')'")
            case "]", "}":
                throw fail("lone '\(c)' (escape it as \\\(c))")
            default:
                i += 1
            }
        }

        /// ES2025 modifiers: `(?ims-ims:` with each flag at most once and at least one flag.
        mutating func parseModifiers() throws(Failure) {
            var seen = Set<Unicode.Scalar>()
            var any = false
            var removing = false
            while let c = current, c != ":" {
                if c == "-", !removing {
                    removing = true
                    i += 1
                    continue
                }
                guard c == "i" || c == "m" || c == "s" else {
                    throw fail(c == ")" ? "inline flags (?...) are not ECMA-262" : "invalid group '(?\(c)'")
                }
                guard !seen.contains(c) else { throw fail("repeated flag '\(c)' in modifier group") }
                seen.insert(c)
                any = true
                i += 1
            }
            guard current == ":" else { throw fail("unterminated group modifiers") }
            guard any else { throw fail("empty modifier group") }
            i += 1
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
        mutating func parseAtomEscape() throws(Failure) {
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
                return
            }
            if c == "k" {
                i += 1
                guard current == "<" else { throw fail("\\k must be followed by <name>") }
                i += 1
                let name = try parseGroupName()
                if !groupNames.contains(name) { throw fail("\\k<\(name)> names no group") }
                return
            }
            if try parseClassEscapeSet() { return }
            _ = try parseCharacterEscape(inClass: false)
        }

        /// `d D s S w W p{...} P{...}` at the current position (after `\`); false when it is not one.
        mutating func parseClassEscapeSet() throws(Failure) -> Bool {
            guard let c = current else { return false }
            switch c {
            case "d", "D", "s", "S", "w", "W":
                i += 1
                return true
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
                guard Self.isPropertyExpression(body) else {
                    throw fail("unknown Unicode property '\(body)'")
                }
                return true
            default:
                return false
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
            case "-" where inClass:
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

        /// One class atom: its code point, or nil for a class escape (`\d`, `\p{...}`).
        mutating func parseClassAtom() throws(Failure) -> UInt32? {
            guard let c = current else { throw fail("unterminated character class") }
            guard c == "\\" else {
                i += 1
                return c.value
            }
            i += 1
            if current == "b" {
                i += 1
                return 0x08
            }
            if try parseClassEscapeSet() { return nil }
            return try parseCharacterEscape(inClass: true)
        }

        mutating func parseClass() throws(Failure) {
            i += 1  // [
            if current == "^" { i += 1 }
            while true {
                guard let c = current else { throw fail("unterminated character class") }
                if c == "]" {
                    i += 1
                    return
                }
                let low = try parseClassAtom()
                guard current == "-", let next = peek(1), next != "]" else { continue }
                i += 1  // -
                let high = try parseClassAtom()
                guard let low, let high else { throw fail("a class escape cannot bound a range") }
                if low > high { throw fail("range out of order in character class") }
            }
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

@testable import ProctorRegex
@testable import ProctorSchema

/// The translation of ECMA-262 patterns to Swift's regex syntax that `ECMARegex` used before it
/// had its own engines, kept as the reference of the differential tests: run by Swift's
/// (backtracking) `Regex` with Unicode scalar semantics.
enum LegacyRegexTranslation {
    /// Swift's `Regex` for `pattern`, as the old `ECMARegex` built it; nil when it did not compile.
    static func regex(_ pattern: String) -> Regex<AnyRegexOutput>? {
        guard let translated = try? translate(pattern) else { return nil }
        return try? Regex(translated).matchingSemantics(.unicodeScalar)
    }

    static func translate(_ pattern: String) throws(RegexSyntaxError) -> String {
        var out = ""
        var inClass = false
        let scalars = Array(pattern.unicodeScalars)
        var i = 0
        func fail(_ reason: String) -> RegexSyntaxError { RegexSyntaxError(pattern: pattern, reason: reason) }
        func hexValue(_ s: ArraySlice<Unicode.Scalar>) -> UInt32? {
            guard !s.isEmpty else { return nil }
            var v: UInt32 = 0
            for c in s {
                guard c.isASCII, let d = Int(String(c), radix: 16) else { return nil }
                v = v &* 16 &+ UInt32(d)
            }
            return v
        }
        func emitScalar(_ value: UInt32) {
            out += "\\u{" + String(value, radix: 16) + "}"
        }
        while i < scalars.count {
            let c = scalars[i]
            if c == "\\" {
                guard i + 1 < scalars.count else { throw fail("trailing backslash") }
                let n = scalars[i + 1]
                i += 2
                switch n {
                case "d": out += inClass ? "0-9" : "[0-9]"
                case "D": out += inClass ? "\\D" : "[^0-9]"
                case "w": out += inClass ? "A-Za-z0-9_" : "[A-Za-z0-9_]"
                case "W": out += inClass ? "\\W" : "[^A-Za-z0-9_]"
                case "s": out += inClass ? "\\s\\u{FEFF}" : "[\\s\\u{FEFF}]"
                case "S": out += inClass ? "\\S" : "[^\\s\\u{FEFF}]"
                case "c":
                    guard i < scalars.count, scalars[i].isASCII, Character(scalars[i]).isLetter else {
                        throw fail("\\c must be followed by a letter")
                    }
                    emitScalar(scalars[i].value % 32)
                    i += 1
                case "u":
                    if i < scalars.count, scalars[i] == "{" {
                        guard let close = scalars[i...].firstIndex(of: "}"),
                            let v = hexValue(scalars[(i + 1)..<close]),
                            Unicode.Scalar(v) != nil
                        else { throw fail("invalid \\u{...} escape") }
                        emitScalar(v)
                        i = close + 1
                    } else {
                        guard i + 4 <= scalars.count, var v = hexValue(scalars[i..<(i + 4)]) else {
                            throw fail("invalid \\u escape")
                        }
                        i += 4
                        // A surrogate pair written as two escapes is one code point.
                        if (0xD800...0xDBFF).contains(v), i + 6 <= scalars.count, scalars[i] == "\\",
                            scalars[i + 1] == "u",
                            let low = hexValue(scalars[(i + 2)..<(i + 6)]), (0xDC00...0xDFFF).contains(low)
                        {
                            v = 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00)
                            i += 6
                        }
                        emitScalar(v)
                    }
                case "x":
                    guard i + 2 <= scalars.count, let v = hexValue(scalars[i..<(i + 2)]) else {
                        throw fail("invalid \\x escape")
                    }
                    emitScalar(v)
                    i += 2
                case "p", "P":
                    guard i < scalars.count, scalars[i] == "{", let close = scalars[i...].firstIndex(of: "}")
                    else {
                        throw fail("invalid property escape")
                    }
                    out += "\\" + String(n) + String(String.UnicodeScalarView(scalars[i...close]))
                    i = close + 1
                case "0":
                    out += "\\u{0}"
                case "t", "n", "v", "f", "r", "b", "B", "k":
                    if inClass && n == "b" { out += "\\u{8}" } else { out += "\\" + String(n) }
                case "1", "2", "3", "4", "5", "6", "7", "8", "9":
                    out += "\\" + String(n)
                case "^", "$", "\\", ".", "*", "+", "?", "(", ")", "[", "]", "{", "}", "|", "/", "-":
                    out += "\\" + String(n)
                default:
                    throw fail("invalid escape \\\(n)")
                }
                continue
            }
            if inClass {
                if c == "]" {
                    inClass = false
                    out += "]"
                } else if c == "[" || c == "&" || c == "~" {
                    // Literal in ECMA classes; Swift would read set operations or nested classes.
                    out += "\\" + String(c)
                } else {
                    out.unicodeScalars.append(c)
                }
            } else {
                if c == "[" {
                    // `[]` matches nothing and `[^]` any code point in ECMA-262.
                    if i + 1 < scalars.count, scalars[i + 1] == "]" {
                        out += "(?!)"
                        i += 2
                        continue
                    }
                    if i + 2 < scalars.count, scalars[i + 1] == "^", scalars[i + 2] == "]" {
                        out += "[\\s\\S]"
                        i += 3
                        continue
                    }
                    inClass = true
                    out += "["
                    if i + 1 < scalars.count, scalars[i + 1] == "^" {
                        out += "^"
                        i += 1
                    }
                } else {
                    if c == "(", i + 1 < scalars.count, scalars[i + 1] == "?" {
                        // ECMA-262 groups: (?:  (?=  (?!  (?<=  (?<!  (?<name>; no inline flags or comments.
                        let next = i + 2 < scalars.count ? scalars[i + 2] : " "
                        let afterLess = i + 3 < scalars.count ? scalars[i + 3] : " "
                        let valid =
                            next == ":" || next == "=" || next == "!"
                            || (next == "<"
                                && (afterLess == "=" || afterLess == "!" || Character(afterLess).isLetter
                                    || afterLess == "_" || afterLess == "$"))
                        if !valid { throw fail("unsupported group syntax") }
                    }
                    out.unicodeScalars.append(c)
                }
            }
            i += 1
        }
        if inClass { throw fail("unterminated character class") }
        return out
    }
}

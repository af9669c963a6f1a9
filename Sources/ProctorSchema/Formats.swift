import ProctorRegex

/// A `format` check, applied to strings when format assertion is on.
struct FormatChecker: Sendable {
    let check: @Sendable (String) -> Bool
}

/// The formats of JSON Schema 2020-12 that can be asserted. Unknown formats are annotations only.
public enum Formats {
    /// The names of the formats that are checked when format assertion is on.
    public static let names: [String] = Array(table.keys).sorted()

    /// Checks `value` against the format `name`; nil when the format is unknown.
    public static func check(_ value: String, format name: String) -> Bool? {
        table[name]?(value)
    }

    static func checker(named name: String) -> FormatChecker? {
        table[name].map { FormatChecker(check: $0) }
    }

    static let table: [String: @Sendable (String) -> Bool] = [
        "date-time": isDateTime,
        "date": isDate,
        "time": isTime,
        "duration": isDuration,
        "email": { isEmail($0, international: false) },
        "idn-email": { isEmail($0, international: true) },
        "hostname": { Hostnames.isHostname($0, international: false) },
        "idn-hostname": { Hostnames.isHostname($0, international: true) },
        "ipv4": isIPv4,
        "ipv6": isIPv6,
        "uri": { URIGrammar.check($0, absolute: true, international: false) },
        "uri-reference": { URIGrammar.check($0, absolute: false, international: false) },
        "iri": { URIGrammar.check($0, absolute: true, international: true) },
        "iri-reference": { URIGrammar.check($0, absolute: false, international: true) },
        "uri-template": isURITemplate,
        "uuid": isUUID,
        "regex": { ECMARegexSyntax.isValid($0) },
        "json-pointer": isJSONPointer,
        "relative-json-pointer": isRelativeJSONPointer,
    ]

    // MARK: Dates and times (RFC 3339)

    static func digits(_ bytes: ArraySlice<UInt8>) -> Int? {
        guard !bytes.isEmpty else { return nil }
        var value = 0
        for b in bytes {
            guard b >= 0x30 && b <= 0x39 else { return nil }
            value = value * 10 + Int(b - 0x30)
        }
        return value
    }

    static func isDate(_ text: String) -> Bool {
        let b = Array(text.utf8)
        return b.count == 10 && parseDate(b[...]) != nil
    }

    static func parseDate(_ b: ArraySlice<UInt8>) -> (Int, Int, Int)? {
        let s = b.startIndex
        guard b.count == 10, b[s + 4] == 0x2D, b[s + 7] == 0x2D, let year = digits(b[s..<(s + 4)]),
            let month = digits(b[(s + 5)..<(s + 7)]), let day = digits(b[(s + 8)..<(s + 10)]),
            (1...12).contains(month), day >= 1
        else { return nil }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return day <= days ? (year, month, day) : nil
    }

    static func isTime(_ text: String) -> Bool {
        parseTime(Array(text.utf8)[...])
    }

    static func parseTime(_ b: ArraySlice<UInt8>) -> Bool {
        let s = b.startIndex
        guard b.count >= 9, b[s + 2] == 0x3A, b[s + 5] == 0x3A, let hour = digits(b[s..<(s + 2)]),
            let minute = digits(b[(s + 3)..<(s + 5)]), let second = digits(b[(s + 6)..<(s + 8)]),
            hour <= 23, minute <= 59, second <= 60
        else { return false }
        var i = s + 8
        if b[i] == 0x2E {
            i += 1
            let start = i
            while i < b.endIndex, b[i] >= 0x30 && b[i] <= 0x39 { i += 1 }
            guard i > start else { return false }
        }
        guard i < b.endIndex else { return false }
        var offsetMinutes = 0
        if b[i] == 0x5A || b[i] == 0x7A {
            guard i + 1 == b.endIndex else { return false }
        } else if b[i] == 0x2B || b[i] == 0x2D {
            guard b.endIndex - i == 6, b[i + 3] == 0x3A, let oh = digits(b[(i + 1)..<(i + 3)]),
                let om = digits(b[(i + 4)..<(i + 6)]), oh <= 23, om <= 59
            else { return false }
            offsetMinutes = (oh * 60 + om) * (b[i] == 0x2B ? 1 : -1)
        } else {
            return false
        }
        if second == 60 {
            // A leap second happens at 23:59:60 UTC.
            let utc = ((hour * 60 + minute - offsetMinutes) % 1440 + 1440) % 1440
            return utc == 23 * 60 + 59
        }
        return true
    }

    static func isDateTime(_ text: String) -> Bool {
        let b = Array(text.utf8)
        guard b.count > 11, b[10] == 0x54 || b[10] == 0x74 else { return false }
        return parseDate(b[0..<10]) != nil && parseTime(b[11...])
    }

    static func isDuration(_ text: String) -> Bool {
        var chars = Substring(text)
        guard chars.first == "P" else { return false }
        chars = chars.dropFirst()
        if chars.isEmpty { return false }
        if chars.hasSuffix("W") {
            let number = chars.dropLast()
            return !number.isEmpty && number.allSatisfy { $0.isASCII && $0.isNumber }
        }
        var datePart = chars
        var timePart: Substring?
        if let t = chars.firstIndex(of: "T") {
            datePart = chars[..<t]
            timePart = chars[chars.index(after: t)...]
        }
        /// Units in order and without gaps (`P1Y2D` lacks the months between): nil when malformed.
        func units(_ part: Substring, _ allowed: [Character]) -> Bool? {
            var next: Int?
            var number = ""
            var any = false
            for c in part {
                if c.isASCII && c.isNumber {
                    number.append(c)
                } else {
                    guard !number.isEmpty, let position = allowed.firstIndex(of: c) else { return nil }
                    if let next, position != next { return nil }
                    next = position + 1
                    number = ""
                    any = true
                }
            }
            return number.isEmpty ? any : nil
        }
        guard let dateAny = units(datePart, ["Y", "M", "D"]) else { return false }
        if let timePart {
            guard let timeAny = units(timePart, ["H", "M", "S"]), timeAny else { return false }
            return true
        }
        return dateAny
    }

    // MARK: Addresses

    static func isIPv4(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                let value = Int(part), value <= 255, !(part.count > 1 && part.hasPrefix("0"))
            else { return false }
        }
        return true
    }

    static func isIPv6(_ text: String) -> Bool {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 < 0x80 }) else { return false }
        var body = Substring(text)
        var groupsAvailable = 8
        if let lastColon = body.lastIndex(of: ":"), body[body.index(after: lastColon)...].contains(".") {
            guard isIPv4(String(body[body.index(after: lastColon)...])) else { return false }
            body = body[...lastColon]
            if body.hasSuffix(":") && !body.hasSuffix("::") { body = body.dropLast() }
            groupsAvailable = 6
        }
        func groups(_ part: Substring) -> Int? {
            if part.isEmpty { return 0 }
            var count = 0
            for group in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(group.count), group.allSatisfy({ $0.isHexDigit }) else { return nil }
                count += 1
            }
            return count
        }
        let halves = body.components(separatedBy: "::")
        switch halves.count {
        case 1:
            return groups(body) == groupsAvailable
        case 2:
            guard let left = groups(Substring(halves[0])), let right = groups(Substring(halves[1])) else {
                return false
            }
            return left + right < groupsAvailable
        default:
            return false
        }
    }

    static func isEmail(_ text: String, international: Bool) -> Bool {
        guard let at = text.lastIndex(of: "@") else { return false }
        let local = text[..<at]
        let domain = text[text.index(after: at)...]
        guard !local.isEmpty, !domain.isEmpty else { return false }
        if local.hasPrefix("\"") {
            guard local.count >= 2, local.hasSuffix("\"") else { return false }
            var escaped = false
            for c in local.dropFirst().dropLast() {
                if escaped { escaped = false; continue }
                if c == "\\" { escaped = true; continue }
                if c == "\"" { return false }
            }
            if escaped { return false }
        } else {
            let allowedSymbols = Set("!#$%&'*+-/=?^_`{|}~.")
            for c in local {
                if c.isASCII {
                    guard c.isLetter || c.isNumber || allowedSymbols.contains(c) else { return false }
                } else if !international {
                    return false
                }
            }
            if local.hasPrefix(".") || local.hasSuffix(".") || local.contains("..") { return false }
        }
        if domain.hasPrefix("[") {
            guard domain.hasSuffix("]") else { return false }
            let literal = domain.dropFirst().dropLast()
            if literal.hasPrefix("IPv6:") { return isIPv6(String(literal.dropFirst(5))) }
            return isIPv4(String(literal))
        }
        return Hostnames.isHostname(String(domain), international: international)
    }

    static func isUUID(_ text: String) -> Bool {
        let b = Array(text.utf8)
        guard b.count == 36 else { return false }
        for (i, c) in b.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                guard c == 0x2D else { return false }
            } else {
                guard Character(Unicode.Scalar(c)).isHexDigit else { return false }
            }
        }
        return true
    }

    // MARK: Pointers and templates

    static func isJSONPointer(_ text: String) -> Bool {
        guard text.isEmpty || text.hasPrefix("/") else { return false }
        var iterator = text.makeIterator()
        while let c = iterator.next() {
            if c == "~" {
                guard let next = iterator.next(), next == "0" || next == "1" else { return false }
            }
        }
        return true
    }

    static func isRelativeJSONPointer(_ text: String) -> Bool {
        let digitsPrefix = text.prefix { $0.isASCII && $0.isNumber }
        guard !digitsPrefix.isEmpty, !(digitsPrefix.count > 1 && digitsPrefix.hasPrefix("0")) else {
            return false
        }
        let rest = text.dropFirst(digitsPrefix.count)
        if rest == "#" { return true }
        if rest.hasPrefix("+") || rest.hasPrefix("-") {
            let index = rest.dropFirst()
            let indexDigits = index.prefix { $0.isASCII && $0.isNumber }
            guard !indexDigits.isEmpty, !(indexDigits.count > 1 && indexDigits.hasPrefix("0")) else {
                return false
            }
            let after = index.dropFirst(indexDigits.count)
            return after == "#" ? false : isJSONPointer(String(after))
        }
        return isJSONPointer(String(rest))
    }

    static func isURITemplate(_ text: String) -> Bool {
        var scalars = text.unicodeScalars.makeIterator()
        while let c = scalars.next() {
            if c == "{" {
                var expression = ""
                var closed = false
                while let d = scalars.next() {
                    if d == "}" { closed = true; break }
                    if d == "{" { return false }
                    expression.unicodeScalars.append(d)
                }
                guard closed, isTemplateExpression(expression) else { return false }
            } else if c == "}" {
                return false
            } else if c.value <= 0x20 || c.value == 0x7F
                || "\"'<>\\^`|".unicodeScalars.contains(c) && c != "'"
            {
                return false
            } else if c == "%" {
                guard let h = scalars.next(), let l = scalars.next(), Character(h).isHexDigit,
                    Character(l).isHexDigit
                else {
                    return false
                }
            }
        }
        return true
    }

    private static func isTemplateExpression(_ expression: String) -> Bool {
        var body = Substring(expression)
        if let first = body.first, "+#./;?&=,!@|".contains(first) {
            guard "+#./;?&".contains(first) else { return false }
            body = body.dropFirst()
        }
        guard !body.isEmpty else { return false }
        for spec in body.split(separator: ",", omittingEmptySubsequences: false) {
            var name = spec
            if name.hasSuffix("*") {
                name = name.dropLast()
            } else if let colon = name.firstIndex(of: ":") {
                let length = name[name.index(after: colon)...]
                guard (1...4).contains(length.count), length.allSatisfy({ $0.isASCII && $0.isNumber }),
                    !length.hasPrefix("0")
                else { return false }
                name = name[..<colon]
            }
            guard !name.isEmpty, !name.hasPrefix("."), !name.hasSuffix("."), !name.contains("..") else {
                return false
            }
            var iterator = name.unicodeScalars.makeIterator()
            while let c = iterator.next() {
                if c == "%" {
                    guard let h = iterator.next(), let l = iterator.next(), Character(h).isHexDigit,
                        Character(l).isHexDigit
                    else { return false }
                } else if !(c.isASCII
                    && (Character(c).isLetter || Character(c).isNumber || c == "_" || c == "."))
                {
                    return false
                }
            }
        }
        return true
    }
}

extension Substring {
    fileprivate func components(separatedBy separator: String) -> [Substring] {
        var result: [Substring] = []
        var rest = self
        while let range = rest.firstRange(of: separator) {
            result.append(rest[..<range.lowerBound])
            rest = rest[range.upperBound...]
        }
        result.append(rest)
        return result
    }
}

/// RFC 3986 / RFC 3987 grammar checks for `uri`, `uri-reference`, `iri` and `iri-reference`.
enum URIGrammar {
    static let unreserved = Set(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~".unicodeScalars)
    static let subDelims = Set("!$&'()*+,;=".unicodeScalars)

    static func check(_ text: String, absolute: Bool, international: Bool) -> Bool {
        let reference = URIReference(parsing: text)
        if absolute && reference.scheme == nil { return false }
        if reference.scheme == nil, let colon = reference.path.firstIndex(of: ":"),
            !reference.path[..<colon].contains("/")
        {
            return false
        }
        func valid(_ part: String, extra: String) -> Bool {
            var iterator = part.unicodeScalars.makeIterator()
            while let c = iterator.next() {
                if c == "%" {
                    guard let h = iterator.next(), let l = iterator.next(), Character(h).isHexDigit,
                        Character(l).isHexDigit
                    else { return false }
                } else if unreserved.contains(c) || subDelims.contains(c) || extra.unicodeScalars.contains(c)
                {
                    continue
                } else if international && c.value >= 0xA0 {
                    continue
                } else {
                    return false
                }
            }
            return true
        }
        if let authority = reference.authority {
            var host = Substring(authority)
            if let at = host.lastIndex(of: "@") {
                guard valid(String(host[..<at]), extra: ":") else { return false }
                host = host[host.index(after: at)...]
            }
            if host.hasPrefix("[") {
                guard let close = host.firstIndex(of: "]") else { return false }
                let literal = host[host.index(after: host.startIndex)..<close]
                if !literal.hasPrefix("v") && !literal.hasPrefix("V") && !Formats.isIPv6(String(literal)) {
                    return false
                }
                host = host[host.index(after: close)...]
                if !host.isEmpty {
                    guard host.first == ":", host.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }) else {
                        return false
                    }
                }
            } else {
                if let colon = host.lastIndex(of: ":") {
                    guard host[host.index(after: colon)...].allSatisfy({ $0.isASCII && $0.isNumber }) else {
                        return false
                    }
                    host = host[..<colon]
                }
                guard valid(String(host), extra: "") else { return false }
            }
        }
        return valid(reference.path, extra: ":@/") && valid(reference.query ?? "", extra: ":@/?")
            && valid(reference.fragment ?? "", extra: ":@/?")
    }
}

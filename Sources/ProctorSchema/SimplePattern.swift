/// A fast matcher for the patterns schemas mostly use: optional `^`, a sequence of literal
/// characters, `.`, `\d`, `\w` and ASCII character classes, each with an optional greedy
/// quantifier (`*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`), and an optional `$`. Patterns outside
/// that subset (groups, alternation, Unicode properties, lazy quantifiers) are left to the
/// general engine. Semantics are ECMA-262's: `\d` and `\w` are ASCII, `.` excludes line terminators.
struct SimplePattern: Sendable {
    struct Atom: Sendable {
        var low: UInt64 = 0
        var high: UInt64 = 0
        /// Whether code points above U+007F match (negated classes and `.`).
        var nonASCII = false
        /// `.`: U+2028 and U+2029 do not match.
        var excludesSeparators = false
        var min = 1
        var max = 1

        mutating func insert(_ byte: UInt8) {
            if byte < 64 { low |= 1 << UInt64(byte) } else { high |= 1 << UInt64(byte - 64) }
        }

        @inline(__always)
        func matches(_ scalar: UInt32) -> Bool {
            if scalar < 64 { return low & (1 << UInt64(scalar)) != 0 }
            if scalar < 128 { return high & (1 << UInt64(scalar - 64)) != 0 }
            if excludesSeparators && (scalar == 0x2028 || scalar == 0x2029) { return false }
            return nonASCII
        }
    }

    let atoms: [Atom]
    let anchoredStart: Bool
    let anchoredEnd: Bool

    init?(_ pattern: String) {
        var bytes = Array(pattern.utf8)[...]
        guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
        anchoredStart = bytes.first == UInt8(ascii: "^")
        if anchoredStart { bytes = bytes.dropFirst() }
        anchoredEnd =
            bytes.last == UInt8(ascii: "$")
            && !(bytes.count >= 2 && bytes[bytes.endIndex - 2] == UInt8(ascii: "\\"))
        if anchoredEnd { bytes = bytes.dropLast() }
        var atoms: [Atom] = []
        var i = bytes.startIndex
        func addEscape(_ c: UInt8, to atom: inout Atom) -> Bool {
            switch c {
            case UInt8(ascii: "d"):
                for b in UInt8(ascii: "0")...UInt8(ascii: "9") { atom.insert(b) }
            case UInt8(ascii: "w"):
                for b in UInt8(ascii: "0")...UInt8(ascii: "9") { atom.insert(b) }
                for b in UInt8(ascii: "a")...UInt8(ascii: "z") { atom.insert(b) }
                for b in UInt8(ascii: "A")...UInt8(ascii: "Z") { atom.insert(b) }
                atom.insert(UInt8(ascii: "_"))
            default:
                guard "^$\\.*+?()[]{}|/-".utf8.contains(c) else { return false }
                atom.insert(c)
            }
            return true
        }
        while i < bytes.endIndex {
            let c = bytes[i]
            var atom = Atom()
            switch c {
            case UInt8(ascii: "\\"):
                guard i + 1 < bytes.endIndex, addEscape(bytes[i + 1], to: &atom) else { return nil }
                i += 2
            case UInt8(ascii: "."):
                for b in UInt8(0)..<128 where b != 0x0A && b != 0x0D { atom.insert(b) }
                atom.nonASCII = true
                atom.excludesSeparators = true
                i += 1
            case UInt8(ascii: "["):
                i += 1
                var negated = false
                if i < bytes.endIndex && bytes[i] == UInt8(ascii: "^") {
                    negated = true
                    i += 1
                }
                var set = Atom()
                var first = true
                while true {
                    guard i < bytes.endIndex else { return nil }
                    var c = bytes[i]
                    if c == UInt8(ascii: "]") && !first { break }
                    first = false
                    if c == UInt8(ascii: "]") || c == UInt8(ascii: "[") { return nil }
                    if c == UInt8(ascii: "\\") {
                        guard i + 1 < bytes.endIndex else { return nil }
                        let e = bytes[i + 1]
                        if e == UInt8(ascii: "d") || e == UInt8(ascii: "w") {
                            _ = addEscape(e, to: &set)
                            i += 2
                            continue
                        }
                        guard "^$\\.*+?()[]{}|/-".utf8.contains(e) else { return nil }
                        c = e
                        i += 1
                    }
                    if i + 2 < bytes.endIndex && bytes[i + 1] == UInt8(ascii: "-")
                        && bytes[i + 2] != UInt8(ascii: "]")
                    {
                        let end = bytes[i + 2]
                        guard end != UInt8(ascii: "\\"), end >= c else { return nil }
                        for b in c...end { set.insert(b) }
                        i += 3
                    } else {
                        set.insert(c)
                        i += 1
                    }
                }
                i += 1
                if negated {
                    set.low = ~set.low
                    set.high = ~set.high
                    set.nonASCII = true
                }
                atom = set
            case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "|"), UInt8(ascii: "*"),
                UInt8(ascii: "+"),
                UInt8(ascii: "?"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "]"), UInt8(ascii: "^"),
                UInt8(ascii: "$"):
                return nil
            default:
                atom.insert(c)
                i += 1
            }
            if i < bytes.endIndex {
                switch bytes[i] {
                case UInt8(ascii: "*"):
                    (atom.min, atom.max) = (0, Int.max)
                    i += 1
                case UInt8(ascii: "+"):
                    (atom.min, atom.max) = (1, Int.max)
                    i += 1
                case UInt8(ascii: "?"):
                    (atom.min, atom.max) = (0, 1)
                    i += 1
                case UInt8(ascii: "{"):
                    guard let close = bytes[i...].firstIndex(of: UInt8(ascii: "}")) else { return nil }
                    let body = String(decoding: bytes[(i + 1)..<close], as: UTF8.self)
                    let parts = body.split(separator: ",", omittingEmptySubsequences: false)
                    guard (1...2).contains(parts.count), let low = Int(parts[0]) else { return nil }
                    let high = parts.count == 1 ? low : (parts[1].isEmpty ? Int.max : Int(parts[1]) ?? -1)
                    guard high >= low else { return nil }
                    (atom.min, atom.max) = (low, high)
                    i = close + 1
                default:
                    break
                }
                if i < bytes.endIndex, "*+?{".utf8.contains(bytes[i]) { return nil }
            }
            atoms.append(atom)
        }
        self.atoms = atoms
    }

    func matches(_ text: String) -> Bool {
        if let result = text.utf8.withContiguousStorageIfAvailable({ bytes -> Bool? in
            for b in bytes where b >= 0x80 { return nil }
            return search(bytes.count) { UInt32(bytes[$0]) }
        }), let result {
            return result
        }
        let scalars = text.unicodeScalars.map(\.value)
        return scalars.withUnsafeBufferPointer { buffer in search(buffer.count) { buffer[$0] } }
    }

    @inline(__always)
    private func search(_ count: Int, _ at: (Int) -> UInt32) -> Bool {
        if anchoredStart { return match(0, 0, count, at) }
        for start in 0...count where match(0, start, count, at) { return true }
        return false
    }

    private func match(_ atomIndex: Int, _ position: Int, _ count: Int, _ at: (Int) -> UInt32) -> Bool {
        if atomIndex == atoms.count { return !anchoredEnd || position == count }
        let atom = atoms[atomIndex]
        var matched = 0
        while matched < atom.max && position + matched < count && atom.matches(at(position + matched)) {
            matched += 1
        }
        if matched < atom.min { return false }
        if atom.min == atom.max { return match(atomIndex + 1, position + matched, count, at) }
        while matched >= atom.min {
            if match(atomIndex + 1, position + matched, count, at) { return true }
            matched -= 1
        }
        return false
    }
}

/// A JSON number that keeps what the text said: integers stay integers (`1` never becomes `1.0`),
/// and any other literal is kept verbatim so it serializes back byte for byte.
///
/// Equality and hashing are mathematical: `1`, `1.0` and `10e-1` are equal, as JSON Schema's
/// `const`, `enum` and `uniqueItems` require. Comparison is exact, never through `Double`.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    enum Storage: Sendable {
        case integer(Int64)
        /// A literal that is not an `Int64`: a fraction, an exponent or a huge integer.
        case literal(String)
    }

    let storage: Storage

    public init(_ value: Int) { storage = .integer(Int64(value)) }
    public init(_ value: Int64) { storage = .integer(value) }

    /// A floating-point number. Non-finite values are not JSON and become `0`.
    public init(_ value: Double) {
        guard value.isFinite else {
            storage = .integer(0)
            return
        }
        var text = "\(value)"
        if text.contains("e") {
            // Swift prints `1e-07`; JSON accepts it as is, but keep the canonical `1e-7` shape.
            text = Self.tidyExponent(text)
        }
        storage = .literal(text)
    }

    /// A number from JSON text. Returns nil unless `text` is a valid JSON number literal.
    public init?(literal text: String) {
        guard Self.isValidLiteral(text.utf8) else { return nil }
        self.init(validatedLiteral: text)
    }

    /// A number from text already known to be a valid JSON number literal.
    init(validatedLiteral text: String) {
        if let integer = Int64(text), !(integer == 0 && text.hasPrefix("-")) {
            storage = .integer(integer)
        } else {
            storage = .literal(text)
        }
    }

    /// The literal as it will be serialized.
    public var description: String {
        switch storage {
        case .integer(let value): return String(value)
        case .literal(let text): return text
        }
    }

    /// True when the number has no fractional part (`3`, `3.0`, `1e3` are integers in JSON Schema).
    public var isInteger: Bool { decimal.exponent >= 0 }

    /// True when the literal was written without fraction or exponent.
    public var isIntegerLiteral: Bool {
        switch storage {
        case .integer: return true
        case .literal(let text): return !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" })
        }
    }

    /// The value as an `Int64` when it is an integer in range.
    public var int64Value: Int64? {
        switch storage {
        case .integer(let value): return value
        case .literal:
            let d = decimal
            guard d.exponent >= 0, d.exponent < 19 else { return nil }
            return Int64(d.digits + String(repeating: "0", count: d.exponent)).map { d.negative ? -$0 : $0 }
        }
    }

    public var intValue: Int? { int64Value.flatMap { Int(exactly: $0) } }

    public var doubleValue: Double {
        switch storage {
        case .integer(let value): return Double(value)
        case .literal(let text): return Double(text) ?? .nan
        }
    }

    /// The exact value as sign, significand digits and a power of ten, normalised so that equal
    /// numbers have equal parts: `12.50` is `+125e-1`, `0` is `+0e0`.
    public var decimal: Decimal {
        switch storage {
        case .integer(let value):
            return Decimal(text: String(value))
        case .literal(let text):
            return Decimal(text: text)
        }
    }

    public static func == (lhs: JSONNumber, rhs: JSONNumber) -> Bool {
        if case .integer(let a) = lhs.storage, case .integer(let b) = rhs.storage { return a == b }
        return lhs.decimal == rhs.decimal
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(decimal)
    }

    /// An exact decimal: `(negative ? -1 : 1) * digits * 10^exponent`, with no leading or trailing
    /// zeros in `digits` (zero is `"0"` with exponent 0 and not negative).
    ///
    /// A literal's exponent beyond ±``exponentLimit`` counts as that limit, so that the arithmetic
    /// on exponents cannot overflow: such numbers keep their order against every number with a
    /// smaller exponent, and compare equal only among themselves.
    public struct Decimal: Sendable, Hashable, Comparable {
        public var negative: Bool
        public var digits: String
        public var exponent: Int

        public init(negative: Bool, digits: String, exponent: Int) {
            self.negative = negative
            self.digits = digits
            self.exponent = exponent
        }

        /// Parses a valid JSON number literal.
        init(text: String) {
            var negative = false
            var intPart: Substring = ""
            var fracPart: Substring = ""
            var exponent = 0
            var rest = Substring(text)
            if rest.first == "-" {
                negative = true
                rest = rest.dropFirst()
            }
            if let eIndex = rest.firstIndex(where: { $0 == "e" || $0 == "E" }) {
                exponent = Self.exponent(rest[rest.index(after: eIndex)...])
                rest = rest[..<eIndex]
            }
            if let dot = rest.firstIndex(of: ".") {
                intPart = rest[..<dot]
                fracPart = rest[rest.index(after: dot)...]
            } else {
                intPart = rest
            }
            var all = String(intPart) + String(fracPart)
            exponent -= fracPart.count
            // Strip leading zeros.
            let firstNonZero = all.firstIndex(where: { $0 != "0" })
            guard let firstNonZero else {
                self.init(negative: false, digits: "0", exponent: 0)
                return
            }
            all = String(all[firstNonZero...])
            // Strip trailing zeros into the exponent.
            var trailing = 0
            for ch in all.reversed() {
                if ch == "0" { trailing += 1 } else { break }
            }
            if trailing > 0 {
                all.removeLast(trailing)
                exponent += trailing
            }
            self.init(negative: negative, digits: all, exponent: exponent)
        }

        /// Exponents are held within ±2^59 so that arithmetic on them never overflows: numbers
        /// beyond 10^(2^59) in magnitude (or below 10^-(2^59)) are not told apart.
        public static let exponentLimit = 1 << 59

        /// The exponent after `e` (an optional sign, then digits), saturating at ``exponentLimit``.
        static func exponent(_ text: Substring) -> Int {
            var value = 0
            var negative = false
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "-"): negative = true
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    value = min(value * 10 + Int(byte - UInt8(ascii: "0")), exponentLimit)
                default: break
                }
            }
            return negative ? -value : value
        }

        public var isZero: Bool { digits == "0" }

        public static func < (lhs: Decimal, rhs: Decimal) -> Bool {
            if lhs.negative != rhs.negative {
                if lhs.isZero && rhs.isZero { return false }
                return lhs.negative
            }
            let magnitudeLess = Decimal.magnitudeLess(lhs, rhs)
            let magnitudeEqual = lhs.digits == rhs.digits && lhs.exponent == rhs.exponent
            if magnitudeEqual { return false }
            return lhs.negative ? !magnitudeLess : magnitudeLess
        }

        /// Compares absolute values.
        static func magnitudeLess(_ a: Decimal, _ b: Decimal) -> Bool {
            if a.isZero { return !b.isZero }
            if b.isZero { return false }
            // Order of magnitude: position of the most significant digit.
            let aTop = a.digits.count + a.exponent
            let bTop = b.digits.count + b.exponent
            if aTop != bTop { return aTop < bTop }
            // Same magnitude: compare digit strings padded to the same length.
            let length = max(a.digits.count, b.digits.count)
            let ad = a.digits + String(repeating: "0", count: length - a.digits.count)
            let bd = b.digits + String(repeating: "0", count: length - b.digits.count)
            return ad < bd
        }
    }

    public static func < (lhs: JSONNumber, rhs: JSONNumber) -> Bool {
        if case .integer(let a) = lhs.storage, case .integer(let b) = rhs.storage { return a < b }
        return lhs.decimal < rhs.decimal
    }

    static func tidyExponent(_ text: String) -> String {
        guard let e = text.firstIndex(of: "e") else { return text }
        let mantissa = text[..<e]
        var exp = text[text.index(after: e)...]
        var sign = ""
        if exp.first == "-" || exp.first == "+" {
            if exp.first == "-" { sign = "-" }
            exp = exp.dropFirst()
        }
        while exp.count > 1 && exp.first == "0" { exp = exp.dropFirst() }
        return "\(mantissa)e\(sign)\(exp)"
    }

    /// RFC 8259 number grammar: `-? (0 | [1-9][0-9]*) (\.[0-9]+)? ([eE][+-]?[0-9]+)?`.
    static func isValidLiteral<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        var i = bytes.startIndex
        let end = bytes.endIndex
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        if i < end && bytes[i] == 0x2D { i = bytes.index(after: i) }
        guard i < end else { return false }
        if bytes[i] == 0x30 {
            i = bytes.index(after: i)
        } else if isDigit(bytes[i]) {
            while i < end && isDigit(bytes[i]) { i = bytes.index(after: i) }
        } else {
            return false
        }
        if i < end && bytes[i] == 0x2E {
            i = bytes.index(after: i)
            guard i < end, isDigit(bytes[i]) else { return false }
            while i < end && isDigit(bytes[i]) { i = bytes.index(after: i) }
        }
        if i < end && (bytes[i] == 0x65 || bytes[i] == 0x45) {
            i = bytes.index(after: i)
            if i < end && (bytes[i] == 0x2B || bytes[i] == 0x2D) { i = bytes.index(after: i) }
            guard i < end, isDigit(bytes[i]) else { return false }
            while i < end && isDigit(bytes[i]) { i = bytes.index(after: i) }
        }
        return i == end
    }
}

extension JSONNumber: Comparable {}

extension JSONNumber: ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral {
    public init(integerLiteral value: Int) { self.init(value) }
    public init(floatLiteral value: Double) { self.init(value) }
}

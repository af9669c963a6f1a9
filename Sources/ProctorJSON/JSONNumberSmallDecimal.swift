extension JSONNumber {
    /// The value as `significand × 10^exponent` with a 64-bit significand, when it fits; read
    /// from the literal without allocating. For fast exact arithmetic (schema `minimum`,
    /// `multipleOf`); nil means "use ``decimal``".
    public var smallDecimal: (significand: Int64, exponent: Int)? {
        switch storage {
        case .integer(let value):
            return (value, 0)
        case .literal(let text):
            var text = text
            return text.withUTF8 { Self.smallDecimal(literal: $0) }
        }
    }

    static func smallDecimal(literal bytes: UnsafeBufferPointer<UInt8>) -> (
        significand: Int64, exponent: Int
    )? {
        var i = 0
        var negative = false
        if i < bytes.count && bytes[i] == 0x2D {
            negative = true
            i += 1
        }
        var significand: Int64 = 0
        var digits = 0
        var exponent = 0
        var inFraction = false
        while i < bytes.count {
            let b = bytes[i]
            if b >= 0x30 && b <= 0x39 {
                if significand == 0 && b == 0x30 {
                    // Leading zeros add nothing (but still shift the exponent in a fraction).
                    if inFraction { exponent -= 1 }
                    i += 1
                    continue
                }
                digits += 1
                guard digits <= 18 else { return nil }
                significand = significand * 10 + Int64(b - 0x30)
                if inFraction { exponent -= 1 }
            } else if b == 0x2E {
                inFraction = true
            } else if b == 0x65 || b == 0x45 {
                i += 1
                var exponentNegative = false
                if i < bytes.count && (bytes[i] == 0x2B || bytes[i] == 0x2D) {
                    exponentNegative = bytes[i] == 0x2D
                    i += 1
                }
                var value = 0
                while i < bytes.count {
                    value = value * 10 + Int(bytes[i] &- 0x30)
                    guard value < 100_000 else { return nil }
                    i += 1
                }
                exponent += exponentNegative ? -value : value
                break
            } else {
                return nil
            }
            i += 1
        }
        if significand == 0 { return (0, 0) }
        while significand % 10 == 0 {
            significand /= 10
            exponent += 1
        }
        return (negative ? -significand : significand, exponent)
    }
}

import ProctorJSON

/// Exact number checks on 64-bit significands, falling back to ``JSONNumber``'s arbitrary
/// precision when a value does not fit.
enum FastNumbers {
    static let powersOfTen: [Int64] = (0...18).map { exponent in
        var value: Int64 = 1
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// `a` scaled by `10^shift`, nil on overflow.
    @inline(__always)
    static func scaled(_ a: Int64, _ shift: Int) -> Int64? {
        guard shift <= 18 else { return a == 0 ? 0 : nil }
        let (result, overflow) = a.multipliedReportingOverflow(by: powersOfTen[shift])
        return overflow ? nil : result
    }

    /// -1, 0 or 1; nil when the fast path cannot decide.
    @inline(__always)
    static func compare(_ a: (significand: Int64, exponent: Int), _ b: (significand: Int64, exponent: Int))
        -> Int?
    {
        let common = min(a.exponent, b.exponent)
        guard let x = scaled(a.significand, a.exponent - common),
            let y = scaled(b.significand, b.exponent - common)
        else {
            return nil
        }
        return x < y ? -1 : (x == y ? 0 : 1)
    }

    /// True when `value < limit`, exactly.
    @inline(__always)
    static func less(
        _ value: JSONNumber, _ limit: JSONNumber, _ limitSmall: (significand: Int64, exponent: Int)?
    ) -> Bool {
        if let limitSmall, let small = value.smallDecimal, let order = compare(small, limitSmall) {
            return order < 0
        }
        return value < limit
    }

    /// True when `limit < value`, exactly.
    @inline(__always)
    static func greater(
        _ value: JSONNumber, _ limit: JSONNumber, _ limitSmall: (significand: Int64, exponent: Int)?
    ) -> Bool {
        if let limitSmall, let small = value.smallDecimal, let order = compare(small, limitSmall) {
            return order > 0
        }
        return limit < value
    }

    /// True when the number has no fractional part.
    @inline(__always)
    static func isInteger(_ value: JSONNumber) -> Bool {
        if let small = value.smallDecimal { return small.exponent >= 0 || small.significand == 0 }
        return value.isInteger
    }

    /// `value / divisor` is an integer; nil when the fast path cannot decide.
    @inline(__always)
    static func divides(_ divisor: (significand: Int64, exponent: Int), _ value: JSONNumber) -> Bool? {
        guard let small = value.smallDecimal else { return nil }
        if small.significand == 0 { return true }
        if small.exponent >= divisor.exponent {
            guard let scaledValue = scaled(small.significand, small.exponent - divisor.exponent) else {
                return nil
            }
            return scaledValue % divisor.significand == 0
        }
        guard let scaledDivisor = scaled(divisor.significand, divisor.exponent - small.exponent) else {
            return false
        }
        return small.significand % scaledDivisor == 0
    }
}

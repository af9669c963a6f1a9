import Foundation

/// Number formatting for report tables, chart labels and coordinates.
public enum SVGFormat {
    /// `value` with exactly `decimals` digits after the point: `fixed(1.5, 2)` is `1.50`.
    public static func fixed(_ value: Double, _ decimals: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : value < 0 ? "-inf" : "inf" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        var text = String(rounded)
        if let dot = text.firstIndex(of: ".") {
            let have = text.distance(from: dot, to: text.endIndex) - 1
            if decimals == 0 {
                text = String(text[..<dot])
            } else if have < decimals {
                text += String(repeating: "0", count: decimals - have)
            }
        } else if decimals > 0 {
            text += "." + String(repeating: "0", count: decimals)
        }
        return text
    }

    public static func coordinate(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        return fixed(v, 1)
    }

    /// A tick label: `2`, `2.5`, `0.25`, `187.5` (no trailing zeros).
    public static func number(_ v: Double) -> String {
        if v == v.rounded() && abs(v) < 1e15 { return String(Int(v)) }
        var text = fixed(v, abs(v) < 10 ? 2 : 1)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// A latency given in milliseconds, in the unit that reads best: `250µs`, `12ms`, `1.5s`.
    public static func milliseconds(_ ms: Double) -> String {
        if ms <= 0 { return "0" }
        if ms < 1 { return number(roundedSignificant(ms * 1000)) + "µs" }
        if ms < 1000 { return number(roundedSignificant(ms)) + "ms" }
        return number(roundedSignificant(ms / 1000)) + "s"
    }

    public static func percentile(_ p: Double) -> String {
        if p == 0 { return "0%" }
        var text = fixed(p, 4)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text + "%"
    }

    /// A round number at or above `v` (1, 2, 2.5, 5 times a power of ten).
    public static func niceCeiling(_ v: Double) -> Double {
        guard v > 0, v.isFinite else { return 1 }
        let magnitude = pow10((log10(v)).rounded(.down))
        for step in [1.0, 2.0, 2.5, 5.0, 10.0] where step * magnitude >= v { return step * magnitude }
        return 10 * magnitude
    }

    /// Round tick values from `low` to `high`, about `count` intervals apart (steps of 1, 2, 2.5 or 5
    /// times a power of ten): 0, 2.5, 5, 7.5, 10 rather than 0, 2.04, 4.08.
    public static func ticks(from low: Double, to high: Double, count: Int) -> [Double] {
        guard high > low, low.isFinite, high.isFinite, count > 0 else { return [low] }
        let step = niceCeiling((high - low) / Double(count))
        var values: [Double] = []
        var n = (low / step).rounded(.up)
        while n * step <= high + step * 1e-9, values.count <= 4 * count {
            values.append(roundedSignificant(n * step) == 0 ? 0 : (n * step * 1e9).rounded() / 1e9)
            n += 1
        }
        return values
    }

    /// `v` to three significant digits, so tick labels such as 0.2 do not print as 0.2000001.
    static func roundedSignificant(_ v: Double) -> Double {
        guard v > 0, v.isFinite else { return v }
        let magnitude = pow10((log10(v)).rounded(.down) - 2)
        return (v / magnitude).rounded() * magnitude
    }
}

/// 10 to the power `x`.
func pow10(_ x: Double) -> Double { pow(10, x) }

/// Durations as scenario files and flags write them: `250ms`, `5s`, `1.5s`, `2m`, `1h`, `100us`.
public enum DurationText {
    static let units: [(suffix: String, nanoseconds: Double)] = [
        ("ms", 1e6), ("us", 1e3), ("µs", 1e3), ("ns", 1), ("s", 1e9), ("m", 60e9), ("h", 3600e9),
    ]

    /// The unit suffixes accepted, for messages.
    public static let acceptedForms = "a number followed by ms, s, m or h (250ms, 5s, 2m, 1h)"

    /// Parses a duration; nil when the text is not one. A bare `0` is zero.
    public static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingSpaces()
        if trimmed == "0" { return .zero }
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            let number = trimmed.dropLast(unit.suffix.count)
            guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
                number.filter({ $0 == "." }).count <= 1, number.first != ".", number.last != ".",
                let value = Double(number)
            else { return nil }
            let nanoseconds = value * unit.nanoseconds
            guard nanoseconds.isFinite, nanoseconds < 9.2e18 else { return nil }
            return .nanoseconds(Int64(nanoseconds.rounded()))
        }
        return nil
    }

    /// A short human form: `250ms`, `5s`, `1.5s`, `2m`, `1h30m`.
    public static func format(_ duration: Duration) -> String {
        let ns = duration.nanoseconds
        if ns == 0 { return "0s" }
        if ns % 3_600_000_000_000 == 0 { return "\(ns / 3_600_000_000_000)h" }
        if ns % 60_000_000_000 == 0 && ns >= 60_000_000_000 {
            let minutes = ns / 60_000_000_000
            return minutes >= 60 ? "\(minutes / 60)h\(minutes % 60)m" : "\(minutes)m"
        }
        if ns % 1_000_000_000 == 0 { return "\(ns / 1_000_000_000)s" }
        if ns >= 1_000_000_000 {
            let tenths = (ns + 50_000_000) / 100_000_000
            return "\(tenths / 10).\(tenths % 10)s"
        }
        if ns % 1_000_000 == 0 { return "\(ns / 1_000_000)ms" }
        if ns >= 1_000_000 {
            let tenths = (ns + 50_000) / 100_000
            return "\(tenths / 10).\(tenths % 10)ms"
        }
        return "\(ns / 1000)us"
    }
}

extension Duration {
    /// Whole nanoseconds (saturating).
    public var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return product &+ attoseconds / 1_000_000_000
    }

    public var milliseconds: Double { Double(nanoseconds) / 1e6 }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let first = s.first, first == " " || first == "\t" { s = s.dropFirst() }
        while let last = s.last, last == " " || last == "\t" { s = s.dropLast() }
        return String(s)
    }
}

/// A pass/fail criterion on a run's figures, as `--threshold` and a scenario's `thresholds:`
/// write it: `[EVENT:]METRIC OP VALUE`, e.g. `p99<300ms`, `error_rate<1%`, `rate>=95%`,
/// `rate>=400/s`, `candidate.completed:p95<200ms`. `load`, `run` and `report merge` parse and
/// evaluate thresholds here; each command supplies its figures (``ThresholdFigures``).
public struct Threshold: Sendable, Hashable, CustomStringConvertible {
    public enum Metric: Sendable, Hashable {
        /// A latency percentile in (0, 100]: `p50`, `p99`, `p99.9`, `p99.999`.
        case percentile(Double)
        /// Mean latency (`avg` or `mean`).
        case mean
        case min
        case max
        /// The share of requests that failed.
        case errorRate
        /// Actor arrivals per second, absolute or as a share of the requested rate.
        case rate
    }

    public enum Comparison: String, Sendable, Hashable, CaseIterable {
        case lessOrEqual = "<="
        case greaterOrEqual = ">="
        case less = "<"
        case greater = ">"

        func holds(_ observed: Double, _ limit: Double) -> Bool {
            switch self {
            case .less: observed < limit
            case .lessOrEqual: observed <= limit
            case .greater: observed > limit
            case .greaterOrEqual: observed >= limit
            }
        }
    }

    public enum Limit: Sendable, Hashable {
        /// A latency, in microseconds.
        case microseconds(Double)
        /// A share in 0...1 (`1%`, `0.01`): of failed requests, or of the requested rate.
        case share(Double)
        /// Per second (`400/s`).
        case perSecond(Double)
    }

    /// The text as given (spaces trimmed): what reports store and verdicts name.
    public var text: String
    /// Only this event's requests are measured; nil: all of them.
    public var event: String?
    public var metric: Metric
    public var comparison: Comparison
    public var limit: Limit

    public var description: String { text }

    /// The forms accepted, for messages.
    public static let acceptedForms =
        "[EVENT:]METRIC OP VALUE with METRIC p50..p99.999, avg, min, max (a duration such as 300ms), error_rate (1% or 0.01) or rate (95% of the requested rate, or 400/s), OP <, <=, > or >="

    /// Parses one threshold; the error says what is wrong in one sentence.
    public init(parsing input: String) throws(ThresholdError) {
        let text = input.trimmingSpaces()
        self.text = text
        func bad(_ why: String) -> ThresholdError {
            ThresholdError("threshold \"\(text)\": \(why)")
        }
        guard
            let opStart = text.firstIndex(where: { $0 == "<" || $0 == ">" || $0 == "=" || $0 == "!" })
        else {
            throw bad("no comparison; expected " + Self.acceptedForms)
        }
        var left = Substring(text[..<opStart])
        var rest = text[opStart...]
        guard
            let comparison = Comparison.allCases.first(where: { rest.hasPrefix($0.rawValue) })
        else {
            throw bad("the comparison must be <, <=, > or >=")
        }
        rest = rest.dropFirst(comparison.rawValue.count)
        self.comparison = comparison
        let value = rest.trimmingSpaces()
        guard !value.isEmpty else { throw bad("no value after \(comparison.rawValue)") }

        if let colon = left.lastIndex(of: ":") {
            let event = left[..<colon].trimmingSpaces()
            guard !event.isEmpty else { throw bad("no event before \":\"") }
            self.event = event
            left = left[left.index(after: colon)...]
        } else {
            self.event = nil
        }
        let name = left.trimmingSpaces()
        guard !name.isEmpty else { throw bad("no metric; expected " + Self.acceptedForms) }
        guard let metric = Self.metric(named: name) else {
            throw bad(
                "unknown metric \"\(name)\" (p50..p99.999, avg, min, max, error_rate or rate)")
        }
        self.metric = metric

        switch metric {
        case .percentile, .mean, .min, .max:
            guard let d = DurationText.parse(value), d >= .zero else {
                throw bad("\(name) needs a duration such as 300ms, 1.5s or 250us, not \"\(value)\"")
            }
            limit = .microseconds(Double(d.nanoseconds) / 1000)
        case .errorRate:
            guard let share = Self.parseShare(value), share <= 1 else {
                throw bad("error_rate needs a share such as 1% or 0.01 (0% to 100%), not \"\(value)\"")
            }
            limit = .share(share)
        case .rate:
            if value.hasSuffix("%") {
                guard let share = Self.parseShare(value) else {
                    throw bad("rate needs a share of the requested rate such as 95%, not \"\(value)\"")
                }
                limit = .share(share)
            } else if let perSecond = Self.parsePerSecond(value) {
                limit = .perSecond(perSecond)
            } else {
                throw bad(
                    "rate needs a share of the requested rate (95%) or arrivals per second (400/s), not \"\(value)\""
                )
            }
        }
    }

    static func metric(named name: String) -> Metric? {
        switch name {
        case "avg", "mean": return .mean
        case "min": return .min
        case "max": return .max
        case "error_rate": return .errorRate
        case "rate": return .rate
        default:
            guard name.hasPrefix("p") else { return nil }
            let digits = name.dropFirst()
            guard !digits.isEmpty, digits.first != ".", digits.last != ".",
                digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
                let p = Double(digits), p > 0, p <= 100
            else { return nil }
            return .percentile(p)
        }
    }

    /// `1%`, `0.5 %` or `0.01`: a share (not bounded above: `rate>=110%` is allowed).
    static func parseShare(_ text: String) -> Double? {
        let isPercent = text.hasSuffix("%")
        let number = isPercent ? text.dropLast().trimmingSpaces() : text
        guard let value = Double(number), value.isFinite, value >= 0 else { return nil }
        return isPercent ? value / 100 : value
    }

    /// `400/s`, `400/sec`, `600/m`.
    static func parsePerSecond(_ text: String) -> Double? {
        let parts = text.split(separator: "/", maxSplits: 1)
        guard parts.count == 2, let value = Double(parts[0].trimmingSpaces()), value.isFinite, value >= 0
        else { return nil }
        switch parts[1].trimmingSpaces() {
        case "s", "sec", "second": return value
        case "m", "min", "minute": return value / 60
        default: return nil
        }
    }

    /// Whether the measure this threshold needs exists where it is evaluated; a sentence saying
    /// why not otherwise.
    public func problem(in context: ThresholdContext) -> String? {
        if event != nil && !context.measuresEvents {
            return
                "threshold \"\(text)\": \(context.command) measures all events together, without an event prefix"
        }
        if metric == .rate {
            switch (context.rate, limit) {
            case (.none, _):
                return "threshold \"\(text)\": rate is not measured by \(context.command)"
            case (.absolute, .share):
                return
                    "threshold \"\(text)\": no rate was requested (closed model); give an absolute rate such as rate>=400/s"
            default: break
            }
        }
        return nil
    }

    /// The verdict on the figures `figures` gives for this threshold's event (nil: none measured).
    public func evaluate(_ figures: (_ event: String?) -> ThresholdFigures?) -> ThresholdVerdict {
        let measured = figures(event)
        let result: (observed: Double?, shown: String)
        switch metric {
        case .percentile(let p):
            let v = measured?.latencyAtPercentile(p)
            result = (v, "\(Self.percentileName(p)) " + Self.latency(v))
        case .mean:
            let v = measured?.meanLatency
            result = (v, "avg " + Self.latency(v))
        case .min:
            let v = measured?.minLatency
            result = (v, "min " + Self.latency(v))
        case .max:
            let v = measured?.maxLatency
            result = (v, "max " + Self.latency(v))
        case .errorRate:
            let v = measured.flatMap { $0.requests > 0 ? Double($0.failed) / Double($0.requests) : nil }
            let counts = measured.map { " (\($0.failed) of \($0.requests))" } ?? ""
            result = (v, "error_rate " + (v.map(Self.percent) ?? "-") + counts)
        case .rate:
            let achieved = measured?.achievedPerSecond
            switch limit {
            case .share:
                let requested = measured?.requestedPerSecond
                let v: Double? =
                    if let achieved, let requested, requested > 0 { achieved / requested } else { nil }
                let suffix = achieved.map { " (\(Self.number($0))/s)" } ?? ""
                result = (v, "rate " + (v.map(Self.percent) ?? "-") + suffix)
            default:
                result = (achieved, "rate " + (achieved.map { Self.number($0) + "/s" } ?? "-"))
            }
        }
        let (observed, shown) = result
        let limitValue: Double =
            switch limit {
            case .microseconds(let v), .share(let v), .perSecond(let v): v
            }
        let passed = observed.map { comparison.holds($0, limitValue) } ?? false
        return ThresholdVerdict(
            threshold: text, passed: passed,
            observed: observed == nil ? shown + " (nothing measured)" : shown)
    }

    static func percentileName(_ p: Double) -> String {
        p == p.rounded() ? "p\(Int(p))" : "p\(p)"
    }

    static func latency(_ microseconds: Double?) -> String {
        guard let us = microseconds else { return "-" }
        return DurationText.format(.nanoseconds(Int64((us * 1000).rounded())))
    }

    static func percent(_ share: Double) -> String {
        number(share * 100) + "%"
    }

    /// Up to two decimals, without trailing zeros.
    static func number(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        if rounded == rounded.rounded(), abs(rounded) < 1e15 { return String(Int64(rounded)) }
        return String(rounded)
    }
}

/// What a command measures that thresholds can refer to.
public struct ThresholdContext: Sendable {
    public enum Rate: Sendable {
        /// No rate (run).
        case none
        /// Arrivals per second only (closed model).
        case absolute
        /// Arrivals per second and the requested rate (open model).
        case requested
    }

    /// `load`, `run`: named in messages.
    public var command: String
    public var measuresEvents: Bool
    public var rate: Rate

    public init(command: String, measuresEvents: Bool, rate: Rate) {
        self.command = command
        self.measuresEvents = measuresEvents
        self.rate = rate
    }

    /// The first problem of `thresholds` here, if any.
    public func problem(in thresholds: [Threshold]) -> String? {
        thresholds.lazy.compactMap { $0.problem(in: self) }.first
    }
}

/// The figures of the requests a threshold measures (all of a run's, or one event's). Latencies
/// are in microseconds; nil where nothing was measured.
public struct ThresholdFigures: Sendable {
    public var latencyAtPercentile: @Sendable (Double) -> Double?
    public var meanLatency: Double?
    public var minLatency: Double?
    public var maxLatency: Double?
    /// Requests that ended (answered or failed), and those that failed.
    public var requests: UInt64
    public var failed: UInt64
    public var achievedPerSecond: Double?
    public var requestedPerSecond: Double?

    public init(
        latencyAtPercentile: @escaping @Sendable (Double) -> Double?, meanLatency: Double?,
        minLatency: Double?, maxLatency: Double?, requests: UInt64, failed: UInt64,
        achievedPerSecond: Double? = nil, requestedPerSecond: Double? = nil
    ) {
        self.latencyAtPercentile = latencyAtPercentile
        self.meanLatency = meanLatency
        self.minLatency = minLatency
        self.maxLatency = maxLatency
        self.requests = requests
        self.failed = failed
        self.achievedPerSecond = achievedPerSecond
        self.requestedPerSecond = requestedPerSecond
    }

    /// Figures of a list of latencies in microseconds (nearest-rank percentiles, as HDR
    /// histograms read them): for runs, whose attempts are few.
    public init(latencies: [Double], requests: UInt64, failed: UInt64) {
        let sorted = latencies.sorted()
        self.init(
            latencyAtPercentile: { p in
                guard !sorted.isEmpty else { return nil }
                let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
                return sorted[min(max(rank, 1), sorted.count) - 1]
            },
            meanLatency: sorted.isEmpty ? nil : sorted.reduce(0, +) / Double(sorted.count),
            minLatency: sorted.first, maxLatency: sorted.last, requests: requests, failed: failed)
    }
}

/// One threshold's verdict, as summaries, JSON and JUnit reports show it.
public struct ThresholdVerdict: Sendable, Codable, Equatable, CustomStringConvertible {
    /// The threshold as written.
    public var threshold: String
    public var passed: Bool
    /// What was measured: `p99 212ms`, `error_rate 0.5% (3 of 600)`.
    public var observed: String

    public init(threshold: String, passed: Bool, observed: String) {
        self.threshold = threshold
        self.passed = passed
        self.observed = observed
    }

    /// `✓ p99<300ms  (p99 212ms)`.
    public var description: String { (passed ? "✓ " : "✗ ") + threshold + "  (" + observed + ")" }

    /// The exit code of a run whose thresholds were breached (as k6 uses).
    public static let breachedExitCode: Int32 = 99
}

/// A threshold that cannot be parsed or does not apply: one sentence.
public struct ThresholdError: UserFacingError, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

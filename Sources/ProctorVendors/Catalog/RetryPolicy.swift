import ProctorCore

/// How a vendor resends a message that was not accepted: part of its profile. Delivery decides
/// each attempt's outcome from it (`RetryPolicy+Decisions.swift` in ProctorDelivery).
public struct RetryPolicy: Sendable, Hashable {
    /// Which failed attempts are retried.
    public enum Trigger: Sendable, Hashable {
        /// Anything but a 2xx in time: other statuses (3xx included) and transport failures.
        case anyFailure
        /// Only connection failures, connect timeouts and these statuses.
        case connectionFailureOr(statuses: Set<Int>)
    }

    public var name: String
    /// The wait before each retry: `delays[0]` after the first failure, and so on.
    public var delays: [Duration]
    public var trigger: Trigger
    /// A 2xx that took longer than this counts as a failure.
    public var successWithin: Duration?
    /// Time allowed for each attempt; nil leaves the request's own timeout.
    public var requestTimeout: Duration?
    /// The vendor's connect timeout, for the transport configuration.
    public var connectTimeout: Duration
    /// Stop when the response carries `webhook-delivery: abort-message`.
    public var honoursAbortHeader: Bool
    /// What else a person should know (where the schedule comes from).
    public var note: String?

    public init(
        name: String, delays: [Duration], trigger: Trigger = .anyFailure, successWithin: Duration? = nil,
        requestTimeout: Duration? = nil, connectTimeout: Duration = .seconds(5),
        honoursAbortHeader: Bool = false, note: String? = nil
    ) {
        self.name = name
        self.delays = delays
        self.trigger = trigger
        self.successWithin = successWithin
        self.requestTimeout = requestTimeout
        self.connectTimeout = connectTimeout
        self.honoursAbortHeader = honoursAbortHeader
        self.note = note
    }

    /// The schedule in words, for `proctor events` and the docs.
    public var summary: String {
        var text =
            delays.isEmpty
            ? "no automatic retries"
            : "immediately, then " + delays.map { DurationText.format($0) }.joined(separator: ", ")
        switch trigger {
        case .anyFailure: break
        case .connectionFailureOr(let statuses):
            text +=
                "; only on connection failure, a \(DurationText.format(connectTimeout)) connect timeout or "
                + statuses.sorted().map(String.init).joined(separator: ", ")
        }
        if let successWithin { text += "; success is a 2xx within \(DurationText.format(successWithin))" }
        if let note { text += " (\(note))" }
        return text
    }

    public var maxAttempts: Int { delays.count + 1 }

    /// One attempt, no retries.
    public static let none = RetryPolicy(name: "none", delays: [])

    /// Every delay multiplied by `timeScale` (0.001 turns 5 minutes into 300 ms). Timeouts and the
    /// success window are not scaled: they measure the consumer.
    public func scaled(by timeScale: Double) -> RetryPolicy {
        var copy = self
        copy.delays = delays.map { $0 * timeScale }
        return copy
    }
}

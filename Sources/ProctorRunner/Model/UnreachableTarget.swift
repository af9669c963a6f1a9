import ProctorCore

/// A target no attempt of a run reached: every attempt to it was refused, did not resolve or
/// timed out connecting. The run stopped sending to it when ``UnreachableRule`` said so
/// (``stoppedEarly``); otherwise the run ended first.
public struct UnreachableTarget: Sendable, Hashable {
    /// The URL every attempt to the target went to, or its origin (`http://127.0.0.1:9`) when
    /// they went to several (the origin is what is judged).
    public var url: String
    /// Failed attempts: when it was given up on, or in the whole run.
    public var attempts: Int
    /// From the first attempt to the failure that settled it (or to the last failure).
    public var span: Duration
    /// Whether every one of those attempts was refused (rather than unresolved or timed out).
    public var allRefused: Bool
    /// Why the last attempt failed: `connection refused by 127.0.0.1:9`.
    public var lastFailure: String
    /// Whether the run gave up on it and stopped sending to it.
    public var stoppedEarly: Bool

    public init(
        url: String, attempts: Int, span: Duration, allRefused: Bool, lastFailure: String,
        stoppedEarly: Bool
    ) {
        self.url = url
        self.attempts = attempts
        self.span = span
        self.allRefused = allRefused
        self.lastFailure = lastFailure
        self.stoppedEarly = stoppedEarly
    }

    /// `http://127.0.0.1:9/webhooks/testlify refused every connection (3 attempts over 2.1s, no
    /// answer)`.
    public var summary: String {
        url + (allRefused ? " refused every connection" : " could not be reached")
            + " (\(attempts) attempt\(attempts == 1 ? "" : "s") over \(DurationText.format(span)), no answer)"
    }

    /// The message the command prints: the summary, the last failure and a hint.
    public var message: String { "\(summary): \(lastFailure); is the consumer running?" }

    /// Why steps to this target are not sent and retries to it stop.
    public var stopReason: String { "target unreachable: \(summary)" }
}

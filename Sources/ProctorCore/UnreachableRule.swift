/// When a target counts as unreachable and a run stops sending to it, the same for `proctor run`
/// and `proctor load`: nothing has reached it yet (no HTTP response for `run`, no connection
/// opened for `load`), at least ``attempts`` attempts failed without reaching it, and those
/// failures span at least ``grace`` from the first attempt.
///
/// The grace is real time, never scaled by `--time-scale`: it gives a consumer that is still
/// starting a moment to come up, and it is measured to a failure, so a target is given up on only
/// after an attempt made once the grace had passed has failed too.
public struct UnreachableRule: Sendable, Hashable {
    /// Failed attempts needed, counted across every step, send and retry to the target.
    public var attempts: Int
    /// Least time from the first attempt to the failure that settles it.
    public var grace: Duration

    public init(attempts: Int, grace: Duration) {
        self.attempts = max(1, attempts)
        self.grace = grace
    }

    /// Three failed attempts over two seconds.
    public static let standard = UnreachableRule(attempts: 3, grace: .seconds(2))

    /// Whether a target is given up on: never reached, and `failedAttempts` failures that span
    /// `span` from the first attempt.
    public func givesUp(reached: Bool, failedAttempts: Int, span: Duration) -> Bool {
        !reached && failedAttempts >= attempts && span >= grace
    }
}

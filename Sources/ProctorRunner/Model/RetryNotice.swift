import ProctorCore
import ProctorDelivery

/// A step waiting to resend, as the console shows it: the step, the attempt that failed and why,
/// the wait and the next attempt.
public struct RetryNotice: Sendable, Hashable {
    /// `send candidate.completed`.
    public var step: String
    public var actor: String?
    public var fault: String?
    /// The send's label when the step makes several (`original`, `duplicate`); nil otherwise.
    public var send: String?
    public var retry: RetryWait
    /// The run's `--time-scale`: ``RetryWait/wait`` is the vendor's wait times this.
    public var timeScale: Double

    public init(
        step: String, actor: String? = nil, fault: String? = nil, send: String? = nil, retry: RetryWait,
        timeScale: Double = 1
    ) {
        self.step = step
        self.actor = actor
        self.fault = fault
        self.send = send
        self.retry = retry
        self.timeScale = timeScale
    }

    /// The vendor's wait, before `--time-scale`, to the millisecond (the schedules are in whole
    /// seconds).
    public var vendorWait: Duration {
        guard timeScale != 1, timeScale > 0 else { return retry.wait }
        let milliseconds = (Double(retry.wait.nanoseconds) / 1e6 / timeScale).rounded()
        return .milliseconds(Int64(min(milliseconds, 9e15)))
    }
}

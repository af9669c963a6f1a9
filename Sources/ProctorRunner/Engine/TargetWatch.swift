import ProctorCore
import ProctorDelivery

/// Judges the targets of a run by an ``UnreachableRule`` from every attempt sent to them, and
/// cuts short the waits (`after:`, retries) of deliveries to a target once it is given up on.
///
/// A target is an origin (scheme, host and port): the routes and probes of one consumer count
/// together, and scenarios or vendors sent to different consumers are judged apart. An attempt
/// reaches its target when it gets an HTTP response or fails after connecting (a timeout, a reset,
/// TLS); it fails to when it is refused, its host does not resolve or the connect times out
/// (``TransportFailure/neverReached``). A target reached once is never given up on; one given up
/// on stays so for the run. Without a rule no target is given up on, but those never reached are
/// still told apart.
public actor TargetWatch {
    /// When to give up on a target; nil: never.
    public nonisolated let rule: UnreachableRule?

    private struct Target {
        /// The URL every attempt went to, else the origin.
        var url: String
        var firstAttemptMilliseconds: Int64
        var reached = false
        var failures = 0
        var allRefused = true
        var lastFailure: (reason: String, atMilliseconds: Int64)?
        var verdict: UnreachableTarget?
    }

    private var targets: [String: Target] = [:]
    /// Origins in the order of their first attempt.
    private var order: [String] = []
    private var waiters: [Int: (origin: String, continuation: CheckedContinuation<Void, Never>)] = [:]
    /// Waiters cancelled before they were registered.
    private var cancelledWaiters: Set<Int> = []
    private var nextWaiter = 0

    public init(rule: UnreachableRule? = .standard) {
        self.rule = rule
    }

    /// Records one attempt. Returns the verdict when its target is given up on (by this attempt
    /// or before).
    @discardableResult
    public func record(_ exchange: Exchange) -> UnreachableTarget? {
        let origin = Self.origin(of: exchange.request.url)
        if targets[origin] == nil { order.append(origin) }
        var target =
            targets[origin]
            ?? Target(url: exchange.request.url, firstAttemptMilliseconds: exchange.startedAtMilliseconds)
        target.firstAttemptMilliseconds = min(target.firstAttemptMilliseconds, exchange.startedAtMilliseconds)
        if target.url != exchange.request.url { target.url = origin }
        switch exchange.outcome {
        case .success:
            target.reached = true
        case .failure(let failure) where failure.neverReached:
            target.failures += 1
            target.allRefused = target.allRefused && failure.kind == .connectionRefused
            let failedAt = exchange.startedAtMilliseconds + exchange.duration.nanoseconds / 1_000_000
            let span = Duration.milliseconds(failedAt - target.firstAttemptMilliseconds)
            target.lastFailure = (
                failure.reason, max(failedAt, target.lastFailure?.atMilliseconds ?? failedAt)
            )
            if target.verdict == nil, let rule,
                rule.givesUp(reached: target.reached, failedAttempts: target.failures, span: span)
            {
                target.verdict = UnreachableTarget(
                    url: target.url, attempts: target.failures, span: span, allRefused: target.allRefused,
                    lastFailure: failure.reason, stoppedEarly: true)
                wake(origin)
            }
        case .failure(let failure):
            // Connected, then failed: the target is there. Failures that say nothing about it
            // (cancelled, a request that could not be made, unclassified) do not count.
            switch failure.kind {
            case .cancelled, .invalidRequest, .other: break
            default: target.reached = true
            }
        }
        targets[origin] = target
        return target.verdict
    }

    /// The verdict on the target of `url`, nil while it is not given up on.
    public func verdict(for url: String) -> UnreachableTarget? {
        targets[Self.origin(of: url)]?.verdict
    }

    /// The targets given up on (as they were then) and those no attempt reached so far (as they
    /// are now), in the order of their first attempt.
    public var unreachableTargets: [UnreachableTarget] {
        order.compactMap { origin in
            guard let target = targets[origin] else { return nil }
            if let verdict = target.verdict { return verdict }
            guard !target.reached, let last = target.lastFailure else { return nil }
            return UnreachableTarget(
                url: target.url, attempts: target.failures,
                span: .milliseconds(last.atMilliseconds - target.firstAttemptMilliseconds),
                allRefused: target.allRefused, lastFailure: last.reason, stoppedEarly: false)
        }
    }

    /// Sleeps with `sleeper`, unless the target of `url` is given up on before or during the wait:
    /// then it throws ``DeliveryStop`` with the reason at once. Cancellation ends it as the sleeper
    /// does.
    public nonisolated func sleep(
        _ duration: Duration, toward url: String, using sleeper: @escaping DeliveryLoop.Sleeper
    ) async throws {
        let origin = Self.origin(of: url)
        if let verdict = await verdict(origin: origin) { throw DeliveryStop(verdict.stopReason) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await sleeper(duration) }
            group.addTask {
                await self.waitUntilGivenUp(origin)
                try Task.checkCancellation()
                if let verdict = await self.verdict(origin: origin) { throw DeliveryStop(verdict.stopReason) }
            }
            defer { group.cancelAll() }
            _ = try await group.next()
        }
    }

    private func verdict(origin: String) -> UnreachableTarget? { targets[origin]?.verdict }

    /// Returns once the target is given up on or the task is cancelled.
    private func waitUntilGivenUp(_ origin: String) async {
        let id = nextWaiter
        nextWaiter += 1
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                if targets[origin]?.verdict != nil || cancelledWaiters.remove(id) != nil {
                    continuation.resume()
                } else {
                    waiters[id] = (origin, continuation)
                }
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    private func cancelWaiter(_ id: Int) {
        if let waiter = waiters.removeValue(forKey: id) {
            waiter.continuation.resume()
        } else {
            // Not registered yet, or already woken (at most once per waiter): remembered, so a late
            // registration ends at once.
            cancelledWaiters.insert(id)
        }
    }

    private func wake(_ origin: String) {
        for (id, waiter) in waiters where waiter.origin == origin {
            waiters.removeValue(forKey: id)
            waiter.continuation.resume()
        }
    }

    /// `scheme://host:port` of a URL (the text itself when it does not parse).
    static func origin(of url: String) -> String {
        (try? TargetURL(parsing: url))?.origin ?? url
    }
}

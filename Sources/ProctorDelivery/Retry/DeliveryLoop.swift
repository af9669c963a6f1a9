import Foundation
import ProctorCore
import ProctorVendors

/// What an attempt is built from: its number and the wall-clock time it is sent at.
public struct AttemptContext: Sendable, Hashable {
    /// 1 for the first attempt.
    public var attempt: Int
    /// Wall-clock seconds since the Unix epoch, real even when delays are scaled.
    public var nowSeconds: Int64

    public init(attempt: Int, nowSeconds: Int64) {
        self.attempt = attempt
        self.nowSeconds = nowSeconds
    }
}

/// One attempt of a delivery.
public struct AttemptRecord: Sendable, Hashable {
    public var number: Int
    /// How long the loop waited before this attempt (already scaled).
    public var waitedBefore: Duration
    public var exchange: Exchange
    public var verdict: RetryPolicy.Verdict

    public init(number: Int, waitedBefore: Duration, exchange: Exchange, verdict: RetryPolicy.Verdict) {
        self.number = number
        self.waitedBefore = waitedBefore
        self.exchange = exchange
        self.verdict = verdict
    }
}

/// The end of a delivery.
public struct DeliveryResult: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        case delivered
        case failed(reason: String)
        case cancelled
    }

    public var attempts: [AttemptRecord]
    public var outcome: Outcome

    public init(attempts: [AttemptRecord], outcome: Outcome) {
        self.attempts = attempts
        self.outcome = outcome
    }

    public var lastExchange: Exchange? { attempts.last?.exchange }
    public var isDelivered: Bool { outcome == .delivered }
}

/// A delivery about to wait before it resends: the attempt that failed and the next one.
public struct RetryWait: Sendable, Hashable {
    /// The attempt that failed.
    public var failed: AttemptRecord
    /// Why it failed: `status 503`, a transport failure, an answer later than the success window.
    public var reason: String
    /// The wait before the next attempt, as slept (already scaled).
    public var wait: Duration
    /// The number of the next attempt (the first is 1).
    public var nextAttempt: Int
    /// The attempts the policy allows in all.
    public var maxAttempts: Int
    /// When the next attempt is due, wall-clock milliseconds since the Unix epoch.
    public var nextAttemptAtMilliseconds: Int64

    public init(
        failed: AttemptRecord, reason: String, wait: Duration, nextAttempt: Int, maxAttempts: Int,
        nextAttemptAtMilliseconds: Int64
    ) {
        self.failed = failed
        self.reason = reason
        self.wait = wait
        self.nextAttempt = nextAttempt
        self.maxAttempts = maxAttempts
        self.nextAttemptAtMilliseconds = nextAttemptAtMilliseconds
    }
}

/// Ends a delivery early as failed (not cancelled), with the reason: what
/// ``DeliveryHooks/attemptEnded`` returns, or what a ``DeliveryLoop/Sleeper`` throws when its wait
/// is cut short.
public struct DeliveryStop: Error, Sendable, Hashable {
    public var reason: String

    public init(_ reason: String) { self.reason = reason }
}

/// What the caller of a delivery hears of it, and how it ends one early.
public struct DeliveryHooks: Sendable {
    /// Sees every attempt as it ends. A stop ends a delivery that would otherwise retry: it fails
    /// there, with the stop's reason after the attempt's.
    public var attemptEnded: @Sendable (AttemptRecord) async -> DeliveryStop?
    /// Hears of each wait for a retry as it begins.
    public var waitingForRetry: @Sendable (RetryWait) -> Void

    public init(
        attemptEnded: @escaping @Sendable (AttemptRecord) async -> DeliveryStop? = { _ in nil },
        waitingForRetry: @escaping @Sendable (RetryWait) -> Void = { _ in }
    ) {
        self.attemptEnded = attemptEnded
        self.waitingForRetry = waitingForRetry
    }

    /// Hears nothing, stops nothing.
    public static let none = DeliveryHooks()
}

/// Sends one message and resends it as the policy says.
public enum DeliveryLoop {
    /// Sleeps for a duration; throws when cancelled (the delivery ends cancelled) or
    /// ``DeliveryStop`` when the wait is cut short (the delivery ends failed).
    public typealias Sleeper = @Sendable (Duration) async throws -> Void

    public static let taskSleeper: Sleeper = { duration in try await Task.sleep(for: duration) }

    /// Sends `makeRequest(context)` until the policy is satisfied or gives up, or `hooks` stop
    /// it. Each attempt is built anew, so a re-signing closure gives every attempt a fresh
    /// timestamp and signature. The first attempt goes out after `initialDelay`.
    public static func deliver(
        policy: RetryPolicy,
        transport: some Transport,
        initialDelay: Duration = .zero,
        clock: some WallClock = SystemClock(),
        sleep: Sleeper = taskSleeper,
        hooks: DeliveryHooks = .none,
        makeRequest: @Sendable (AttemptContext) -> OutgoingRequest
    ) async -> DeliveryResult {
        var attempts: [AttemptRecord] = []
        var wait = initialDelay
        var number = 1
        /// Failed with `reason` (the attempts are counted where the result is shown).
        func failed(_ reason: String) -> DeliveryResult {
            DeliveryResult(attempts: attempts, outcome: .failed(reason: reason))
        }
        while true {
            if wait > .zero {
                do {
                    try await sleep(wait)
                } catch let stop as DeliveryStop {
                    return failed(attempts.last.map { "\($0.verdict.reason); \(stop.reason)" } ?? stop.reason)
                } catch {
                    return DeliveryResult(attempts: attempts, outcome: .cancelled)
                }
            }
            if Task.isCancelled { return DeliveryResult(attempts: attempts, outcome: .cancelled) }
            let context = AttemptContext(attempt: number, nowSeconds: clock.nowMilliseconds() / 1000)
            var request = makeRequest(context)
            if let limit = policy.requestTimeout { request.timeout = min(request.timeout, limit) }
            let exchange = await transport.send(request)
            let record = AttemptRecord(
                number: number, waitedBefore: wait, exchange: exchange, verdict: policy.verdict(for: exchange)
            )
            attempts.append(record)
            let stop = await hooks.attemptEnded(record)
            if exchange.failure?.kind == .cancelled {
                return DeliveryResult(attempts: attempts, outcome: .cancelled)
            }
            switch policy.decide(afterAttempt: number, exchange: exchange) {
            case .delivered: return DeliveryResult(attempts: attempts, outcome: .delivered)
            case .giveUp(let reason): return failed(reason)
            case .retry(let after):
                if let stop { return failed("\(record.verdict.reason); \(stop.reason)") }
                hooks.waitingForRetry(
                    RetryWait(
                        failed: record, reason: record.verdict.reason, wait: after, nextAttempt: number + 1,
                        maxAttempts: policy.maxAttempts,
                        nextAttemptAtMilliseconds: clock.nowMilliseconds() + after.nanoseconds / 1_000_000))
                wait = after
                number += 1
            }
        }
    }
}

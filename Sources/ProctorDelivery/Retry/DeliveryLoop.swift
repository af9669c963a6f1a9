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

/// Sends one message and resends it as the policy says.
public enum DeliveryLoop {
    /// Sleeps for a duration; throws when cancelled.
    public typealias Sleeper = @Sendable (Duration) async throws -> Void

    public static let taskSleeper: Sleeper = { duration in try await Task.sleep(for: duration) }

    /// Sends `makeRequest(context)` until the policy is satisfied or gives up. Each attempt is
    /// built anew, so a re-signing closure gives every attempt a fresh timestamp and signature.
    /// The first attempt goes out after `initialDelay`.
    public static func deliver(
        policy: RetryPolicy,
        transport: some Transport,
        initialDelay: Duration = .zero,
        clock: some WallClock = SystemClock(),
        sleep: Sleeper = taskSleeper,
        makeRequest: @Sendable (AttemptContext) -> OutgoingRequest
    ) async -> DeliveryResult {
        var attempts: [AttemptRecord] = []
        var wait = initialDelay
        var number = 1
        while true {
            if wait > .zero {
                do { try await sleep(wait) } catch {
                    return DeliveryResult(attempts: attempts, outcome: .cancelled)
                }
            }
            if Task.isCancelled { return DeliveryResult(attempts: attempts, outcome: .cancelled) }
            let context = AttemptContext(attempt: number, nowSeconds: clock.nowMilliseconds() / 1000)
            var request = makeRequest(context)
            if let limit = policy.requestTimeout { request.timeout = min(request.timeout, limit) }
            let exchange = await transport.send(request)
            attempts.append(
                AttemptRecord(
                    number: number, waitedBefore: wait, exchange: exchange,
                    verdict: policy.verdict(for: exchange)))
            if exchange.failure?.kind == .cancelled {
                return DeliveryResult(attempts: attempts, outcome: .cancelled)
            }
            switch policy.decide(afterAttempt: number, exchange: exchange) {
            case .delivered: return DeliveryResult(attempts: attempts, outcome: .delivered)
            case .giveUp(let reason):
                return DeliveryResult(
                    attempts: attempts,
                    outcome: .failed(
                        reason: attempts.count > 1
                            ? "failed after \(attempts.count) attempts: \(reason)" : reason))
            case .retry(let after):
                wait = after
                number += 1
            }
        }
    }
}

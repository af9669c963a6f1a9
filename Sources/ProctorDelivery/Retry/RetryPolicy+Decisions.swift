import ProctorCore
import ProctorVendors

extension RetryPolicy {
    /// What one attempt amounts to under this policy.
    public enum Verdict: Sendable, Hashable {
        case accepted
        /// Failed; `retryable` says whether the policy resends after it.
        case failed(reason: String, retryable: Bool)
        /// The consumer asked the vendor to stop.
        case aborted(reason: String)

        /// Why the attempt was not accepted (`accepted` for one that was).
        public var reason: String {
            switch self {
            case .accepted: return "accepted"
            case .failed(let reason, _), .aborted(let reason): return reason
            }
        }
    }

    public func verdict(for exchange: Exchange) -> Verdict {
        switch exchange.outcome {
        case .failure(let failure):
            // A request that cannot be sent as given fails the same way every time.
            if failure.kind == .invalidRequest {
                return .aborted(
                    reason: "\(failure.description); the request cannot be sent, so it is not resent")
            }
            switch trigger {
            case .anyFailure: return .failed(reason: failure.description, retryable: true)
            case .connectionFailureOr:
                return .failed(reason: failure.description, retryable: failure.isConnectionFailure)
            }
        case .success(let response):
            if honoursAbortHeader, response.headers["webhook-delivery"]?.lowercased() == "abort-message" {
                return .aborted(reason: "the consumer answered webhook-delivery: abort-message")
            }
            if response.isSuccess {
                if let window = successWithin, exchange.duration > window {
                    return .failed(
                        reason:
                            "status \(response.status) after \(DurationText.format(exchange.duration)), later than the \(DurationText.format(window)) success window",
                        retryable: trigger == .anyFailure
                    )
                }
                return .accepted
            }
            let reason = "status \(response.status)"
            switch trigger {
            case .anyFailure: return .failed(reason: reason, retryable: true)
            case .connectionFailureOr(let statuses):
                return .failed(reason: reason, retryable: statuses.contains(response.status))
            }
        }
    }

    /// What happens after attempt number `attempt` (1-based) ended with `exchange`.
    public enum Decision: Sendable, Hashable {
        case delivered
        case retry(after: Duration)
        case giveUp(reason: String)
    }

    public func decide(afterAttempt attempt: Int, exchange: Exchange) -> Decision {
        switch verdict(for: exchange) {
        case .accepted: return .delivered
        case .aborted(let reason): return .giveUp(reason: reason)
        case .failed(let reason, let retryable):
            guard retryable else { return .giveUp(reason: "\(reason); \(name) does not retry this") }
            guard attempt <= delays.count else {
                return .giveUp(
                    reason: "\(reason); no retries left after \(attempt) attempt\(attempt == 1 ? "" : "s")")
            }
            return .retry(after: delays[attempt - 1])
        }
    }
}

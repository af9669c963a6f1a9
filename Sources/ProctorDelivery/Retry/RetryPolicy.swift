import ProctorCore

/// How a vendor resends a message that was not accepted. Pure values: ``decide(afterAttempt:exchange:)``
/// says what happens next; ``DeliveryLoop`` carries it out.
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

    public init(
        name: String, delays: [Duration], trigger: Trigger = .anyFailure, successWithin: Duration? = nil,
        requestTimeout: Duration? = nil, connectTimeout: Duration = .seconds(5),
        honoursAbortHeader: Bool = false
    ) {
        self.name = name
        self.delays = delays
        self.trigger = trigger
        self.successWithin = successWithin
        self.requestTimeout = requestTimeout
        self.connectTimeout = connectTimeout
        self.honoursAbortHeader = honoursAbortHeader
    }

    public var maxAttempts: Int { delays.count + 1 }

    /// Svix (Testlify): retries 5s, 5m, 30m, 2h, 5h, 10h, 10h after failures; success is a 2xx
    /// within 15 s; `webhook-delivery: abort-message` stops the retries.
    public static let svix = RetryPolicy(
        name: "svix",
        delays: [
            .seconds(5), .seconds(5 * 60), .seconds(30 * 60), .seconds(2 * 3600), .seconds(5 * 3600),
            .seconds(10 * 3600), .seconds(10 * 3600),
        ],
        trigger: .anyFailure, successWithin: .seconds(15), requestTimeout: .seconds(15),
        honoursAbortHeader: true
    )

    /// The statuses after which Qualified retries.
    public static let qualifiedRetryStatuses: Set<Int> = [502, 503, 504, 520, 521, 523, 525, 526, 527, 530]

    /// Qualified: one retry after 60 s, only on connection failure, a 5 s connect timeout or a
    /// status in ``qualifiedRetryStatuses``.
    public static let qualified = RetryPolicy(
        name: "qualified", delays: [.seconds(60)],
        trigger: .connectionFailureOr(statuses: qualifiedRetryStatuses),
        connectTimeout: .seconds(5)
    )

    /// Talview documents no schedule; Proctor's default retries any failure after 30 s, 5 m and 30 m.
    public static let talview = RetryPolicy(
        name: "talview", delays: [.seconds(30), .seconds(5 * 60), .seconds(30 * 60)], trigger: .anyFailure
    )

    /// Legacy Testlify (v1) offers only manual "Force Retry": no automatic retries.
    public static let testlifyLegacy = RetryPolicy(name: "testlify-v1", delays: [])

    /// One attempt, no retries.
    public static let none = RetryPolicy(name: "none", delays: [])

    /// The vendor's policy by vendor name (`talview`, `testlify`, `testlify-v1`, `qualified`).
    public static func vendor(_ name: String) -> RetryPolicy? {
        switch name {
        case "testlify": return .svix
        case "qualified": return .qualified
        case "talview": return .talview
        case "testlify-v1": return .testlifyLegacy
        default: return nil
        }
    }

    /// Every delay multiplied by `timeScale` (0.001 turns 5 minutes into 300 ms). Timeouts and the
    /// success window are not scaled: they measure the consumer.
    public func scaled(by timeScale: Double) -> RetryPolicy {
        var copy = self
        copy.delays = delays.map { $0 * timeScale }
        return copy
    }

    /// What one attempt amounts to under this policy.
    public enum Verdict: Sendable, Hashable {
        case accepted
        /// Failed; `retryable` says whether the policy resends after it.
        case failed(reason: String, retryable: Bool)
        /// The consumer asked the vendor to stop.
        case aborted(reason: String)
    }

    public func verdict(for exchange: Exchange) -> Verdict {
        switch exchange.outcome {
        case .failure(let failure):
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

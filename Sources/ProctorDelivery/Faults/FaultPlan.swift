import ProctorCore
import ProctorSigning
import ProctorVendors

/// One send that a step turns into, after its fault is applied.
public struct PlannedSend: Sendable {
    /// `original`, `duplicate`, ...
    public var label: String
    /// Waited before the first attempt (already scaled).
    public var delayBefore: Duration
    /// Resends on this schedule (`vendor-retries`); one attempt when nil.
    public var retryPolicy: RetryPolicy?
    /// Builds the request for an attempt: fresh timestamp and signature every time.
    public var makeRequest: @Sendable (AttemptContext) -> OutgoingRequest

    public init(
        label: String, delayBefore: Duration = .zero, retryPolicy: RetryPolicy? = nil,
        makeRequest: @escaping @Sendable (AttemptContext) -> OutgoingRequest
    ) {
        self.label = label
        self.delayBefore = delayBefore
        self.retryPolicy = retryPolicy
        self.makeRequest = makeRequest
    }
}

/// Settings of the request-level faults.
public struct FaultOptions: Sendable, Hashable {
    /// The `delay` fault's wait, before scaling.
    public var delay: Duration
    /// How far `stale-timestamp` and `future-timestamp` move the timestamp (beyond the 5-minute tolerance).
    public var timestampSkewSeconds: Int64
    public var slowChunkSize: Int
    /// Pause between `slow-send` chunks (real time: it measures the consumer).
    public var slowInterval: Duration
    /// The share of the body `truncated-body` sends.
    public var truncatedFraction: Double
    /// Multiplies every wait (delays and retry schedules), never the payload timestamps.
    public var timeScale: Double
    /// The schedule of `vendor-retries`; the vendor's own when nil.
    public var retryPolicy: RetryPolicy?

    public init(
        delay: Duration = .seconds(5), timestampSkewSeconds: Int64 = 600, slowChunkSize: Int = 16,
        slowInterval: Duration = .milliseconds(50), truncatedFraction: Double = 0.5, timeScale: Double = 1,
        retryPolicy: RetryPolicy? = nil
    ) {
        self.delay = delay
        self.timestampSkewSeconds = timestampSkewSeconds
        self.slowChunkSize = slowChunkSize
        self.slowInterval = slowInterval
        self.truncatedFraction = truncatedFraction
        self.timeScale = timeScale
        self.retryPolicy = retryPolicy
    }
}

/// A fault that cannot be applied to a request.
public struct FaultError: Error, Sendable, Hashable, CustomStringConvertible {
    public var fault: FaultKind
    public var message: String

    public init(fault: FaultKind, message: String) {
        self.fault = fault
        self.message = message
    }

    public var description: String { "fault \(fault.rawValue): \(message)" }
}

/// Turns a prepared request and a fault into the sends that actually go out.
public enum FaultInjector {
    public static func plan(
        _ prepared: PreparedRequest, fault: FaultKind?, options: FaultOptions = FaultOptions()
    ) throws(FaultError) -> [PlannedSend] {
        func send(
            _ label: String, delay: Duration = .zero, variant: SignatureVariant = .valid, skew: Int64 = 0,
            style: StandardWebhooksHeaderStyle? = nil, mode: SendMode = .normal, retry: RetryPolicy? = nil
        ) -> PlannedSend {
            PlannedSend(label: label, delayBefore: delay, retryPolicy: retry) { context in
                prepared.request(
                    timestamp: context.nowSeconds + skew, variant: variant, style: style, mode: mode)
            }
        }
        guard let fault else { return [send("original")] }
        let signatureFaults: Set<FaultKind> = [
            .badSignature, .malformedSignature, .staleTimestamp, .futureTimestamp, .rotatedSecret,
            .missingSignature, .webhookHeaders,
        ]
        let signsStandardWebhooks = prepared.signers.contains {
            if case .standardWebhooks = $0.scheme { return true } else { return false }
        }
        if signatureFaults.contains(fault) && !signsStandardWebhooks {
            let timestampFaults: Set<FaultKind> = [
                .staleTimestamp, .futureTimestamp, .rotatedSecret, .webhookHeaders,
            ]
            if prepared.signers.isEmpty {
                throw FaultError(
                    fault: fault,
                    message: "\(prepared.vendor) requests are not signed, so there is no signature to alter")
            }
            if timestampFaults.contains(fault) {
                throw FaultError(
                    fault: fault,
                    message: "\(prepared.vendor) requests carry a body HMAC without timestamp or message id; "
                        + "\(fault.rawValue) needs Standard Webhooks signing")
            }
        }
        switch fault {
        case .duplicate: return [send("original"), send("duplicate")]
        case .delay: return [send("delayed", delay: options.delay * options.timeScale)]
        case .badSignature: return [send("bad-signature", variant: .wrong)]
        case .malformedSignature: return [send("malformed-signature", variant: .malformed)]
        case .staleTimestamp: return [send("stale-timestamp", skew: -options.timestampSkewSeconds)]
        case .futureTimestamp: return [send("future-timestamp", skew: options.timestampSkewSeconds)]
        case .rotatedSecret: return [send("rotated-secret", variant: .rotated)]
        case .missingSignature: return [send("missing-signature", variant: .missing)]
        case .webhookHeaders: return [send("webhook-headers", style: .webhook)]
        case .vendorRetries:
            guard let policy = options.retryPolicy ?? prepared.retryPolicy else {
                throw FaultError(
                    fault: fault, message: "no retry schedule is known for vendor \(prepared.vendor)")
            }
            return [send("vendor-retries", retry: policy.scaled(by: options.timeScale))]
        case .slowSend:
            return [
                send(
                    "slow-send",
                    mode: .slow(chunkSize: max(1, options.slowChunkSize), interval: options.slowInterval))
            ]
        case .truncatedBody:
            guard prepared.body.count >= 2 else {
                throw FaultError(
                    fault: fault, message: "the body has \(prepared.body.count) bytes, too short to truncate")
            }
            let sent = min(
                prepared.body.count - 1, max(1, Int(Double(prepared.body.count) * options.truncatedFraction)))
            return [send("truncated-body", mode: .truncated(sentBytes: sent))]
        case .reorder:
            // Reordering changes the schedule, not the request: see `Reordering.apply`.
            return [send("reordered")]
        }
    }
}

/// The `reorder` fault: an event marked with it is swapped with the next event of the same actor.
public enum Reordering {
    /// `events` are one actor's events in scenario order. Each marked event trades places with the
    /// event after it; an event that has moved is not moved again; a marked last event stays.
    public static func apply<Event>(_ events: [Event], isMarked: (Event) -> Bool) -> [Event] {
        var result = events
        var index = 0
        while index < result.count - 1 {
            if isMarked(events[index]) {
                result.swapAt(index, index + 1)
                index += 2
            } else {
                index += 1
            }
        }
        return result
    }
}

extension FaultKind {
    /// What a correct consumer answers to this fault.
    public var expectedConsumerAnswer: String {
        switch self {
        case .duplicate: return "2xx both times, and processes the message once (de-duplicates by message id)"
        case .reorder: return "2xx, and keeps the newer state when an older event arrives after a newer one"
        case .delay: return "2xx, as for a prompt delivery"
        case .badSignature: return "401 (or 400/403), and ignores the body"
        case .malformedSignature: return "401 (or 400), without crashing on the undecodable entry"
        case .staleTimestamp:
            return "401: the timestamp is outside the 5-minute tolerance (replay protection)"
        case .futureTimestamp: return "401: the timestamp is too far in the future"
        case .rotatedSecret: return "2xx: one of the space-separated signatures is valid"
        case .missingSignature: return "401 (or 400): unsigned requests are rejected"
        case .webhookHeaders:
            return "2xx: webhook-id/-timestamp/-signature are the Standard Webhooks names for the same values"
        case .vendorRetries:
            return "eventually 2xx; each retry carries the same message id and is processed once"
        case .slowSend: return "2xx once the whole body has arrived"
        case .truncatedBody: return "no processing: a 400 or a closed connection, never a half-parsed event"
        }
    }
}

import ProctorCore
import ProctorDelivery
import ProctorJSON
import ProctorSigning
import ProctorVendors

/// Who answers the vendor when the receiver forwards (`serve --answer`).
public enum ForwardAnswer: String, Sendable, Hashable, CaseIterable {
    /// The consumer's status and body; 502 when it could not be reached, 504 when it did not
    /// answer within the forward timeout.
    case consumer
    /// The receiver's own answer. The relay still happens, before the answer, and is shown.
    case receiver
}

/// `serve --forward-to URL`: each webhook request the receiver has checked is relayed to a
/// consumer (same method, headers but the hop-by-hop ones, the exact body bytes), optionally
/// signed anew with a local secret, within ``timeout``.
public struct ForwardSettings: Sendable {
    /// The consumer's URL, exactly as given: every request goes to it, whatever its path.
    public let url: String
    /// Signs the relayed requests anew (`--resign`); nil: they keep the vendor's signatures.
    public var resigning: Resigning?
    /// Bounds the whole relay: connecting, sending, and the consumer's complete answer.
    public var timeout: Duration
    public var answer: ForwardAnswer
    /// Sends the relayed requests (``HTTPTransport`` in `serve`).
    public var transport: any Transport

    public static let defaultTimeout = Duration.seconds(5)

    /// Whether `url` is the receiver's own address (`host`, or a loopback name, and `port`): a
    /// relay to it would go round in circles.
    public func isOwnAddress(host: String, port: Int) -> Bool {
        guard let target = try? TargetURL(parsing: url), target.port == port else { return false }
        let loopback: Set<String> = ["localhost", "127.0.0.1", "::1", "0.0.0.0"]
        return target.host == host || (loopback.contains(target.host) && loopback.contains(host))
    }

    /// Settings relaying to `url`; throws when `url` is not an http(s) URL ``TargetURL`` reads.
    public init(
        url: String, resigning: Resigning? = nil, timeout: Duration = defaultTimeout,
        answer: ForwardAnswer = .consumer, transport: any Transport
    ) throws(TargetURLError) {
        _ = try TargetURL(parsing: url)
        self.url = url
        self.resigning = resigning
        self.timeout = timeout
        self.answer = answer
        self.transport = transport
    }

    /// The signer of `--resign`: Standard Webhooks signatures (`v1` or `v1a`) with one local
    /// secret, in the header style the request came with, and the route's body HMAC header with
    /// the secret's text as its key (as the verifier reads a secret for a body HMAC).
    public struct Resigning: Sendable {
        let signer: Signer

        /// Throws when `secret` is not a Standard Webhooks signing secret (`whsec_`, `whsk_`).
        public init(secret: WebhookSecret) throws(SigningError) {
            signer = try Signer(scheme: .standardWebhooks(.svix), secrets: [secret])
        }

        public var secret: WebhookSecret? { signer.secrets.first }
    }

    /// The relayed request of `record`: its method, headers in order and case but the hop-by-hop
    /// ones, its body bytes; re-signed with ``resigning`` when set. `signing` is the route
    /// vendor's scheme, nil for a path that names no vendor; `hmacHeader` the body HMAC header
    /// the receiver checks on the route (`--hmac`), re-signed in the form it came in.
    func request(
        for record: CaptureRecord, signing: SigningScheme?, hmacHeader: String? = nil, nowSeconds: Int64
    ) -> OutgoingRequest {
        var headers = record.headers.relayable
        var sensitive: [String] = []
        if let resigning {
            // The --hmac header is signed anew in the form it came in.
            let forms = hmacHeader.flatMap { name in
                headers[name].flatMap { HMACSigning.form(ofHeader: name, value: $0) }
            }
            // The secret was checked when `resigning` was made: it signs both.
            sensitive =
                (try? Signer.resign(
                    &headers, body: record.body, secrets: resigning.signer.secrets, vendorScheme: signing,
                    hmac: forms.map { [$0] } ?? [], messageId: record.event.messageId, nowSeconds: nowSeconds))
                ?? []
        }
        return OutgoingRequest(
            method: record.method, url: url, headers: headers, body: record.body, timeout: timeout,
            sensitive: sensitive)
    }

    /// Relays `record` and waits for the consumer's answer, at most ``timeout``. Without one, the
    /// vendor's answer is 504 (none in time) or 502 (the consumer was not reached, closed the
    /// connection, or answered more than the transport reads).
    func relay(
        _ record: CaptureRecord, signing: SigningScheme?, hmacHeader: String? = nil, nowSeconds: Int64
    ) async -> Relay {
        let request = request(for: record, signing: signing, hmacHeader: hmacHeader, nowSeconds: nowSeconds)
        let exchange = await transport.send(request)
        let result: ForwardOutcome.Result
        var answered: ResponseSummary?
        switch exchange.outcome {
        case .success(let response) where response.bodyTruncated:
            result = .failed(
                kind: TransportFailure.Kind.tooLarge.rawValue,
                reason: "its answer is larger than the relay reads")
        case .success(let response):
            result = .answered(status: response.status)
            answered = response
        case .failure(let failure) where failure.kind == .timeout || failure.kind == .connectTimeout:
            result = .failed(
                kind: ForwardOutcome.timeoutKind, reason: "timed out after \(DurationText.format(timeout))")
        case .failure(let failure):
            result = .failed(kind: failure.kind.rawValue, reason: failure.reason)
        }
        let outcome = ForwardOutcome(
            url: url, result: result, durationMilliseconds: exchange.duration.nanoseconds / 1_000_000,
            resigned: resigning != nil, answeredBy: answer, receiverStatus: record.status)
        if let answered {
            let contentType = answered.headers["Content-Type"].flatMap {
                Self.isSimpleFieldValue($0) ? $0 : nil
            }
            return Relay(
                outcome: outcome, status: answered.status, body: answered.body, contentType: contentType,
                sensitive: request.sensitive)
        }
        let timedOut = outcome.failureKind == ForwardOutcome.timeoutKind
        let reason: String
        if timedOut {
            reason = "the consumer at \(url) did not answer within \(DurationText.format(timeout))"
        } else if case .failure(let failure) = exchange.outcome, failure.kind != .connectionReset {
            reason = "the consumer at \(url) could not be reached: \(failure.reason)"
        } else {
            reason = "the consumer at \(url) gave no answer to pass on: \(outcome.failureReason ?? "")"
        }
        return Relay(
            outcome: outcome, status: timedOut ? 504 : 502,
            body: WebhookHandler.answer("unavailable", reason: reason).serializedBytes(),
            contentType: "application/json", sensitive: request.sensitive)
    }

    /// A header value that can be passed on as is: printable ASCII.
    static func isSimpleFieldValue(_ value: String) -> Bool {
        !value.isEmpty && value.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    /// A relay's outcome and what the vendor is answered when the consumer answers: the
    /// consumer's status and body, or a 502/504 of the receiver's.
    struct Relay: Sendable {
        var outcome: ForwardOutcome
        var status: Int
        var body: [UInt8]
        var contentType: String?
        /// The relayed signatures and the resign secret: what outputs mask.
        var sensitive: [String]

        /// The body as the record's `answer`: its JSON, its text, or null when empty.
        var answerJSON: JSONValue {
            if body.isEmpty { return .null }
            if let value = try? JSONParser().parse(body) { return value }
            return .string(String(decoding: body, as: UTF8.self))
        }
    }
}

import Foundation
import ProctorCore
import ProctorSigning
import ProctorVendors

/// A vendor request before signing: everything but the timestamp and the signatures. The payload
/// builders produce it; ``request(timestamp:variant:style:mode:)`` turns it into the bytes of one
/// attempt.
public struct PreparedRequest: Sendable {
    public var vendor: String
    public var event: String
    public var method: String
    public var url: String
    /// The vendor's default headers (`Content-Type`, `User-Agent`, ...), without signature headers.
    public var headers: HeaderFields
    /// The exact bytes that are signed and sent.
    public var body: [UInt8]
    /// The message id: the same on every retry and duplicate.
    public var messageId: String
    /// The signers, applied in order: the vendor's scheme, then a scenario's `signing:` HMAC.
    /// Empty for requests sent unsigned.
    public var signers: [Signer]
    public var timeout: Duration
    /// The vendor's retry schedule (its profile's), for `retries: vendor` and the `vendor-retries` fault.
    public var retryPolicy: RetryPolicy?

    public init(
        vendor: String, event: String, method: String = "POST", url: String,
        headers: HeaderFields = [("Content-Type", "application/json")],
        body: [UInt8], messageId: String, signers: [Signer] = [], timeout: Duration = .seconds(15),
        retryPolicy: RetryPolicy? = nil
    ) {
        self.vendor = vendor
        self.event = event
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.messageId = messageId
        self.signers = signers
        self.timeout = timeout
        self.retryPolicy = retryPolicy
    }

    /// The request for one attempt, signed at `timestamp` (seconds). `style` overrides the
    /// Standard Webhooks header names (the `webhook-headers` fault).
    public func request(
        timestamp: Int64, variant: SignatureVariant = .valid, style: StandardWebhooksHeaderStyle? = nil,
        mode: SendMode = .normal
    ) -> OutgoingRequest {
        var headers = self.headers
        let sensitive = Signer.sign(
            signers, into: &headers, messageId: messageId, timestampSeconds: timestamp, body: body,
            style: style,
            variant: variant)
        return OutgoingRequest(
            method: method, url: url, headers: headers, body: body, mode: mode, timeout: timeout,
            sensitive: sensitive)
    }
}

import Foundation
import ProctorCore
import ProctorVendors

/// The header names that carry a Standard Webhooks signature.
public struct SignatureHeaderNames: Sendable, Hashable {
    public var id: String
    public var timestamp: String
    public var signature: String

    public init(id: String, timestamp: String, signature: String) {
        self.id = id
        self.timestamp = timestamp
        self.signature = signature
    }

    /// `svix-id`, `svix-timestamp`, `svix-signature` (what Testlify sends).
    public static let svix = SignatureHeaderNames(
        id: "svix-id", timestamp: "svix-timestamp", signature: "svix-signature")
    /// `webhook-id`, `webhook-timestamp`, `webhook-signature` (Standard Webhooks names).
    public static let webhook = SignatureHeaderNames(
        id: "webhook-id", timestamp: "webhook-timestamp", signature: "webhook-signature")
    public static let all = [svix, webhook]
}

/// How a message is signed.
public struct MessageSigning: Sendable, Hashable, CustomStringConvertible {
    public var secret: StandardWebhooksSecret
    public var names: SignatureHeaderNames

    public init(secret: StandardWebhooksSecret, names: SignatureHeaderNames = .svix) {
        self.secret = secret
        self.names = names
    }

    /// The secret stays masked.
    public var description: String { "Standard Webhooks signing (\(names.signature), secret \(secret))" }
}

/// What a signature header should hold, for the signature faults.
public enum SignatureVariant: Sendable, Hashable {
    case valid
    /// Well-formed `v1,<base64>` that does not match.
    case wrong
    /// An entry whose value is not base64.
    case malformed
    /// A signature with another secret, then the valid one.
    case rotated
    /// No signature header (the id and timestamp headers stay).
    case missing
}

/// A vendor request before signing: everything but the timestamp and the signature. The payload
/// builders produce it; ``request(context:)`` turns it into the bytes of one attempt.
public struct PreparedRequest: Sendable, Hashable {
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
    /// Nil for vendors that do not sign.
    public var signing: MessageSigning?
    /// A plain HMAC of the body in one header, for vendors without Standard Webhooks (Talview
    /// when configured). Applied after ``signing``.
    public var bodyHMAC: BodyHMACSigning?
    public var timeout: Duration

    public init(
        vendor: String, event: String, method: String = "POST", url: String,
        headers: HeaderFields = [("Content-Type", "application/json")],
        body: [UInt8], messageId: String, signing: MessageSigning? = nil, bodyHMAC: BodyHMACSigning? = nil,
        timeout: Duration = .seconds(15)
    ) {
        self.vendor = vendor
        self.event = event
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.messageId = messageId
        self.signing = signing
        self.bodyHMAC = bodyHMAC
        self.timeout = timeout
    }

    /// The request for one attempt, signed at `timestamp` (seconds).
    public func request(
        timestamp: Int64, variant: SignatureVariant = .valid, names: SignatureHeaderNames? = nil,
        mode: SendMode = .normal
    ) -> OutgoingRequest {
        var headers = self.headers
        if let signing {
            let names = names ?? signing.names
            headers.set(names.id, messageId)
            headers.set(names.timestamp, String(timestamp))
            let valid = signing.secret.sign(id: messageId, timestamp: timestamp, body: body)
            switch variant {
            case .valid: headers.set(names.signature, valid)
            case .wrong:
                var bytes = signing.secret.signatureBytes(id: messageId, timestamp: timestamp, body: body)
                if !bytes.isEmpty { bytes[0] ^= 0xFF }
                headers.set(names.signature, "v1," + Data(bytes).base64EncodedString())
            case .malformed: headers.set(names.signature, "v1,not*base64!")
            case .rotated:
                let old = StandardWebhooksSecret(key: signing.secret.key.map { $0 ^ 0x5A })
                headers.set(
                    names.signature, old.sign(id: messageId, timestamp: timestamp, body: body) + " " + valid)
            case .missing: headers.remove(names.signature)
            }
        }
        if let bodyHMAC {
            let valid = bodyHMAC.value(for: body)
            switch variant {
            case .valid, .rotated: headers.set(bodyHMAC.header, valid)
            case .wrong:
                let wrong = bodyHMAC.value(for: body, key: bodyHMAC.key.map { $0 ^ 0x5A })
                headers.set(bodyHMAC.header, wrong)
            case .malformed: headers.set(bodyHMAC.header, bodyHMAC.scheme.prefix + "not*an*hmac!")
            case .missing: headers.remove(bodyHMAC.header)
            }
        }
        return OutgoingRequest(
            method: method, url: url, headers: headers, body: body, mode: mode, timeout: timeout)
    }
}

/// An HMAC of the body in one header: `sha256=<hex HMAC-SHA256>` by default, or any algorithm,
/// encoding and prefix a scenario's `signing:` names.
public struct BodyHMACSigning: Sendable, Hashable, CustomStringConvertible {
    public var header: String
    public var key: [UInt8]
    public var scheme: HMACSigning

    public init(
        header: String, key: [UInt8],
        scheme: HMACSigning = HMACSigning(algorithm: .sha256, encoding: .hex, prefix: "sha256=")
    ) {
        self.header = header
        self.key = key
        self.scheme = scheme
    }

    /// The header value for `body`.
    public func value(for body: [UInt8], key: [UInt8]? = nil) -> String {
        scheme.signature(key: key ?? self.key, body: body)
    }

    /// The key stays masked.
    public var description: String {
        "\(scheme.algorithm.rawValue) \(scheme.encoding.rawValue) in \(header) (secret ****)"
    }
}

import Crypto
import Foundation
import ProctorCore

/// One HTTP header, kept in order (order and case matter to people reading `emit` output).
public struct HTTPHeader: Sendable, Hashable {
    public var name: String
    public var value: String
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// Header names for Standard Webhooks signatures: Svix's `svix-*` or the white-labelled `webhook-*`.
public enum StandardWebhooksHeaderStyle: String, Sendable, Hashable, CaseIterable {
    case svix
    case webhook

    public var idHeader: String { rawValue + "-id" }
    public var timestampHeader: String { rawValue + "-timestamp" }
    public var signatureHeader: String { rawValue + "-signature" }
}

extension HMACSigning {
    /// The header value for `body` signed with `secret`.
    public func signature(secret: String, body: [UInt8]) -> String {
        signature(key: Array(secret.utf8), body: body)
    }

    /// The header value for `body` signed with a raw key.
    public func signature(key: [UInt8], body: some Collection<UInt8>) -> String {
        let mac = mac(key: key, body: body)
        switch encoding {
        case .hex: return prefix + mac.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
        case .base64: return prefix + Data(mac).base64EncodedString()
        }
    }

    /// The raw authentication code.
    public func mac(key: [UInt8], body: some Collection<UInt8>) -> [UInt8] {
        let symmetric = SymmetricKey(data: key)
        let bytes = Array(body)
        switch algorithm {
        case .sha1: return Array(HMAC<Insecure.SHA1>.authenticationCode(for: bytes, using: symmetric))
        case .sha256: return Array(HMAC<SHA256>.authenticationCode(for: bytes, using: symmetric))
        case .sha512: return Array(HMAC<SHA512>.authenticationCode(for: bytes, using: symmetric))
        }
    }
}

/// How a vendor signs its requests.
public enum SigningScheme: Sendable, Hashable, CustomStringConvertible {
    /// Standard Webhooks as delivered by Svix: id, timestamp (seconds) and `v1,` signatures.
    case standardWebhooks(StandardWebhooksHeaderStyle)
    /// A generic HMAC header configured by the scenario.
    case hmac(HMACSigning)
    /// No signature (the vendor documents none).
    case none

    public var description: String {
        switch self {
        case .standardWebhooks(let style):
            return "standard-webhooks (\(style.idHeader), \(style.timestampHeader), \(style.signatureHeader))"
        case .hmac(let h): return "\(h.algorithm.rawValue) \(h.encoding.rawValue) in \(h.header)"
        case .none: return "none documented"
        }
    }
}

/// Everything about signing one delivery attempt that a scenario or the command line decides.
public struct SigningOptions: Sendable, Hashable {
    /// Overrides the vendor's scheme (e.g. a generic HMAC header for Talview). Nil: the vendor's own.
    public var scheme: SigningScheme?
    /// Secrets to sign with. Standard Webhooks signs with each (key rotation: several signatures,
    /// space-separated); HMAC uses the first.
    public var secrets: [String]
    /// Headers added after the vendor's defaults (replacing any of the same name).
    public var extraHeaders: [HTTPHeader]

    public init(scheme: SigningScheme? = nil, secrets: [String] = [], extraHeaders: [HTTPHeader] = []) {
        self.scheme = scheme
        self.secrets = secrets
        self.extraHeaders = extraHeaders
    }
}

/// A signing problem a person can act on.
public struct SigningError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

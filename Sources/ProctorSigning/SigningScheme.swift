import Crypto
import Foundation
import ProctorCore

/// Header names for Standard Webhooks signatures: Svix's `svix-*` or the white-labelled `webhook-*`.
public enum StandardWebhooksHeaderStyle: String, Sendable, Hashable, CaseIterable {
    case svix
    case webhook

    public var idHeader: String { rawValue + "-id" }
    public var timestampHeader: String { rawValue + "-timestamp" }
    public var signatureHeader: String { rawValue + "-signature" }
    public var names: [String] { [idHeader, timestampHeader, signatureHeader] }
}

/// How requests are signed.
public enum SigningScheme: Sendable, Hashable, CustomStringConvertible {
    /// Standard Webhooks (as Svix delivers it): id, timestamp (seconds) and `v1,` (HMAC-SHA256)
    /// or `v1a,` (Ed25519) signatures, one per key.
    case standardWebhooks(StandardWebhooksHeaderStyle)
    /// A body HMAC in one header, as a scenario's `signing:` or `--hmac-header` describes it.
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

extension HMACSigning {
    /// The header value for `body` signed with a raw key: the prefix, then the digest in the
    /// scheme's encoding.
    public func signature(key: [UInt8], body: some Collection<UInt8>) -> String {
        let mac = algorithm.mac(key: key, body: body)
        switch encoding {
        case .hex: return prefix + Base64.hex(mac)
        case .base64: return prefix + Data(mac).base64EncodedString()
        }
    }
}

extension HMACSigning.Algorithm {
    /// The raw authentication code.
    public func mac(key: [UInt8], body: some Collection<UInt8>) -> [UInt8] {
        let symmetric = SymmetricKey(data: key)
        let bytes = Array(body)
        switch self {
        case .sha1: return Array(HMAC<Insecure.SHA1>.authenticationCode(for: bytes, using: symmetric))
        case .sha256: return Array(HMAC<SHA256>.authenticationCode(for: bytes, using: symmetric))
        case .sha512: return Array(HMAC<SHA512>.authenticationCode(for: bytes, using: symmetric))
        }
    }

    /// Digest length in bytes.
    public var digestLength: Int {
        switch self {
        case .sha1: return 20
        case .sha256: return 32
        case .sha512: return 64
        }
    }

    /// `sha1`, `sha256`, `sha512`: how header prefixes (`sha256=`) name it.
    public var shortName: String { String(rawValue.dropFirst("hmac-".count)) }
}

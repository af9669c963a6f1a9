import Crypto
import Foundation
import ProctorCore

/// A plain HMAC-SHA256 over the raw body, as many webhook senders without a documented scheme use:
/// the header holds the digest in hex, optionally prefixed `sha256=`, or in base64.
public enum BodyHMAC {
    static let scheme = HMACSigning(algorithm: .sha256, encoding: .hex, prefix: "sha256=")

    public static func digest(key: [UInt8], body: some Collection<UInt8>) -> [UInt8] {
        scheme.mac(key: key, body: body)
    }

    /// `sha256=<hex>`.
    public static func headerValue(key: [UInt8], body: some Collection<UInt8>) -> String {
        scheme.signature(key: key, body: body)
    }

    /// Whether `headerValue` carries the body's digest (hex, `sha256=<hex>` or base64). Constant-time.
    public static func verify(headerValue: String, key: [UInt8], body: some Collection<UInt8>) -> Bool {
        let expected = digest(key: key, body: body)
        var text = headerValue.trimmingCharacters(in: .whitespaces)
        if text.lowercased().hasPrefix("sha256=") { text = String(text.dropFirst(7)) }
        if let bytes = hexBytes(text) {
            return StandardWebhooksVerifier.constantTimeEquals(bytes, expected)
        }
        if let data = Data(base64Encoded: text) {
            return StandardWebhooksVerifier.constantTimeEquals([UInt8](data), expected)
        }
        return false
    }

    static func hexBytes(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count == 64 else { return nil }
        var bytes: [UInt8] = []
        var index = 0
        while index < chars.count {
            guard let high = nibble(chars[index]), let low = nibble(chars[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// SHA-256 of a body in hex, for logs that let a body be compared byte for byte without keeping it.
public enum BodyDigest {
    public static func sha256Hex(_ body: some Collection<UInt8>) -> String {
        SHA256.hash(data: Array(body)).map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }.joined()
    }
}

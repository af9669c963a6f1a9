import Crypto
import Foundation

/// Standard Webhooks signing for senders that sign many requests per second: the HMAC key is
/// prepared once, the signed content is passed as raw byte regions (no `String` or `Data` is
/// built per request) and the base64 signature is written into a buffer the caller reuses.
/// Produces the same bytes as ``StandardWebhooksSecret/sign(id:timestamp:body:)`` after `v1,`.
public struct StandardWebhooksSigner: Sendable {
    /// Length of the base64 text of one HMAC-SHA256 signature.
    public static let base64Length = 44

    private let key: SymmetricKey
    private static let dot: [UInt8] = [UInt8(ascii: ".")]

    public init(secret: StandardWebhooksSecret) {
        key = SymmetricKey(data: secret.key)
    }

    /// Writes base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")) into the first
    /// ``base64Length`` bytes of `output`; `output` must hold at least that many bytes.
    /// Returns false (and writes nothing) when it does not.
    @discardableResult
    public func writeSignature(
        id: UnsafeRawBufferPointer, timestamp: UnsafeRawBufferPointer, body: UnsafeRawBufferPointer,
        base64Into output: UnsafeMutableRawBufferPointer
    ) -> Bool {
        guard output.count >= Self.base64Length else { return false }
        var hmac = HMAC<SHA256>(key: key)
        hmac.update(data: id)
        hmac.update(data: Self.dot)
        hmac.update(data: timestamp)
        hmac.update(data: Self.dot)
        hmac.update(data: body)
        let mac = hmac.finalize()
        mac.withUnsafeBytes { Base64Writer.encode32($0, into: output) }
        return true
    }
}

/// Base64 (standard alphabet, padded) of exactly 32 bytes, written without allocation.
enum Base64Writer {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode32(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) {
        alphabet.withUnsafeBufferPointer { table in
            var o = 0
            var i = 0
            while i + 3 <= 30 {
                let n = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
                output[o] = table[Int(n >> 18 & 63)]
                output[o + 1] = table[Int(n >> 12 & 63)]
                output[o + 2] = table[Int(n >> 6 & 63)]
                output[o + 3] = table[Int(n & 63)]
                i += 3
                o += 4
            }
            // 30 bytes done; the last 2 give three characters and one pad.
            let n = UInt32(input[30]) << 16 | UInt32(input[31]) << 8
            output[o] = table[Int(n >> 18 & 63)]
            output[o + 1] = table[Int(n >> 12 & 63)]
            output[o + 2] = table[Int(n >> 6 & 63)]
            output[o + 3] = UInt8(ascii: "=")
        }
    }
}

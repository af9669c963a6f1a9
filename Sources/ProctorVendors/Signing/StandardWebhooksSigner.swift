import Crypto
import Foundation

/// Standard Webhooks signing for senders that sign many requests per second: the HMAC key is
/// prepared once, the signed content is passed as raw byte regions (no `String` or `Data` is
/// built per request) and the base64 signature is written into a buffer the caller reuses.
/// Produces the same bytes as ``StandardWebhooksSecret/sign(id:timestamp:body:)`` after `v1,`.
public struct StandardWebhooksSigner: Sendable {
    /// Length of the base64 text of one HMAC-SHA256 signature.
    public static let base64Length = 44

    /// SHA-256 states after absorbing the key's inner and outer pads (RFC 2104). Each signature
    /// continues copies of them, so the pads are hashed once, not per request.
    private let inner: SHA256
    private let outer: SHA256
    private static let dot: [UInt8] = [UInt8(ascii: ".")]

    public init(secret: StandardWebhooksSecret) {
        let blockSize = 64
        var key = secret.key
        if key.count > blockSize { key = Array(SHA256.hash(data: key)) }
        key += [UInt8](repeating: 0, count: blockSize - key.count)
        var inner = SHA256()
        var outer = SHA256()
        inner.update(data: key.map { $0 ^ 0x36 })
        outer.update(data: key.map { $0 ^ 0x5c })
        self.inner = inner
        self.outer = outer
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
        var hash = inner
        hash.update(bufferPointer: id)
        Self.dot.withUnsafeBytes { hash.update(bufferPointer: $0) }
        hash.update(bufferPointer: timestamp)
        Self.dot.withUnsafeBytes { hash.update(bufferPointer: $0) }
        hash.update(bufferPointer: body)
        let innerDigest = hash.finalize()
        var outerHash = outer
        innerDigest.withUnsafeBytes { outerHash.update(bufferPointer: $0) }
        outerHash.finalize().withUnsafeBytes { Base64Writer.encode32($0, into: output) }
        return true
    }
}

/// Base64 (standard alphabet, padded) of exactly 32 bytes, written without allocation.
enum Base64Writer {
    private static let alphabet: [UInt8] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

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

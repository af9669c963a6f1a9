import NIOCore
import ProctorCore
import ProctorVendors

/// Encodes signed HTTP/1.1 requests straight into a reused `ByteBuffer`: the request line, `Host`
/// and the vendor's fixed headers are encoded once; per request only the message id, timestamp,
/// signatures, `Content-Length` and body are written, and signatures are computed from raw
/// byte regions (no `String`, `Data` or header dictionary per request).
final class RequestEncoder: Sendable {
    enum Signature: Sendable {
        /// Standard Webhooks: `{style}-id`, `{style}-timestamp`, `{style}-signature` (one `v1,` entry per secret).
        case standardWebhooks(
            id: [UInt8], timestamp: [UInt8], signature: [UInt8], signers: [StandardWebhooksSigner])
        /// A generic HMAC header over the body.
        case hmac(HMACSigning, secret: String)
        case none
    }

    /// Request line, `Host` and fixed headers, each ending in CRLF.
    let head: [UInt8]
    let signature: Signature

    private static let contentLength = Array("Content-Length: ".utf8)
    private static let crlf: [UInt8] = [13, 10]
    private static let endOfHead: [UInt8] = [13, 10, 13, 10]
    private static let v1 = Array("v1,".utf8)

    init(plan: LoadPlan, vendor profile: VendorProfile) throws(LoadError) {
        var text =
            profile.method + " " + plan.target.path + " HTTP/1.1\r\nHost: " + plan.target.hostHeader + "\r\n"
        for header in profile.defaultHeaders where header.name.lowercased() != "content-length" {
            text += header.name + ": " + header.value + "\r\n"
        }
        head = Array(text.utf8)
        switch plan.signing ?? profile.signing {
        case .standardWebhooks(let style):
            guard !plan.secrets.isEmpty else {
                throw LoadError(
                    "\(profile.name) signs with Standard Webhooks: give --secret whsec_... (or a scenario secret)"
                )
            }
            var signers: [StandardWebhooksSigner] = []
            for text in plan.secrets {
                guard let secret = StandardWebhooksSecret(text) else {
                    throw LoadError(
                        "a secret is not whsec_ followed by base64 (\(text.hasPrefix("whsec_") ? "whsec_****" : "****"))"
                    )
                }
                signers.append(StandardWebhooksSigner(secret: secret))
            }
            signature = .standardWebhooks(
                id: Array((style.idHeader + ": ").utf8),
                timestamp: Array((style.timestampHeader + ": ").utf8),
                signature: Array((style.signatureHeader + ": ").utf8), signers: signers)
        case .hmac(let h):
            guard let secret = plan.secrets.first else {
                throw LoadError("the \(h.header) signature needs --secret")
            }
            signature = .hmac(h, secret: secret)
        case .none:
            signature = .none
        }
    }

    /// Clears `buffer` and writes one request into it. `writeBody` fills exactly `bodyLength`
    /// bytes; the body is written straight into `buffer` and signed there.
    func encode(
        into buffer: inout ByteBuffer, messageId: UnsafeRawBufferPointer, timestamp: UnsafeRawBufferPointer,
        bodyLength: Int, writeBody: (UnsafeMutableRawBufferPointer) -> Void
    ) {
        buffer.clear()
        buffer.writeBytes(head)
        var signatureSlots: [Int] = []
        switch signature {
        case .standardWebhooks(let idName, let timestampName, let signatureName, let signers):
            buffer.writeBytes(idName)
            buffer.writeBytes(messageId)
            buffer.writeBytes(Self.crlf)
            buffer.writeBytes(timestampName)
            buffer.writeBytes(timestamp)
            buffer.writeBytes(Self.crlf)
            buffer.writeBytes(signatureName)
            signatureSlots.reserveCapacity(signers.count)
            for n in signers.indices {
                if n > 0 { buffer.writeInteger(UInt8(ascii: " ")) }
                buffer.writeBytes(Self.v1)
                signatureSlots.append(buffer.writerIndex)
                buffer.writeRepeatingByte(UInt8(ascii: "="), count: StandardWebhooksSigner.base64Length)
            }
            buffer.writeBytes(Self.crlf)
        case .hmac(let h, let secret):
            var body = [UInt8](repeating: 0, count: bodyLength)
            body.withUnsafeMutableBytes(writeBody)
            buffer.writeString(h.header + ": " + h.signature(secret: secret, body: body) + "\r\n")
            writeLengthAndBody(into: &buffer, bodyLength: bodyLength) { out in
                body.withUnsafeBytes { out.copyMemory(from: $0) }
            }
            return
        case .none:
            break
        }
        let bodyStart = writeLengthAndBody(into: &buffer, bodyLength: bodyLength, writeBody)
        guard case .standardWebhooks(_, _, _, let signers) = signature else { return }
        buffer.withUnsafeMutableReadableBytes { all in
            let body = UnsafeRawBufferPointer(rebasing: all[bodyStart..<(bodyStart + bodyLength)])
            for (slot, signer) in zip(signatureSlots, signers) {
                let out = UnsafeMutableRawBufferPointer(
                    rebasing: all[slot..<(slot + StandardWebhooksSigner.base64Length)])
                signer.writeSignature(id: messageId, timestamp: timestamp, body: body, base64Into: out)
            }
        }
    }

    /// Writes `Content-Length`, the end of the head and the body; returns where the body starts
    /// (relative to the reader index, which is 0 after `clear()`).
    @discardableResult
    private func writeLengthAndBody(
        into buffer: inout ByteBuffer, bodyLength: Int, _ writeBody: (UnsafeMutableRawBufferPointer) -> Void
    ) -> Int {
        buffer.writeBytes(Self.contentLength)
        let digits = Decimal.count(bodyLength)
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: digits) { out in
            Decimal.write(UInt64(bodyLength), digits: digits, into: out, at: 0)
            return digits
        }
        buffer.writeBytes(Self.endOfHead)
        let start = buffer.writerIndex - buffer.readerIndex
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: bodyLength) { out in
            writeBody(UnsafeMutableRawBufferPointer(rebasing: out[0..<bodyLength]))
            return bodyLength
        }
        return start
    }
}

/// The current Unix time in whole seconds as ASCII digits, recomputed only when the second changes.
struct TimestampText {
    private(set) var seconds: Int64 = -1
    private(set) var bytes: [UInt8] = []

    mutating func update(nowSeconds: Int64) {
        guard nowSeconds != seconds else { return }
        seconds = nowSeconds
        bytes = Array(String(nowSeconds).utf8)
    }
}

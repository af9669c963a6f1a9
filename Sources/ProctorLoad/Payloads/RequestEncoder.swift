import NIOCore
import ProctorCore
import ProctorSigning
import ProctorVendors

/// Encodes signed HTTP/1.1 requests straight into a reused `ByteBuffer`: the request line, `Host`
/// and the vendor's fixed headers are encoded once; per request only the message id, timestamp,
/// signatures, `Content-Length` and body are written, and signatures are computed from raw
/// byte regions (no `String`, `Data` or header dictionary per request).
final class RequestEncoder: Sendable {
    enum Signature: Sendable {
        /// Standard Webhooks with symmetric keys only: `{style}-id`, `{style}-timestamp`,
        /// `{style}-signature`, signed in place.
        case standardWebhooks(id: [UInt8], timestamp: [UInt8], signature: [UInt8], signer: Signer)
        /// Any other signers (Ed25519 `v1a`, body HMACs, both a vendor's scheme and a
        /// scenario's `signing:`): the body is materialized and each signer's headers written.
        case general([Signer])
        case none
    }

    /// Request line, `Host` and fixed headers, each ending in CRLF.
    let head: [UInt8]
    let signature: Signature

    private static let contentLength = Array("Content-Length: ".utf8)
    private static let crlf: [UInt8] = [13, 10]
    private static let endOfHead: [UInt8] = [13, 10, 13, 10]

    init(plan: LoadPlan, vendor profile: VendorProfile) throws(LoadError) {
        var text =
            (plan.method ?? profile.method) + " " + plan.target.path + " HTTP/1.1\r\nHost: "
            + plan.target.hostHeader + "\r\n"
        for header in profile.defaultHeaders where header.name.lowercased() != "content-length" {
            text += header.name + ": " + header.value + "\r\n"
        }
        head = Array(text.utf8)
        let signers: [Signer]
        do {
            signers = try Signer.signers(scheme: profile.signing, hmac: plan.hmac, secrets: plan.secrets)
        } catch {
            throw LoadError(error.message)
        }
        if signers.count == 1, let signer = signers.first, case .standardWebhooks(let style) = signer.scheme,
            signer.isSymmetricOnly
        {
            signature = .standardWebhooks(
                id: Array((style.idHeader + ": ").utf8),
                timestamp: Array((style.timestampHeader + ": ").utf8),
                signature: Array((style.signatureHeader + ": ").utf8), signer: signer)
        } else if signers.isEmpty {
            signature = .none
        } else {
            signature = .general(signers)
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
        var signatureSlot = 0
        switch signature {
        case .standardWebhooks(let idName, let timestampName, let signatureName, let signer):
            buffer.writeBytes(idName)
            buffer.writeBytes(messageId)
            buffer.writeBytes(Self.crlf)
            buffer.writeBytes(timestampName)
            buffer.writeBytes(timestamp)
            buffer.writeBytes(Self.crlf)
            buffer.writeBytes(signatureName)
            signatureSlot = buffer.writerIndex
            buffer.writeRepeatingByte(UInt8(ascii: "="), count: signer.symmetricValueLength)
            buffer.writeBytes(Self.crlf)
        case .general(let signers):
            var body = [UInt8](repeating: 0, count: bodyLength)
            body.withUnsafeMutableBytes(writeBody)
            let id = String(decoding: messageId, as: UTF8.self)
            let seconds = Int64(String(decoding: timestamp, as: UTF8.self)) ?? 0
            var headers = HeaderFields()
            _ = Signer.sign(signers, into: &headers, messageId: id, timestampSeconds: seconds, body: body)
            for header in headers { buffer.writeString(header.name + ": " + header.value + "\r\n") }
            writeLengthAndBody(into: &buffer, bodyLength: bodyLength) { out in
                body.withUnsafeBytes { out.copyMemory(from: $0) }
            }
            return
        case .none:
            break
        }
        let bodyStart = writeLengthAndBody(into: &buffer, bodyLength: bodyLength, writeBody)
        guard case .standardWebhooks(_, _, _, let signer) = signature else { return }
        buffer.withUnsafeMutableReadableBytes { all in
            let body = UnsafeRawBufferPointer(rebasing: all[bodyStart..<(bodyStart + bodyLength)])
            let out = UnsafeMutableRawBufferPointer(
                rebasing: all[signatureSlot..<(signatureSlot + signer.symmetricValueLength)])
            signer.writeSymmetricSignatures(id: messageId, timestamp: timestamp, body: body, into: out)
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

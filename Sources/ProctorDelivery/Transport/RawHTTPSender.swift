import Foundation
import NIOCore
import NIOPosix
import ProctorCore
import ProctorSigning

/// Writes HTTP/1.1 requests byte by byte on a plain socket, for sends that a conforming client
/// refuses to make (a body shorter than its `Content-Length`).
enum RawHTTPSender {
    /// How long to wait for an early answer after the short body was written.
    static let answerWindow: Duration = .milliseconds(500)

    static func sendTruncated(
        _ request: OutgoingRequest, to target: TargetURL, sentBytes: Int, connectTimeout: Duration,
        maxResponseBytes: Int
    ) async -> Result<ResponseSummary, TransportFailure> {
        guard target.scheme == .http else {
            return .failure(
                TransportFailure(
                    .invalidRequest,
                    "truncated-body needs an http:// target; \(target.scheme.rawValue) targets are sent whole"
                ))
        }
        for field in request.headers {
            if let problem = HTTP1Syntax.fieldProblem(name: field.name, value: field.value) {
                return .failure(TransportFailure(.invalidRequest, problem))
            }
        }
        var head = "\(request.method) \(target.pathAndQuery) HTTP/1.1\r\nHost: \(target.hostHeader)\r\n"
        var headers = request.headers
        headers.set("Content-Length", String(request.body.count))
        headers.set("Connection", "close")
        for field in headers { head += "\(field.name): \(field.value)\r\n" }
        head += "\r\n"
        var bytes = Array(head.utf8)
        let written = min(max(0, sentBytes), max(0, request.body.count - 1))
        bytes += request.body.prefix(written)

        do {
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.nanoseconds(connectTimeout.nanoseconds))
                .connect(host: target.host, port: target.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
            return try await channel.executeThenClose { inbound, outbound in
                try await outbound.write(ByteBuffer(bytes: bytes))
                // Close our side: the server sees end of stream before Content-Length bytes arrived.
                outbound.finish()
                let received = await readAvailable(inbound, limit: maxResponseBytes, window: answerWindow)
                if let response = parseResponse(received, limit: maxResponseBytes) {
                    return .success(response)
                }
                return .failure(
                    TransportFailure(
                        .closedBySender,
                        "sent \(written) of \(request.body.count) body bytes announced by Content-Length, then closed the connection"
                    )
                )
            }
        } catch {
            return .failure(
                TransportFailureClassifier.classify(
                    error, url: request.url, timeout: request.timeout, connectTimeout: connectTimeout))
        }
    }

    /// Reads what the server sends within `window`, at most `limit` bytes.
    private static func readAvailable(
        _ inbound: NIOAsyncChannelInboundStream<ByteBuffer>, limit: Int, window: Duration
    ) async -> [UInt8] {
        await withTaskGroup(of: [UInt8]?.self) { group in
            group.addTask {
                var collected: [UInt8] = []
                do {
                    for try await buffer in inbound {
                        collected += buffer.readableBytesView
                        if collected.count >= limit { break }
                    }
                } catch {}
                return collected
            }
            group.addTask {
                try? await Task.sleep(for: window)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? []
        }
    }

    /// The response in `bytes` (all that arrived before the connection closed or the window
    /// ended), read with ``HTTPResponseParser``: the final response after any 1xx, its body
    /// decoded and capped at `limit`. A response cut short keeps the body that arrived; nil when
    /// no final response head arrived or the bytes are not HTTP/1.x.
    static func parseResponse(_ bytes: [UInt8], limit: Int) -> ResponseSummary? {
        var parser = HTTPResponseParser(keepingBodyUpTo: limit)
        let outcome = bytes.withUnsafeBytes { raw -> HTTPResponseParser.Outcome in
            var index = 0
            return parser.parse(raw, index: &index)
        }
        let status: Int
        switch outcome {
        case .response(let s, _):
            status = s
        case .incomplete where parser.hasFinalHead:
            if case .response(let s, _) = parser.connectionClosed() {
                status = s
            } else {
                status = parser.currentStatus
            }
        case .incomplete, .malformed:
            return nil
        }
        var headers = HeaderFields()
        for field in parser.fields { headers.add(field.name, field.value) }
        return ResponseSummary(
            status: status, headers: headers, body: parser.body, bodyTruncated: parser.bodyTruncated,
            httpVersion: parser.httpVersion)
    }
}

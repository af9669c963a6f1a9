import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A captured request: lower-cased header names and the raw body.
struct CapturedRequest: Sendable {
    var headers: [String: String]
    var body: [UInt8]
}

/// A tiny HTTP/1.1 receiver on 127.0.0.1 for load tests. It answers every request with
/// `status`, after `delay(now)` decides how long to hold the response (or with what `answer`
/// decides for each request), and keeps the first `captureLimit` requests.
final class TestReceiver: Sendable {
    let group: MultiThreadedEventLoopGroup
    let channel: Channel
    private let captured: NIOLockedValueBox<[CapturedRequest]>

    var port: Int { channel.localAddress?.port ?? 0 }
    var requests: [CapturedRequest] { captured.withLockedValue { $0 } }

    convenience init(
        status: Int = 204, captureLimit: Int = 10_000,
        delay: @escaping @Sendable (_ now: NIODeadline) -> TimeAmount = { _ in .zero }
    ) async throws {
        try await self.init(captureLimit: captureLimit) { _, now in (status, delay(now)) }
    }

    init(
        captureLimit: Int = 10_000,
        answer: @escaping @Sendable (_ request: CapturedRequest, _ now: NIODeadline) -> (Int, TimeAmount)
    ) async throws {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let captured = NIOLockedValueBox<[CapturedRequest]>([])
        self.captured = captured
        channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        ReceiverHandler(captured: captured, limit: captureLimit, answer: answer)
                    )
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
    }

    func stop() async throws {
        try await channel.close()
        try await group.shutdownGracefully()
    }
}

private final class ReceiverHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let captured: NIOLockedValueBox<[CapturedRequest]>
    let limit: Int
    let answer: @Sendable (CapturedRequest, NIODeadline) -> (Int, TimeAmount)
    var pending: ByteBuffer?
    /// Responses are written in request order: each is held until the previous one went out.
    var lastResponseAt = NIODeadline.uptimeNanoseconds(0)

    init(
        captured: NIOLockedValueBox<[CapturedRequest]>, limit: Int,
        answer: @escaping @Sendable (CapturedRequest, NIODeadline) -> (Int, TimeAmount)
    ) {
        self.captured = captured
        self.limit = limit
        self.answer = answer
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if pending == nil { pending = incoming } else { pending?.writeBuffer(&incoming) }
        while let request = nextRequest() {
            captured.withLockedValue { if $0.count < limit { $0.append(request) } }
            let now = NIODeadline.now()
            let (status, delay) = answer(request, now)
            let at = max(now + delay, lastResponseAt)
            lastResponseAt = at
            let text =
                "HTTP/1.1 \(status) X\r\n" + (status == 204 ? "" : "Content-Length: 2\r\n") + "\r\n"
                + (status == 204 ? "" : "ok")
            let response = context.channel.allocator.buffer(string: text)
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            if at <= now {
                context.writeAndFlush(wrapOutboundOut(response), promise: nil)
            } else {
                context.eventLoop.assumeIsolated().scheduleTask(deadline: at) {
                    bound.value.writeAndFlush(NIOAny(response), promise: nil)
                }
            }
        }
    }

    /// Takes one whole request off the pending bytes.
    private func nextRequest() -> CapturedRequest? {
        guard var buffer = pending, let view = buffer.readableBytesView.firstRange(of: Array("\r\n\r\n".utf8))
        else { return nil }
        let headEnd = view.upperBound - buffer.readerIndex
        guard let headText = buffer.getString(at: buffer.readerIndex, length: headEnd) else { return nil }
        var headers: [String: String] = [:]
        for line in headText.split(separator: "\r\n").dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        guard buffer.readableBytes >= headEnd + length else { return nil }
        buffer.moveReaderIndex(forwardBy: headEnd)
        let body = buffer.readBytes(length: length) ?? []
        pending = buffer.readableBytes > 0 ? buffer : nil
        return CapturedRequest(headers: headers, body: body)
    }
}

extension Substring {
    func trimmingCharacters(in set: Set<Character>) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}

extension Set where Element == Character {
    static let whitespaces: Set<Character> = [" ", "\t"]
}

import NIOCore
import NIOPosix
import Synchronization

/// A TCP client that writes exactly the bytes it is given and keeps what comes back, to play the
/// clients an HTTP client library will not: one that sends a request head a line at a time, stalls
/// in a body, or holds a connection open doing nothing. Connects to 127.0.0.1 only.
public final class RawConnection: Sendable {
    private let channel: any Channel
    private let received: Received

    private init(channel: any Channel, received: Received) {
        self.channel = channel
        self.received = received
    }

    /// Connects to `127.0.0.1:port`.
    public static func open(port: Int) async throws -> RawConnection {
        let received = Received()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Collector(received: received))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return RawConnection(channel: channel, received: received)
    }

    /// Writes `text`; false when the connection is closed.
    @discardableResult
    public func send(_ text: String) async -> Bool {
        do {
            try await channel.writeAndFlush(ByteBuffer(string: text))
            return true
        } catch {
            return false
        }
    }

    /// Everything received so far, as text.
    public var text: String { received.text }

    /// Whether the server closed the connection (or it was closed here).
    public var isClosed: Bool { !channel.isActive }

    /// Waits until the connection closes, at most `limit`; returns how long that took, nil when
    /// it is still open. `meanwhile` runs every `interval` until then (to keep writing, say).
    public func waitForClose(
        within limit: Duration, every interval: Duration = .milliseconds(20),
        meanwhile work: @Sendable (RawConnection) async -> Void = { _ in }
    ) async -> Duration? {
        let clock = ContinuousClock()
        let start = clock.now
        while clock.now - start < limit {
            if isClosed { return clock.now - start }
            await work(self)
            try? await Task.sleep(for: interval)
        }
        return isClosed ? clock.now - start : nil
    }

    /// Waits until the text received contains `needle` `count` times, at most `limit`; returns
    /// whether it did.
    public func waitFor(_ needle: String, count: Int = 1, within limit: Duration) async -> Bool {
        let clock = ContinuousClock()
        let start = clock.now
        while occurrences(of: needle) < count && clock.now - start < limit {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return occurrences(of: needle) >= count
    }

    private func occurrences(of needle: String) -> Int {
        var count = 0
        var rest = Substring(text)
        while let range = rest.firstRange(of: needle) {
            count += 1
            rest = rest[range.upperBound...]
        }
        return count
    }

    /// Closes the connection.
    public func close() async {
        try? await channel.close()
    }

    /// The bytes received, shared with the channel's handler.
    private final class Received: Sendable {
        private let bytes = Mutex<[UInt8]>([])
        func append(_ buffer: ByteBuffer) { bytes.withLock { $0 += buffer.readableBytesView } }
        var text: String { bytes.withLock { String(decoding: $0, as: UTF8.self) } }
    }

    private final class Collector: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let received: Received
        init(received: Received) { self.received = received }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            received.append(unwrapInboundIn(data))
        }
    }
}

extension RawConnection {
    /// `count` connections to `127.0.0.1:port`, each sent `start`.
    public static func open(_ count: Int, port: Int, sending start: String = "") async throws
        -> [RawConnection]
    {
        var connections: [RawConnection] = []
        for _ in 0..<count {
            let connection = try await open(port: port)
            if !start.isEmpty { await connection.send(start) }
            connections.append(connection)
        }
        return connections
    }
}

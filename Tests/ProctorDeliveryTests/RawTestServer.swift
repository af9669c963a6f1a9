import NIOCore
import NIOPosix

/// A tiny server on 127.0.0.1 that misbehaves on purpose: each connection reads the request head
/// and then does what `behaviour` says.
final class RawTestServer: Sendable {
    enum Behaviour: Sendable {
        /// Writes these bytes after the request head, then closes.
        case respond(String)
        /// Writes these bytes (an incomplete response), then closes.
        case closeAfter(String)
        /// Never answers; keeps the connection open.
        case silent
        /// Writes these bytes as soon as the connection opens, without reading, then closes.
        case greet(String)
        /// Writes these bytes, then one more byte every `interval`, never finishing.
        case trickle(String, interval: Duration)
    }

    let channel: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>
    let port: Int
    private let task: Task<Void, Never>

    private init(
        channel: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>, port: Int,
        task: Task<Void, Never>
    ) {
        self.channel = channel
        self.port = port
        self.task = task
    }

    var url: String { "http://127.0.0.1:\(port)/hook" }

    static func start(_ behaviour: Behaviour) async throws -> RawTestServer {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { child in
                child.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: child)
                }
            }
        let port = server.channel.localAddress?.port ?? 0
        let task = Task {
            _ = try? await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { inbound in
                    for try await connection in inbound {
                        group.addTask { await serve(connection, behaviour) }
                    }
                }
            }
        }
        return RawTestServer(channel: server, port: port, task: task)
    }

    private static func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>, _ behaviour: Behaviour)
        async
    {
        try? await connection.executeThenClose { inbound, outbound in
            if case .greet(let text) = behaviour {
                try await outbound.write(ByteBuffer(string: text))
                return
            }
            var received: [UInt8] = []
            for try await buffer in inbound {
                received += buffer.readableBytesView
                if String(decoding: received, as: UTF8.self).contains("\r\n\r\n") { break }
            }
            switch behaviour {
            case .respond(let text), .closeAfter(let text):
                try await outbound.write(ByteBuffer(string: text))
            case .silent:
                try await Task.sleep(for: .seconds(30))
            case .trickle(let text, let interval):
                try await outbound.write(ByteBuffer(string: text))
                for _ in 0..<300 {
                    try await Task.sleep(for: interval)
                    try await outbound.write(ByteBuffer(string: " "))
                }
            case .greet:
                break
            }
        }
    }

    func stop() async {
        channel.channel.close(promise: nil)
        task.cancel()
        await task.value
    }
}

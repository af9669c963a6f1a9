import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How load mode checks an `https://` target's certificate: as `run` does, verified against the
/// system's roots, plus a private CA (`--ca-file`), or not at all (`--insecure`).
public struct LoadTLS: Sendable, Hashable {
    public var insecure: Bool
    public var caFile: String?

    public init(insecure: Bool = false, caFile: String? = nil) {
        self.insecure = insecure
        self.caFile = caFile
    }
}

/// TLS for load mode's HTTP/1.1 socket loop, which speaks plain TCP: a listener on 127.0.0.1
/// whose every connection is carried over a TLS connection of its own to the `https://` target
/// (certificate verified as ``LoadTLS`` says, the host name sent for SNI and checked). The loop's
/// requests, timings and counts are unchanged; what the tunnel adds (encryption, a loopback hop)
/// is part of the measured latency, as TLS is for any client.
final class TLSTunnel: Sendable {
    let port: Int
    private let server: any Channel
    private let work: Task<Void, Never>

    private init(port: Int, server: any Channel, work: Task<Void, Never>) {
        self.port = port
        self.server = server
        self.work = work
    }

    /// Checks that a TLS connection to `target` can be made (one handshake, so that a bad
    /// certificate or an unreachable target is one clear error before the run), then listens.
    static func start(to target: LoadTarget, tls: LoadTLS) async throws(LoadError) -> TLSTunnel {
        let context: NIOSSLContext
        do {
            var configuration = TLSConfiguration.makeClientConfiguration()
            if tls.insecure { configuration.certificateVerification = .none }
            if let caFile = tls.caFile { configuration.additionalTrustRoots = [.file(caFile)] }
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw LoadError("cannot set up TLS for \(target): \(error)")
        }
        let group = MultiThreadedEventLoopGroup.singleton
        do {
            let handshake = group.any().makePromise(of: Void.self)
            let probe: NIOAsyncChannel<ByteBuffer, ByteBuffer>
            do {
                probe = try await connect(to: target, context: context, group: group, handshake: handshake)
            } catch {
                // No connection, so no handshake: the promise ends here (a second outcome is ignored).
                handshake.fail(error)
                throw error
            }
            var failure: (any Error)?
            do { try await handshake.futureResult.get() } catch { failure = error }
            try await probe.executeThenClose { _, _ in }
            if let failure { throw failure }
        } catch {
            throw LoadError("no TLS connection to \(target.host):\(target.port): \(describe(error))")
        }
        let server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>
        do {
            server = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 1024)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .bind(host: "127.0.0.1", port: 0) { child in
                    child.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: child)
                    }
                }
        } catch {
            throw LoadError("cannot open the local TLS tunnel: \(error)")
        }
        let channel = server.channel
        let work = Task<Void, Never> {
            await withDiscardingTaskGroup { connections in
                _ = try? await server.executeThenClose { inbound in
                    for try await connection in inbound {
                        connections.addTask {
                            await carry(connection, to: target, context: context, group: group)
                        }
                    }
                }
            }
        }
        return TLSTunnel(port: channel.localAddress?.port ?? 0, server: channel, work: work)
    }

    /// Closes the listener; the connections carried end with the loop's.
    func stop() async {
        try? await server.close()
        work.cancel()
        await work.value
    }

    /// A TLS connection to `target`; `handshake`, when given, is completed with the handshake's
    /// outcome (the connection itself is ready before the handshake ends).
    private static func connect(
        to target: LoadTarget, context: NIOSSLContext, group: any EventLoopGroup,
        handshake: EventLoopPromise<Void>? = nil
    ) async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        // SNI carries host names only; an address is checked against the certificate as such.
        let hostname = target.url.hostIsAddress ? nil : target.host
        return try await ClientBootstrap(group: group)
            .connectTimeout(.seconds(10))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: target.host, port: target.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        try NIOSSLClientHandler(context: context, serverHostname: hostname))
                    if let handshake {
                        try channel.pipeline.syncOperations.addHandler(HandshakeWatch(handshake))
                    }
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
    }

    /// Copies bytes both ways until either side closes; then both are closed.
    private static func carry(
        _ local: NIOAsyncChannel<ByteBuffer, ByteBuffer>, to target: LoadTarget, context: NIOSSLContext,
        group: any EventLoopGroup
    ) async {
        guard let remote = try? await connect(to: target, context: context, group: group) else {
            // The loop sees the connection end and counts its request as a connection error.
            try? await local.executeThenClose { _, _ in }
            return
        }
        _ = try? await local.executeThenClose { localIn, localOut in
            try await remote.executeThenClose { remoteIn, remoteOut in
                try await withThrowingTaskGroup(of: Void.self) { pair in
                    pair.addTask { for try await bytes in localIn { try await remoteOut.write(bytes) } }
                    pair.addTask { for try await bytes in remoteIn { try await localOut.write(bytes) } }
                    // One direction ended: the connection is over.
                    _ = try await pair.next()
                    pair.cancelAll()
                }
            }
        }
    }

    private static func describe(_ error: any Error) -> String {
        if let ssl = error as? NIOSSLError { return "TLS: \(ssl)" }
        if let connect = error as? NIOConnectionError {
            if let io = connect.connectionErrors.first?.error as? IOError {
                return String(cString: strerror(io.errnoCode))
            }
            if connect.dnsAAAAError != nil || connect.dnsAError != nil {
                return "the host name does not resolve"
            }
        }
        if let io = error as? IOError { return String(cString: strerror(io.errnoCode)) }
        return "\(error)"
    }
}

/// Completes a promise when the TLS handshake ends: with success, or with the error that ended it.
private final class HandshakeWatch: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    private let promise: EventLoopPromise<Void>
    /// Whether the promise is completed (only the first outcome counts).
    private var done = false

    init(_ promise: EventLoopPromise<Void>) { self.promise = promise }

    private func complete(_ result: Result<Void, any Error>) {
        guard !done else { return }
        done = true
        promise.completeWith(result)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent { complete(.success(())) }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        complete(.failure(error))
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        complete(.failure(ChannelError.eof))
        context.fireChannelInactive()
    }
}

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

    private init(port: Int, server: any Channel) {
        self.port = port
        self.server = server
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
            let probe: any Channel
            do {
                probe = try await bootstrap(to: target, context: context, on: group) {
                    try $0.pipeline.syncOperations.addHandler(HandshakeWatch(handshake))
                }
                .connect(host: target.host, port: target.port).get()
            } catch {
                // No connection, so no handshake: the promise ends here (a second outcome is ignored).
                handshake.fail(error)
                throw error
            }
            var failure: (any Error)?
            do { try await handshake.futureResult.get() } catch { failure = error }
            try? await probe.close()
            if let failure { throw failure }
        } catch {
            throw LoadError("no TLS connection to \(target.host):\(target.port): \(describe(error))")
        }
        let server: any Channel
        do {
            // Each accepted connection is glued to a TLS connection of its own on the same event
            // loop: bytes pass from one channel's read to the other's write with no task, stream
            // or thread hop between them. The accepted side reads nothing until its partner is
            // connected.
            server = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 1024)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelOption(.autoRead, value: false)
                .childChannelInitializer { local in
                    let loop = local.eventLoop
                    let (localGlue, remoteGlue) = GlueHandler.matchedPair()
                    let remoteSide = NIOLoopBound(remoteGlue, eventLoop: loop)
                    let localSide = NIOLoopBound(localGlue, eventLoop: loop)
                    return bootstrap(to: target, context: context, on: loop) {
                        try $0.pipeline.syncOperations.addHandler(remoteSide.value)
                    }
                    .connect(host: target.host, port: target.port)
                    .flatMapThrowing { _ in
                        try local.pipeline.syncOperations.addHandler(localSide.value)
                        try local.syncOptions?.setOption(.autoRead, value: true)
                    }
                    .flatMapError { _ in
                        // The loop sees the connection end and counts its request as a
                        // connection error.
                        local.close(promise: nil)
                        return loop.makeSucceededVoidFuture()
                    }
                }
                .bind(host: "127.0.0.1", port: 0)
                .get()
        } catch {
            throw LoadError("cannot open the local TLS tunnel: \(error)")
        }
        return TLSTunnel(port: server.localAddress?.port ?? 0, server: server)
    }

    /// Closes the listener; the connections carried end with the loop's.
    func stop() async {
        try? await server.close()
    }

    /// A client for TLS connections to `target`, made on `group`: the TLS handler (SNI for a host
    /// name, not for an address, which is checked against the certificate as such), then what
    /// `addHandlers` adds. Used for the probe and for every carried connection alike.
    private static func bootstrap(
        to target: LoadTarget, context: NIOSSLContext, on group: any EventLoopGroup,
        addHandlers: @escaping @Sendable (any Channel) throws -> Void
    ) -> ClientBootstrap {
        let hostname = target.url.hostIsAddress ? nil : target.host
        return ClientBootstrap(group: group)
            .connectTimeout(.seconds(10))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        try NIOSSLClientHandler(context: context, serverHostname: hostname))
                    try addHandlers(channel)
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

/// One end of a pair of channels glued together: what one end reads, the other writes, with the
/// reader held back while the writer's socket is full; when either channel ends, both close.
/// Confined to the pair's event loop.
private final class GlueHandler: ChannelDuplexHandler {
    typealias InboundIn = NIOAny
    typealias OutboundIn = NIOAny
    typealias OutboundOut = NIOAny

    private var partner: GlueHandler?
    private var context: ChannelHandlerContext?
    /// A read the channel asked for while the partner could take no more.
    private var pendingRead = false

    private init() {}

    static func matchedPair() -> (GlueHandler, GlueHandler) {
        let first = GlueHandler()
        let second = GlueHandler()
        first.partner = second
        second.partner = first
        return (first, second)
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        partner = nil
    }

    // MARK: What the partner asks of this end

    private func partnerWrite(_ data: NIOAny) { context?.write(data, promise: nil) }

    private func partnerFlush() { context?.flush() }

    private func partnerClose() { context?.close(promise: nil) }

    private var partnerWritable: Bool { context?.channel.isWritable ?? false }

    private func partnerBecameWritable() {
        if pendingRead {
            pendingRead = false
            context?.read()
        }
    }

    // MARK: Events of this end

    func channelRead(context: ChannelHandlerContext, data: NIOAny) { partner?.partnerWrite(data) }

    func channelReadComplete(context: ChannelHandlerContext) { partner?.partnerFlush() }

    func channelInactive(context: ChannelHandlerContext) { partner?.partnerClose() }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        partner?.partnerClose()
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { partner?.partnerBecameWritable() }
    }

    func read(context: ChannelHandlerContext) {
        if partner?.partnerWritable ?? false {
            context.read()
        } else {
            pendingRead = true
        }
    }
}

import NIOCore
import NIOPosix

/// One keep-alive HTTP/1.1 connection slot of a worker, carrying one request at a time. When its
/// channel closes it reconnects (at once after a working connection, after a pause after a
/// failed attempt). Confined to the worker's event loop.
final class LoadConnection {
    private let worker: LoadWorker
    let slot: Int

    private enum State {
        case idle
        case connecting
        case ready(ChannelHandlerContext)
        case closing
        case shutDown
    }

    // Touched only on the worker's event loop and never by overlapping accesses: the runtime
    // exclusivity checks are skipped on this hot path.
    @exclusivity(unchecked) private var state = State.idle
    @exclusivity(unchecked) private var parser = HTTPResponseParser()
    @exclusivity(unchecked) private var inFlight: ActorRun?
    @exclusivity(unchecked) private var sentAt: UInt64 = 0
    @exclusivity(unchecked) private var out: ByteBuffer
    private var failedAttempts = 0

    init(worker: LoadWorker, slot: Int) {
        self.worker = worker
        self.slot = slot
        out = ByteBufferAllocator().buffer(capacity: 8192)
    }

    var isReady: Bool {
        if case .ready = state { return inFlight == nil }
        return false
    }

    var inFlightSentAt: UInt64? { inFlight == nil ? nil : sentAt }

    func connect() {
        guard case .idle = state else { return }
        state = .connecting
        let bound = NIOLoopBound(self, eventLoop: worker.loop)
        let connectTimeout = min(worker.config.options.timeout, .seconds(10))
        ClientBootstrap(group: worker.loop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            // One read per readable event: a response is small and only one is outstanding.
            .channelOption(.maxMessagesPerRead, value: 1)
            .connectTimeout(.nanoseconds(connectTimeout.nanoseconds))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        LoadChannelHandler(connection: bound.value))
                }
            }
            .connect(to: worker.config.address)
            .assumeIsolated()
            .whenFailure { [self] _ in
                guard case .connecting = state else { return }
                state = .idle
                failedAttempts += 1
                worker.connectFailed()
                reconnectLater()
            }
    }

    private func reconnectLater() {
        guard !worker.isFinished else {
            state = .shutDown
            return
        }
        let pause = TimeAmount.milliseconds(Int64(min(1000, 50 * failedAttempts)))
        _ = worker.loop.assumeIsolated().scheduleTask(in: pause) { [self] in
            if case .idle = state, !worker.isFinished { connect() }
        }
    }

    // MARK: Channel events

    func attached(_ context: ChannelHandlerContext) {
        guard case .connecting = state else {
            context.close(promise: nil)
            return
        }
        state = .ready(context)
        failedAttempts = 0
        parser = HTTPResponseParser()
        worker.connectionIdle(self)
    }

    func received(_ buffer: ByteBuffer) {
        var outcome = HTTPResponseParser.Outcome.incomplete
        var leftover = false
        buffer.withUnsafeReadableBytes { bytes in
            var index = 0
            outcome = parser.parse(bytes, index: &index)
            leftover = index < bytes.count
        }
        switch outcome {
        case .incomplete:
            return
        case .malformed:
            if let run = inFlight {
                inFlight = nil
                worker.failed(run, .protocolError)
            }
            close()
        case .response(let status, let keepAlive):
            let now = monotonicNanoseconds()
            guard let run = inFlight else {
                // A response nobody asked for (or one to a request already timed out).
                close()
                return
            }
            inFlight = nil
            worker.responded(run, status: status, sentAt: sentAt, now: now)
            if !keepAlive || leftover {
                close()
            } else if case .ready = state {
                worker.connectionIdle(self)
            }
        }
    }

    func detached() {
        let wasReady: Bool
        switch state {
        case .ready, .closing: wasReady = true
        default: wasReady = false
        }
        if let run = inFlight {
            inFlight = nil
            if case .response(let status, _) = parser.connectionClosed() {
                worker.responded(run, status: status, sentAt: sentAt, now: monotonicNanoseconds())
            } else {
                worker.failed(run, .connection)
            }
        }
        worker.connectionLost(self)
        if case .shutDown = state { return }
        state = .idle
        if worker.isFinished {
            state = .shutDown
        } else if wasReady {
            connect()
        } else {
            failedAttempts += 1
            reconnectLater()
        }
    }

    // MARK: Requests

    func send(_ run: ActorRun) {
        guard case .ready(let context) = state, inFlight == nil else {
            worker.failed(run, .connection)
            return
        }
        var run = run
        guard worker.encode(&run, into: &out) else {
            worker.failed(run, .generation)
            worker.connectionIdle(self)
            return
        }
        sentAt = monotonicNanoseconds()
        inFlight = run
        worker.sentRequest()
        context.writeAndFlush(NIOAny(out), promise: nil)
    }

    /// Gives up the request on the wire (timeout) and closes the connection.
    func abandonInFlight() -> ActorRun? {
        guard let run = inFlight else { return nil }
        inFlight = nil
        close()
        return run
    }

    private func close() {
        guard case .ready(let context) = state else { return }
        state = .closing
        context.close(promise: nil)
    }

    func shutdown() {
        let current = state
        state = .shutDown
        if case .ready(let context) = current { context.close(promise: nil) }
    }
}

/// Hands a channel's events to its ``LoadConnection``.
final class LoadChannelHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let connection: LoadConnection

    init(connection: LoadConnection) { self.connection = connection }

    func channelActive(context: ChannelHandlerContext) {
        connection.attached(context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        connection.received(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        connection.detached()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}

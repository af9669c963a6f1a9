import NIOCore
import ProctorCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One keep-alive HTTP/1.1 connection slot of a worker, carrying one request at a time over a
/// nonblocking socket of the worker's ``LoadLoop``. When the connection closes it reconnects (at
/// once after a working connection, after a pause after a failed attempt). Confined to the
/// worker's loop thread.
final class LoadConnection: LoadLoop.Socket {
    /// The worker owns its connections and outlives them (its loop drops the connections'
    /// timers before the worker), so the reference is taken without reference counting: every
    /// request reaches the worker several times.
    private unowned(unsafe) let worker: LoadWorker
    let slot: Int

    private enum State {
        case idle
        case connecting
        case ready
        /// Closed by this side; the worker hears of it after the current events.
        case closing
        case shutDown
    }

    // Touched only on the worker's loop thread and never by overlapping accesses: the runtime
    // exclusivity checks are skipped on this hot path.
    @exclusivity(unchecked) private var state = State.idle
    @exclusivity(unchecked) private var fd: Int32 = -1
    @exclusivity(unchecked) private var parser = HTTPResponseParser()
    @exclusivity(unchecked) private var inFlight: ActorRun?
    @exclusivity(unchecked) private var sentAt: UInt64 = 0
    /// What is left of a request that the socket did not take at once.
    @exclusivity(unchecked) private var out: ByteBuffer
    /// Bytes of `out` already written (a partial write waits for the socket to drain).
    @exclusivity(unchecked) private var written = 0
    @exclusivity(unchecked) private var waitingToWrite = false
    private var failedAttempts = 0
    private var connectTimer: LoadLoop.TimerID?
    /// When the current connection attempt began (monotonic nanoseconds).
    private var connectStartedAt: UInt64 = 0
    /// Whether the first byte of the answer to the request in flight has come.
    @exclusivity(unchecked) private var firstByteSeen = false

    init(worker: LoadWorker, slot: Int) {
        self.worker = worker
        self.slot = slot
        out = ByteBufferAllocator().buffer(capacity: 0)
    }

    var isReady: Bool {
        if case .ready = state { return inFlight == nil }
        return false
    }

    var inFlightSentAt: UInt64? { inFlight == nil ? nil : sentAt }

    // MARK: Connecting

    func connect() {
        guard case .idle = state else { return }
        let address = worker.config.address
        let socketFD = socket(Int32(address.protocol.rawValue), Self.streamType, 0)
        guard socketFD >= 0 else {
            connectionAttemptFailed(errno)
            return
        }
        Sockets.setNonBlocking(socketFD)
        var one: Int32 = 1
        _ = setsockopt(socketFD, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        #if canImport(Darwin)
            _ = setsockopt(socketFD, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
        let result = address.withSockAddr { pointer, length in
            systemConnect(socketFD, pointer, socklen_t(length))
        }
        if result != 0 && errno != EINPROGRESS {
            let code = errno
            _ = systemClose(socketFD)
            connectionAttemptFailed(code)
            return
        }
        fd = socketFD
        connectStartedAt = monotonicNanoseconds()
        state = .connecting
        worker.loop.register(socketFD, self, writable: true)
        let timeout = UInt64(min(worker.config.options.timeout, .seconds(10)).nanoseconds)
        connectTimer = worker.loop.schedule(inNanoseconds: max(1, timeout)) { [self] in
            connectTimer = nil
            guard case .connecting = state else { return }
            closeSocket()
            state = .idle
            connectionAttemptFailed(ETIMEDOUT)
        }
    }

    private static var streamType: Int32 {
        #if os(Linux)
            Int32(SOCK_STREAM.rawValue)
        #else
            SOCK_STREAM
        #endif
    }

    private func connectionAttemptFailed(_ code: Int32) {
        failedAttempts += 1
        worker.connectFailed(errno: code)
        reconnectLater()
    }

    private func reconnectLater() {
        guard !worker.isFinished else {
            state = .shutDown
            return
        }
        let pause = UInt64(min(1000, 50 * failedAttempts)) * 1_000_000
        worker.loop.schedule(inNanoseconds: pause) { [self] in
            if case .idle = state, !worker.isFinished { connect() }
        }
    }

    private func connected() {
        if let timer = connectTimer {
            worker.loop.cancel(timer)
            connectTimer = nil
        }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        let status = getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
        guard status == 0, error == 0 else {
            closeSocket()
            state = .idle
            connectionAttemptFailed(status == 0 ? error : errno)
            return
        }
        worker.loop.setWritableInterest(fd, false)
        worker.connectionOpened(afterNanoseconds: monotonicNanoseconds() &- connectStartedAt)
        state = .ready
        failedAttempts = 0
        parser = HTTPResponseParser()
        worker.connectionIdle(self)
    }

    // MARK: Socket events

    func ready(readable: Bool, writable: Bool, failed: Bool) {
        switch state {
        case .connecting:
            if writable || failed { connected() }
        case .ready:
            if waitingToWrite && (writable || failed) { flush() }
            guard case .ready = state else { return }
            if readable || failed { receive() }
        case .idle, .closing, .shutDown:
            return
        }
    }

    private func receive() {
        let buffer = worker.loop.readBuffer
        let count = recv(fd, buffer.baseAddress, buffer.count, 0)
        if count > 0 {
            if !firstByteSeen, inFlight != nil {
                firstByteSeen = true
                worker.firstByte(afterNanoseconds: monotonicNanoseconds() &- sentAt)
            }
            received(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        } else if count == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            close()
        }
    }

    private func received(_ bytes: UnsafeRawBufferPointer) {
        var index = 0
        let outcome = parser.parse(bytes, index: &index)
        let leftover = index < bytes.count
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
            // A response before the request was written whole ends the connection too.
            if !keepAlive || leftover || waitingToWrite { close() }
            worker.responded(run, status: status, sentAt: sentAt, now: now)
            if case .ready = state { worker.connectionIdle(self) }
        }
    }

    /// What follows the end of a connection: the request on it ends, and a new one is opened.
    private func ended() {
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
        guard case .ready = state, inFlight == nil else {
            worker.failed(run, .connection)
            return
        }
        // The request is encoded into the worker's scratch buffer, which stays in cache from one
        // request to the next, and written from there; only what the socket does not take at
        // once is kept in this connection's own buffer.
        guard worker.encode(run, into: &worker.scratch) else {
            worker.failed(run, .generation)
            worker.connectionIdle(self)
            return
        }
        sentAt = monotonicNanoseconds()
        firstByteSeen = false
        inFlight = run
        worker.sentRequest()
        let total = worker.scratch.readableBytes
        let taken = Self.write(fd, worker.scratch, from: 0)
        guard taken >= 0 else {
            close()
            return
        }
        if taken < total {
            out.clear()
            _ = worker.scratch.withUnsafeReadableBytes {
                out.writeBytes(UnsafeRawBufferPointer(rebasing: $0[taken...]))
            }
            written = 0
            waitingToWrite = true
            worker.loop.setWritableInterest(fd, true)
        }
    }

    /// Writes `buffer`'s readable bytes from `offset` until the socket takes no more; returns the
    /// offset reached, or -1 when the connection failed.
    private static func write(_ socketFD: Int32, _ buffer: ByteBuffer, from offset: Int) -> Int {
        let total = buffer.readableBytes
        return buffer.withUnsafeReadableBytes { bytes -> Int in
            guard let base = bytes.baseAddress else { return offset }
            var offset = offset
            while offset < total {
                let n = systemSend(socketFD, base + offset, total - offset)
                if n > 0 {
                    offset += n
                } else if n < 0 && errno == EINTR {
                    continue
                } else if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                    return offset
                } else {
                    return -1
                }
            }
            return offset
        }
    }

    /// Writes what is left of a request the socket did not take at once; stops waiting for the
    /// socket to drain when it is written whole.
    private func flush() {
        let result = Self.write(fd, out, from: written)
        guard result >= 0 else {
            close()
            return
        }
        written = result
        if written >= out.readableBytes {
            waitingToWrite = false
            worker.loop.setWritableInterest(fd, false)
        }
    }

    /// Gives up the request on the wire (timeout) and closes the connection.
    func abandonInFlight() -> ActorRun? {
        guard let run = inFlight else { return nil }
        inFlight = nil
        close()
        return run
    }

    /// Closes the connection (from this side, or after the peer closed it or it failed); the
    /// worker hears of it after the events being handled.
    private func close() {
        guard case .ready = state else { return }
        closeSocket()
        state = .closing
        worker.loop.runSoon { [self] in
            if case .closing = state { ended() }
        }
    }

    private func closeSocket() {
        guard fd >= 0 else { return }
        worker.loop.unregister(fd)
        _ = systemClose(fd)
        fd = -1
        waitingToWrite = false
    }

    func shutdown() {
        state = .shutDown
        if let timer = connectTimer {
            worker.loop.cancel(timer)
            connectTimer = nil
        }
        closeSocket()
    }
}

#if canImport(Glibc)
    private func systemConnect(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32
    {
        Glibc.connect(fd, address, length)
    }
    private func systemSend(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
        Glibc.send(fd, bytes, count, Int32(MSG_NOSIGNAL))
    }
    private func systemClose(_ fd: Int32) -> Int32 { Glibc.close(fd) }
#elseif canImport(Darwin)
    private func systemConnect(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32
    {
        Darwin.connect(fd, address, length)
    }
    // SO_NOSIGPIPE is set on the socket.
    private func systemSend(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
        Darwin.send(fd, bytes, count, 0)
    }
    private func systemClose(_ fd: Int32) -> Int32 { Darwin.close(fd) }
#endif

import Atomics
import CProctorPoll
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One load worker's thread: nonblocking sockets in the kernel's readiness queue (epoll on
/// Linux, poll elsewhere), timers, and tasks handed over from other threads.
///
/// Everything but ``execute(_:)`` runs on the loop's own thread, so the worker and its
/// connections need no locks, and a request costs one `send` and one `recv` with no channel
/// pipeline, promise or allocation between them.
final class LoadLoop: @unchecked Sendable {
    /// Something registered for readiness events.
    protocol Socket: AnyObject {
        func ready(readable: Bool, writable: Bool, failed: Bool)
    }

    struct TimerID: Equatable {
        fileprivate let value: UInt64
    }

    private struct Timer {
        var deadline: UInt64
        var id: UInt64
        var action: () -> Void
    }

    let name: String
    // Confined to the loop thread (see the type's note) and never accessed overlappingly: the
    // runtime exclusivity checks are skipped on this hot path.
    private let poller: Poller
    @exclusivity(unchecked) private var sockets: [(generation: UInt32, socket: Socket)?] = []
    private var nextGeneration: UInt32 = 1
    @exclusivity(unchecked) private var timers: [Timer] = []
    private var nextTimerID: UInt64 = 1
    @exclusivity(unchecked) private var soon: [() -> Void] = []
    @exclusivity(unchecked) private var running = true
    /// The worker this loop runs (set on the loop thread).
    var worker: LoadWorker?

    /// One receive buffer shared by the loop's connections: each read is parsed before the next.
    let readBuffer: UnsafeMutableRawBufferPointer

    private let tasks = Mutex<[@Sendable (LoadLoop) -> Void]>([])
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let exited = ManagedAtomic(false)

    init(name: String) throws(LoadError) {
        self.name = name
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else {
            throw LoadError("cannot create the load loop's wake pipe: \(Errno.text())")
        }
        wakeRead = fds[0]
        wakeWrite = fds[1]
        for fd in fds { Sockets.setNonBlocking(fd) }
        do {
            poller = try Poller()
        } catch {
            close(wakeRead)
            close(wakeWrite)
            throw error
        }
        poller.add(wakeRead, token: 0, writable: false)
        readBuffer = .allocate(byteCount: 64 * 1024, alignment: 16)
    }

    deinit {
        // The wake pipe lives as long as the loop object, so that a late ``execute(_:)`` never
        // writes to a descriptor number the process has since reused.
        close(wakeRead)
        close(wakeWrite)
        readBuffer.deallocate()
    }

    // MARK: Any thread

    /// Runs `task` on the loop thread. Tasks given after the loop stopped do not run.
    func execute(_ task: @escaping @Sendable (LoadLoop) -> Void) {
        tasks.withLock { $0.append(task) }
        var one: UInt8 = 1
        _ = write(wakeWrite, &one, 1)
    }

    /// Starts the loop's thread.
    func start() {
        let thread = Thread { [self] in
            // Named from inside: only the running thread's name reaches the kernel (`top -H`, /proc).
            Thread.current.name = name
            run()
        }
        thread.start()
    }

    /// True once the thread has left its loop and closed its descriptors.
    var hasExited: Bool { exited.load(ordering: .acquiring) }

    // MARK: Loop thread

    /// Registers `socket`'s descriptor; events reach it until ``unregister(_:)``.
    func register(_ fd: Int32, _ socket: Socket, writable: Bool) {
        let index = Int(fd)
        if index >= sockets.count { sockets += Array(repeating: nil, count: index + 1 - sockets.count) }
        let generation = nextGeneration
        nextGeneration &+= 1
        if nextGeneration == 0 { nextGeneration = 1 }
        sockets[index] = (generation, socket)
        poller.add(fd, token: Self.token(fd: fd, generation: generation), writable: writable)
    }

    func setWritableInterest(_ fd: Int32, _ writable: Bool) {
        let index = Int(fd)
        guard index < sockets.count, let entry = sockets[index] else { return }
        poller.modify(fd, token: Self.token(fd: fd, generation: entry.generation), writable: writable)
    }

    /// Stops events for `fd`; call before closing it.
    func unregister(_ fd: Int32) {
        let index = Int(fd)
        guard index < sockets.count else { return }
        sockets[index] = nil
        poller.remove(fd)
    }

    /// Runs `action` once, `nanoseconds` from now.
    @discardableResult
    func schedule(inNanoseconds nanoseconds: UInt64, _ action: @escaping () -> Void) -> TimerID {
        schedule(atNanoseconds: monotonicNanoseconds() &+ nanoseconds, action)
    }

    /// Runs `action` once, at the monotonic time `deadline` (at once when it has passed). On
    /// Linux the loop wakes for it with nanosecond precision (a timer descriptor), elsewhere
    /// within the poll call's millisecond.
    @discardableResult
    func schedule(atNanoseconds deadline: UInt64, _ action: @escaping () -> Void) -> TimerID {
        let id = nextTimerID
        nextTimerID += 1
        timers.append(Timer(deadline: deadline, id: id, action: action))
        return TimerID(value: id)
    }

    func cancel(_ timer: TimerID) {
        timers.removeAll { $0.id == timer.value }
    }

    /// Runs `action` after the events being handled now (a connection closing inside a callback
    /// tells its worker from here, not from within that callback).
    func runSoon(_ action: @escaping () -> Void) { soon.append(action) }

    /// Ends the loop after the current iteration.
    func stopRunning() { running = false }

    private static func token(fd: Int32, generation: UInt32) -> UInt64 {
        UInt64(generation) << 32 | UInt64(UInt32(bitPattern: fd))
    }

    private func run() {
        while running {
            let next = runDueTimers()
            guard running else { break }
            poller.wait(until: soon.isEmpty ? next : 0) { token, readable, writable, failed in
                if token == 0 {
                    drainTasks()
                    return
                }
                if token == Poller.timerToken {
                    poller.timerFired()
                    return
                }
                let fd = Int(UInt32(truncatingIfNeeded: token))
                let generation = UInt32(truncatingIfNeeded: token >> 32)
                guard fd < sockets.count, let entry = sockets[fd], entry.generation == generation else {
                    return
                }
                entry.socket.ready(readable: readable, writable: writable, failed: failed)
            }
            while !soon.isEmpty {
                let actions = soon
                soon = []
                for action in actions { action() }
            }
        }
        timers = []
        soon = []
        for index in sockets.indices where sockets[index] != nil {
            close(Int32(index))
        }
        sockets = []
        worker = nil
        exited.store(true, ordering: .releasing)
    }

    private func drainTasks() {
        var sink = [UInt8](repeating: 0, count: 64)
        while read(wakeRead, &sink, sink.count) > 0 {}
        let pending = tasks.withLock { list in
            let taken = list
            list = []
            return taken
        }
        for task in pending { task(self) }
    }

    /// Runs the timers that are due; returns the monotonic deadline of the next one (nil: none).
    private func runDueTimers() -> UInt64? {
        guard !timers.isEmpty else { return nil }
        var now = monotonicNanoseconds()
        var index = 0
        while index < timers.count {
            if timers[index].deadline <= now {
                let timer = timers.remove(at: index)
                timer.action()
                now = monotonicNanoseconds()
                index = 0
            } else {
                index += 1
            }
        }
        guard var next = timers.first?.deadline else { return nil }
        for timer in timers where timer.deadline < next { next = timer.deadline }
        return next
    }
}

/// The kernel readiness queue: epoll on Linux, poll elsewhere. Confined to its loop's thread;
/// a class, so that an event handler may change registrations while ``wait`` runs.
final class Poller {
    /// The token of the timer descriptor's events (0 is the wake pipe's; sockets' tokens carry a
    /// generation of at least 1 in their upper half).
    static let timerToken: UInt64 = 1

    #if os(Linux)
        private let epoll: Int32
        @exclusivity(unchecked) private var events: [epoll_event]

        /// Wakes the wait at a timer's deadline with nanosecond precision (epoll's own timeout
        /// counts whole milliseconds, which would send open-model arrivals up to 2 ms late).
        private let timer: Int32
        /// The deadline the timer descriptor is set to (0: disarmed).
        @exclusivity(unchecked) private var armedAt: UInt64 = 0

        init() throws(LoadError) {
            epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
            guard epoll >= 0 else { throw LoadError("cannot create an epoll instance: \(Errno.text())") }
            timer = timerfd_create(CLOCK_MONOTONIC, Int32(TFD_NONBLOCK | TFD_CLOEXEC))
            guard timer >= 0 else {
                let reason = Errno.text()
                _ = Glibc.close(epoll)
                throw LoadError("cannot create a timer descriptor: \(reason)")
            }
            events = Array(repeating: epoll_event(), count: 256)
            control(EPOLL_CTL_ADD, timer, token: Self.timerToken, writable: false)
        }

        private func control(_ op: Int32, _ fd: Int32, token: UInt64, writable: Bool) {
            var event = epoll_event()
            event.events = EPOLLIN.rawValue | EPOLLRDHUP.rawValue | (writable ? EPOLLOUT.rawValue : 0)
            event.data.u64 = token
            _ = epoll_ctl(epoll, op, fd, &event)
        }

        func add(_ fd: Int32, token: UInt64, writable: Bool) {
            control(EPOLL_CTL_ADD, fd, token: token, writable: writable)
        }

        func modify(_ fd: Int32, token: UInt64, writable: Bool) {
            control(EPOLL_CTL_MOD, fd, token: token, writable: writable)
        }

        func remove(_ fd: Int32) {
            var event = epoll_event()
            _ = epoll_ctl(epoll, EPOLL_CTL_DEL, fd, &event)
        }

        /// Waits for readiness until the monotonic `deadline` (nil: no deadline; 0: do not wait).
        func wait(until deadline: UInt64?, _ handle: (UInt64, Bool, Bool, Bool) -> Void) {
            var timeout: Int32 = -1
            if let deadline {
                if deadline <= monotonicNanoseconds() {
                    timeout = 0
                } else if deadline != armedAt {
                    arm(at: deadline)
                }
            }
            let count = events.withUnsafeMutableBufferPointer { buffer in
                epoll_wait(epoll, buffer.baseAddress, Int32(buffer.count), timeout)
            }
            guard count > 0 else { return }
            for i in 0..<Int(count) {
                let e = events[i]
                let failed = e.events & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0
                let readable = e.events & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue) != 0
                handle(e.data.u64, readable, e.events & EPOLLOUT.rawValue != 0, failed)
            }
        }

        /// Sets the timer descriptor to fire once at `deadline` (absolute, CLOCK_MONOTONIC, the
        /// clock of ``monotonicNanoseconds()``).
        private func arm(at deadline: UInt64) {
            var spec = itimerspec()
            spec.it_value.tv_sec = Int(deadline / 1_000_000_000)
            spec.it_value.tv_nsec = Int(deadline % 1_000_000_000)
            if timerfd_settime(timer, Int32(TFD_TIMER_ABSTIME), &spec, nil) == 0 { armedAt = deadline }
        }

        /// The timer descriptor fired: clear it (the loop then runs the timers that are due).
        func timerFired() {
            var expirations: UInt64 = 0
            _ = read(timer, &expirations, MemoryLayout<UInt64>.size)
            armedAt = 0
        }

        deinit {
            _ = Glibc.close(timer)
            _ = Glibc.close(epoll)
        }
    #else
        private var fds: [pollfd] = []
        private var tokens: [UInt64] = []

        init() throws(LoadError) {}

        private func index(of fd: Int32) -> Int? { fds.firstIndex { $0.fd == fd } }

        func add(_ fd: Int32, token: UInt64, writable: Bool) {
            fds.append(pollfd(fd: fd, events: Int16(POLLIN) | (writable ? Int16(POLLOUT) : 0), revents: 0))
            tokens.append(token)
        }

        func modify(_ fd: Int32, token: UInt64, writable: Bool) {
            guard let i = index(of: fd) else { return }
            fds[i].events = Int16(POLLIN) | (writable ? Int16(POLLOUT) : 0)
            tokens[i] = token
        }

        func remove(_ fd: Int32) {
            guard let i = index(of: fd) else { return }
            fds.remove(at: i)
            tokens.remove(at: i)
        }

        func timerFired() {}

        /// Waits for readiness until the monotonic `deadline` (nil: no deadline; 0: do not wait),
        /// to the millisecond.
        func wait(until deadline: UInt64?, _ handle: (UInt64, Bool, Bool, Bool) -> Void) {
            var timeout: Int32 = -1
            if let deadline {
                let now = monotonicNanoseconds()
                timeout = deadline <= now ? 0 : Int32(min(1_000, (deadline - now + 999_999) / 1_000_000))
            }
            let count = fds.withUnsafeMutableBufferPointer { buffer in
                poll(buffer.baseAddress, nfds_t(buffer.count), timeout)
            }
            guard count > 0 else { return }
            let ready = zip(fds, tokens).filter { $0.0.revents != 0 }
            for (entry, token) in ready {
                let r = entry.revents
                handle(
                    token, r & Int16(POLLIN) != 0, r & Int16(POLLOUT) != 0,
                    r & (Int16(POLLERR) | Int16(POLLHUP) | Int16(POLLNVAL)) != 0)
            }
        }

    #endif
}

/// Thin wrappers over the socket calls.
enum Sockets {
    static func setNonBlocking(_ fd: Int32) {
        let flags = fcntl(fd, F_GETFL, 0)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
    }
}

enum Errno {
    static func text(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }
}

import Histogram
import NIOCore
import ProctorCore
import ProctorVendors

/// One active actor's next request. A plain value (no references), so that queueing and
/// handing it between a connection and the worker copies a few words.
struct ActorRun {
    /// Global actor index (over all shards).
    var actor: Int
    var step: Int
    /// Monotonic nanoseconds at which the request was meant to be sent: the arrival for the
    /// first step, the previous response for later ones. Latency counted from here is free of
    /// coordinated omission.
    var intended: UInt64
    /// Fresh payloads: the index of the actor's lifecycle state in its worker's table of fresh
    /// actors (-1 with pooled payloads).
    var fresh: Int32
}

/// A fresh-payload actor: its lifecycle state and when each of its events happened.
struct FreshActor {
    var state: ActorState
    var times: [Int64]
}

/// What every worker shares.
struct WorkerConfig: Sendable {
    let plan: LoadPlan
    /// Canonical event names, one per step.
    let events: [String]
    let options: LoadOptions
    let encoder: RequestEncoder
    let pool: PayloadPool?
    let address: SocketAddress
    /// Monotonic nanoseconds of the run's start (first arrival).
    let startNanos: UInt64
    let workerCount: Int
    let schedule: ArrivalSchedule
}

/// One lifecycle step's figures in one worker.
struct StepFigures: Sendable {
    var latency: Histogram<UInt64>
    var answered: UInt64
    var succeeded: UInt64
    var failed: UInt64
}

/// A worker's numbers at one moment.
struct WorkerSnapshot: Sendable {
    var counters: LoadCounters
    /// Whole-run histograms (only when asked for).
    var corrected: Histogram<UInt64>?
    var uncorrected: Histogram<UInt64>?
    var connect: Histogram<UInt64>?
    var firstByte: Histogram<UInt64>?
    /// Per step of the lifecycle (only when asked for).
    var steps: [StepFigures]
    /// Corrected latency of the answers by status code (only when asked for); each histogram's
    /// count is that code's count.
    var statuses: [(code: Int, latency: Histogram<UInt64>)]
    /// Corrected latencies since the previous snapshot.
    var interval: Histogram<UInt64>
    var active: Int
    var queued: Int
    var finished: Bool
    /// Whether a connection to the target was ever opened.
    var connectedOnce: Bool
    /// The error of the latest failed connection attempt (0: none yet).
    var connectErrno: Int32
    /// Failed connection attempts so far.
    var connectFailures: Int
    /// Monotonic nanoseconds at which new actors stopped (nil while they still arrive).
    var arrivalsEndedAt: UInt64?
}

/// One loop thread's share of a load run: its connections, the actors it starts, their queue
/// and its statistics. Confined to its ``LoadLoop``: every method runs there, so nothing in it
/// needs locks; other threads reach it only through ``LoadLoop/execute(_:)``.
final class LoadWorker {
    let loop: LoadLoop
    let index: Int
    let config: WorkerConfig
    /// Called once, on the loop thread, when the worker's last actor has ended.
    private let onFinished: () -> Void

    // The per-request state below is touched only on the worker's loop thread and never by
    // overlapping accesses, so the runtime exclusivity checks are skipped on this hot path.
    @exclusivity(unchecked) private var connections: [LoadConnection] = []
    @exclusivity(unchecked) private var idle: [Int] = []
    @exclusivity(unchecked) private var queue = CircularBuffer<ActorRun>(initialCapacity: 64)
    @exclusivity(unchecked) private var active = 0
    private let maxActive: Int
    private let timeoutNanos: UInt64
    private let pool: PayloadPool?
    private let encoder: RequestEncoder
    private let seed: UInt64
    private let stepCount: Int

    @exclusivity(unchecked) private var counters = LoadCounters()
    /// Time to open each connection, and from each request written to its answer's first byte.
    @exclusivity(unchecked) private var connectTimes = LatencyHistogram.make()
    @exclusivity(unchecked) private var firstBytes = LatencyHistogram.make()
    /// Per step of the actors' lifecycle: corrected latency of the answers, answers, 2xx answers
    /// and requests that failed without an answer (the report groups steps by event).
    @exclusivity(unchecked) private var stepLatency: [Histogram<UInt64>] = []
    @exclusivity(unchecked) private var stepAnswered: [UInt64] = []
    @exclusivity(unchecked) private var stepSucceeded: [UInt64] = []
    @exclusivity(unchecked) private var stepFailed: [UInt64] = []
    /// Answers by status code: `statusSlot[code]` indexes `statusLatency` and `statusCodes`
    /// (-1: no answer with that code yet); each histogram holds the corrected latency of that
    /// code's answers, and its count is the code's count.
    @exclusivity(unchecked) private var statusSlot = [Int](repeating: -1, count: 600)
    @exclusivity(unchecked) private var statusCodes: [Int] = []
    @exclusivity(unchecked) private var statusLatency: [Histogram<UInt64>] = []
    @exclusivity(unchecked) private var corrected = LatencyHistogram.make()
    @exclusivity(unchecked) private var uncorrected = LatencyHistogram.make()
    @exclusivity(unchecked) private var interval = LatencyHistogram.make(digits: .two)

    /// Next local sequence number: this worker's actors are shard-local indexes `index + workerCount * k`.
    private var nextLocal = 0
    /// Closed model: start offsets of slots not yet started.
    private var pendingSlots: [UInt64] = []
    @exclusivity(unchecked) private var arrivalsDone = false
    private var arrivalsEndedAt: UInt64?
    @exclusivity(unchecked) private var stopping = false
    @exclusivity(unchecked) private var finished = false
    private var connectedOnce = false
    private var connectErrno: Int32 = 0
    private var connectFailures = 0
    private var tick: LoadLoop.TimerID?
    private var sweep: LoadLoop.TimerID?

    /// Fresh payloads: the active actors' lifecycle states (``ActorRun/fresh`` indexes it) and
    /// the free entries.
    private var freshActors: [FreshActor?] = []
    private var freeFresh: [Int32] = []

    /// Where each request is encoded before it is written (see ``LoadConnection/send(_:)``).
    @exclusivity(unchecked) var scratch = ByteBufferAllocator().buffer(capacity: 8192)

    @exclusivity(unchecked) private var timestamp = TimestampText()
    @exclusivity(unchecked) private var messageId = [UInt8](repeating: 0, count: MessageId.length)

    init(
        loop: LoadLoop, index: Int, config: WorkerConfig, connections count: Int,
        onFinished: @escaping () -> Void
    ) {
        self.loop = loop
        self.index = index
        self.config = config
        self.onFinished = onFinished
        let workers = config.workerCount
        maxActive = max(
            1, config.options.maxInFlight / workers + (index < config.options.maxInFlight % workers ? 1 : 0))
        timeoutNanos = UInt64(max(1, config.options.timeout.nanoseconds))
        pool = config.pool
        encoder = config.encoder
        seed = config.plan.seed
        stepCount = config.events.count
        stepLatency = (0..<stepCount).map { _ in LatencyHistogram.make() }
        stepAnswered = [UInt64](repeating: 0, count: stepCount)
        stepSucceeded = stepAnswered
        stepFailed = stepAnswered
        if case .closed(let concurrency) = config.options.model {
            let ramp = UInt64(max(0, config.options.ramp.nanoseconds))
            var slot = index
            while slot < concurrency {
                pendingSlots.append(ramp * UInt64(slot) / UInt64(concurrency))
                slot += workers
            }
            pendingSlots.reverse()  // popLast gives the earliest
        }
        for slot in 0..<count {
            connections.append(LoadConnection(worker: self, slot: slot))
        }
    }

    // MARK: Lifecycle

    func start() {
        for c in connections { c.connect() }
        scheduleTick()
        scheduleSweep()
    }

    /// Stops new arrivals and next steps, drops what is queued (counted as cancelled) and waits
    /// for the requests on the wire.
    func stop() {
        guard !stopping else { return }
        stopping = true
        endArrivals()
        while let run = queue.popFirst() {
            counters.cancelled += 1
            endActor(run, .cancelled)
        }
        checkFinished()
    }

    private func endArrivals() {
        guard !arrivalsDone else { return }
        arrivalsDone = true
        arrivalsEndedAt = min(monotonicNanoseconds(), endOfDuration ?? .max)
    }

    private var endOfDuration: UInt64? {
        config.options.duration.map { config.startNanos + UInt64(max(0, $0.nanoseconds)) }
    }

    private func checkFinished() {
        guard arrivalsDone, active == 0, !finished else { return }
        finished = true
        if let tick { loop.cancel(tick) }
        if let sweep { loop.cancel(sweep) }
        for c in connections { c.shutdown() }
        onFinished()
    }

    func snapshot(full: Bool) -> WorkerSnapshot {
        var counters = self.counters
        if full {
            for (code, h) in zip(statusCodes, statusLatency) {
                counters.statuses[String(code)] = h.totalCount
            }
        }
        let s = WorkerSnapshot(
            counters: counters, corrected: full ? corrected : nil, uncorrected: full ? uncorrected : nil,
            connect: full ? connectTimes : nil, firstByte: full ? firstBytes : nil,
            steps: full
                ? (0..<stepCount).map {
                    StepFigures(
                        latency: stepLatency[$0], answered: stepAnswered[$0], succeeded: stepSucceeded[$0],
                        failed: stepFailed[$0])
                } : [],
            statuses: full ? zip(statusCodes, statusLatency).map { (code: $0, latency: $1) } : [],
            interval: interval, active: active, queued: queue.count, finished: finished,
            connectedOnce: connectedOnce, connectErrno: connectErrno, connectFailures: connectFailures,
            arrivalsEndedAt: arrivalsEndedAt)
        interval.reset()
        return s
    }

    // MARK: Arrivals

    /// The next tick: every millisecond, and in the open model at the next arrival's due time
    /// when that comes sooner (an arrival is sent when it is due, not at the next millisecond).
    /// In the closed model, once every slot has started, actors start as others end: the tick
    /// only has to catch the end of the duration, so it comes then (or after 50 ms) instead of
    /// waking the loop every millisecond.
    private func scheduleTick() {
        let now = monotonicNanoseconds()
        var deadline = now &+ 1_000_000
        switch config.options.model {
        case .open where !arrivalsDone:
            let actor = globalActor(nextLocal)
            if withinActorLimit(actor) {
                deadline = min(deadline, config.startNanos &+ config.schedule.offsetNanoseconds(actor))
            }
        case .closed where !arrivalsDone && pendingSlots.isEmpty:
            deadline = min(now &+ 50_000_000, endOfDuration ?? .max)
        default:
            break
        }
        tick = loop.schedule(atNanoseconds: deadline) { [self] in
            onTick()
            if !finished { scheduleTick() }
        }
    }

    /// The global index of this worker's `k`-th actor.
    private func globalActor(_ k: Int) -> Int {
        config.options.shard.globalActor(local: index + config.workerCount * k)
    }

    private func withinActorLimit(_ actor: Int) -> Bool {
        guard let limit = config.options.actors else { return true }
        return actor < limit
    }

    private func onTick() {
        let now = monotonicNanoseconds()
        guard !arrivalsDone, now >= config.startNanos else {
            checkFinished()
            return
        }
        let elapsed = now - config.startNanos
        if let end = endOfDuration, now >= end {
            // Arrivals due before the end still start (a late tick must not lose them).
            if case .open = config.options.model {
                startDueArrivals(upTo: end - config.startNanos, finalPass: true)
            }
            endArrivals()
            checkFinished()
            return
        }
        switch config.options.model {
        case .open:
            startDueArrivals(upTo: elapsed, finalPass: false)
        case .closed:
            while let offset = pendingSlots.last, offset <= elapsed {
                pendingSlots.removeLast()
                startClosedActor()
            }
            if pendingSlots.isEmpty, active == 0 { endArrivals() }
        }
        checkFinished()
    }

    /// Open model: starts every arrival due at or before `elapsed`, each with its exact due time.
    private func startDueArrivals(upTo elapsed: UInt64, finalPass: Bool) {
        while !arrivalsDone {
            let actor = globalActor(nextLocal)
            guard withinActorLimit(actor) else {
                endArrivals()
                return
            }
            let due = config.schedule.offsetNanoseconds(actor)
            if finalPass ? due >= elapsed : due > elapsed { return }
            nextLocal += 1
            arrive(actor: actor, intended: config.startNanos + due)
        }
    }

    private func arrive(actor: Int, intended: UInt64) {
        counters.arrivals += 1
        guard active < maxActive else {
            counters.dropped += 1
            return
        }
        active += 1
        enqueue(ActorRun(actor: actor, step: 0, intended: intended, fresh: freshState(actor)))
    }

    /// Closed model: starts the next actor in a free slot, or ends arrivals when there is none.
    private func startClosedActor() {
        guard !arrivalsDone else { return }
        let actor = globalActor(nextLocal)
        guard withinActorLimit(actor) else {
            endArrivals()
            return
        }
        nextLocal += 1
        counters.arrivals += 1
        active += 1
        enqueue(
            ActorRun(actor: actor, step: 0, intended: monotonicNanoseconds(), fresh: freshState(actor)))
    }

    /// A fresh actor whose story ends now, so that no event is dated after it is sent; returns
    /// its index in the table of fresh actors (-1 with pooled payloads).
    private func freshState(_ actor: Int) -> Int32 {
        guard config.pool == nil else { return -1 }
        let name = "actor-\(actor)"
        let story = VendorCatalog.standard.lifecycleTimeline(
            vendor: config.plan.vendor, events: config.events, actorName: name,
            fields: config.plan.actorFields, seed: config.plan.seed, endingAt: SystemClock().nowMilliseconds()
        )
        let fresh = FreshActor(
            state: ActorState(
                vendor: config.plan.vendor, version: config.plan.version, name: name, seed: config.plan.seed,
                fields: config.plan.actorFields, storyStartMilliseconds: story.timeline.anchorMilliseconds),
            times: story.times)
        if let slot = freeFresh.popLast() {
            freshActors[Int(slot)] = fresh
            return slot
        }
        freshActors.append(fresh)
        return Int32(freshActors.count - 1)
    }

    /// Frees the fresh-actor entry of an actor that ended.
    private func releaseFresh(_ run: ActorRun) {
        guard run.fresh >= 0 else { return }
        freshActors[Int(run.fresh)] = nil
        freeFresh.append(run.fresh)
    }

    // MARK: Requests

    private func enqueue(_ run: ActorRun) {
        while let slot = idle.popLast() {
            let c = connections[slot]
            if c.isReady {
                c.send(run)
                return
            }
        }
        queue.append(run)
    }

    /// A connection became free: give it the oldest waiting request.
    func connectionIdle(_ c: LoadConnection) {
        if let run = queue.popFirst() {
            c.send(run)
        } else {
            idle.append(c.slot)
        }
    }

    /// Writes the request for `run` into `buffer`; false when the body could not be generated.
    func encode(_ run: ActorRun, into buffer: inout ByteBuffer) -> Bool {
        timestamp.update(nowSeconds: wallSeconds())
        if let pool {
            let length = pool.length(actor: run.actor, step: run.step)
            counters.bodyBytes &+= UInt64(length)
            let actor = run.actor
            let step = run.step
            messageId.withUnsafeMutableBytes {
                MessageId.write(seed: seed, actor: actor, step: step, into: $0)
            }
            messageId.withUnsafeBytes { id in
                timestamp.bytes.withUnsafeBytes { ts in
                    encoder.encode(into: &buffer, messageId: id, timestamp: ts, bodyLength: length) { out in
                        pool.write(actor: actor, step: step, into: out)
                    }
                }
            }
            return true
        }
        guard run.fresh >= 0, var fresh = freshActors[Int(run.fresh)], fresh.times.indices.contains(run.step)
        else { return false }
        // The entry is taken out while the builder updates the state, so that it is not copied.
        freshActors[Int(run.fresh)] = nil
        let generated: GeneratedEvent
        do {
            generated = try VendorCatalog.standard.generate(
                vendor: config.plan.vendor, event: config.events[run.step], actor: &fresh.state,
                atMilliseconds: fresh.times[run.step])
        } catch {
            freshActors[Int(run.fresh)] = fresh
            return false
        }
        freshActors[Int(run.fresh)] = fresh
        counters.bodyBytes &+= UInt64(generated.bodyBytes.count)
        let id = Array(generated.messageId.utf8)
        id.withUnsafeBytes { id in
            timestamp.bytes.withUnsafeBytes { ts in
                generated.bodyBytes.withUnsafeBytes { b in
                    encoder.encode(into: &buffer, messageId: id, timestamp: ts, bodyLength: b.count) {
                        $0.copyMemory(from: b)
                    }
                }
            }
        }
        return true
    }

    /// A response ended the request of `run`.
    func responded(_ run: ActorRun, status: Int, sentAt: UInt64, now: UInt64) {
        LatencyHistogram.record(&corrected, nanoseconds: now &- run.intended)
        LatencyHistogram.record(&uncorrected, nanoseconds: now &- sentAt)
        LatencyHistogram.record(&interval, nanoseconds: now &- run.intended)
        if run.step < stepCount {
            LatencyHistogram.record(&stepLatency[run.step], nanoseconds: now &- run.intended)
            stepAnswered[run.step] &+= 1
            if status >= 200 && status < 300 { stepSucceeded[run.step] &+= 1 }
        }
        // Per status code: a slot found by indexing on the hot path, named in the snapshot.
        if status >= 0 && status < statusSlot.count {
            var slot = statusSlot[status]
            if slot < 0 {
                slot = statusLatency.count
                statusSlot[status] = slot
                statusCodes.append(status)
                statusLatency.append(LatencyHistogram.make())
            }
            LatencyHistogram.record(&statusLatency[slot], nanoseconds: now &- run.intended)
        }
        switch status {
        case 200..<300: counters.succeeded += 1
        case 300..<400: counters.count(.status3xx)
        case 400..<500: counters.count(.status4xx)
        case 500..<600: counters.count(.status5xx)
        default: counters.count(.status1xx)
        }
        var next = run
        next.step += 1
        if next.step < stepCount && !stopping {
            next.intended = now
            enqueue(next)
        } else {
            endActor(next, next.step >= stepCount ? .completed : .cancelled)
        }
    }

    /// The request of `run` failed without a response; the actor stops there.
    func failed(_ run: ActorRun, _ kind: LoadErrorKind) {
        counters.count(kind)
        if run.step < stepCount { stepFailed[run.step] &+= 1 }
        endActor(run, .failed)
    }

    func sentRequest() { counters.sent += 1 }

    /// How an actor's run ended.
    enum ActorEnd { case completed, failed, cancelled }

    private func endActor(_ run: ActorRun, _ end: ActorEnd) {
        active -= 1
        releaseFresh(run)
        switch end {
        case .completed: counters.actorsCompleted += 1
        case .failed: counters.actorsFailed += 1
        case .cancelled: counters.actorsCancelled += 1
        }
        if case .closed = config.options.model, !stopping, !arrivalsDone {
            if let end = endOfDuration, monotonicNanoseconds() >= end {
                endArrivals()
            } else {
                startClosedActor()
            }
        }
        checkFinished()
    }

    // MARK: Connections

    /// A connection was opened.
    /// A connection opened, `afterNanoseconds` after its attempt began.
    func connectionOpened(afterNanoseconds: UInt64) {
        connectedOnce = true
        LatencyHistogram.record(&connectTimes, nanoseconds: afterNanoseconds)
    }

    /// The first byte of an answer came, `afterNanoseconds` after its request was written.
    func firstByte(afterNanoseconds: UInt64) {
        LatencyHistogram.record(&firstBytes, nanoseconds: afterNanoseconds)
    }

    /// A connection attempt failed (with `errno`): when no connection can carry them, the waiting
    /// requests fail.
    func connectFailed(errno code: Int32) {
        connectErrno = code
        connectFailures += 1
        guard !connections.contains(where: { $0.isReady }) else { return }
        var failedRuns: [ActorRun] = []
        while let run = queue.popFirst() { failedRuns.append(run) }
        for run in failedRuns { failed(run, .connection) }
    }

    func connectionLost(_ c: LoadConnection) {
        idle.removeAll { $0 == c.slot }
    }

    var isFinished: Bool { finished }

    private func scheduleSweep() {
        let period = min(timeoutNanos / 4 + 1, 100_000_000)
        sweep = loop.schedule(inNanoseconds: period) { [self] in
            sweepTimeouts()
            if !finished { scheduleSweep() }
        }
    }

    /// Fails requests waiting or on the wire for longer than the timeout; a connection whose
    /// request timed out is closed (its late response must not be taken for the next one).
    private func sweepTimeouts() {
        let now = monotonicNanoseconds()
        for c in connections {
            if let sentAt = c.inFlightSentAt, now &- sentAt > timeoutNanos, let run = c.abandonInFlight() {
                failed(run, .timeout)
            }
        }
        while let head = queue.first, now > head.intended, now - head.intended > timeoutNanos {
            queue.removeFirst()
            failed(head, .timeout)
        }
    }
}

import Atomics
import Foundation
import Histogram
import NIOCore
import ProctorCore
import ProctorSigning
import ProctorVendors

/// Figures for one progress line.
public struct LoadProgress: Sendable {
    public var elapsedSeconds: Double
    /// Responses per second over the last interval.
    public var requestsPerSecond: Double
    public var sent: UInt64
    public var completed: UInt64
    /// Active actors (each has at most one request waiting or on the wire).
    public var inFlight: Int
    public var queued: Int
    /// Corrected p99 of the last interval, microseconds (nil when nothing completed).
    public var intervalP99: UInt64?
    public var errors: UInt64
    public var dropped: UInt64
}

/// Lets another task stop a run early (Ctrl-C). A stopped run still returns its report.
public final class LoadControl: Sendable {
    private let stopFlag = ManagedAtomic(false)
    public init() {}
    public func stop() { stopFlag.store(true, ordering: .relaxed) }
    public var isStopRequested: Bool { stopFlag.load(ordering: .relaxed) }
}

/// Runs a ``LoadPlan``: one worker per sending thread (``LoadLoop``), each with its share of the
/// connections and of the actors, then gathers the workers' histograms and counts into a
/// ``LoadReport``.
public struct LoadEngine: Sendable {
    public let plan: LoadPlan
    public let options: LoadOptions

    public init(plan: LoadPlan, options: LoadOptions) {
        self.plan = plan
        self.options = options
    }

    /// Checks the plan and builds what every request needs (the payload pool takes a moment:
    /// it runs the vendor builders for each prototype actor and step).
    func prepare(originMilliseconds: Int64) throws(LoadError) -> (
        events: [String], encoder: RequestEncoder, pool: PayloadPool?
    ) {
        try options.validate()
        guard !plan.events.isEmpty else { throw LoadError("the plan has no events to send") }
        guard plan.events.count < 256 else { throw LoadError("an actor sends at most 255 events") }
        let catalog = VendorCatalog.standard
        let profile: VendorProfile
        var events: [String] = []
        do {
            profile = try catalog.requireProfile(plan.vendor)
            for e in plan.events {
                events.append(try catalog.requireEvent(vendor: plan.vendor, event: e).1.name)
            }
        } catch {
            throw LoadError(error.message)
        }
        if let problem = catalog.orderProblem(vendor: plan.vendor, events: events) {
            throw LoadError("event \(problem.index + 1) (\(events[problem.index])): \(problem.reason)")
        }
        var canonical = plan
        canonical.events = events
        let encoder = try RequestEncoder(plan: canonical, vendor: profile)
        switch options.payloads {
        case .pooled:
            return (
                events, encoder,
                try PayloadPool(
                    plan: canonical, profile: profile, prototypes: options.prototypes,
                    originMilliseconds: originMilliseconds)
            )
        case .fresh:
            _ = try PayloadPool.generate(
                plan: canonical, prototype: 0, fields: canonical.actorFields,
                clock: .init(milliseconds: originMilliseconds))
            return (events, encoder, nil)
        }
    }

    /// Runs to the end (duration or actor limit) or until `control` stops it; `progress` is
    /// called once per interval from the calling task.
    public func run(
        control: LoadControl = LoadControl(), progress: @Sendable (LoadProgress) -> Void = { _ in }
    ) async throws -> LoadReport {
        let startedAtMillis = wallMilliseconds()
        let prepared = try prepare(originMilliseconds: startedAtMillis)
        // An https:// target is reached through a local TLS tunnel; the loops connect to it.
        let tunnel = plan.target.isTLS ? try await TLSTunnel.start(to: plan.target, tls: options.tls) : nil
        let address: SocketAddress
        do {
            address =
                if let tunnel {
                    try SocketAddress(ipAddress: "127.0.0.1", port: tunnel.port)
                } else {
                    try SocketAddress.makeAddressResolvingHost(plan.target.host, port: plan.target.port)
                }
        } catch {
            await tunnel?.stop()
            throw LoadError("cannot resolve \(plan.target.host): \(error)")
        }
        // Every loop needs at least one connection and one in-flight slot of its own and, in the
        // closed model, one concurrency slot: a loop without one would never start its share of
        // the actors.
        var slots = options.maxInFlight
        if case .closed(let concurrency) = options.model { slots = min(slots, concurrency) }
        let threads = max(
            1,
            min(
                options.threads > 0 ? options.threads : ProcessInfo.processInfo.activeProcessorCount,
                options.connections, slots))
        var loops: [LoadLoop] = []
        do {
            for w in 0..<threads {
                loops.append(try LoadLoop(name: "proctor-load-\(w)"))
            }
        } catch {
            for loop in loops { loop.execute { $0.stopRunning() } }
            await tunnel?.stop()
            throw error
        }
        for loop in loops { loop.start() }
        var report = await drive(
            loops: loops, address: address, prepared: prepared,
            startedAtMillis: startedAtMillis, control: control, progress: progress)
        for loop in loops { loop.execute { $0.stopRunning() } }
        // The loops close their sockets as they leave; wait for that (briefly) before returning.
        let deadline = monotonicNanoseconds() + 2_000_000_000
        while loops.contains(where: { !$0.hasExited }) && monotonicNanoseconds() < deadline {
            try? await Task.sleep(nanoseconds: 1_000_000)
        }
        if let tunnel {
            await tunnel.stop()
            // The loops' connects were to the local tunnel, not to the target.
            report.connect = nil
        }
        return report
    }

    private func drive(
        loops: [LoadLoop], address: SocketAddress,
        prepared: (events: [String], encoder: RequestEncoder, pool: PayloadPool?), startedAtMillis: Int64,
        control: LoadControl, progress: @Sendable (LoadProgress) -> Void
    ) async -> LoadReport {
        let threads = loops.count
        // A short lead lets the connections open before the first arrival.
        let lead: UInt64 = 50_000_000
        let start = monotonicNanoseconds() + lead
        let rate: Double
        if case .open(let r) = options.model { rate = r } else { rate = 1 }
        let config = WorkerConfig(
            plan: plan, events: prepared.events, options: options, encoder: prepared.encoder,
            pool: prepared.pool,
            address: address, startNanos: start, workerCount: threads,
            schedule: ArrivalSchedule(actorsPerSecond: rate, rampSeconds: options.ramp.secondsValue))

        let finishedWorkers = ManagedAtomic(0)
        for (w, loop) in loops.enumerated() {
            let connections = options.connections / threads + (w < options.connections % threads ? 1 : 0)
            loop.execute { loop in
                let worker = LoadWorker(
                    loop: loop, index: w, config: config, connections: connections,
                    onFinished: { finishedWorkers.wrappingIncrement(ordering: .releasing) })
                loop.worker = worker
                worker.start()
            }
        }
        let done = { finishedWorkers.load(ordering: .acquiring) == threads }

        var timeline = TimelineRecorder(intervalSeconds: options.interval.secondsValue)
        var last: (completed: UInt64, errors: UInt64, time: UInt64) = (0, 0, start)
        let intervalNanos = UInt64(max(1, options.interval.nanoseconds))
        var nextReport = start + intervalNanos
        var stopSent = false
        var stoppedEarly: String?
        while !done() {
            try? await Task.sleep(nanoseconds: 20_000_000)
            if control.isStopRequested && !stopSent {
                stopSent = true
                for loop in loops { loop.execute { $0.worker?.stop() } }
            }
            let now = monotonicNanoseconds()
            if now >= nextReport && !done() {
                nextReport += intervalNanos * ((now - nextReport) / intervalNanos + 1)
                let snaps = await snapshots(loops, full: false)
                let entry = Self.interval(snaps, start: start, now: now, last: &last)
                timeline.add(
                    end: entry.interval.end, responses: entry.interval.responses,
                    errors: entry.interval.errors,
                    latency: entry.latency)
                progress(entry.progress)
                if stoppedEarly == nil, !stopSent,
                    let reason = Self.unreachable(snaps, since: start, now: now)
                {
                    stoppedEarly =
                        "no connection to \(plan.target.host):\(plan.target.port) could be opened: \(reason)"
                    for loop in loops { loop.execute { $0.worker?.stop() } }
                }
            }
        }
        let finalSnaps = await snapshots(loops, full: true)
        let end = monotonicNanoseconds()
        let tail = Self.interval(finalSnaps, start: start, now: end, last: &last)
        timeline.add(
            end: tail.interval.end, responses: tail.interval.responses, errors: tail.interval.errors,
            latency: tail.latency, final: true)
        progress(tail.progress)

        var counters = LoadCounters()
        var corrected = LatencyHistogram.make()
        var uncorrected = LatencyHistogram.make()
        var connect = LatencyHistogram.make()
        var firstByte = LatencyHistogram.make()
        var arrivalsEnded: UInt64 = start
        // One row per event, in the lifecycle's order; an event sent at several steps (a
        // duplicate delivery) sums its steps.
        var events: [LoadReport.EventFigures] = []
        var eventLatency: [Histogram<UInt64>] = []
        for (step, event) in prepared.events.enumerated() {
            let row = events.firstIndex { $0.event == event } ?? events.count
            if row == events.count {
                events.append(LoadReport.EventFigures(event: event))
                eventLatency.append(LatencyHistogram.make())
            }
            for s in finalSnaps where step < s.steps.count {
                eventLatency[row].add(s.steps[step].latency)
                events[row].answered += s.steps[step].answered
                events[row].succeeded += s.steps[step].succeeded
                events[row].failed += s.steps[step].failed
            }
        }
        for row in events.indices { events[row].latency = EncodedHistogram(eventLatency[row]) }
        var byStatus: [Int: Histogram<UInt64>] = [:]
        for s in finalSnaps {
            for (code, h) in s.statuses { byStatus[code, default: LatencyHistogram.make()].add(h) }
        }
        let statuses = byStatus.keys.sorted().compactMap { code in
            byStatus[code].map { LoadReport.StatusFigures(status: code, latency: EncodedHistogram($0)) }
        }
        for s in finalSnaps {
            counters.add(s.counters)
            if let c = s.corrected { corrected.add(c) }
            if let u = s.uncorrected { uncorrected.add(u) }
            if let h = s.connect { connect.add(h) }
            if let h = s.firstByte { firstByte.add(h) }
            arrivalsEnded = max(arrivalsEnded, s.arrivalsEndedAt ?? end)
        }
        return LoadReport(
            configuration: configuration(events: prepared.events, variedFields: prepared.pool?.variedFields),
            shards: [options.shard],
            startedAt: Self.iso8601(milliseconds: startedAtMillis + Int64(lead / 1_000_000)),
            arrivalSeconds: Double(arrivalsEnded - min(arrivalsEnded, start)) / 1e9,
            elapsedSeconds: Double(end - min(end, start)) / 1e9,
            interrupted: stopSent,
            stoppedEarly: stoppedEarly,
            counters: counters,
            corrected: EncodedHistogram(corrected),
            uncorrected: EncodedHistogram(uncorrected),
            connect: EncodedHistogram(connect),
            firstByte: EncodedHistogram(firstByte),
            events: events,
            statuses: statuses,
            timeline: timeline.intervals,
            summary: nil)
    }

    /// Each worker's numbers, taken on its loop thread.
    private func snapshots(_ loops: [LoadLoop], full: Bool) async -> [WorkerSnapshot] {
        var out: [WorkerSnapshot] = []
        for loop in loops {
            let snap = await withCheckedContinuation {
                (continuation: CheckedContinuation<WorkerSnapshot?, Never>) in
                loop.execute { continuation.resume(returning: $0.worker?.snapshot(full: full)) }
            }
            if let snap { out.append(snap) }
        }
        return out
    }

    /// Why the target counts as unreachable by ``UnreachableRule/standard`` (the rule `run` uses):
    /// no connection ever opened and connection attempts kept failing from the start of the run
    /// (workers retry a failed connection within a second). Nil while that is not so.
    static func unreachable(
        _ snaps: [WorkerSnapshot], since start: UInt64, now: UInt64, rule: UnreachableRule = .standard
    ) -> String? {
        guard !snaps.isEmpty,
            rule.givesUp(
                reached: snaps.contains(where: \.connectedOnce),
                failedAttempts: snaps.reduce(0) { $0 + $1.connectFailures },
                span: .nanoseconds(Int64(now - min(now, start)))),
            let code = snaps.first(where: { $0.connectErrno != 0 })?.connectErrno
        else { return nil }
        return Errno.text(code)
    }

    private static func interval(
        _ snaps: [WorkerSnapshot], start: UInt64, now: UInt64,
        last: inout (completed: UInt64, errors: UInt64, time: UInt64)
    ) -> (interval: LoadReport.Interval, latency: Histogram<UInt64>, progress: LoadProgress) {
        var counters = LoadCounters()
        var latency = LatencyHistogram.make(digits: .two)
        var active = 0
        var queued = 0
        for s in snaps {
            counters.add(s.counters)
            latency.add(s.interval)
            active += s.active
            queued += s.queued
        }
        let completed = counters.completed
        let delta = completed - min(completed, last.completed)
        let seconds = Double(now - min(now, last.time)) / 1e9
        let elapsed = Double(now - min(now, start)) / 1e9
        let errors = counters.errorCount
        let newErrors = errors - min(errors, last.errors)
        last = (completed, errors, now)
        let interval = LoadReport.Interval(
            end: elapsed, responses: latency.totalCount, errors: newErrors, latency: EncodedHistogram(latency)
        )
        let progress = LoadProgress(
            elapsedSeconds: elapsed, requestsPerSecond: seconds > 0 ? Double(delta) / seconds : 0,
            sent: counters.sent, completed: completed, inFlight: active, queued: queued,
            intervalP99: latency.totalCount > 0 ? latency.valueAtPercentile(99) : nil,
            errors: counters.errorCount, dropped: counters.dropped)
        return (interval, latency, progress)
    }

    func configuration(events: [String], variedFields: [String]?) -> LoadReport.Configuration {
        let model = options.model.name
        var rate: Double?
        var concurrency: Int?
        switch options.model {
        case .open(let r): rate = r
        case .closed(let n): concurrency = n
        }
        var schemes: [String] = []
        if let profile = VendorCatalog.standard.profile(for: plan.vendor), profile.signing != .none {
            schemes.append(profile.signing.description)
        }
        if let hmac = plan.hmac { schemes.append(SigningScheme.hmac(hmac).description) }
        let signing = schemes.isEmpty ? "none" : schemes.joined(separator: " and ")
        return LoadReport.Configuration(
            vendor: plan.vendor, events: events, target: plan.target.description, seed: plan.seed,
            model: model,
            actorsPerSecond: rate, concurrency: concurrency, durationSeconds: options.duration?.secondsValue,
            rampSeconds: options.ramp.secondsValue, actors: options.actors, maxInFlight: options.maxInFlight,
            connections: options.connections, timeoutSeconds: options.timeout.secondsValue,
            payloads: options.payloads.rawValue, variedFields: variedFields, signing: signing)
    }

    static func iso8601(milliseconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }
}

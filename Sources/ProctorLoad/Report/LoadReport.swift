import Foundation
import Histogram
import ProctorCore

/// The result of a load run (or of merged shard runs), as `--report json=` writes it. Latency
/// histograms are stored whole (``EncodedHistogram``), so reports of shards merge exactly:
/// counts are added and percentiles are read from the added histograms.
public struct LoadReport: Sendable, Codable {
    public static let formatName = "proctor-load-report"
    public static let formatVersion = 1

    /// What was run: everything except secrets.
    public struct Configuration: Sendable, Codable, Equatable {
        public var vendor: String
        public var events: [String]
        public var target: String
        public var seed: UInt64
        /// `open` or `closed`.
        public var model: String
        /// Open model: requested actor arrivals per second over all shards.
        public var actorsPerSecond: Double?
        /// Closed model: active actors per process.
        public var concurrency: Int?
        public var durationSeconds: Double?
        public var rampSeconds: Double
        /// Actor limit over all shards.
        public var actors: Int?
        public var maxInFlight: Int
        public var connections: Int
        public var timeoutSeconds: Double
        public var payloads: String
        /// Pooled payloads: the actor fields rewritten per actor (the rest repeat with the prototypes).
        public var variedFields: [String]?
        /// The signing scheme in words (never the secret).
        public var signing: String
    }

    /// One interval of the latency-over-time series.
    public struct Interval: Sendable, Codable {
        /// Seconds from the start to the end of the interval.
        public var end: Double
        public var responses: UInt64
        public var errors: UInt64
        /// Corrected latencies of the interval (two significant digits).
        public var latency: EncodedHistogram
    }

    public var format = LoadReport.formatName
    public var version = LoadReport.formatVersion
    public var configuration: Configuration
    /// Shards whose results this report holds.
    public var shards: [Shard]
    /// Wall-clock start (ISO 8601, UTC) of the earliest shard.
    public var startedAt: String
    /// Seconds from the start until new actors stopped arriving (longest shard).
    public var arrivalSeconds: Double
    /// Seconds from the start until the last response (longest shard).
    public var elapsedSeconds: Double
    public var interrupted: Bool
    /// Why the run stopped before its end without being interrupted (no connection to the target
    /// could be opened); nil when it ran to its end.
    public var stoppedEarly: String? = nil
    public var counters: LoadCounters
    /// Latency from each request's intended send time (corrected for coordinated omission).
    public var corrected: EncodedHistogram
    /// Latency from the moment each request was written.
    public var uncorrected: EncodedHistogram
    /// Time to open each connection (TCP connect); nil in reports written before it was kept.
    public var connect: EncodedHistogram?
    /// Time from each request written to the first byte of its answer; nil in older reports.
    public var firstByte: EncodedHistogram?

    /// One event's figures: its answers (2xx or not), the requests that failed without one and
    /// the corrected latency of its answers.
    public struct EventFigures: Sendable, Codable {
        public var event: String
        public var answered: UInt64 = 0
        public var succeeded: UInt64 = 0
        public var failed: UInt64 = 0
        public var latency = EncodedHistogram(LatencyHistogram.make())

        public init(event: String) { self.event = event }
    }

    /// Per event, in the lifecycle's order; nil in reports written before they were kept.
    public var events: [EventFigures]?

    /// One status code's answers: the corrected latency of each (its count is the code's count
    /// in ``LoadCounters/statuses``).
    public struct StatusFigures: Sendable, Codable {
        public var status: Int
        public var latency: EncodedHistogram

        public init(status: Int, latency: EncodedHistogram) {
            self.status = status
            self.latency = latency
        }
    }

    /// Per status code answered, in code order; nil in reports written before they were kept.
    public var statuses: [StatusFigures]? = nil
    public var timeline: [Interval]
    /// The thresholds the run was judged by (`--threshold`, the scenario's `thresholds:`) and
    /// their verdicts; `report merge` judges the merged figures by the same texts again.
    public var thresholds: [ThresholdVerdict]? = nil

    /// Derived figures, recomputed from the stored counts.
    public struct Summary: Sendable, Codable {
        public var requestedActorsPerSecond: Double?
        public var achievedActorsPerSecond: Double
        /// Answered requests (any status) per second of the run; 0 when none was answered, so a
        /// target that never answers shows no rate.
        public var requestsPerSecond: Double
        public var corrected: LatencySummary
        public var uncorrected: LatencySummary
        public var connect: LatencySummary?
        public var firstByte: LatencySummary?
    }

    /// Kept in the JSON for people and tools that do not read histograms; ignored when merging.
    public var summary: Summary?

    public func computeSummary() throws(LoadError) -> Summary {
        let c = try corrected.decode()
        let u = try uncorrected.decode()
        let started = Double(counters.actorsStarted)
        return Summary(
            requestedActorsPerSecond: configuration.actorsPerSecond,
            achievedActorsPerSecond: arrivalSeconds > 0 ? started / arrivalSeconds : 0,
            requestsPerSecond: elapsedSeconds > 0 ? Double(counters.answered) / elapsedSeconds : 0,
            corrected: LatencySummary(c), uncorrected: LatencySummary(u),
            connect: try connect.map { h throws(LoadError) in LatencySummary(try h.decode()) },
            firstByte: try firstByte.map { h throws(LoadError) in LatencySummary(try h.decode()) })
    }

    // MARK: JSON

    public func jsonData() throws -> Data {
        var copy = self
        copy.summary = try computeSummary()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(copy)
    }

    public static func load(from url: URL) throws(LoadError) -> LoadReport {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw LoadError("cannot read \(url.path): \(error.localizedDescription)")
        }
        let report: LoadReport
        do {
            report = try JSONDecoder().decode(LoadReport.self, from: data)
        } catch {
            throw LoadError("\(url.path) is not a load report: \(error)")
        }
        guard report.format == formatName, report.version == formatVersion else {
            throw LoadError(
                "\(url.path) is a \(report.format) v\(report.version) file, not a \(formatName) v\(formatVersion)"
            )
        }
        return report
    }

    // MARK: Merging

    /// Merges shard reports of the same plan: counts and histograms added, interval series added
    /// interval by interval (shards are assumed to start together), times the longest shard's.
    /// The thresholds stored in the shards, then `thresholds`, are judged again on the merged
    /// figures.
    public static func merge(_ reports: [LoadReport], thresholds: [String] = []) throws(LoadError)
        -> LoadReport
    {
        guard var merged = reports.first else { throw LoadError("nothing to merge") }
        var corrected = try merged.corrected.decode()
        var uncorrected = try merged.uncorrected.decode()
        var connect = try merged.connect?.decode()
        var firstByte = try merged.firstByte?.decode()
        var timeline = try merged.timeline.map { i throws(LoadError) in (i, try i.latency.decode()) }
        for other in reports.dropFirst() {
            let a = merged.configuration
            let b = other.configuration
            guard a.vendor == b.vendor, a.events == b.events, a.seed == b.seed, a.model == b.model,
                a.actorsPerSecond == b.actorsPerSecond, a.actors == b.actors, a.payloads == b.payloads
            else {
                throw LoadError(
                    "the reports are of different runs (vendor, events, seed, model, rate and actors must match)"
                )
            }
            for s in other.shards where merged.shards.contains(s) {
                throw LoadError("shard \(s) appears in more than one report")
            }
            merged.shards += other.shards
            merged.counters.add(other.counters)
            try add(&corrected, try other.corrected.decode())
            try add(&uncorrected, try other.uncorrected.decode())
            // Kept only when every shard has them.
            if var h = connect, let o = other.connect {
                try add(&h, try o.decode())
                connect = h
            } else {
                connect = nil
            }
            if var h = firstByte, let o = other.firstByte {
                try add(&h, try o.decode())
                firstByte = h
            } else {
                firstByte = nil
            }
            for (n, interval) in other.timeline.enumerated() {
                let h = try interval.latency.decode()
                if n < timeline.count {
                    timeline[n].0.responses += interval.responses
                    timeline[n].0.errors += interval.errors
                    timeline[n].0.end = max(timeline[n].0.end, interval.end)
                    try add(&timeline[n].1, h)
                } else {
                    timeline.append((interval, h))
                }
            }
            merged.startedAt = min(merged.startedAt, other.startedAt)
            merged.arrivalSeconds = max(merged.arrivalSeconds, other.arrivalSeconds)
            merged.elapsedSeconds = max(merged.elapsedSeconds, other.elapsedSeconds)
            merged.interrupted = merged.interrupted || other.interrupted
            merged.stoppedEarly = merged.stoppedEarly ?? other.stoppedEarly
        }
        merged.shards.sort { ($0.count, $0.index) < ($1.count, $1.index) }
        merged.corrected = EncodedHistogram(corrected)
        merged.uncorrected = EncodedHistogram(uncorrected)
        merged.events = try mergedEvents(reports)
        merged.statuses = try mergedStatuses(reports)
        merged.connect = connect.map(EncodedHistogram.init)
        merged.firstByte = firstByte.map(EncodedHistogram.init)
        merged.timeline = timeline.map { interval, h in
            var i = interval
            i.latency = EncodedHistogram(h)
            return i
        }
        merged.summary = try merged.computeSummary()
        try merged.judge(try merged.parseThresholds(reports.flatMap(\.thresholdTexts) + thresholds))
        return merged
    }

    /// The shards' per-event figures added event by event; nil unless every shard has them.
    private static func mergedEvents(_ reports: [LoadReport]) throws(LoadError) -> [EventFigures]? {
        var merged: [EventFigures] = []
        var histograms: [Histogram<UInt64>] = []
        for report in reports {
            guard let events = report.events else { return nil }
            for figures in events {
                let h = try figures.latency.decode()
                if let index = merged.firstIndex(where: { $0.event == figures.event }) {
                    merged[index].answered += figures.answered
                    merged[index].succeeded += figures.succeeded
                    merged[index].failed += figures.failed
                    try add(&histograms[index], h)
                } else {
                    merged.append(figures)
                    histograms.append(h)
                }
            }
        }
        for index in merged.indices { merged[index].latency = EncodedHistogram(histograms[index]) }
        return merged
    }

    /// The shards' per-status figures added code by code; nil unless every shard has them.
    private static func mergedStatuses(_ reports: [LoadReport]) throws(LoadError) -> [StatusFigures]? {
        var histograms: [Int: Histogram<UInt64>] = [:]
        for report in reports {
            guard let statuses = report.statuses else { return nil }
            for figures in statuses {
                let h = try figures.latency.decode()
                if var into = histograms[figures.status] {
                    try add(&into, h)
                    histograms[figures.status] = into
                } else {
                    histograms[figures.status] = h
                }
            }
        }
        return histograms.keys.sorted().compactMap { code in
            histograms[code].map { StatusFigures(status: code, latency: EncodedHistogram($0)) }
        }
    }

    private static func add(_ into: inout Histogram<UInt64>, _ other: Histogram<UInt64>) throws(LoadError) {
        guard into.numberOfSignificantValueDigits == other.numberOfSignificantValueDigits,
            into.lowestDiscernibleValue == other.lowestDiscernibleValue,
            into.highestTrackableValue == other.highestTrackableValue
        else { throw LoadError("the reports' histograms have different layouts") }
        into.add(other)
    }
}

import Histogram
import ProctorCore

extension LoadReport {
    /// What load measures for thresholds: all events together, a rate when one was requested.
    public static func thresholdContext(model: String) -> ThresholdContext {
        ThresholdContext(
            command: "load", measuresEvents: false, rate: model == "open" ? .requested : .absolute)
    }

    /// The figures thresholds are evaluated on: the corrected histogram (exact on merged shards,
    /// as it is the sum of theirs), requests that ended and failed, actor arrivals per second
    /// and the rate requested of the shards this report holds.
    public func thresholdFigures() throws(LoadError) -> ThresholdFigures {
        let h = try corrected.decode()
        let empty = h.totalCount == 0
        let started = Double(counters.arrivals - counters.dropped)
        let shardCount = Double(Swift.max(1, shards.first?.count ?? 1))
        return ThresholdFigures(
            latencyAtPercentile: { p in empty ? nil : Double(h.valueAtPercentile(p)) },
            meanLatency: empty ? nil : h.mean,
            minLatency: empty ? nil : Double(h.min),
            maxLatency: empty ? nil : Double(h.max),
            requests: counters.completed, failed: counters.errorCount,
            achievedPerSecond: arrivalSeconds > 0 ? started / arrivalSeconds : nil,
            requestedPerSecond: configuration.actorsPerSecond.map {
                $0 / shardCount * Double(shards.count)
            })
    }

    /// The threshold texts this report was judged by.
    public var thresholdTexts: [String] { (thresholds ?? []).map(\.threshold) }

    /// Parses `texts` (those stored in shard reports, then any given to `report merge`) and
    /// checks them as ``checked(_:model:)`` does.
    public func parseThresholds(_ texts: [String]) throws(LoadError) -> [Threshold] {
        var parsed: [Threshold] = []
        for text in texts {
            do { parsed.append(try Threshold(parsing: text)) } catch { throw LoadError(error.message) }
        }
        return try Self.checked(parsed, model: configuration.model)
    }

    /// `thresholds` without repeats (by text), or the first one the model cannot measure
    /// (`open` or `closed`, as ``Configuration/model`` names it).
    public static func checked(_ thresholds: [Threshold], model: String) throws(LoadError) -> [Threshold] {
        var seen: Set<String> = []
        let unique = thresholds.filter { seen.insert($0.text).inserted }
        if let problem = thresholdContext(model: model).problem(in: unique) { throw LoadError(problem) }
        return unique
    }

    /// Judges this report by `thresholds` and keeps the verdicts (nil when there are none).
    public mutating func judge(_ thresholds: [Threshold]) throws(LoadError) {
        guard !thresholds.isEmpty else {
            self.thresholds = nil
            return
        }
        let figures = try thresholdFigures()
        self.thresholds = thresholds.map { $0.evaluate { _ in figures } }
    }

    /// True when a threshold was breached.
    public var breachedThresholds: Bool { (thresholds ?? []).contains { !$0.passed } }
}

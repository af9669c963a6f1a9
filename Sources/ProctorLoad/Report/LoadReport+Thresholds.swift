import Histogram
import ProctorCore
import ProctorVendors

extension LoadReport {
    /// What load measures for thresholds: all events together and each event, a rate when one
    /// was requested.
    public static func thresholdContext(model: String) -> ThresholdContext {
        ThresholdContext(
            command: "load", measuresEvents: true, rate: model == "open" ? .requested : .absolute)
    }

    /// The figures of one event (by its catalog name or any spelling the vendor's catalog
    /// accepts); nil when the report holds none for it.
    public func thresholdFigures(event name: String) throws(LoadError) -> ThresholdFigures? {
        let wanted = Self.catalogName(name, vendor: configuration.vendor)
        guard let figures = events?.first(where: { $0.event == wanted }) else { return nil }
        let h = try figures.latency.decode()
        let empty = h.totalCount == 0
        return ThresholdFigures(
            latencyAtPercentile: { p in empty ? nil : Double(h.valueAtPercentile(p)) },
            meanLatency: empty ? nil : h.mean, minLatency: empty ? nil : Double(h.min),
            maxLatency: empty ? nil : Double(h.max),
            requests: figures.answered + figures.failed,
            failed: figures.failed + (figures.answered - Swift.min(figures.answered, figures.succeeded)))
    }

    static func catalogName(_ name: String, vendor: String) -> String {
        VendorCatalog.standard.profile(for: vendor)?.event(named: name)?.name ?? name
    }

    /// The figures thresholds are evaluated on: the corrected histogram (exact on merged shards,
    /// as it is the sum of theirs), requests that ended and failed, actor arrivals per second
    /// and the rate requested of the shards this report holds.
    public func thresholdFigures() throws(LoadError) -> ThresholdFigures {
        let h = try corrected.decode()
        let empty = h.totalCount == 0
        let started = Double(counters.actorsStarted)
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
        return try Self.checked(
            parsed, model: configuration.model, vendor: configuration.vendor, events: configuration.events)
    }

    /// `thresholds` without repeats (by text), or the first one the model cannot measure
    /// (`open` or `closed`, as ``Configuration/model`` names it) or whose event the run does
    /// not send.
    public static func checked(
        _ thresholds: [Threshold], model: String, vendor: String, events: [String]
    ) throws(LoadError) -> [Threshold] {
        var seen: Set<String> = []
        let unique = thresholds.filter { seen.insert($0.text).inserted }
        if let problem = thresholdContext(model: model).problem(in: unique) { throw LoadError(problem) }
        for threshold in unique {
            guard let event = threshold.event else { continue }
            if !events.contains(catalogName(event, vendor: vendor)) {
                throw LoadError(
                    "threshold \"\(threshold.text)\": the run sends no \(event) (it sends \(events.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }.joined(separator: ", ")))"
                )
            }
        }
        return unique
    }

    /// Judges this report by `thresholds` and keeps the verdicts (nil when there are none).
    public mutating func judge(_ thresholds: [Threshold]) throws(LoadError) {
        guard !thresholds.isEmpty else {
            self.thresholds = nil
            return
        }
        let figures = try thresholdFigures()
        var perEvent: [String: ThresholdFigures] = [:]
        for event in Set(thresholds.compactMap(\.event)) {
            perEvent[event] = try thresholdFigures(event: event)
        }
        self.thresholds = thresholds.map { threshold in
            threshold.evaluate { event in event.map { perEvent[$0] } ?? figures }
        }
    }

    /// True when a threshold was breached.
    public var breachedThresholds: Bool { (thresholds ?? []).contains { !$0.passed } }
}

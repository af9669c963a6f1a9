import ProctorCore

/// Human-readable load output: the progress line and the final summary.
public enum LoadSummaryText {
    /// `1.2ms`, `850us`, `2.10s`.
    public static func latency(_ microseconds: UInt64) -> String {
        if microseconds < 1000 { return "\(microseconds)us" }
        if microseconds < 1_000_000 {
            return fixed(Double(microseconds) / 1000, microseconds < 10_000 ? 2 : 1) + "ms"
        }
        return fixed(Double(microseconds) / 1e6, 2) + "s"
    }

    static func fixed(_ value: Double, _ decimals: Int) -> String { SVGFormat.fixed(value, decimals) }

    /// One progress line: `[  12s] 45012 req/s  sent 540144  in flight 32  p99 1.20ms  errors 0  dropped 0`.
    public static func progressLine(_ p: LoadProgress) -> String {
        let elapsed = fixed(p.elapsedSeconds, 1) + "s"
        let p99 = p.intervalP99.map(latency) ?? "-"
        return
            "[\(elapsed)] \(Int(p.requestsPerSecond.rounded())) req/s  sent \(p.sent)  in flight \(p.inFlight)"
            + "  p99 \(p99)  errors \(p.errors)  dropped \(p.dropped)"
    }

    /// The final summary, several lines.
    public static func summary(_ report: LoadReport) throws(LoadError) -> String {
        let s = try report.computeSummary()
        let c = report.configuration
        var lines: [String] = []
        let shards = report.shards.map(\.description).joined(separator: ", ")
        let varied =
            c.variedFields.map {
                $0.isEmpty ? " (no per-actor fields)" : " (per actor: " + $0.joined(separator: ", ") + ")"
            } ?? ""
        lines.append(
            "\(c.vendor) \(c.events.joined(separator: " > ")) -> \(c.target)  (\(c.model) model, \(c.payloads) payloads\(varied), shards \(shards))"
        )
        let counters = report.counters
        lines.append(
            "  requests  \(counters.sent) sent, \(counters.succeeded) 2xx, \(counters.errorCount) errors"
                + (counters.cancelled > 0 ? ", \(counters.cancelled) cancelled" : "")
                + " in \(fixed(report.elapsedSeconds, 2))s: "
                + (counters.answered > 0 ? "\(fixed(s.requestsPerSecond, 1)) answered/s" : "none answered")
                + (counters.sent > 0 ? ", mean body \(counters.bodyBytes / counters.sent) bytes" : ""))
        var actors =
            "  actors    \(counters.actorsStarted) started: \(counters.actorsCompleted) completed, \(counters.actorsFailed) failed, \(counters.actorsCancelled) cancelled; \(counters.dropped) dropped"
        if let requested = s.requestedActorsPerSecond {
            actors +=
                "; arrivals \(fixed(s.achievedActorsPerSecond, 1))/s of \(fixed(requested / Double(max(1, report.shards.first?.count ?? 1)) * Double(report.shards.count), 1))/s requested"
        }
        lines.append(actors)
        if let statuses = report.statuses, !statuses.isEmpty {
            for figures in statuses {
                let h = try figures.latency.decode()
                lines.append(
                    "  status    \(figures.status): \(h.totalCount) answered; p50 \(latency(h.valueAtPercentile(50))), p99 \(latency(h.valueAtPercentile(99))), max \(latency(h.max))"
                )
            }
        } else if !counters.statuses.isEmpty {
            let codes = counters.statuses.sorted { (Int($0.key) ?? 0) < (Int($1.key) ?? 0) }
            lines.append("  statuses  " + codes.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        for figures in report.events ?? [] {
            let h = try figures.latency.decode()
            let latency =
                h.totalCount == 0
                ? "" : "; p50 \(latency(h.valueAtPercentile(50))), p99 \(latency(h.valueAtPercentile(99)))"
            lines.append(
                "  event     \(figures.event): \(figures.answered) answered (\(figures.succeeded) 2xx), \(figures.failed) without an answer"
                    + latency)
        }
        if counters.errorCount > 0 {
            let kinds = LoadErrorKind.allCases.compactMap { k in
                counters.errors[k.rawValue].map { "\(k.rawValue) \($0)" }
            }
            lines.append("  errors    " + kinds.joined(separator: ", "))
        }
        if s.corrected.count == 0 {
            lines.append("  latency   no request was answered")
        } else {
            lines.append("  latency        p50       p90       p99     p99.9       max")
            var rows = [("corrected  ", s.corrected), ("uncorrected", s.uncorrected)]
            if let h = s.firstByte, h.count > 0 { rows.append(("first byte ", h)) }
            if let h = s.connect, h.count > 0 { rows.append(("connect    ", h)) }
            for (name, l) in rows {
                lines.append(
                    "  " + name + [l.p50, l.p90, l.p99, l.p999, l.max].map { pad(latency($0), 10) }.joined())
            }
            if let h = s.connect, h.count > 0 {
                lines.append("  (connect: \(h.count) connection\(h.count == 1 ? "" : "s") opened)")
            }
        }
        for verdict in report.thresholds ?? [] { lines.append("  " + verdict.description) }
        if report.interrupted { lines.append("  (interrupted: the report holds what ran until then)") }
        if let reason = report.stoppedEarly { lines.append("  (stopped early: \(reason))") }
        return lines.joined(separator: "\n") + "\n"
    }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? " " + s : String(repeating: " ", count: width - s.count) + s
    }
}

import Histogram

extension LoadReport {
    /// The report as a self-contained HTML page: summary, latency over time, throughput over
    /// time and the percentile distribution (corrected and uncorrected).
    public func html() throws(LoadError) -> String {
        let s = try computeSummary()
        let c = configuration
        var page = HTMLPage(title: "Load: \(c.vendor) \(c.events.joined(separator: " > "))")
        page.sections.append(
            .paragraph(
                "\(c.model) model against \(c.target); \(c.payloads) payloads signed with \(c.signing); started \(startedAt); shards "
                    + shards.map(\.description).joined(separator: ", ") + (interrupted ? "; interrupted" : "")
                    + "."))
        var rows: [[String]] = [
            ["requests sent", "\(counters.sent)"],
            ["2xx", "\(counters.succeeded)"],
            ["errors", "\(counters.errorCount)"],
            ["requests/s", LoadSummaryText.fixed(s.requestsPerSecond, 1)],
            ["actors started", "\(counters.arrivals - counters.dropped)"],
            ["actors dropped (max in flight)", "\(counters.dropped)"],
            ["actor arrivals/s", LoadSummaryText.fixed(s.achievedActorsPerSecond, 1)],
            ["elapsed", LoadSummaryText.fixed(elapsedSeconds, 2) + " s"],
        ]
        if let r = c.actorsPerSecond {
            rows.insert(["requested arrivals/s (all shards)", LoadSummaryText.fixed(r, 1)], at: 6)
        }
        for kind in LoadErrorKind.allCases {
            if let n = counters.errors[kind.rawValue] { rows.append(["errors: \(kind.rawValue)", "\(n)"]) }
        }
        page.sections.append(.table(header: ["", ""], rows: rows))
        page.sections.append(
            .table(
                header: ["latency", "p50", "p90", "p99", "p99.9", "max", "count"],
                rows: [
                    ("corrected (from intended send time)", s.corrected),
                    ("uncorrected (from actual send)", s.uncorrected),
                ].map { name, l in
                    [name] + [l.p50, l.p90, l.p99, l.p999, l.max].map(LoadSummaryText.latency) + [
                        "\(l.count)"
                    ]
                }))
        if let verdicts = thresholds, !verdicts.isEmpty {
            page.sections.append(
                .table(
                    header: ["threshold", "verdict", "measured"],
                    rows: verdicts.map { [$0.threshold, $0.passed ? "✓ met" : "✗ breached", $0.observed] }))
        }

        // Latency over time.
        var p50: [(x: Double, y: Double)] = []
        var p99: [(x: Double, y: Double)] = []
        var maxima: [(x: Double, y: Double)] = []
        var throughput: [(x: Double, y: Double)] = []
        var previousEnd = 0.0
        for interval in timeline {
            let h = try interval.latency.decode()
            let span = max(1e-9, interval.end - previousEnd)
            throughput.append((interval.end, Double(interval.responses) / span))
            previousEnd = interval.end
            guard h.totalCount > 0 else { continue }
            p50.append((interval.end, Double(h.valueAtPercentile(50)) / 1000))
            p99.append((interval.end, Double(h.valueAtPercentile(99)) / 1000))
            maxima.append((interval.end, Double(h.max) / 1000))
        }
        let seconds: @Sendable (Double) -> String = { SVGFormat.number(($0 * 10).rounded() / 10) + "s" }
        let ms: @Sendable (Double) -> String = { SVGFormat.number($0) + "ms" }
        page.sections.append(.heading("Latency over time"))
        page.sections.append(
            .chart(
                caption: "Corrected latency per interval (p50, p99, max), milliseconds.",
                svg: SVGLineChart(
                    series: [
                        .init(name: "p50", color: "#2f6fde", points: p50),
                        .init(name: "p99", color: "#e8590c", points: p99),
                        .init(name: "max", color: "#a61e4d", points: maxima, dashed: true),
                    ], xLabel: "time since start", yLabel: "latency (ms)", formatX: seconds, formatY: ms
                ).render()))
        page.sections.append(
            .chart(
                caption: "Responses per second per interval.",
                svg: SVGLineChart(
                    series: [.init(name: "responses/s", color: "#2b8a3e", points: throughput)],
                    xLabel: "time since start", yLabel: "responses/s", formatX: seconds
                ).render()))

        // Percentile distribution.
        page.sections.append(.heading("Latency by percentile"))
        page.sections.append(
            .chart(
                caption:
                    "Latency at each percentile over the whole run: corrected for coordinated omission (solid) and from the actual send time (dashed).",
                svg: SVGLineChart(
                    series: [
                        .init(
                            name: "corrected", color: "#e8590c",
                            points: try Self.percentileCurve(corrected.decode())),
                        .init(
                            name: "uncorrected", color: "#2f6fde",
                            points: try Self.percentileCurve(uncorrected.decode()), dashed: true),
                    ], xLabel: "percentile", yLabel: "latency (ms)", xScale: .percentile(maxNines: 5),
                    formatY: ms
                ).render()))
        return page.render()
    }

    /// Points (percentile, milliseconds) of a histogram's percentile distribution.
    static func percentileCurve(_ h: Histogram<UInt64>) -> [(x: Double, y: Double)] {
        guard h.totalCount > 0 else { return [] }
        var points: [(x: Double, y: Double)] = []
        for v in h.percentiles(ticksPerHalfDistance: 5) {
            let p = min(v.percentileLevelIteratedTo, 99.999)
            if let last = points.last, last.x >= p { continue }
            points.append((p, Double(v.value) / 1000))
            if v.percentileLevelIteratedTo >= 100 { break }
        }
        return points
    }
}

import Histogram
import ProctorCore

extension LoadReport {
    /// The report as a self-contained HTML page: a banner saying how the run ended, the summary,
    /// latency over time (log scale), throughput against the requested rate, errors over time and
    /// the percentile distribution (corrected and uncorrected).
    public func html() throws(LoadError) -> String {
        let s = try computeSummary()
        let c = configuration
        var page = HTMLPage(title: "Load: \(c.vendor) \(c.events.joined(separator: " > "))")
        page.sections.append(.banner(banner))
        page.sections.append(
            .paragraph(
                "\(c.model) model against \(c.target); \(c.payloads) payloads signed with \(c.signing); started \(startedAt); shards "
                    + shards.map(\.description).joined(separator: ", ") + "."))
        let requested = c.actorsPerSecond.map {
            [["requested arrivals/s (all shards)", LoadSummaryText.fixed($0, 1)]]
        }
        var rows: [[String]] =
            [
                ["requests sent", "\(counters.sent)"],
                ["2xx", "\(counters.succeeded)"],
                ["errors", "\(counters.errorCount)"],
                [
                    "answered/s",
                    counters.answered > 0 ? LoadSummaryText.fixed(s.requestsPerSecond, 1) : "none answered",
                ],
                ["actors started", "\(counters.actorsStarted)"],
                ["actors completed", "\(counters.actorsCompleted)"],
                ["actors failed (a request without an answer)", "\(counters.actorsFailed)"],
                ["actors cancelled (the run stopped)", "\(counters.actorsCancelled)"],
                ["actors dropped (max in flight)", "\(counters.dropped)"],
            ] + (requested ?? [])
            + [
                ["actor arrivals/s", LoadSummaryText.fixed(s.achievedActorsPerSecond, 1)],
                ["elapsed", LoadSummaryText.fixed(elapsedSeconds, 2) + " s"],
            ]
        if statuses == nil {
            for (code, count) in counters.statuses.sorted(by: { (Int($0.key) ?? 0) < (Int($1.key) ?? 0) }) {
                rows.append(["status \(code)", "\(count)"])
            }
        }
        for kind in LoadErrorKind.allCases {
            if let n = counters.errors[kind.rawValue] { rows.append(["errors: \(kind.rawValue)", "\(n)"]) }
        }
        page.sections.append(.table(header: ["", ""], rows: rows))
        page.sections.append(
            .table(
                header: ["latency", "p50", "p90", "p99", "p99.9", "max", "count"],
                rows: ([
                    ("corrected (from intended send time)", s.corrected),
                    ("uncorrected (from actual send)", s.uncorrected),
                ]
                    + [
                        ("first byte (from actual send)", s.firstByte),
                        ("connect (per connection)", s.connect),
                    ]
                    .compactMap { name, l in l.map { (name, $0) } })
                    .filter { $0.1.count > 0 }
                    .map { name, l in
                        [name] + [l.p50, l.p90, l.p99, l.p999, l.max].map(LoadSummaryText.latency) + [
                            "\(l.count)"
                        ]
                    }))

        if let statuses, !statuses.isEmpty {
            var statusRows: [[String]] = []
            for figures in statuses {
                let l = LatencySummary(try figures.latency.decode())
                statusRows.append(
                    ["\(figures.status)", "\(l.count)"] + [l.p50, l.p99, l.max].map(LoadSummaryText.latency))
            }
            page.sections.append(
                .table(header: ["status", "answered", "p50", "p99", "max"], rows: statusRows))
        }
        if let events, !events.isEmpty {
            var eventRows: [[String]] = []
            for figures in events {
                let l = LatencySummary(try figures.latency.decode())
                eventRows.append(
                    [figures.event, "\(figures.answered)", "\(figures.succeeded)", "\(figures.failed)"]
                        + (l.count == 0
                            ? ["-", "-", "-"] : [l.p50, l.p99, l.max].map(LoadSummaryText.latency)))
            }
            page.sections.append(
                .table(
                    header: ["event", "answered", "2xx", "without an answer", "p50", "p99", "max"],
                    rows: eventRows))
        }
        if let verdicts = thresholds, !verdicts.isEmpty {
            page.sections.append(
                .table(
                    header: ["threshold", "verdict", "measured"],
                    rows: verdicts.map { [$0.threshold, $0.passed ? "✓ met" : "✗ breached", $0.observed] }))
        }

        let charts = try timelineCharts()
        page.sections.append(.heading("Latency over time"))
        page.sections.append(
            .chart(
                caption:
                    "Corrected latency per interval (p50, p99, max) on a log scale; a gap is an interval without responses.",
                svg: charts.latency.render()))
        page.sections.append(.heading("Throughput and errors over time"))
        page.sections.append(
            .chart(
                caption: c.actorsPerSecond == nil
                    ? "Responses per second per interval."
                    : "Responses per second per interval, and the requested rate (arrivals/s × events per actor, with the ramp).",
                svg: charts.throughput.render()))
        page.sections.append(
            .chart(
                caption: counters.errorCount == 0
                    ? "Errors per second per interval: none."
                    : "Errors per second per interval (any kind: transport failures and non-2xx answers).",
                svg: charts.errors.render()))

        // Percentile distribution.
        page.sections.append(.heading("Latency by percentile"))
        page.sections.append(
            .chart(
                caption:
                    "Latency at each percentile over the whole run, log scale: corrected for coordinated omission (solid) and from the actual send time (dashed).",
                svg: SVGLineChart(
                    series: [
                        .init(
                            name: "corrected", color: "#e8590c",
                            points: try Self.percentileCurve(corrected.decode())),
                        .init(
                            name: "uncorrected", color: "#2f6fde",
                            points: try Self.percentileCurve(uncorrected.decode()), dashed: true),
                    ], xLabel: "percentile", yLabel: "latency", xScale: .percentile(maxNines: 5),
                    yScale: .logarithmic, formatY: SVGFormat.milliseconds
                ).render()))
        return page.render()
    }

    /// How the run ended, for the top of the page: interrupted, stopped early, failed (no 2xx),
    /// finished with errors, or finished cleanly.
    var banner: HTMLPage.Banner {
        let elapsed = LoadSummaryText.fixed(elapsedSeconds, 1) + " s"
        if interrupted {
            var planned = ""
            if let d = configuration.durationSeconds {
                planned = " of " + LoadSummaryText.fixed(d, 1) + " s planned"
            }
            return .init(
                tone: .warning, title: "INTERRUPTED",
                detail:
                    "Stopped by a signal (Ctrl-C or SIGTERM) after \(elapsed)\(planned): every figure covers only the part that ran."
            )
        }
        if let reason = stoppedEarly {
            return .init(tone: .fail, title: "STOPPED EARLY", detail: "After \(elapsed): \(reason).")
        }
        if counters.succeeded == 0 {
            return .init(
                tone: .fail, title: "FAILED",
                detail: "No request got a 2xx answer (\(counters.sent) sent, \(counters.errorCount) errors).")
        }
        if counters.errorCount > 0 {
            return .init(
                tone: .warning, title: "COMPLETED WITH ERRORS",
                detail:
                    "\(counters.errorCount) of \(counters.sent) requests failed or got a non-2xx answer, in \(elapsed)."
            )
        }
        return .init(
            tone: .pass, title: "COMPLETED",
            detail: "\(counters.sent) requests, every one answered 2xx, in \(elapsed).")
    }

    /// The three charts over time: latency (log scale, gaps where an interval had no responses),
    /// throughput with the requested rate, and errors per second.
    func timelineCharts() throws(LoadError) -> (
        latency: SVGLineChart, throughput: SVGLineChart, errors: SVGLineChart
    ) {
        var p50: [(x: Double, y: Double?)] = []
        var p99: [(x: Double, y: Double?)] = []
        var maxima: [(x: Double, y: Double?)] = []
        var throughput: [(x: Double, y: Double)] = []
        var errors: [(x: Double, y: Double)] = []
        var previousEnd = 0.0
        for interval in timeline {
            let h = try interval.latency.decode()
            let span = max(1e-9, interval.end - previousEnd)
            throughput.append((interval.end, Double(interval.responses) / span))
            errors.append((interval.end, Double(interval.errors) / span))
            previousEnd = interval.end
            guard h.totalCount > 0 else {
                p50.append((interval.end, nil))
                p99.append((interval.end, nil))
                maxima.append((interval.end, nil))
                continue
            }
            p50.append((interval.end, Double(h.valueAtPercentile(50)) / 1000))
            p99.append((interval.end, Double(h.valueAtPercentile(99)) / 1000))
            maxima.append((interval.end, Double(h.max) / 1000))
        }
        let seconds: @Sendable (Double) -> String = { SVGFormat.number(($0 * 100).rounded() / 100) + "s" }
        let runTime = 0...max(previousEnd, elapsedSeconds, 1e-9)
        let latency = SVGLineChart(
            series: [
                .init(name: "p50", color: "#2f6fde", gappedPoints: p50),
                .init(name: "p99", color: "#e8590c", gappedPoints: p99),
                .init(name: "max", color: "#a61e4d", gappedPoints: maxima, dashed: true),
            ], xLabel: "time since start", yLabel: "latency", xDomain: runTime, yScale: .logarithmic,
            formatX: seconds,
            formatY: SVGFormat.milliseconds)
        var throughputSeries: [SVGLineChart.Series] = [
            .init(name: "responses/s", color: "#2b8a3e", points: throughput)
        ]
        if let requested = requestedRate(until: previousEnd) {
            throughputSeries.append(
                .init(name: "requested", color: "#5b6372", points: requested, dashed: true))
        }
        let rate = SVGLineChart(
            series: throughputSeries, xLabel: "time since start", yLabel: "per second", xDomain: runTime,
            formatX: seconds)
        let errorChart = SVGLineChart(
            series: [.init(name: "errors/s", color: "#c92a2a", points: errors)], xLabel: "time since start",
            yLabel: "errors per second", xDomain: runTime, formatX: seconds)
        return (latency, rate, errorChart)
    }

    /// The open model's requested request rate over time: actor arrivals per second times the
    /// events each actor sends, rising linearly during the ramp, until arrivals stopped. Nil for
    /// the closed model (it has no rate).
    func requestedRate(until end: Double) -> [(x: Double, y: Double)]? {
        guard let actorsPerSecond = configuration.actorsPerSecond, actorsPerSecond > 0 else { return nil }
        let rate = actorsPerSecond * Double(max(1, configuration.events.count))
        let stop = arrivalSeconds > 0 ? arrivalSeconds : min(end, configuration.durationSeconds ?? end)
        let ramp = min(configuration.rampSeconds, stop)
        var points: [(x: Double, y: Double)] = []
        if ramp > 0 {
            points.append((0, 0))
            points.append((ramp, rate * ramp / max(configuration.rampSeconds, 1e-9)))
        } else {
            points.append((0, rate))
        }
        if stop > ramp { points.append((stop, rate)) }
        return points
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

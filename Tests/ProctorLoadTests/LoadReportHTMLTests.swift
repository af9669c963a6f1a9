import Foundation
import Histogram
import ProctorCore
import Testing

@testable import ProctorLoad

/// The load report's page: a log latency axis, gaps for intervals without responses, errors over
/// time, the requested rate, labels that fit and a banner for runs that did not end normally.
struct LoadReportHTMLTests {
    /// A report whose intervals hold the given latencies (microseconds) and errors; an empty
    /// interval had no responses.
    static func report(
        intervals: [(latencies: [UInt64], errors: UInt64)], actorsPerSecond: Double? = 50,
        interrupted: Bool = false
    ) -> LoadReport {
        var all = LatencyHistogram.make()
        var timeline: [LoadReport.Interval] = []
        var counters = LoadCounters()
        for (n, interval) in intervals.enumerated() {
            var h = LatencyHistogram.make(digits: .two)
            for v in interval.latencies {
                _ = h.record(v)
                _ = all.record(v)
            }
            timeline.append(
                LoadReport.Interval(
                    end: Double(n + 1), responses: UInt64(interval.latencies.count), errors: interval.errors,
                    latency: EncodedHistogram(h)))
            counters.succeeded += UInt64(interval.latencies.count)
            counters.errors["5xx", default: 0] += interval.errors
        }
        counters.sent = counters.succeeded + counters.errorCount
        counters.arrivals = counters.sent
        return LoadReport(
            configuration: LoadReport.Configuration(
                vendor: "testlify", events: ["candidate.invited", "candidate.enrolled"],
                target: "http://127.0.0.1:1/", seed: 1, model: actorsPerSecond == nil ? "closed" : "open",
                actorsPerSecond: actorsPerSecond, concurrency: actorsPerSecond == nil ? 4 : nil,
                durationSeconds: Double(intervals.count), rampSeconds: 0, actors: nil, maxInFlight: 10,
                connections: 2, timeoutSeconds: 10, payloads: "pooled", variedFields: nil, signing: "none"),
            shards: [.whole], startedAt: "2026-01-01T00:00:00.000Z", arrivalSeconds: Double(intervals.count),
            elapsedSeconds: Double(intervals.count), interrupted: interrupted, counters: counters,
            corrected: EncodedHistogram(all), uncorrected: EncodedHistogram(all), timeline: timeline)
    }

    /// The y coordinates of a series' points in an SVG, one list per polyline or dot.
    static func ys(of series: String, in svg: String) -> [[Double]] {
        svg.components(separatedBy: "\n").filter { $0.contains("data-series=\"\(series)\"") }.map { line in
            if let range = line.range(of: "points=\"") {
                let points = line[range.upperBound...].prefix { $0 != "\"" }
                return points.split(separator: " ").compactMap {
                    $0.split(separator: ",").last.flatMap { Double($0) }
                }
            }
            if let range = line.range(of: "cy=\"") {
                return [Double(line[range.upperBound...].prefix { $0 != "\"" }) ?? .nan]
            }
            return []
        }
    }

    @Test func anOutlierDoesNotFlattenTheMedian() throws {
        // Around 1 ms every second, and one 6.9 s outlier in the third.
        let typical = Array(repeating: UInt64(1000), count: 200)
        let report = Self.report(intervals: [
            (typical, 0), (typical, 0), (typical + [6_900_000], 0), (typical, 0),
        ])
        let chart = try report.timelineCharts().latency
        let svg = chart.render()
        let p50 = try #require(Self.ys(of: "p50", in: svg).first)
        #expect(p50.count == 4)
        // On a linear axis up to 10 s, 1 ms would sit within a pixel of the baseline.
        #expect(p50.allSatisfy { chart.baselineY - $0 > 30 }, "\(p50) vs baseline \(chart.baselineY)")
        let maxima = try #require(Self.ys(of: "max", in: svg).first)
        #expect(maxima[2] < p50[2] - 100)
        // Ticks at 1, 2 and 5 times each decade, in the unit that reads best.
        for label in [">1ms<", ">10ms<", ">100ms<", ">1s<", ">10s<"] {
            #expect(svg.contains(label), "\(label)")
        }
        #expect(svg.contains("latency, log scale"))
    }

    @Test func intervalsWithoutResponsesAreGapsInTheLatencyLines() throws {
        let typical = Array(repeating: UInt64(2000), count: 50)
        let report = Self.report(intervals: [(typical, 0), (typical, 0), ([], 0), (typical, 0), (typical, 0)])
        let svg = try report.timelineCharts().latency.render()
        for series in ["p50", "p99", "max"] {
            let segments = Self.ys(of: series, in: svg)
            #expect(segments.map(\.count) == [2, 2], "\(series): \(segments)")
        }
        // Throughput is still drawn through the empty interval: zero responses is a value.
        let throughput = try report.timelineCharts().throughput.render()
        #expect(Self.ys(of: "responses/s", in: throughput).map(\.count) == [5])
    }

    @Test func errorsOverTimeAndTheRequestedRateAreDrawn() throws {
        let typical = Array(repeating: UInt64(2000), count: 50)
        let report = Self.report(intervals: [(typical, 0), (typical, 7), (typical, 0)])
        let charts = try report.timelineCharts()
        let errors = Self.ys(of: "errors/s", in: charts.errors.render())
        #expect(errors.count == 1)
        #expect(errors.first?.count == 3)
        #expect(try #require(errors.first?[1]) < charts.errors.baselineY - 100)
        // Open model: 50 actors/s × 2 events = 100 requests/s, a flat line over the run.
        let rate = charts.throughput
        let requested = try #require(Self.ys(of: "requested", in: rate.render()).first)
        #expect(requested.count == 2)
        #expect(abs(requested[0] - rate.plotY(100)) < 0.1)
        #expect(rate.render().contains("stroke-dasharray"))
        let html = try report.html()
        #expect(html.contains("Errors per second per interval"))
        // The closed model has no requested rate.
        let closed = Self.report(intervals: [(typical, 0)], actorsPerSecond: nil)
        #expect(try !closed.timelineCharts().throughput.render().contains("data-series=\"requested\""))
    }

    @Test func theLastPercentileLabelFitsInTheChart() throws {
        let html = try Self.report(intervals: [(Array(1...2000), 0)]).html()
        let line = try #require(html.components(separatedBy: "\n").first { $0.contains(">99.999%<") })
        let x = try #require(
            line.range(of: "<text x=\"").map { Double(line[$0.upperBound...].prefix { $0 != "\"" }) ?? 0 })
        // Centred on x, about 45 px wide at 11 px: half of it must stay inside the 900 px box.
        #expect(x + 25 < 900, "\(line)")
    }

    @Test(
        arguments: [
            (true, nil, 0, "banner warning", "INTERRUPTED"),
            (false, "no connection to the target could be opened", 0, "banner fail", "STOPPED EARLY"),
            (false, nil, 3, "banner warning", "COMPLETED WITH ERRORS"),
            (false, nil, 0, "banner pass", "COMPLETED"),
        ] as [(Bool, String?, UInt64, String, String)])
    func theBannerSaysHowTheRunEnded(
        interrupted: Bool, stoppedEarly: String?, errors: UInt64, css: String, title: String
    ) throws {
        var report = Self.report(
            intervals: [(Array(repeating: 1000, count: 10), errors)], interrupted: interrupted)
        report.stoppedEarly = stoppedEarly
        let html = try report.html()
        #expect(html.contains("<div class=\"\(css)\" role=\"status\"><strong>\(title)</strong>"))
        if let stoppedEarly { #expect(html.contains(stoppedEarly)) }
        if interrupted { #expect(html.contains("only the part that ran")) }
    }

    @Test func eachStatusCodeHasItsCountAndLatency() throws {
        var report = Self.report(intervals: [(Array(repeating: 1000, count: 10), 0)])
        var ok = LatencyHistogram.make()
        var refused = LatencyHistogram.make()
        for _ in 0..<10 { _ = ok.record(1000) }
        for _ in 0..<3 { _ = refused.record(250_000) }
        report.statuses = [
            .init(status: 204, latency: EncodedHistogram(ok)),
            .init(status: 503, latency: EncodedHistogram(refused)),
        ]
        report.counters.statuses = ["204": 10, "503": 3]
        let html = try report.html()
        #expect(
            html.contains("<th>status</th><th>answered</th><th>p50</th><th>p99</th><th>max</th>"), "\(html)")
        #expect(html.contains("<td>503</td><td>3</td><td>250.0ms</td>"), "\(html)")
        // The counts are in that table, not again among the counters.
        #expect(!html.contains("status 503"))
    }

    @Test func aRunWithoutAny2xxIsFailed() throws {
        let report = Self.report(intervals: [([], 5)])
        #expect(try report.html().contains("<strong>FAILED</strong> No request got a 2xx answer"))
    }
}

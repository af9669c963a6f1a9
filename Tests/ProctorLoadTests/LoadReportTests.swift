import Foundation
import Histogram
import ProctorCore
import ProctorVendors
import Testing

@testable import ProctorLoad

struct LoadReportTests {
    private func configuration() -> LoadReport.Configuration {
        LoadReport.Configuration(
            vendor: "testlify", events: ["candidate.invited"], target: "http://127.0.0.1:1/", seed: 1,
            model: "open",
            actorsPerSecond: 100, concurrency: nil, durationSeconds: 10, rampSeconds: 0, actors: nil,
            maxInFlight: 10,
            connections: 2, timeoutSeconds: 10, payloads: "pooled", variedFields: ["candidateId"],
            signing: "none")
    }

    private func report(shard: Shard, values: [UInt64]) -> LoadReport {
        var h = LatencyHistogram.make()
        var interval = LatencyHistogram.make(digits: .two)
        for v in values {
            _ = h.record(v)
            _ = interval.record(v)
        }
        var counters = LoadCounters()
        counters.arrivals = UInt64(values.count)
        counters.sent = UInt64(values.count)
        counters.succeeded = UInt64(values.count)
        return LoadReport(
            configuration: configuration(), shards: [shard], startedAt: "2026-01-01T00:00:00.000Z",
            arrivalSeconds: 10,
            elapsedSeconds: 10.5, interrupted: false, counters: counters, corrected: EncodedHistogram(h),
            uncorrected: EncodedHistogram(h),
            timeline: [
                LoadReport.Interval(
                    end: 1, responses: UInt64(values.count), errors: 0, latency: EncodedHistogram(interval))
            ])
    }

    @Test func mergeAddsHistogramsExactly() throws {
        var random = SystemRandomNumberGenerator()
        let shards = (0..<3).map { _ in
            (0..<5000).map { _ in UInt64.random(in: 1...2_000_000, using: &random) }
        }
        let reports = shards.enumerated().map {
            report(shard: Shard(index: $0.offset, count: 3), values: $0.element)
        }
        // Through JSON, as `proctor report merge` reads them.
        let decoded = try reports.map { try JSONDecoder().decode(LoadReport.self, from: try $0.jsonData()) }
        let merged = try LoadReport.merge(decoded)

        var all = LatencyHistogram.make()
        for v in shards.joined() { _ = all.record(v) }
        let m = try merged.corrected.decode()
        #expect(m.totalCount == 15000)
        #expect(merged.counters.succeeded == 15000)
        #expect(m == all)
        for p in [50.0, 90, 99, 99.9, 99.99, 100] {
            #expect(m.valueAtPercentile(p) == all.valueAtPercentile(p))
        }
        #expect(try merged.computeSummary().corrected == LatencySummary(all))
        #expect(merged.shards.map(\.description) == ["0/3", "1/3", "2/3"])
        #expect(merged.timeline.count == 1)
        #expect(merged.timeline[0].responses == 15000)
    }

    @Test func mergeRejectsReportsOfDifferentRunsAndRepeatedShards() throws {
        let a = report(shard: Shard(index: 0, count: 2), values: [1, 2, 3])
        var b = report(shard: Shard(index: 1, count: 2), values: [4])
        b.configuration.seed = 2
        #expect(throws: LoadError.self) { try LoadReport.merge([a, b]) }
        #expect(throws: LoadError.self) { try LoadReport.merge([a, a]) }
    }

    /// The done-when of thresholds: shards judged again by `report merge` give the verdicts of
    /// one process that measured everything, since the merged histogram is the whole run's.
    @Test func mergedShardsAreJudgedAsTheWholeRun() throws {
        var random = SystemRandomNumberGenerator()
        let values = (0..<4000).map { _ in UInt64.random(in: 1...400_000, using: &random) }
        let texts = [
            "p99<300ms", "p50<200ms", "avg<=250ms", "max<1s", "error_rate<1%", "rate>=95%", "rate>=450/s",
        ]
        var whole = report(shard: Shard(index: 0, count: 1), values: values)
        try whole.judge(try whole.parseThresholds(texts))

        var shards: [LoadReport] = []
        for index in 0..<2 {
            let part = values.enumerated().filter { $0.offset % 2 == index }.map(\.element)
            var shard = report(shard: Shard(index: index, count: 2), values: part)
            try shard.judge(try shard.parseThresholds(texts))
            shards.append(try JSONDecoder().decode(LoadReport.self, from: try shard.jsonData()))
        }
        let merged = try LoadReport.merge(shards)
        let judged = try #require(merged.thresholds)
        #expect(judged == whole.thresholds)
        #expect(judged.map(\.threshold) == texts)
        // 4000 arrivals in 10 s of 100/s requested: 400/s, 400% of the rate asked.
        #expect(judged.first { $0.threshold == "rate>=450/s" }?.passed == false)
        #expect(merged.breachedThresholds)

        // A threshold given to merge alone is judged too; repeats are judged once.
        let more = try LoadReport.merge(shards, thresholds: ["p99<300ms", "min>=1us"])
        #expect(more.thresholds?.map(\.threshold) == texts + ["min>=1us"])
        #expect(more.thresholds?.last?.passed == true)
        #expect(throws: LoadError("threshold \"p99\": no comparison; expected " + Threshold.acceptedForms)) {
            try LoadReport.merge(shards, thresholds: ["p99"])
        }
    }

    @Test func closedModelReportsRejectARateShare() throws {
        var r = report(shard: Shard(index: 0, count: 1), values: [5])
        r.configuration.model = "closed"
        #expect(throws: LoadError.self) { try r.parseThresholds(["rate>=95%"]) }
        #expect(try r.parseThresholds(["rate>=0.1/s"]).count == 1)
    }

    @Test func encodedHistogramRoundTrips() throws {
        var h = LatencyHistogram.make()
        for v: UInt64 in [1, 7, 999, 1000, 1001, 123_456, 3_599_999_999] { _ = h.record(v, count: 3) }
        let back = try EncodedHistogram(h).decode()
        #expect(back == h)
        #expect(back.max == h.max)
    }

    @Test func htmlReportIsSelfContained() throws {
        let html = try report(shard: .whole, values: Array(1...2000)).html()
        #expect(html.contains("<svg"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("src="))
        #expect(!html.contains("http-equiv"))
        #expect(html.contains("Latency over time"))
        #expect(html.contains("Latency by percentile"))

        var judged = report(shard: .whole, values: Array(1...2000))
        try judged.judge(try judged.parseThresholds(["p99<1ms", "max<1s"]))
        let page = try judged.html()
        #expect(page.contains("threshold"))
        #expect(page.contains("✗ breached"))
        #expect(page.contains("✓ met"))
        #expect(page.contains("p99&lt;1ms") || page.contains("p99<1ms"))
    }

    @Test func timelineChartDrawsOneRowPerLane() {
        let svg = SVGTimelineChart(
            bars: [
                .init(lane: "jane", start: 0, end: 0.2, label: "candidate.invited 204", color: "#2b8a3e"),
                .init(
                    lane: "jane", start: 0.7, end: 0.9, label: "candidate.completed <500>", color: "#c92a2a"),
                .init(lane: "john", start: 0.1, end: 0.3, label: "candidate.invited", color: "#2b8a3e"),
            ], axisLabel: "seconds"
        ).render()
        #expect(svg.hasPrefix("<svg"))
        #expect(svg.components(separatedBy: "<rect").count == 4)
        #expect(svg.contains("&lt;500&gt;"))
    }
}

struct LoadPlanTests {
    @Test(arguments: [
        ("http://127.0.0.1:8080/hooks?x=1", "127.0.0.1", 8080, "/hooks?x=1"),
        ("http://localhost", "localhost", 80, "/"),
        ("http://[::1]:9000/a", "::1", 9000, "/a"),
    ])
    func targets(text: String, host: String, port: Int, path: String) throws {
        let t = try LoadTarget(parsing: text)
        #expect(t.host == host && t.port == port && t.path == path)
    }

    @Test func badTargetsAreRejected() throws {
        let https = try LoadTarget(parsing: "HTTPS://example.com/hook")
        #expect(https.isTLS && https.port == 443 && https.hostHeader == "example.com")
        #expect(try !LoadTarget(parsing: "http://example.com/").isTLS)
        #expect(throws: LoadError.self) { try LoadTarget(parsing: "http://host:99999/") }
        #expect(throws: LoadError.self) { try LoadTarget(parsing: "ftp://x") }
        #expect(
            throws: LoadError(
                "target \"http://u@h/\" has user information before \"@\"; send credentials in a header instead"
            )
        ) {
            try LoadTarget(parsing: "http://u@h/")
        }
        #expect(try LoadTarget(parsing: "http://[::1]/x").hostHeader == "[::1]")
        #expect(try LoadTarget(parsing: "http://[::1]:8080/x").description == "http://[::1]:8080/x")
    }

    @Test func shardsPartitionActors() throws {
        let n = 4
        let shards = (0..<n).map { Shard(index: $0, count: n) }
        var seen: [Int: Int] = [:]
        for s in shards {
            for local in 0..<250 { seen[s.globalActor(local: local), default: 0] += 1 }
            #expect((0..<1000).filter(s.owns).count == 250)
        }
        #expect(seen.count == 1000)
        #expect(seen.values.allSatisfy { $0 == 1 })
        #expect(Set(seen.keys) == Set(0..<1000))
        #expect(throws: LoadError.self) { try Shard(parsing: "4/4") }
        #expect(try Shard(parsing: "2/5") == Shard(index: 2, count: 5))
    }

    @Test func ratesAndSchedule() throws {
        #expect(try LoadOptions.parseRate("500/s") == 500)
        #expect(try LoadOptions.parseRate("600/m") == 10)
        #expect(throws: LoadError.self) { try LoadOptions.parseRate("fast") }
        let flat = ArrivalSchedule(actorsPerSecond: 100, rampSeconds: 0)
        #expect(flat.offsetSeconds(100) == 1)
        // Ramping over 10 s to 100/s: 500 arrivals during the ramp, then 100 per second.
        let ramp = ArrivalSchedule(actorsPerSecond: 100, rampSeconds: 10)
        #expect(abs(ramp.offsetSeconds(500) - 10) < 1e-9)
        #expect(abs(ramp.offsetSeconds(600) - 11) < 1e-9)
        #expect(abs(ramp.offsetSeconds(125) - 5) < 1e-9)
    }

    @Test func scenarioFieldsAreRead() throws {
        let yaml = """
            # yaml-language-server: $schema=../Schemas/scenario.schema.json
            scenario: testlify-candidate-completes
            vendor: testlify                 # talview | testlify
            target: ${PROCTOR_TARGET:-http://127.0.0.1:9/x}
            secret: ${TESTLIFY_SECRET:-whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw}
            seed: 42
            thresholds: [p99<300ms, 'error_rate<1%']
            defaults:
              timeout: 5s
            actors:
              jane: { first_name: Jane }
            steps:
              - send: candidate.invited
                as: jane
              - send: "candidate.enrolled"
                after: 500ms
              - probe: GET /candidates/{{jane.candidateId}}
              - send: candidate.completed
                with: { data.scores.totalScore: 37 }
            """
        let f = try ScenarioFields.parse(yaml, environment: ["PROCTOR_TARGET": "http://127.0.0.1:8000/hooks"])
        #expect(f.vendor == "testlify")
        #expect(f.target == "http://127.0.0.1:8000/hooks")
        #expect(f.secret == "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        #expect(f.seed == 42)
        #expect(f.events == ["candidate.invited", "candidate.enrolled", "candidate.completed"])
        #expect(f.thresholds.map(\.text) == ["p99<300ms", "error_rate<1%"])

        let lifecycle = try ScenarioFields.parse(
            "scenario: l\nvendor: testlify\nsteps:\n  - lifecycle: [invited, enrolled, completed]\n")
        #expect(lifecycle.events == ["candidate.invited", "candidate.enrolled", "candidate.completed"])

        // A broken file is an error with its position, as in `proctor check`.
        #expect(throws: LoadError.self) {
            try ScenarioFields.parse("scenario: b\nvendor: testlify\nsteps:\n  - send: candidate.finished\n")
        }
    }
}

struct HTTPResponseParserTests {
    private func parse(_ chunks: [String]) -> [HTTPResponseParser.Outcome] {
        var parser = HTTPResponseParser()
        var outcomes: [HTTPResponseParser.Outcome] = []
        for chunk in chunks {
            let bytes = Array(chunk.utf8)
            bytes.withUnsafeBytes { raw in
                var index = 0
                while index < raw.count {
                    let o = parser.parse(raw, index: &index)
                    if o == .incomplete { break }
                    outcomes.append(o)
                }
            }
        }
        return outcomes
    }

    @Test func responsesOfEveryFraming() {
        #expect(
            parse(["HTTP/1.1 204 No Content\r\nServer: nginx\r\n\r\n"]) == [
                .response(status: 204, keepAlive: true)
            ])
        #expect(
            parse(["HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel", "lo"]) == [
                .response(status: 200, keepAlive: true)
            ])
        #expect(
            parse(["HTTP/1.1 500 X\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"]) == [
                .response(status: 500, keepAlive: true)
            ])
        #expect(
            parse(["HTTP/1.1 200 OK\r\nconnection: Close\r\ncontent-length: 0\r\n\r\n"]) == [
                .response(status: 200, keepAlive: false)
            ])
        #expect(
            parse(["HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"]) == [
                .response(status: 200, keepAlive: false)
            ])
        #expect(
            parse(["HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"]) == [
                .response(status: 201, keepAlive: true)
            ])
        #expect(
            parse(["HT", "TP/1.1 404 Not Found\r", "\nContent-Length: 2\r\n\r", "\n{}"]) == [
                .response(status: 404, keepAlive: true)
            ])
        #expect(parse(["SSH-2.0-OpenSSH\r\n"]) == [.malformed])
    }

    @Test func bodyUntilClose() {
        var parser = HTTPResponseParser()
        let bytes = Array("HTTP/1.1 200 OK\r\n\r\nsome body".utf8)
        bytes.withUnsafeBytes { raw in
            var index = 0
            #expect(parser.parse(raw, index: &index) == .incomplete)
        }
        #expect(parser.connectionClosed() == .response(status: 200, keepAlive: false))
    }
}

struct LoadSummaryTextTests {
    @Test func latencyUnits() {
        #expect(LoadSummaryText.latency(850) == "850us")
        #expect(LoadSummaryText.latency(1_234) == "1.23ms")
        #expect(LoadSummaryText.latency(45_600) == "45.6ms")
        #expect(LoadSummaryText.latency(1_020_000) == "1.02s")
    }

    @Test func progressLine() {
        let p = LoadProgress(
            elapsedSeconds: 12.04, requestsPerSecond: 45_012.4, sent: 540_144, completed: 540_112,
            inFlight: 32, queued: 0,
            intervalP99: 1_200, errors: 3, dropped: 0)
        #expect(
            LoadSummaryText.progressLine(p)
                == "[12.0s] 45012 req/s  sent 540144  in flight 32  p99 1.20ms  errors 3  dropped 0")
    }
}

struct TimelineRecorderTests {
    @Test func longRunsKeepABoundedSeries() throws {
        var recorder = TimelineRecorder(intervalSeconds: 1, maxIntervals: 8)
        var all = LatencyHistogram.make(digits: .two)
        for second in 1...100 {
            var h = LatencyHistogram.make(digits: .two)
            for v in 0..<10 { _ = h.record(UInt64(second * 100 + v)) }
            all.add(h)
            recorder.add(end: Double(second), responses: 10, errors: 1, latency: h)
        }
        recorder.add(
            end: 100.4, responses: 0, errors: 0, latency: LatencyHistogram.make(digits: .two), final: true)
        let intervals = recorder.intervals
        #expect(intervals.count <= 8)
        #expect(intervals.map(\.responses).reduce(0, +) == 1000)
        #expect(intervals.map(\.errors).reduce(0, +) == 100)
        #expect(intervals.last?.end == 100.4)
        var merged = LatencyHistogram.make(digits: .two)
        for i in intervals { merged.add(try i.latency.decode()) }
        #expect(merged == all)
        #expect(zip(intervals, intervals.dropFirst()).allSatisfy { $0.end < $1.end })
    }
}

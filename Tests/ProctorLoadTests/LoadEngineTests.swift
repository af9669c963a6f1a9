import Foundation
import NIOConcurrencyHelpers
import NIOCore
import ProctorCore
import ProctorJSON
import ProctorSigning
import ProctorTestSupport
import ProctorVendors
import Testing

@testable import ProctorLoad

private let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

private func plan(port: Int, events: [String] = ["candidate.invited"], seed: UInt64 = 7) -> LoadPlan {
    LoadPlan(
        vendor: "testlify", events: events, secrets: [WebhookSecret(secret)], seed: seed,
        target: LoadTarget(host: "127.0.0.1", port: port, path: "/hooks"))
}

@Suite(.serialized, .timeLimit(.minutes(1)))
struct LoadEngineTests {
    @Test func stalledReceiverIsReportedFromIntendedSendTimes() async throws {
        // The receiver holds every response that falls due between 0.5 s and 1.5 s after its
        // first request until 1.5 s: a one-second stall.
        let first = FirstRequestClock()
        let receiver = try await TestReceiver { now in
            let start = first.startOrSet(now)
            let stallStart = start + .milliseconds(500)
            let stallEnd = start + .milliseconds(1500)
            return now >= stallStart && now < stallEnd ? stallEnd - now : .zero
        }
        let options = LoadOptions(
            model: .open(actorsPerSecond: 200), duration: .seconds(3), maxInFlight: 10_000, connections: 2,
            threads: 1,
            prototypes: 4)
        let report = try await LoadEngine(plan: plan(port: receiver.port), options: options).run()
        try await receiver.stop()

        let summary = try report.computeSummary()
        #expect(report.counters.errorCount == 0)
        #expect(report.counters.dropped == 0)
        #expect(report.counters.succeeded == 600)
        // A third of the arrivals fall into the stall and wait for it to end: from their
        // intended send times, the 99th percentile is close to the full second...
        #expect(summary.corrected.p99 > 850_000)
        #expect(summary.corrected.max > 950_000, "\(summary.corrected)")
        // ...while measured from the moment they were written only the two requests on the
        // wire when the stall began waited that long.
        #expect(summary.uncorrected.p99 < 100_000)
        #expect(summary.uncorrected.max > 900_000)
    }

    @Test func arrivalsBeyondMaxInFlightAreDropped() async throws {
        let receiver = try await TestReceiver { _ in .milliseconds(300) }
        let options = LoadOptions(
            model: .open(actorsPerSecond: 1000), duration: nil, actors: 100, maxInFlight: 5, connections: 5,
            threads: 1,
            prototypes: 2)
        let report = try await LoadEngine(plan: plan(port: receiver.port), options: options).run()
        try await receiver.stop()
        #expect(report.counters.arrivals == 100)
        #expect(report.counters.dropped > 50)
        #expect(report.counters.succeeded == report.counters.arrivals - report.counters.dropped)
        #expect(report.counters.sent == report.counters.succeeded)
    }

    @Test func everyRequestIsSignedAndEachActorIsItsOwnCandidate() async throws {
        let receiver = try await TestReceiver()
        let events = [
            "candidate.invited", "candidate.enrolled", "candidate.in_progress", "candidate.completed",
        ]
        let options = LoadOptions(
            model: .closed(concurrency: 4), duration: nil, actors: 40, connections: 2, threads: 2,
            prototypes: 3)
        let report = try await LoadEngine(plan: plan(port: receiver.port, events: events), options: options)
            .run()
        let requests = receiver.requests
        try await receiver.stop()

        #expect(report.counters.succeeded == 160)
        #expect(requests.count == 160)
        let verifier = WebhookVerifier(secrets: [WebhookSecret(secret)])
        let now = Int64(Date().timeIntervalSince1970)
        var ids = Set<String>()
        var candidates: [String: [String]] = [:]
        for r in requests {
            let id = try #require(r.headers["svix-id"])
            let verdict = verifier.verify(
                headers: HeaderFields(r.headers.map { HTTPHeader($0.key, $0.value) }), body: r.body,
                nowSeconds: now)
            #expect(verdict.isValid, "\(verdict.rendered)")
            #expect(r.headers["content-type"] == "application/json")
            ids.insert(id)
            let body = try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any]
            let data = body?["data"] as? [String: Any]
            let candidate = try #require(data?["candidateId"] as? String)
            // No event is dated after its signature timestamp.
            let signedAt = try #require(r.headers["svix-timestamp"].flatMap { Int64($0) })
            let dated = try #require((body?["timestamp"] as? NSNumber)?.int64Value)
            #expect(dated <= signedAt * 1000)
            candidates[candidate, default: []].append(body?["event"] as? String ?? "?")
        }
        #expect(ids.count == 160)
        #expect(candidates.count == 40)
        // Each actor's events arrive in lifecycle order.
        for (_, sent) in candidates { #expect(sent == ["invited", "enrolled", "in_progress", "completed"]) }
    }

    @Test(arguments: [
        ("testlify", ["candidate.invited", "candidate.enrolled", "candidate.completed"], ["candidateId"]),
        (
            "talview", ["ae.test_instance.created", "ae.test_instance.updated"],
            ["candidate_id", "test_instance_id", "email"]
        ),
        (
            "qualified", ["assessment_result_started", "assessment_result_submitted"],
            ["team-candidateId", "email"]
        ),
    ])
    func pooledBodiesAreWhatTheBuilderMakesForThatActor(vendor: String, events: [String], varied: [String])
        throws
    {
        let p = LoadPlan(
            vendor: vendor, events: events, seed: 7, target: LoadTarget(host: "127.0.0.1", port: 1, path: "/")
        )
        let origin: Int64 = 1_750_000_000_000
        let profile = try #require(VendorCatalog.standard.profile(for: vendor))
        let pool = try PayloadPool(plan: p, profile: profile, prototypes: 5, originMilliseconds: origin)
        #expect(pool.variedFields == varied)
        var bodies = Set<[UInt8]>()
        for actor in [0, 3, 7, 12_345, 987_654_321] {
            let prototype = actor % 5
            let values = PayloadPool.values(variation: pool.variation, actor: actor)
            let fields = PayloadPool.fields(
                plan: p, variation: pool.variation, prototype: prototype, values: values)
            let expected = try PayloadPool.generate(
                plan: p, prototype: prototype, fields: fields, clock: FixedClock(milliseconds: origin))
            for step in events.indices {
                var bytes = [UInt8](repeating: 0, count: pool.length(actor: actor, step: step))
                bytes.withUnsafeMutableBytes { pool.write(actor: actor, step: step, into: $0) }
                #expect(bytes == expected[step])
                bodies.insert(bytes)
            }
        }
        #expect(bodies.count == 5 * events.count)
    }

    @Test func freshPayloadsUseTheBuilderPerRequest() async throws {
        let receiver = try await TestReceiver()
        let options = LoadOptions(
            model: .closed(concurrency: 2), duration: nil, actors: 6, connections: 2, threads: 1,
            payloads: .fresh)
        let report = try await LoadEngine(
            plan: plan(port: receiver.port, events: ["candidate.invited", "candidate.enrolled"]),
            options: options
        ).run()
        let requests = receiver.requests
        try await receiver.stop()
        #expect(report.counters.succeeded == 12)
        let verifier = WebhookVerifier(secrets: [WebhookSecret(secret)])
        for r in requests {
            let verdict = verifier.verify(
                headers: HeaderFields(r.headers.map { HTTPHeader($0.key, $0.value) }), body: r.body,
                nowSeconds: Int64(Date().timeIntervalSince1970))
            #expect(verdict.isValid, "\(verdict.rendered)")
            let body = try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any]
            let signedAt = try #require(r.headers["svix-timestamp"].flatMap { Int64($0) })
            let dated = try #require((body?["timestamp"] as? NSNumber)?.int64Value)
            #expect(dated <= signedAt * 1000, "no event is dated after its signature timestamp")
        }
    }

    /// More sending threads than concurrency slots: every actor still runs (a thread without a
    /// slot would never start its share).
    @Test(arguments: [(1, 4, 5), (2, 4, 7), (3, 2, 5)])
    func everyActorRunsWhateverTheThreads(concurrency: Int, threads: Int, actors: Int) async throws {
        let receiver = try await TestReceiver()
        let options = LoadOptions(
            model: .closed(concurrency: concurrency), duration: nil, actors: actors, connections: 8,
            threads: threads)
        let report = try await LoadEngine(
            plan: plan(port: receiver.port, events: ["candidate.invited"]), options: options
        )
        .run()
        try await receiver.stop()
        #expect(report.counters.actorsCompleted == UInt64(actors))
        #expect(report.counters.succeeded == UInt64(actors))
    }

    @Test func shardsSplitActorsCompletelyAndDeterministically() async throws {
        func candidateIds(shard: Shard) async throws -> [String] {
            let receiver = try await TestReceiver()
            let options = LoadOptions(
                model: .closed(concurrency: 3), duration: nil, actors: 30, connections: 2, threads: 2,
                shard: shard, prototypes: 3)
            _ = try await LoadEngine(plan: plan(port: receiver.port), options: options).run()
            let ids = receiver.requests.compactMap { r in
                ((try? JSONSerialization.jsonObject(with: Data(r.body))) as? [String: Any]).flatMap {
                    ($0["data"] as? [String: Any])?["candidateId"] as? String
                }
            }
            try await receiver.stop()
            return ids.sorted()
        }
        let whole = try await candidateIds(shard: .whole)
        var parts: [String] = []
        for i in 0..<3 { parts += try await candidateIds(shard: Shard(index: i, count: 3)) }
        #expect(whole.count == 30)
        #expect(Set(whole).count == 30)
        #expect(parts.sorted() == whole)
        #expect(
            try await candidateIds(shard: Shard(index: 1, count: 3))
                == (try await candidateIds(shard: Shard(index: 1, count: 3))))
    }

    @Test func connectionRefusedIsCountedAsConnectionErrors() async throws {
        let closed = try ClosedPort()
        defer { withExtendedLifetime(closed) {} }
        let port = closed.port
        let options = LoadOptions(
            model: .open(actorsPerSecond: 50), duration: .milliseconds(400), connections: 2, threads: 1,
            prototypes: 1)
        let report = try await LoadEngine(plan: plan(port: port), options: options).run()
        #expect(report.counters.succeeded == 0)
        #expect(report.counters.errors["connection", default: 0] > 0)
        #expect(report.counters.errorCount + report.counters.dropped == report.counters.arrivals)
    }

    /// No answer, no rate and no latency: a refused target is not "17.9 req/s at 0us".
    @Test func anUnansweredRunShowsNoRateAndNoLatency() async throws {
        let closed = try ClosedPort()
        defer { withExtendedLifetime(closed) {} }
        let port = closed.port
        let options = LoadOptions(
            model: .open(actorsPerSecond: 50), duration: .milliseconds(400), connections: 2, threads: 1,
            prototypes: 1)
        let report = try await LoadEngine(plan: plan(port: port), options: options).run()
        let summary = try report.computeSummary()
        #expect(report.counters.answered == 0)
        #expect(summary.requestsPerSecond == 0)
        #expect(summary.corrected.count == 0)
        let text = try LoadSummaryText.summary(report)
        #expect(text.contains("none answered") && text.contains("no request was answered"), "\(text)")
        #expect(!text.contains("req/s") && !text.contains("answered/s"), "\(text)")
        let json = try JSONParser().parse(Array(try report.jsonData()))
        #expect(json["summary"]?["corrected"]?["p99_us"] == .null)
        #expect(json["summary"]?["corrected"]?["count"] == .int(0))
        let c = report.counters
        #expect(c.actorsStarted == c.actorsCompleted + c.actorsFailed + c.actorsCancelled)
        #expect(c.actorsFailed > 0 && c.actorsCompleted == 0)
    }

    /// Stopped in the middle (as Ctrl-C stops it), every actor started is completed, failed or
    /// cancelled, and every figure of the JSON summary names its unit.
    @Test func anInterruptedRunAccountsForEveryActor() async throws {
        let receiver = try await TestReceiver { _ in .milliseconds(20) }
        let options = LoadOptions(
            model: .open(actorsPerSecond: 400), duration: .seconds(30), maxInFlight: 10_000, connections: 4,
            threads: 1, prototypes: 2)
        let engine = LoadEngine(
            plan: plan(
                port: receiver.port,
                events: [
                    "candidate.invited", "candidate.enrolled", "candidate.in_progress", "candidate.completed",
                ]),
            options: options)
        let control = LoadControl()
        // Stopped once traffic flows (a loaded machine may take a while to start), with actors
        // still arriving.
        let stopper = Task {
            let deadline = ContinuousClock.now + .seconds(20)
            while receiver.requests.count < 40, ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(20))
            }
            try? await Task.sleep(for: .milliseconds(200))
            control.stop()
        }
        let report = try await engine.run(control: control)
        await stopper.value
        try await receiver.stop()
        let c = report.counters
        #expect(c.actorsStarted > 0)
        #expect(c.actorsCancelled > 0, "\(c)")
        #expect(c.actorsStarted == c.actorsCompleted + c.actorsFailed + c.actorsCancelled, "\(c)")
        let text = try LoadSummaryText.summary(report)
        #expect(
            text.contains(
                "\(c.actorsStarted) started: \(c.actorsCompleted) completed, \(c.actorsFailed) failed, \(c.actorsCancelled) cancelled"
            ), "\(text)")
        // Connect time per connection opened, time to first byte per answer: the first byte
        // comes after the receiver's 20 ms and never after the whole answer.
        let summary = try report.computeSummary()
        let connect = try #require(summary.connect)
        let firstByte = try #require(summary.firstByte)
        #expect(connect.count >= 4 && connect.count < 40, "\(connect)")
        #expect(firstByte.count == c.answered, "\(firstByte)")
        #expect(firstByte.p50 >= 19_000 && firstByte.p50 <= summary.uncorrected.p50, "\(firstByte)")
        #expect(text.contains("  first byte ") && text.contains("  connect    "), "\(text)")
        // Shards' connect and first-byte histograms add up when merged.
        var other = report
        other.shards = [Shard(index: 1, count: 2)]
        var first = report
        first.shards = [Shard(index: 0, count: 2)]
        let merged = try LoadReport.merge([first, other]).computeSummary()
        #expect(merged.connect?.count == 2 * connect.count && merged.firstByte?.count == 2 * firstByte.count)
        let json = try JSONParser().parse(Array(try report.jsonData()))
        #expect(json["summary"]?["firstByte"]?["p50_us"] != nil && json["connect"] != nil)
        let corrected = try #require(json["summary"]?["corrected"]?.objectValue)
        #expect(
            Set(corrected.keys) == ["count", "p50_us", "p90_us", "p99_us", "p99.9_us", "max_us", "mean_us"])
    }

    /// Each event's answers, failures and latency, an event sent at two steps counted once as
    /// one row; thresholds with an event prefix are judged on that event alone, also merged.
    @Test func eventsAreCountedAndJudgedOneByOne() async throws {
        let receiver = try await TestReceiver(status: 503)
        let options = LoadOptions(
            model: .closed(concurrency: 2), duration: nil, actors: 10, connections: 2, threads: 1,
            prototypes: 1)
        var report = try await LoadEngine(
            plan: plan(
                port: receiver.port,
                events: ["candidate.invited", "candidate.completed", "candidate.completed"]),
            options: options
        ).run()
        try await receiver.stop()
        let events = try #require(report.events)
        #expect(events.map(\.event) == ["candidate.invited", "candidate.completed"])
        #expect(events.map(\.answered) == [10, 20])
        #expect(events.map(\.succeeded) == [0, 0] && events.map(\.failed) == [0, 0])
        #expect(try events.map { try $0.latency.decode().totalCount } == [10, 20])
        #expect(
            try LoadSummaryText.summary(report).contains(
                "  event     candidate.completed: 20 answered (0 2xx), 0 without an answer; p50 "))

        let thresholds = try LoadReport.checked(
            [
                try Threshold(parsing: "candidate.invited:error_rate<1%"),
                try Threshold(parsing: "candidate.completed:max<1h"),
                try Threshold(parsing: "candidate.completed:p50<1h"),
            ], model: "closed", vendor: "testlify", events: report.configuration.events)
        try report.judge(thresholds)
        #expect(report.thresholds?.map(\.passed) == [false, true, true])
        #expect(report.thresholds?.first?.observed.contains("10 of 10") == true, "\(report.thresholds ?? [])")
        #expect(throws: LoadError.self) {
            try LoadReport.checked(
                [try Threshold(parsing: "candidate.enrolled:p99<1s")], model: "closed", vendor: "testlify",
                events: report.configuration.events)
        }
        // Two shards of it merged: the per-event figures add up and the verdicts hold.
        var first = report
        first.shards = [Shard(index: 0, count: 2)]
        var second = report
        second.shards = [Shard(index: 1, count: 2)]
        var merged = try LoadReport.merge([first, second])
        #expect(merged.events?.map(\.answered) == [20, 40])
        try merged.judge(thresholds)
        #expect(merged.thresholds?.map(\.passed) == [false, true, true])
    }

    @Test func anUnreachableTargetStopsTheRunEarly() async throws {
        let closed = try ClosedPort()
        defer { withExtendedLifetime(closed) {} }
        let port = closed.port
        let options = LoadOptions(
            model: .closed(concurrency: 4), duration: .seconds(60), connections: 2, threads: 1,
            prototypes: 1)
        let clock = ContinuousClock()
        let started = clock.now
        let report = try await LoadEngine(plan: plan(port: port), options: options).run()
        #expect(clock.now - started < .seconds(10))
        #expect(report.stoppedEarly?.contains("no connection to 127.0.0.1:\(port)") == true)
        #expect(!report.interrupted)
        #expect(report.counters.succeeded == 0)
        #expect(try LoadSummaryText.summary(report).contains("stopped early"))
    }

    /// Each status code keeps its count and the latency of its own answers, in the console, the
    /// JSON and a merge.
    @Test func latencyIsKeptPerStatusCode() async throws {
        // Enrolments are refused slowly (503 after 40 ms), invitations accepted at once.
        let receiver = try await TestReceiver { request, _ in
            String(decoding: request.body, as: UTF8.self).contains(#""event":"enrolled""#)
                ? (503, .milliseconds(40)) : (204, .zero)
        }
        let options = LoadOptions(
            model: .closed(concurrency: 2), duration: nil, actors: 10, connections: 2, threads: 1,
            prototypes: 1)
        let report = try await LoadEngine(
            plan: plan(port: receiver.port, events: ["candidate.invited", "candidate.enrolled"]),
            options: options
        ).run()
        try await receiver.stop()
        // Answers other than 2xx are errors counted by class, and by status code.
        #expect(report.counters.errors == ["5xx": 10])
        #expect(report.counters.succeeded == 10)
        #expect(report.counters.statuses == ["204": 10, "503": 10])
        var added = report.counters
        added.add(report.counters)
        #expect(added.statuses == ["204": 20, "503": 20])
        let statuses = try #require(report.statuses)
        #expect(statuses.map(\.status) == [204, 503])
        let ok = try statuses[0].latency.decode()
        let refused = try statuses[1].latency.decode()
        #expect(ok.totalCount == 10 && refused.totalCount == 10)
        #expect(refused.valueAtPercentile(50) >= 40_000)
        #expect(ok.valueAtPercentile(50) < refused.valueAtPercentile(50))
        let text = try LoadSummaryText.summary(report)
        #expect(text.contains("  status    204: 10 answered; p50 "), "\(text)")
        #expect(text.contains("  status    503: 10 answered; p50 "), "\(text)")
        // Through JSON and a merge of two shards: counts add, latencies stay with their code.
        var first = try JSONDecoder().decode(LoadReport.self, from: try report.jsonData())
        first.shards = [Shard(index: 0, count: 2)]
        var second = first
        second.shards = [Shard(index: 1, count: 2)]
        let merged = try LoadReport.merge([first, second])
        let mergedStatuses = try #require(merged.statuses)
        #expect(mergedStatuses.map(\.status) == [204, 503])
        #expect(try mergedStatuses[1].latency.decode().totalCount == 20)
        #expect(try mergedStatuses[1].latency.decode().valueAtPercentile(50) == refused.valueAtPercentile(50))
        // A report written before latencies were kept per status still merges, with counts only.
        var older = first
        older.statuses = nil
        #expect(try LoadReport.merge([older, second]).statuses == nil)
    }

    @Test func theReportNeverHoldsTheSecret() async throws {
        let receiver = try await TestReceiver()
        let options = LoadOptions(
            model: .closed(concurrency: 1), duration: nil, actors: 2, connections: 1, threads: 1,
            prototypes: 1)
        let report = try await LoadEngine(plan: plan(port: receiver.port), options: options).run()
        try await receiver.stop()
        let json = String(decoding: try report.jsonData(), as: UTF8.self)
        let html = try report.html()
        #expect(!json.contains("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        #expect(!html.contains("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        #expect(try LoadSummaryText.summary(report).contains("whsec") == false)
    }
}

/// The time of the receiver's first request.
final class FirstRequestClock: Sendable {
    private let box = NIOLockedValueBox<NIODeadline?>(nil)

    func startOrSet(_ now: NIODeadline) -> NIODeadline {
        box.withLockedValue { v in
            if let v { return v }
            v = now
            return now
        }
    }
}

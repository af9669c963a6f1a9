import Foundation
import ProctorCore
import ProctorDelivery
import ProctorJSON
import ProctorRunner
import ProctorScenario
import ProctorSchema
import ProctorSigning
import ProctorVendors
import Synchronization
import Testing

/// A consumer written the way careful integrators write one, run in-process as a transport:
/// it verifies signatures (timestamp within the tolerance both ways), rejects events dated after
/// their signature timestamp or their arrival, drops repeated message ids, and keeps per
/// candidate either the newer state (by the payload's own time) or, as a naive consumer does,
/// the last one delivered. `GET /candidates/ID` answers what it kept.
final class ModelConsumer: Sendable {
    enum Policy { case newerStateWins, lastWriteWins }

    struct Candidate: Sendable {
        var status: String?
        var statusAt: Int64?
    }

    struct Memory: Sendable {
        var seen: Set<String> = []
        var candidates: [String: Candidate] = [:]
        /// Events dated after they were signed or received, as `event: field time > limit`.
        var datedAhead: [String] = []
        /// Bodies of accepted events, in arrival order.
        var bodies: [[UInt8]] = []
        /// Accepted events whose body fails Proctor's own schema for the event.
        var offSchema: [String] = []
    }

    let policy: Policy
    /// The payload version the scenario sends (its schemas are under `Schemas/VENDOR/VERSION/`);
    /// nil: the vendor's default.
    let version: String?
    let verifier = WebhookVerifier(secrets: [WebhookSecret(SecretRule.exampleSecret)])
    let memory = Mutex(Memory())

    init(policy: Policy, version: String? = nil) {
        self.policy = policy
        self.version = version
    }

    var transport: ClosureTransport {
        ClosureTransport { request in
            let started = SystemClock().nowMilliseconds()
            return Exchange(
                request: request, startedAtMilliseconds: started, duration: .zero,
                outcome: self.answer(request, now: started))
        }
    }

    func answer(_ request: OutgoingRequest, now: Int64) -> Result<ResponseSummary, TransportFailure> {
        if case .truncated = request.mode {
            return .failure(TransportFailure(.connectionReset, "connection closed by the consumer"))
        }
        let path = (try? TargetURL(parsing: request.url))?.path ?? request.url
        if request.method == "GET" {
            let id = String(path.split(separator: "/").last ?? "")
            guard let candidate = memory.withLock({ $0.candidates[id] }) else {
                return .success(ResponseSummary(status: 404))
            }
            let body: JSONValue = .object(
                JSONObject([("id", .string(id)), ("status", candidate.status.map(JSONValue.string) ?? .null)])
            )
            return .success(ResponseSummary(status: 200, body: body.serializedBytes(style: .compact)))
        }
        let vendor = String(path.split(separator: "/").last ?? "")
        guard let profile = VendorCatalog.standard.profile(for: vendor) else {
            return .success(ResponseSummary(status: 404))
        }
        let verification = verifier.verify(
            headers: request.headers, body: request.body, nowSeconds: now / 1000)
        switch verification.verdict {
        case .valid: break
        case .unsigned where profile.signing == .none: break
        case .unsigned, .invalid: return .success(ResponseSummary(status: 401))
        }
        guard let payload = try? JSONValue(parsing: request.body) else {
            return .success(ResponseSummary(status: 400))
        }
        let signedAt = ["svix-timestamp", "webhook-timestamp"].lazy.compactMap { request.headers[$0] }.first
            .flatMap { Int64($0) }.map { $0 * 1000 }
        let facts = profile.inspect(payload)
        let offSchema = Self.schemaErrors(vendor: vendor, version: version, body: payload)
        let ahead = Self.timesAfter(min(signedAt ?? now, now), in: payload).map { "\(facts.event): \($0)" }
        let messageId =
            ["svix-id", "webhook-id"].lazy.compactMap { request.headers[$0] }.first
            ?? BodyDigest.sha256Hex(request.body)
        func ack(_ status: String) -> Result<ResponseSummary, TransportFailure> {
            let body: JSONValue = .object(
                JSONObject([("status", .string(status)), ("id", .string(messageId))]))
            return .success(
                ResponseSummary(
                    status: 200, headers: HeaderFields([HTTPHeader("Content-Type", "application/json")]),
                    body: body.serializedBytes(style: .compact)))
        }
        return memory.withLock { memory in
            memory.datedAhead += ahead
            guard ahead.isEmpty else { return .success(ResponseSummary(status: 400)) }
            guard memory.seen.insert(messageId).inserted else {
                return .success(ResponseSummary(status: 200))
            }
            memory.bodies.append(request.body)
            memory.offSchema += offSchema
            if let id = facts.candidateId {
                var candidate = memory.candidates[id] ?? Candidate()
                let older =
                    policy == .newerStateWins
                    && (facts.occurredAtMilliseconds.map { t in candidate.statusAt.map { t < $0 } ?? false }
                        ?? false)
                if !older {
                    candidate.status = facts.status ?? candidate.status
                    candidate.statusAt = facts.occurredAtMilliseconds ?? candidate.statusAt
                }
                memory.candidates[id] = candidate
                if let email = facts.candidateEmail { memory.candidates[email] = candidate }
            }
            return ack("accepted")
        }
    }

    /// The event's schema in `Schemas/`, compiled once per file.
    static let schemas = Mutex<[String: JSONSchema]>([:])

    /// Why `body` fails the schema of its event, found by matching the body against each of the
    /// vendor's schemas: none matching is an error, naming the closest.
    static func schemaErrors(vendor: String, version: String?, body: JSONValue) -> [String] {
        let isDefault = version == nil || version == VendorCatalog.standard.versionNames(vendor: vendor).first
        let folder = RunPipelineTests.root + "/Schemas/" + vendor + (isDefault ? "" : "/" + (version ?? ""))
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter {
            $0.hasSuffix(".schema.json")
        }
        var closest: (name: String, errors: [String])?
        for name in names.sorted() {
            let schema: JSONSchema? = schemas.withLock { cache in
                if let known = cache[folder + name] { return known }
                let compiled = try? JSONSchema(contentsOfFile: folder + "/" + name)
                cache[folder + name] = compiled
                return compiled
            }
            guard let schema else { return ["\(name) does not compile"] }
            let result = schema.validate(body)
            if result.isValid { return [] }
            let errors = result.errors.map(\.description)
            if closest == nil || errors.count < (closest?.errors.count ?? 0) { closest = (name, errors) }
        }
        return closest.map {
            ["no \(vendor) schema accepts the body; closest \($0.name): \($0.errors.prefix(3))"]
        } ?? []
    }

    /// Every time in the payload (ISO 8601 strings, epoch milliseconds under `timestamp`) later
    /// than `limit`, as `path time`.
    static func timesAfter(_ limit: Int64, in value: JSONValue, path: String = "") -> [String] {
        switch value {
        case .object(let object):
            return object.flatMap { key, child -> [String] in
                let childPath = path + "." + key
                if key == "timestamp", let ms = child.intValue, Int64(ms) > limit {
                    return ["\(childPath) \(ms) > \(limit)"]
                }
                return timesAfter(limit, in: child, path: childPath)
            }
        case .array(let items):
            return items.enumerated().flatMap { timesAfter(limit, in: $1, path: path + "[\($0)]") }
        case .string(let text):
            guard let ms = FakeData.milliseconds(fromISOTimestamp: text), ms > limit else { return [] }
            return ["\(path) \(text) > \(FakeData.isoTimestamp(milliseconds: limit))"]
        default:
            return []
        }
    }
}

@Suite struct TimelineTests {
    static var shippedScenarios: [String] { RunPipelineTests.shippedScenarios }

    func load(_ path: String) throws -> Scenario {
        let loaded = ScenarioLoader(vocabulary: VendorCatalog.standard).load(path: path)
        #expect(!loaded.diagnostics.hasErrors, "\(loaded.diagnostics)")
        return try #require(loaded.scenario)
    }

    func load(yaml: String) throws -> Scenario {
        let loaded = ScenarioLoader(vocabulary: VendorCatalog.standard).load(yaml: yaml, path: "story.yaml")
        #expect(!loaded.diagnostics.hasErrors, "\(loaded.diagnostics)")
        return try #require(loaded.scenario)
    }

    func run(
        _ scenario: Scenario, against consumer: ModelConsumer,
        settings: RunSettings = RunSettings(timeScale: 0.001)
    )
        async -> ScenarioResult
    {
        let runner = ScenarioRunner(
            engine: DeliveryEngine(
                transport: consumer.transport, options: EngineOptions(timeScale: settings.timeScale)),
            settings: settings)
        return await runner.run(scenario, target: "http://127.0.0.1:9/webhooks/\(scenario.vendor.value)")
    }

    static func failures(_ result: ScenarioResult) -> [String] {
        result.steps.compactMap { step in
            switch step.verdict {
            case .passed: return nil
            default: return "\(step.name): \(step.verdict)"
            }
        }
    }

    @Test func theStoryEndsWhenDeliveryCanFirstSendIt() {
        // 2 h of story at --time-scale 0.001 is 7.2 s of waiting: the story starts 2 h - 7 s early.
        let start: Int64 = 1_796_032_800_456
        let compressed = StoryTimeline(
            start: start,
            events: [
                .init(storyMilliseconds: 0, waitMilliseconds: 0),
                .init(storyMilliseconds: 7_200_000, waitMilliseconds: 7_200),
            ])
        #expect(compressed.startMilliseconds == 1_796_032_800_000)
        #expect(compressed.anchorMilliseconds == 1_796_032_800_000 - 7_200_000 + 7_000)
        #expect(compressed.time(7_200_000) <= compressed.startMilliseconds + 7_000)
        // In real time the waits keep pace with the story: only the seeded gaps lead.
        let real = StoryTimeline(
            start: start,
            events: [
                .init(storyMilliseconds: 0, waitMilliseconds: 0),
                .init(storyMilliseconds: 61_500, waitMilliseconds: 60_000),
            ])
        #expect(real.anchorMilliseconds == 1_796_032_800_000 - 1_500)
        // Slow motion never starts the story after delivery.
        let slow = StoryTimeline(
            start: start, events: [.init(storyMilliseconds: 1_000, waitMilliseconds: 2_000)])
        #expect(slow.anchorMilliseconds == 1_796_032_800_000)
        #expect(StoryTimeline.wholeSeconds(-1) == -1000)
    }

    @Test func isoTimestampsParse() {
        #expect(FakeData.milliseconds(fromISOTimestamp: "2026-05-11T09:17:06.216Z") == 1_778_491_026_216)
        #expect(FakeData.milliseconds(fromISOTimestamp: "2023-11-05T10:30:00Z") == 1_699_180_200_000)
        #expect(FakeData.milliseconds(fromISOTimestamp: "2023-11-05T16:00:00+05:30") == 1_699_180_200_000)
        #expect(FakeData.milliseconds(fromISOTimestamp: "2023-11-05T10:30:00.5Z") == 1_699_180_200_500)
        for bad in ["2023-11-05", "2023-11-05T10:30:00", "2023-13-05T10:30:00Z", "2023-11-05T10:30:00Zx", ""]
        {
            #expect(FakeData.milliseconds(fromISOTimestamp: bad) == nil, "\(bad)")
        }
        for ms: Int64 in [0, 1_699_180_200_000, 1_796_032_800_999, 951_782_400_000] {
            #expect(FakeData.milliseconds(fromISOTimestamp: FakeData.isoTimestamp(milliseconds: ms)) == ms)
        }
    }

    /// Every shipped scenario passes against a strict consumer: no payload time after its
    /// signature timestamp or arrival, signature timestamps fresh both ways, duplicates dropped,
    /// the newer state kept.
    @Test(arguments: shippedScenarios)
    func shippedScenarioPassesAgainstAStrictConsumer(path: String) async throws {
        var scenario = try load(path)
        // The run budget is wall-clock time, which a busy test machine can spend before the
        // first actor starts; it is tested on its own.
        scenario.timeout = nil
        let consumer = ModelConsumer(policy: .newerStateWins, version: scenario.version?.value)
        let result = await run(scenario, against: consumer)
        #expect(Self.failures(result).isEmpty, "\(Self.failures(result))")
        #expect(consumer.memory.withLock { $0.datedAhead }.isEmpty)
        #expect(!consumer.memory.withLock { $0.bodies }.isEmpty)
        // What the scenario sends (its `with:` included) is still a payload the vendor could send.
        #expect(consumer.memory.withLock { $0.offSchema }.isEmpty)
    }

    /// The reordered pair arrives newest first: a consumer that keeps the newer state passes, one
    /// that keeps the last write is caught by the probe.
    @Test func reorderCatchesALastWriteConsumer() async throws {
        let scenario = try load(RunPipelineTests.root + "/Scenarios/edge-duplicates-signatures-reorder.yaml")
        let careful = await run(scenario, against: ModelConsumer(policy: .newerStateWins))
        #expect(Self.failures(careful).isEmpty, "\(Self.failures(careful))")
        let naive = await run(scenario, against: ModelConsumer(policy: .lastWriteWins))
        let failed = Self.failures(naive)
        #expect(failed.count == 1)
        #expect(failed.first?.hasPrefix("probe GET") == true)
        #expect(failed.first?.contains("COMPLETED") == true)
        // Delivered in swapped order, generated in lifecycle order.
        let sent = naive.steps.filter { $0.fault == "reorder" || $0.fault == "webhook-headers" }
        #expect(sent.map(\.event) == ["candidate.in_progress", "candidate.completed"])
    }

    /// `faults: { reorder: N% }` reorders as `fault: reorder` does: a drawn reorder swaps the
    /// delivery with the next send, which the last-write consumer gets wrong.
    @Test func aDrawnReorderSwapsTheDelivery() async throws {
        let scenario = try load(
            yaml: """
                scenario: drawn reorder
                vendor: testlify
                faults: { reorder: 100% }
                steps:
                  - send: candidate.invited
                    id: invite
                  - send: candidate.enrolled
                  - send: candidate.in_progress
                  - send: candidate.completed
                  - probe: GET /candidates/{{steps.invite.payload.data.candidateId}}
                    expect:
                      status: 200
                      body: { properties: { status: { const: COMPLETED } } }
                """)
        let consumer = ModelConsumer(policy: .newerStateWins)
        let careful = await run(scenario, against: consumer)
        #expect(Self.failures(careful).isEmpty, "\(Self.failures(careful))")
        // Each drawn reorder trades with the next send; a moved send is not moved again.
        let arrivals = try Self.arrivals(consumer)
        #expect(
            arrivals == [
                "enrolled", "invited", "completed", "in_progress",
            ])
        #expect(careful.steps.map(\.fault) == ["reorder", nil, "reorder", nil, nil])
        let naive = await run(scenario, against: ModelConsumer(policy: .lastWriteWins))
        #expect(Self.failures(naive).count == 1)
    }

    /// A drawn reorder is not applied where the next step reads the step, nor to an actor's last
    /// send: nothing is labelled `reorder` that was not delivered out of order.
    @Test func aDrawnReorderOnlyWhereItCanApply() async throws {
        let scenario = try load(
            yaml: """
                scenario: drawn reorder, held
                vendor: testlify
                faults: { reorder: 100% }
                steps:
                  - send: candidate.invited
                    id: invite
                  - send: candidate.enrolled
                    with: { data.note: "{{steps.invite.response.status}}" }
                  - send: candidate.completed
                """)
        let consumer = ModelConsumer(policy: .newerStateWins)
        let result = await run(scenario, against: consumer)
        #expect(Self.failures(result).isEmpty, "\(Self.failures(result))")
        let arrivals = try Self.arrivals(consumer)
        #expect(arrivals == ["invited", "completed", "enrolled"])
        #expect(result.steps.map(\.fault) == [nil, "reorder", nil])
    }

    /// The Testlify events `consumer` accepted (the body's `event`), in arrival order.
    static func arrivals(_ consumer: ModelConsumer) throws -> [String?] {
        try consumer.memory.withLock { $0.bodies }.map { try JSONValue(parsing: $0)["event"]?.stringValue }
    }

    static let story = """
        scenario: story
        vendor: qualified
        seed: 5
        actors: { ann: {}, bo: {} }
        steps:
          - send: assessment_result_started
          - send: assessment_result_submitted
            after: 2h
          - send: assessment_result_review_submitted
            after: 30m
        """

    /// Hours of `after:` at --time-scale 0.001: every payload time is at or before its
    /// signature timestamp, times move forward per actor, a completion follows its start.
    @Test func compressedWaitsNeverDatePayloadsAhead() async throws {
        let scenario = try load(yaml: Self.story)
        let consumer = ModelConsumer(policy: .newerStateWins)
        let before = SystemClock().nowMilliseconds()
        let result = await run(scenario, against: consumer, settings: RunSettings(timeScale: 0.0001))
        #expect(Self.failures(result).isEmpty, "\(Self.failures(result))")
        #expect(consumer.memory.withLock { $0.datedAhead }.isEmpty)
        let bodies = try consumer.memory.withLock { $0.bodies }.map { try JSONValue(parsing: $0) }
        #expect(bodies.count == 6)
        let results = bodies.filter { $0["event"]?.stringValue == "assessment_result_submitted" }
        #expect(results.count == 2)
        for submitted in results {
            let started = try #require(
                submitted["data"]?["started_at"]?.stringValue.flatMap(
                    FakeData.milliseconds(fromISOTimestamp:)))
            let done = try #require(
                submitted["data"]?["submitted_at"]?.stringValue.flatMap(
                    FakeData.milliseconds(fromISOTimestamp:)))
            #expect(done - started >= 7_200_000, "the story keeps its 2 h")
            #expect(done <= SystemClock().nowMilliseconds())
            #expect(started >= before - 3 * 3_600_000)
        }
    }

    /// `--time` pins the story: two runs give byte-identical bodies, with fresh message ids.
    @Test func pinnedTimeGivesTheSameBodies() async throws {
        let scenario = try load(yaml: Self.story)
        let pinned = RunSettings(timeScale: 0.0001, time: 1_796_032_800_000)
        let first = ModelConsumer(policy: .newerStateWins)
        let second = ModelConsumer(policy: .newerStateWins)
        _ = await run(scenario, against: first, settings: pinned)
        _ = await run(scenario, against: second, settings: pinned)
        let a = first.memory.withLock { $0.bodies }
        let b = second.memory.withLock { $0.bodies }
        #expect(a.count == 6)
        #expect(Set(a) == Set(b))
        // Unpinned, the times move with the clock but the ids do not.
        let third = ModelConsumer(policy: .newerStateWins)
        _ = await run(scenario, against: third, settings: RunSettings(timeScale: 0.0001))
        let ids = { (bodies: [[UInt8]]) in
            Set(bodies.compactMap { try? JSONValue(parsing: $0)["data"]?["id"]?.stringValue })
        }
        #expect(ids(a) == ids(third.memory.withLock { $0.bodies }))
        #expect(ids(a).count >= 2)
    }

    @Test func aRunSendsFreshMessageIds() async throws {
        let scenario = try load(
            yaml: """
                scenario: ids
                vendor: testlify
                seed: 5
                actors: { ann: {}, bo: {} }
                steps:
                  - send: candidate.invited
                  - send: candidate.enrolled
                  - send: candidate.completed
                    after: 10m
                """)
        let consumer = ModelConsumer(policy: .newerStateWins)
        let first = await run(scenario, against: consumer)
        let second = await run(scenario, against: consumer)
        // The same consumer takes the second run as new traffic, not duplicates.
        #expect(consumer.memory.withLock { $0.bodies }.count == 12)
        let idsOf = { (result: ScenarioResult) in
            Set(
                result.steps.flatMap {
                    $0.sends.compactMap { $0.result.lastExchange?.request.headers["svix-id"] }
                })
        }
        #expect(idsOf(first).isDisjoint(with: idsOf(second)))
    }
}

import Foundation
import ProctorCore
import ProctorDelivery
import ProctorJSON
import ProctorRunner
import ProctorScenario
import ProctorVendors
import Synchronization
import Testing

/// `mirror:` (Testlify's migration period): each send also reaches the partner's endpoint, as the
/// partner's payload of the same event for the same candidate at the same moment.
@Suite struct MirrorTests {
    struct Received: Sendable {
        var path: String
        var body: JSONValue
    }

    /// Runs `yaml`, answering v1 requests with `v1Status` and everything else with 200.
    static func run(_ yaml: String, v1Status: Int = 200) async throws -> (ScenarioResult, [Received]) {
        let loaded = ScenarioLoader(vocabulary: VendorCatalog.standard).load(yaml: yaml, path: "mirror.yaml")
        #expect(!loaded.diagnostics.hasErrors, "\(loaded.diagnostics)")
        let scenario = try #require(loaded.scenario)
        let received = Mutex<[Received]>([])
        let transport = ClosureTransport.responding { request in
            let path = (try? TargetURL(parsing: request.url))?.path ?? request.url
            if let body = try? JSONValue(parsing: request.body) {
                received.withLock { $0.append(Received(path: path, body: body)) }
            }
            return .success(ResponseSummary(status: path.hasSuffix("/testlify-v1") ? v1Status : 200))
        }
        let runner = ScenarioRunner(
            engine: DeliveryEngine(transport: transport, options: EngineOptions(timeScale: 0.001)),
            settings: RunSettings(timeScale: 0.001))
        let result = await runner.run(
            scenario, target: "http://127.0.0.1:9/webhooks/testlify",
            mirrorTarget: "http://127.0.0.1:9/webhooks/testlify-v1")
        return (result, received.withLock { $0 })
    }

    static let story = """
        scenario: migration
        vendor: testlify
        mirror: testlify-v1
        seed: 11
        actors: { noor: {}, sam: {} }
        steps:
          - send: candidate.invited
          - send: candidate.enrolled
          - send: candidate.completed
          - send: candidate.rejected
        """

    @Test func eachEventReachesBothEndpointsWithTheSameCandidate() async throws {
        let (result, received) = try await Self.run(Self.story)
        #expect(result.steps.allSatisfy { $0.verdict == .passed }, "\(result.steps.map(\.verdict))")
        let v2 = received.filter { $0.path == "/webhooks/testlify" }
        let v1 = received.filter { $0.path == "/webhooks/testlify-v1" }
        // candidate.rejected is v2 only: v1 never had it.
        #expect(v2.count == 8)
        #expect(v1.count == 6)
        // Same candidate ids in both shapes, per actor.
        let v2Ids = Set(v2.compactMap { $0.body["data"]?["candidateId"]?.stringValue })
        #expect(v2Ids.count == 2)
        let v1Text = v1.map { $0.body.serialized() }.joined()
        for id in v2Ids { #expect(v1Text.contains(id), "v1 payloads do not carry candidate \(id)") }
        let emails = Set(v2.compactMap { $0.body["data"]?["candidate"]?["email"]?.stringValue })
        #expect(emails.count == 2)
        for email in emails { #expect(v1Text.contains(email), "v1 payloads do not carry \(email)") }
        let sends = try #require(result.steps.first?.sends)
        #expect(sends.map(\.label) == ["original", "testlify-v1"])
        #expect(sends.map(\.isMirror) == [false, true])
        #expect(result.steps.last?.sends.count == 1)
    }

    @Test func aMirrorThatRefusesFailsTheStep() async throws {
        let (result, _) = try await Self.run(Self.story, v1Status: 500)
        let first = try #require(result.steps.first)
        guard case .failed(let failures) = first.verdict else {
            Issue.record("expected a failure, got \(first.verdict)")
            return
        }
        #expect(failures.first?.hasPrefix("testlify-v1: ") == true, "\(failures)")
        #expect(first.lastStatus == 200)
        // A step v1 never receives still passes.
        #expect(result.steps.last?.verdict == .passed)
    }
}

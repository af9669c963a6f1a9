import Foundation
import ProctorCore
import ProctorDelivery
import ProctorReceiver
import ProctorRunner
import ProctorSigning
import ProctorVendors
import Testing

/// The engine against the reference receiver on 127.0.0.1: the whole send path, end to end.
@Suite(.serialized) struct EngineLoopbackTests {
    static let signer = try? Signer(
        scheme: .standardWebhooks(.svix), secrets: [WebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")])

    func step(
        _ event: String, index: Int, base: String, fault: FaultKind? = nil, expect: String = "2xx",
        id: String? = nil
    ) throws -> PreparedDelivery {
        let signer = try #require(Self.signer)
        let body =
            #"{"data":{"candidateId":"c-jane","status":{"candidateStatus":"\#(event.uppercased())"}},"event":"\#(event)","type":"candidate"}"#
        let request = PreparedRequest(
            vendor: "testlify", event: "candidate.\(event)", url: base + "/webhooks/testlify",
            body: Array(body.utf8),
            messageId: id ?? "msg_\(index)", signers: [signer], timeout: .seconds(5),
            retryPolicy: VendorCatalog.standard.profile(for: "testlify")?.retryPolicy
        )
        return PreparedDelivery(
            name: "send candidate.\(event)", actor: "jane", index: index, request: request, fault: fault,
            check: ExchangeChecks.statusAndLatency(Expectation(status: StatusPattern(expect)))
        )
    }

    func probe(_ path: String, index: Int, base: String, expectBody: String) -> PreparedDelivery {
        let request = PreparedRequest(
            vendor: "testlify", event: "probe", method: "GET", url: base + path, headers: [], body: [],
            messageId: "probe",
            timeout: .seconds(5))
        return PreparedDelivery(name: "probe GET \(path)", actor: "jane", index: index, request: request) {
            exchange in
            guard let response = exchange.response else {
                return ["expected a response, got \(String(describing: exchange.failure))"]
            }
            return response.bodyText.contains(expectBody)
                ? [] : ["expected body containing \(expectBody), got \(response.bodyText)"]
        }
    }

    @Test func lifecycleWithFaultsAndAProbe() async throws {
        let receiver = try await ReferenceReceiver().start()
        let base = receiver.baseURL
        let deliveries = [
            try step("invited", index: 0, base: base),
            try step("completed", index: 1, base: base, fault: .duplicate),
            try step(
                "completed", index: 2, base: base, fault: .badSignature, expect: "401", id: "msg_forged"),
            try step("completed", index: 3, base: base, fault: .rotatedSecret, id: "msg_rotated"),
            probe("/candidates/c-jane", index: 4, base: base, expectBody: #""status":"COMPLETED""#),
        ]
        let result = try await withHTTPTransport { transport in
            await DeliveryEngine(transport: transport).run(
                scenario: "lifecycle", vendor: "testlify", actors: [("jane", deliveries)])
        }
        let events = await receiver.state.events
        await receiver.stop()
        #expect(result.counts.passed == 5, "\(result.steps.map(\.verdict))")
        #expect(events.map(\.status) == [200, 200, 200, 401, 200])
        #expect(events.map(\.duplicate) == [false, false, true, false, false])
    }

    @Test func vendorRetriesOnTheScaledSchedule() async throws {
        let receiver = try await ReferenceReceiver(
            configuration: ReceiverConfiguration(chaos: ChaosSettings(failFirst: 3))
        ).start()
        let deliveries = [try step("completed", index: 0, base: receiver.baseURL, fault: .vendorRetries)]
        let result = try await withHTTPTransport { transport in
            await DeliveryEngine(transport: transport, options: EngineOptions(timeScale: 0.001))
                .run(scenario: "retries", vendor: "testlify", actors: [("jane", deliveries)])
        }
        await receiver.stop()
        let step = try #require(result.steps.first)
        #expect(step.verdict == .passed)
        #expect(step.attemptCount == 4)
        #expect(step.deliverySummary == "vendor-retries: delivered in 4 attempts")
        let waits = step.sends.first?.result.attempts.map(\.waitedBefore)
        #expect(waits == [.zero, .milliseconds(5), .milliseconds(300), .milliseconds(1800)])
        // The step's time is all its attempts and the waits between them, and the line says so.
        #expect(step.duration >= .milliseconds(2105))
        let line = ConsoleReporter(useColor: false).line(for: step)
        #expect(line.contains("4 attempts in \(DurationText.format(step.duration))"), "\(line)")
        let junit = JUnitReport.render(RunResult(startedAtMilliseconds: 0, scenarios: [result]))
        #expect(junit.contains(#"tests="1" failures="0""#))
    }
}

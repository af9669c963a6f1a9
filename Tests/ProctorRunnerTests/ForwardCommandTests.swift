import Foundation
import ProctorCore
import ProctorJSON
import ProctorReceiver
import ProctorSigning
import Testing

/// `proctor serve --forward-to` through the built executable: a delivery `proctor send` makes
/// reaches a consumer re-signed with its local secret, the vendor gets the consumer's answer and
/// the tail shows it; a consumer that is down is answered for; bad flags are one message, exit 2.
@Suite(.serialized) struct ForwardCommandTests {
    static let localSecret = "whsec_bG9jYWwtY29uc3VtZXItc2VjcmV0LTEyMzQ1Ng=="

    @Test func aDeliveryReachesTheConsumerResigned() async throws {
        let consumer = try await ReferenceReceiver(
            configuration: ReceiverConfiguration(secrets: [WebhookSecret(Self.localSecret)])
        ).start()
        let url = consumer.url(vendor: "testlify")
        let server = try await CaptureCommandTests.Server([
            "--forward-to", url, "--resign", Self.localSecret, "--format", "json",
        ])
        let send = try await ServeAgreementTests.shell(
            "proctor send testlify candidate.invited --target \(server.baseURL)/webhooks/testlify --message-id msg_cli"
        )
        #expect(send.status == 0, "\(send.out)\(send.err)")
        let line = try #require(try await server.requestLines(1).first)
        let object = try JSONParser().parse(line)
        #expect(object["status"] == 200 && object["answer"]?["status"] == "accepted")
        #expect(object["forward"]?["status"] == 200 && object["forward"]?["resigned"] == true)
        #expect(object["forward"]?["url"]?.stringValue == url)
        #expect(
            server.err.all.contains("proctor serve: forwarding to \(url), re-signed"), "\(server.err.all)")
        let events = await consumer.state.events(after: 0, limit: 10).items
        #expect(events.map(\.messageId) == ["msg_cli"])
        #expect(events.first?.verified == true)
        #expect(!(server.out.all + server.err.all).joined().contains(String(Self.localSecret.dropFirst(6))))
        await consumer.stop()
    }

    @Test func aConsumerThatIsDownIsAnsweredFor() async throws {
        // A port nothing listens on any more.
        let gone = try await ReferenceReceiver().start()
        await gone.stop()
        let url = gone.url(vendor: "testlify")
        let consumerAnswers = try await CaptureCommandTests.Server(["--forward-to", url])
        let failed = try await ServeAgreementTests.shell(
            "proctor send testlify candidate.invited --target \(consumerAnswers.baseURL)/webhooks/testlify --message-id msg_down"
        )
        #expect(failed.status != 0)
        let text = try #require(try await consumerAnswers.requestLines(1).first)
        #expect(text.contains("  msg_down  signature valid  502 unavailable  → unreachable: "), "\(text)")

        let receiverAnswers = try await CaptureCommandTests.Server([
            "--forward-to", url, "--answer", "receiver",
        ])
        let sent = try await ServeAgreementTests.shell(
            "proctor send testlify candidate.invited --target \(receiverAnswers.baseURL)/webhooks/testlify --message-id msg_own"
        )
        #expect(sent.status == 0, "\(sent.out)\(sent.err)")
        let own = try #require(try await receiverAnswers.requestLines(1).first)
        #expect(own.contains("  msg_own  signature valid  200 accepted  → unreachable: "), "\(own)")
    }

    @Test(arguments: [
        (["--forward-to", "ftp://x"], "error: --forward-to ftp://x: expected an http:// or https:// URL"),
        (["--forward-to", "http://127.0.0.1:1", "--resign", "not-a-secret"], "error: --resign: "),
        (["--resign", ForwardCommandTests.localSecret], "error: --resign is for --forward-to URL"),
        (["--answer", "receiver"], "error: --answer is for --forward-to URL"),
        (
            ["--forward-to", "http://127.0.0.1:1", "--forward-timeout", "0s"],
            "error: The value '0s' is invalid for '--forward-timeout <forward-timeout>': --forward-timeout: expected a duration more than zero"
        ),
        (["--answer", "vendor"], "error: The value 'vendor' is invalid for '--answer <answer>'"),
        (
            ["--port", "8999", "--forward-to", "http://localhost:8999/hooks"],
            "error: --forward-to http://localhost:8999/hooks: this serve's own address; relaying to it would loop"
        ),
    ])
    func badForwardFlags(arguments: [String], message: String) async throws {
        let path = try #require(TestProcesses.executable)
        let result = try await TestProcesses.run(
            path, ["serve", "--port", "0"] + arguments, environment: ServeAgreementTests.cleanEnvironment)
        #expect(result.status == 2)
        #expect(result.err.hasPrefix(message), "\(result.err)")
        #expect(!result.err.contains(ForwardCommandTests.localSecret))
    }
}

import Foundation
import ProctorCore
import ProctorDelivery
import ProctorJSON
import ProctorSigning
import Synchronization
import Testing

@testable import ProctorReceiver

/// `serve --forward-to`, in process: a receiver relays what it checked to a second receiver (the
/// consumer) byte for byte, re-signed on request; the vendor gets the consumer's answer, or a
/// 502/504 in time when the consumer is down or slow; the capture and the tail hold the outcome.
@Suite(.serialized) struct ForwardTests {
    static let vendorSecret = WebhookSecret(SecretRule.exampleSecret)
    static let localSecret = WebhookSecret("whsec_bG9jYWwtY29uc3VtZXItc2VjcmV0LTEyMzQ1Ng==")

    /// Sees every request a receiver answers; holds it up for `delay` first (a slow consumer).
    actor Observed: ReceiverObserver {
        var records: [CaptureRecord] = []
        var delay: Duration = .zero

        func setDelay(_ delay: Duration) { self.delay = delay }

        func observe(_ record: CaptureRecord) async throws(CaptureError) -> CaptureRecord {
            records.append(record)
            if delay > .zero { try? await Task.sleep(for: delay) }
            return record
        }
    }

    /// Lines a ``LiveTail`` wrote.
    final class Lines: Sendable {
        private let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    /// A consumer receiver with `secrets`, its requests seen by the returned observer.
    static func consumer(
        secrets: [WebhookSecret] = [vendorSecret], chaos: ChaosSettings = ChaosSettings(),
        hmac: [String: BodyHMACCheck] = [:]
    ) async throws -> (ReferenceReceiver.Running, Observed) {
        let observed = Observed()
        let configuration = ReceiverConfiguration(secrets: secrets, hmacChecks: hmac, chaos: chaos)
        let running = try await ReferenceReceiver(configuration: configuration, observers: [observed]).start()
        return (running, observed)
    }

    /// A receiver forwarding to `url` with `transport`, its requests seen by `observers`.
    static func forwarder(
        to url: String, transport: any Transport, resign: WebhookSecret? = nil,
        timeout: Duration = .seconds(5),
        answer: ForwardAnswer = .consumer, observers: [any ReceiverObserver] = [], acceptAll: Bool = false,
        hmac: [String: BodyHMACCheck] = [:]
    ) async throws -> ReferenceReceiver.Running {
        var configuration = ReceiverConfiguration(secrets: [vendorSecret], hmacChecks: hmac)
        configuration.acceptAll = acceptAll
        configuration.forward = try ForwardSettings(
            url: url,
            resigning: try resign.map { secret throws in try ForwardSettings.Resigning(secret: secret) },
            timeout: timeout, answer: answer, transport: transport)
        return try await ReferenceReceiver(configuration: configuration, observers: observers).start()
    }

    static let body = Array(
        #"{"data":{"candidateId":"c1","status":{"candidateStatus":"INVITED"}},"event":"invited","type":"candidate","note":"é ü"}"#
            .utf8)

    /// A Testlify delivery signed with the vendor's secret, as a scenario sends it.
    static func send(
        _ url: String, id: String, transport: HTTPTransport, extra: HeaderFields = []
    ) async throws -> Exchange {
        var headers: HeaderFields = [
            ("Content-Type", "application/json"), ("User-Agent", "Svix-Webhooks/1.0"),
        ]
        for field in extra { headers.add(field.name, field.value) }
        let signer = try Signer(scheme: .standardWebhooks(.svix), secrets: [vendorSecret])
        let sensitive = Signer.sign(
            [signer], into: &headers, messageId: id, timestampSeconds: SystemClock().nowMilliseconds() / 1000,
            body: body)
        return await transport.send(
            OutgoingRequest(
                url: url, headers: headers, body: body, timeout: .seconds(20), sensitive: sensitive))
    }

    /// A text field of the JSON the exchange was answered with.
    static func answerField(_ exchange: Exchange, _ key: String) -> String? {
        exchange.response.flatMap { try? JSONParser().parse($0.body)[key]?.stringValue }
    }

    static func relayed(_ headers: HeaderFields) -> [HTTPHeader] {
        // Written out here rather than read from the implementation.
        let connection: Set<String> = [
            "host", "content-length", "connection", "transfer-encoding", "keep-alive", "te", "upgrade",
        ]
        return headers.filter { field in
            let name = field.name.lowercased()
            return !connection.contains(name) && !name.hasPrefix("proxy-")
        }
    }

    @Test func relaysTheRequestAsReceivedAndAnswersWithTheConsumers() async throws {
        try await withHTTPTransport { transport in
            // The consumer answers 418 (a forced status), so its answer is told from the receiver's.
            let (consumer, downstream) = try await Self.consumer(
                chaos: ChaosSettings(statusSequence: [418, 418]))
            let upstream = Observed()
            let forwarder = try await Self.forwarder(
                to: consumer.url(vendor: "testlify"), transport: transport, observers: [upstream])
            let exchange = try await Self.send(
                forwarder.url(vendor: "testlify"), id: "msg_relay", transport: transport,
                extra: [("X-Trace", "a"), ("x-trace", "b"), ("Proxy-Authorization", "Basic eDp5")])
            let response = try #require(exchange.response, "\(exchange.outcome)")
            #expect(response.status == 418)
            #expect(
                try JSONParser().parse(response.body)
                    == .object(JSONObject([("status", "unavailable"), ("reason", "forced status 418")])))
            #expect(response.headers["Content-Type"] == "application/json")

            let received = try #require(await upstream.records.first)
            let relayed = try #require(await downstream.records.first)
            #expect(relayed.body == Self.body)
            #expect(relayed.method == "POST")
            #expect(Self.relayed(relayed.headers) == Self.relayed(received.headers))
            #expect(relayed.headers.values("x-trace") == ["a", "b"])
            #expect(!relayed.headers.contains("Proxy-Authorization"))
            #expect(relayed.headers["svix-signature"] == exchange.request.headers["svix-signature"])
            // The record: what the vendor got, with the receiver's own status in the outcome.
            #expect(received.status == 418)
            #expect(received.forward?.status == 418 && received.forward?.receiverStatus == 200)
            #expect(received.forward?.answeredBy == .consumer && received.forward?.resigned == false)
            #expect(received.signatureVerdict == "valid" && received.event.reason == nil)

            // --answer receiver: the receiver's answer; the relay still happens and is recorded.
            let own = Observed()
            let answering = try await Self.forwarder(
                to: consumer.url(vendor: "testlify"), transport: transport, answer: .receiver,
                observers: [own])
            let second = try await Self.send(
                answering.url(vendor: "testlify"), id: "msg_own", transport: transport)
            #expect(second.response?.status == 200)
            #expect(Self.answerField(second, "status") == "accepted")
            #expect(await own.records.first?.forward?.status == 418)
            #expect(await own.records.first?.status == 200)
            #expect(await downstream.records.count == 2)
            await answering.stop()
            await forwarder.stop()
            await consumer.stop()
        }
    }

    @Test func resignedRequestsVerifyWithTheLocalSecret() async throws {
        try await withHTTPTransport { transport in
            let (consumer, downstream) = try await Self.consumer(secrets: [Self.localSecret])
            let resigning = try await Self.forwarder(
                to: consumer.url(vendor: "testlify"), transport: transport, resign: Self.localSecret)
            let exchange = try await Self.send(
                resigning.url(vendor: "testlify"), id: "msg_resign", transport: transport)
            #expect(exchange.response?.status == 200, "\(exchange.outcome)")
            let relayed = try #require(await downstream.records.first)
            #expect(relayed.signatureVerdict == "valid" && relayed.event.verified == true)
            #expect(relayed.event.messageId == "msg_resign" && relayed.headers["svix-id"] == "msg_resign")
            #expect(relayed.headers.values("svix-signature").count == 1)
            #expect(relayed.headers["svix-signature"] != exchange.request.headers["svix-signature"])
            let now = SystemClock().nowMilliseconds() / 1000
            let timestamp = try #require(relayed.headers["svix-timestamp"].flatMap { Int64($0) })
            #expect(abs(now - timestamp) < 60)
            // The vendor's signature does not verify with the local secret.
            let original = WebhookVerifier(secrets: [Self.localSecret]).verify(
                headers: exchange.request.headers, body: Self.body, nowSeconds: now)
            #expect(!original.isValid)

            // Relayed as signed, the consumer refuses it: 401 reaches the vendor.
            let plain = try await Self.forwarder(to: consumer.url(vendor: "testlify"), transport: transport)
            let refused = try await Self.send(
                plain.url(vendor: "testlify"), id: "msg_plain", transport: transport)
            #expect(refused.response?.status == 401)
            await plain.stop()
            await resigning.stop()
            await consumer.stop()
        }
    }

    @Test func theRoutesBodyHMACIsResignedInItsForm() async throws {
        let check = ["talview": BodyHMACCheck(header: "X-Talview-Signature")]
        let form = HMACSigning(
            header: "X-Talview-Signature", algorithm: .sha256, encoding: .hex, prefix: "sha256=")
        try await withHTTPTransport { transport in
            let (consumer, downstream) = try await Self.consumer(secrets: [Self.localSecret], hmac: check)
            let forwarder = try await Self.forwarder(
                to: consumer.url(vendor: "talview"), transport: transport, resign: Self.localSecret,
                hmac: check)
            let headers: HeaderFields = [
                ("Content-Type", "application/json"),
                ("X-Talview-Signature", form.signature(key: Self.vendorSecret.hmacKey, body: Self.body)),
            ]
            let exchange = await transport.send(
                OutgoingRequest(
                    url: forwarder.url(vendor: "talview"), headers: headers, body: Self.body,
                    timeout: .seconds(20)))
            #expect(exchange.response?.status == 200, "\(exchange.outcome)")
            let relayed = try #require(await downstream.records.first)
            #expect(
                relayed.headers["X-Talview-Signature"]
                    == form.signature(key: Self.localSecret.hmacKey, body: Self.body))
            #expect(relayed.signatureVerdict == "valid", "\(String(describing: relayed.signature))")
            #expect(!relayed.headers.contains("svix-signature"))
            await forwarder.stop()
            await consumer.stop()
        }
    }

    /// `--accept-all`, a path with no vendor and no signature: relayed, signed the Svix way with
    /// the body's message id.
    @Test func anyPathIsRelayedAndSignedWithAcceptAll() async throws {
        try await withHTTPTransport { transport in
            let (consumer, downstream) = try await Self.consumer(secrets: [Self.localSecret])
            let forwarder = try await Self.forwarder(
                to: consumer.url(vendor: "testlify"), transport: transport, resign: Self.localSecret,
                acceptAll: true)
            let exchange = await transport.send(
                OutgoingRequest(
                    method: "PUT", url: forwarder.baseURL + "/hooks/acme?x=1", headers: [("X-Acme", "1")],
                    body: Self.body, timeout: .seconds(20)))
            #expect(exchange.response?.status == 200, "\(exchange.outcome)")
            let relayed = try #require(await downstream.records.first)
            #expect(relayed.method == "PUT" && relayed.path == "/webhooks/testlify")
            #expect(relayed.signatureVerdict == "valid" && relayed.headers["X-Acme"] == "1")
            #expect(relayed.headers["svix-id"] == "body-" + BodyDigest.fnv1a(Self.body))
            await forwarder.stop()
            await consumer.stop()
        }
    }

    @Test func aSlowOrDownConsumerIsAnsweredForInTime() async throws {
        try await withHTTPTransport { transport in
            let (consumer, downstream) = try await Self.consumer()
            await downstream.setDelay(.seconds(10))
            let lines = Lines()
            let tail = LiveTail(format: .text) { lines.append($0) }
            let forwarder = try await Self.forwarder(
                to: consumer.url(vendor: "testlify"), transport: transport, timeout: .seconds(2),
                observers: [tail])
            let clock = ContinuousClock()
            var start = clock.now
            let slow = try await Self.send(
                forwarder.url(vendor: "testlify"), id: "msg_slow", transport: transport)
            #expect(clock.now - start < .seconds(6))
            #expect(slow.response?.status == 504, "\(slow.outcome)")
            #expect(
                Self.answerField(slow, "reason")
                    == "the consumer at \(consumer.url(vendor: "testlify")) did not answer within 2s")

            // The consumer is back: forwarding goes on.
            await downstream.setDelay(.zero)
            let next = try await Self.send(
                forwarder.url(vendor: "testlify"), id: "msg_next", transport: transport)
            #expect(next.response?.status == 200, "\(next.outcome)")
            #expect(await downstream.records.map(\.event.messageId) == ["msg_slow", "msg_next"])

            // Down: a closed port, answered 502 at once, and serve keeps serving.
            await consumer.stop()
            start = clock.now
            let down = try await Self.send(
                forwarder.url(vendor: "testlify"), id: "msg_down", transport: transport)
            #expect(clock.now - start < .seconds(6))
            #expect(down.response?.status == 502, "\(down.outcome)")
            let reason = Self.answerField(down, "reason") ?? ""
            #expect(
                reason.hasPrefix(
                    "the consumer at \(consumer.url(vendor: "testlify")) could not be reached: "),
                "\(reason)")
            let health = await transport.send(
                OutgoingRequest(
                    method: "GET", url: forwarder.baseURL + "/health", body: [], timeout: .seconds(10)))
            #expect(health.response?.status == 200)
            await forwarder.stop()

            tail.flush()
            let all = lines.all
            #expect(all.count == 3, "\(all)")
            #expect(all.first?.hasSuffix("  504 unavailable  → timed out after 2s\n") == true, "\(all)")
            #expect(
                all.dropFirst().first?.wholeMatch(of: #/.*  200 accepted  → 200 in \d+ms\n/#) != nil, "\(all)"
            )
            // Refused, or reset when a pooled connection closed just then: either way 502, shown.
            #expect(all.last?.contains("  502 unavailable  → ") == true, "\(all)")
        }
    }

    @Test func theCaptureAndTheTailHoldTheOutcomeAndNoSecrets() async throws {
        let directory = try CaptureTests.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withHTTPTransport { transport in
            let (consumer, downstream) = try await Self.consumer(secrets: [Self.localSecret])
            let recorder = try CaptureRecorder(
                directory: directory, options: CaptureOptions(),
                startedAtMilliseconds: SystemClock().nowMilliseconds())
            let lines = Lines()
            let text = LiveTail(format: .text) { lines.append($0) }
            let json = LiveTail(format: .json) { lines.append($0) }
            let forwarder = try await Self.forwarder(
                to: consumer.url(vendor: "testlify"), transport: transport, resign: Self.localSecret,
                observers: [recorder, text, json])
            let exchange = try await Self.send(
                forwarder.url(vendor: "testlify"), id: "msg_record", transport: transport)
            #expect(exchange.response?.status == 200)
            await forwarder.stop()
            await consumer.stop()
            await recorder.finish()
            text.flush()
            json.flush()

            let capture = try Capture(reading: directory)
            let record = try #require(capture.records.first)
            let forward = try #require(record.forward)
            #expect(forward.url == consumer.url(vendor: "testlify"))
            #expect(forward.status == 200 && forward.resigned && forward.receiverStatus == 200)
            #expect(forward.durationMilliseconds >= 0 && forward.durationMilliseconds < 20_000)
            #expect(record.status == 200 && record.answerWord == "accepted")

            let all = lines.all
            #expect(all.count == 2, "\(all)")
            let line = try #require(all.first { $0.hasPrefix("{") })
            let object = try JSONParser().parse(Array(line.utf8))
            #expect(object["forward"]?["status"] == 200 && object["forward"]?["resigned"] == true)
            #expect(object["forward"]?["url"]?.stringValue == consumer.url(vendor: "testlify"))
            #expect(all.contains { $0.contains("  200 accepted  → 200 in ") })

            // No secret, and no signature sent or relayed, in the capture's files or the tail.
            let relayed = try #require(await downstream.records.first)
            var texts = [Self.localSecret.text, Self.vendorSecret.text]
            for value in [relayed.headers["svix-signature"], exchange.request.headers["svix-signature"]] {
                texts.append(String(try #require(value).dropFirst(3)))
            }
            var bytes = Array(lines.all.joined().utf8)
            let files = try #require(FileManager.default.enumerator(atPath: directory))
            for case let file as String in files {
                if let data = FileManager.default.contents(atPath: directory + "/" + file) { bytes += data }
            }
            #expect(bytes.count > 500)
            for secret in texts {
                #expect(!Self.contains(bytes, Array(secret.utf8)), "\(secret.prefix(8))... is written")
            }
        }
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains {
            haystack[$0..<($0 + needle.count)].elementsEqual(needle)
        }
    }

    @Test func theForwardOutcomeReadsBackFromItsLine() throws {
        let event = ReceivedEvent(
            sequence: 0, vendor: "testlify", event: "invited", messageId: "msg_1",
            receivedAtMilliseconds: 1_767_000_000_123, verified: true, duplicate: false, status: 504,
            reason: nil, candidateId: nil)
        let outcome = ForwardOutcome(
            url: "http://127.0.0.1:9/hook", result: .failed(kind: "timeout", reason: "timed out after 5s"),
            durationMilliseconds: 5001, resigned: true, answeredBy: .consumer, receiverStatus: 200)
        let record = CaptureRecord(
            sequence: 1, method: "POST", path: "/webhooks/testlify", headers: [("svix-id", "msg_1")],
            body: Array("{}".utf8), event: event, answer: ["status": "unavailable"], forward: outcome)
        let line = record.indexLine(headers: record.headers, bodyFile: "b")
        let read = try CaptureRecord.parse(line: line) { _ throws(CaptureError) in Array("{}".utf8) }
        #expect(read.forward == outcome)
        #expect(
            LiveTail.line(record, format: .text)
                == "09:20:00.123  testlify  invited  msg_1  signature unchecked  504 unavailable  → timed out after 5s"
        )
        var refused = outcome
        refused.result = .failed(kind: "connection-refused", reason: "connection refused by 127.0.0.1:9")
        #expect(refused.summary == "unreachable: connection refused by 127.0.0.1:9")
        // Without --forward-to, the line has no "forward".
        var plain = record
        plain.forward = nil
        #expect(
            try CaptureRecord.parse(line: plain.indexLine(headers: [], bodyFile: "b")) {
                _ throws(CaptureError) in Array("{}".utf8)
            }.forward == nil)
        #expect(plain.summary["forward"] == nil)
    }
}

import Foundation
import ProctorCore
import ProctorDelivery
import ProctorJSON
import ProctorRunner
import ProctorSigning
import Synchronization
import Testing

@testable import ProctorReceiver

/// `replay` in process: which records a selection takes, the request each record becomes
/// (re-signed or as stored, hop-by-hop fields dropped, the body untouched), the recorded spacing
/// scaled, and HAR files read as captures.
@Suite struct ReplayTests {
    static let vendorSecret = WebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    static let localSecret = WebhookSecret("whsec_dGVzdGVyLXNlY3JldC1ub3QtdGhlLXZlbmRvcnM=")

    static func scratch() throws -> String {
        let path = NSTemporaryDirectory() + "proctor-replay-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A signed Testlify record arriving at `at` milliseconds.
    static func record(
        _ n: Int, event: String = "candidate.invited", candidate: String = "c1", at: Int64,
        vendor: String = "testlify", path: String = "/webhooks/testlify", complete: Bool = true
    ) throws -> CaptureRecord {
        let body = Array(
            #"{"data":{"candidateId":"\#(candidate)","n":\#(n)},"event":"\#(event)","type":"candidate"}"#.utf8
        )
        var headers: HeaderFields = [("Host", "127.0.0.1:8787"), ("Content-Type", "application/json")]
        let signer = try Signer(scheme: .standardWebhooks(.svix), secrets: [vendorSecret])
        let sensitive = Signer.sign(
            [signer], into: &headers, messageId: "msg_\(n)", timestampSeconds: at / 1000, body: body)
        headers.add("Content-Length", String(body.count))
        headers.add("Connection", "keep-alive")
        return CaptureRecord(
            method: "POST", path: path, headers: headers, body: body, bodyComplete: complete,
            event: ReceivedEvent(
                sequence: 0, vendor: vendor, event: event, messageId: "msg_\(n)", receivedAtMilliseconds: at,
                verified: true, duplicate: false, status: 200, reason: nil, candidateId: candidate),
            answer: .object(JSONObject([("status", .string("accepted"))])), sensitive: sensitive)
    }

    /// A capture on disk holding `records`, written by the recorder `serve --record` uses.
    static func capture(_ records: [CaptureRecord], keepSignatures: Bool = false) async throws -> Capture {
        let folder = try scratch()
        let recorder = try CaptureRecorder(
            directory: folder, options: CaptureOptions(keepSignatures: keepSignatures),
            startedAtMilliseconds: records.first?.receivedAtMilliseconds ?? 0)
        for record in records { _ = try await recorder.observe(record) }
        await recorder.finish()
        return try Capture(reading: folder)
    }

    @Test func theSelectionTakesVendorEventIdAndTime() throws {
        let invited = try Self.record(1, at: 1_000)
        let completed = try Self.record(2, event: "candidate.completed", candidate: "c2", at: 5_000)
        let qualified = try Self.record(
            3, event: "assessment_result_submitted", at: 9_000, vendor: "qualified",
            path: "/webhooks/qualified")
        var unknown = try Self.record(4, at: 10_000, vendor: "", path: "/hooks/x")
        unknown.sequence = 4
        let all = [invited, completed, qualified, unknown]
        func picked(_ selection: ReplaySelection) -> [String] {
            all.filter { selection.matches($0) }.map(\.event.messageId)
        }
        #expect(picked(ReplaySelection()) == ["msg_1", "msg_2", "msg_3", "msg_4"])
        #expect(picked(ReplaySelection(vendors: ["testlify"])) == ["msg_1", "msg_2"])
        #expect(picked(ReplaySelection(vendors: ["none"])) == ["msg_4"])
        #expect(picked(ReplaySelection(events: ["candidate.completed"])) == ["msg_2"])
        // The catalog's name of an event whose wire name differs.
        let talview = try Self.record(
            5, event: "ae_test_instance_updated", at: 11_000, vendor: "talview", path: "/webhooks/talview")
        #expect(ReplaySelection(events: ["ae.test_instance.updated"]).matches(talview))
        #expect(!ReplaySelection(events: ["ae.test_instance.created"]).matches(talview))
        #expect(picked(ReplaySelection(ids: ["c2"])) == ["msg_2"])
        #expect(picked(ReplaySelection(ids: ["msg_3"])) == ["msg_3"])
        #expect(picked(ReplaySelection(ids: ["4"])) == ["msg_4"])
        #expect(picked(ReplaySelection(from: 5_000, until: 9_000)) == ["msg_2", "msg_3"])
        #expect(picked(ReplaySelection(vendors: ["testlify"], from: 2_000)) == ["msg_2"])
    }

    @Test func aResignedRequestVerifiesWithTheLocalSecretOnly() async throws {
        let now: Int64 = 1_800_000_000_000
        let capture = try await Self.capture([try Self.record(1, at: now - 86_400_000)])
        let replayer = try Replayer(
            plan: ReplayPlan(
                target: "http://127.0.0.1:9/hook", signing: .resign([Self.localSecret], hmac: nil)),
            capture: capture)
        let record = try #require(capture.records.first)
        let request = try replayer.request(for: record, nowSeconds: now / 1000)
        #expect(request.body == record.body)
        #expect(request.url == "http://127.0.0.1:9/hook")
        #expect(request.headers["svix-id"] == "msg_1")
        #expect(request.headers["svix-timestamp"] == String(now / 1000))
        for name in ["Host", "Content-Length", "Connection"] { #expect(request.headers[name] == nil) }
        #expect(
            request.headers.map(\.name) == ["Content-Type", "svix-id", "svix-timestamp", "svix-signature"])
        let local = WebhookVerifier(secrets: [Self.localSecret])
        #expect(local.verify(headers: request.headers, body: request.body, nowSeconds: now / 1000).isValid)
        let vendor = WebhookVerifier(secrets: [Self.vendorSecret])
        #expect(!vendor.verify(headers: request.headers, body: request.body, nowSeconds: now / 1000).isValid)
        // What outputs mask: the new signature and the secret.
        #expect(request.maskedHeaders["svix-signature"] == "v1,****")
    }

    @Test func storedSignaturesAreSentAsRecorded() async throws {
        let record = try Self.record(1, at: 1_000_000)
        let kept = try await Self.capture([record], keepSignatures: true)
        let replayer = try Replayer(
            plan: ReplayPlan(target: "http://127.0.0.1:9/x", keepPath: true, signing: .stored), capture: kept)
        let request = try replayer.request(for: try #require(kept.records.first), nowSeconds: 2_000_000)
        #expect(request.headers == record.headers.relayable)
        #expect(request.url == "http://127.0.0.1:9/webhooks/testlify")
        // A masked capture has no signatures to send.
        let masked = try await Self.capture([record])
        #expect(throws: ReplayError.self) {
            try Replayer(plan: ReplayPlan(target: "http://127.0.0.1:9/x", signing: .stored), capture: masked)
        }
        #expect(throws: ReplayError.self) {
            try Replayer(plan: ReplayPlan(target: "ftp://127.0.0.1/x"), capture: masked)
        }
    }

    /// Requests go out in order, each no earlier than its recorded offset times the scale; a body
    /// cut short when recorded is not sent; the answers decide the verdicts.
    @Test func spacingOrderAndVerdicts() async throws {
        let records = [
            try Self.record(1, at: 10_000), try Self.record(2, at: 10_400),
            try Self.record(3, at: 10_800, complete: false), try Self.record(4, at: 11_200),
        ]
        let capture = try await Self.capture(records)
        let sent = Mutex<[(String, ContinuousClock.Instant)]>([])
        let transport = ClosureTransport { request in
            sent.withLock { $0.append((request.headers["svix-id"] ?? "", .now)) }
            let status = request.headers["svix-id"] == "msg_4" ? 500 : 200
            return Exchange(
                request: request, startedAtMilliseconds: 0, duration: .milliseconds(1),
                outcome: .success(ResponseSummary(status: status)))
        }
        let replayer = try Replayer(
            plan: ReplayPlan(target: "http://127.0.0.1:9/x", timeScale: 0.5), capture: capture)
        let start = ContinuousClock.now
        let result = await replayer.run(capture.records, capture: capture, transport: transport)
        let times = sent.withLock { $0 }
        #expect(times.map(\.0) == ["msg_1", "msg_2", "msg_4"])
        #expect(times.count == 3)
        if times.count == 3 {
            #expect(times[1].1 - start >= .milliseconds(200))
            #expect(times[2].1 - start >= .milliseconds(600))
        }
        let verdicts = result.steps.map(\.verdict)
        #expect(verdicts[0] == .passed && verdicts[1] == .passed)
        #expect(verdicts[2] == .notSent("the body was cut short when it was recorded"))
        #expect(verdicts[3] == .failed(["status: expected 2xx, got 500"]))
        #expect(result.steps.map(\.id) == ["1", "2", "3", "4"])
        #expect(result.steps[0].name == "#1 candidate.invited")

        // --expect recorded: the recorded 200 against the 500 fails; a recorded 500 would pass.
        let recorded = try Replayer(
            plan: ReplayPlan(target: "http://127.0.0.1:9/x", timeScale: 0, expectation: .recorded),
            capture: capture)
        let again = await recorded.run([capture.records[3]], capture: capture, transport: transport)
        #expect(again.steps.first?.verdict == .failed(["status: expected 200 (as recorded), got 500"]))
    }

    static let har = #"""
        {"log": {"version": "1.2", "creator": {"name": "ngrok", "version": "3"}, "entries": [
          {"startedDateTime": "2026-11-30T10:00:00.000Z", "time": 3,
           "request": {"method": "GET", "url": "https://abc.ngrok.app/favicon.ico", "httpVersion": "HTTP/1.1", "headers": [], "queryString": [], "headersSize": -1, "bodySize": 0},
           "response": {"status": 404, "statusText": "", "httpVersion": "HTTP/1.1", "headers": [], "content": {"size": 0, "mimeType": "text/plain"}, "redirectURL": "", "headersSize": -1, "bodySize": 0}},
          {"startedDateTime": "2026-11-30T10:00:01.250Z", "time": 12,
           "request": {"method": "POST", "url": "https://abc.ngrok.app/hooks/assessments?src=svix", "httpVersion": "HTTP/1.1",
             "headers": [{"name": ":authority", "value": "abc.ngrok.app"}, {"name": "content-type", "value": "application/json"}, {"name": "svix-id", "value": "msg_A"}, {"name": "svix-timestamp", "value": "1796032801"}, {"name": "svix-signature", "value": "v1,abc="}],
             "queryString": [], "postData": {"mimeType": "application/json", "text": "{\"event\":\"candidate.completed\",\"data\":{\"candidateId\":\"65f\"}}"}, "headersSize": -1, "bodySize": 60},
           "response": {"status": 202, "statusText": "Accepted", "httpVersion": "HTTP/1.1", "headers": [], "content": {"size": 15, "mimeType": "application/json", "text": "{\"ok\": true}"}, "redirectURL": "", "headersSize": -1, "bodySize": 15}},
          {"startedDateTime": "2026-11-30T10:00:02.000Z", "time": 9,
           "request": {"method": "POST", "url": "https://abc.ngrok.app/webhooks/qualified", "httpVersion": "HTTP/1.1",
             "headers": [{"name": "Content-Type", "value": "application/json"}],
             "queryString": [], "postData": {"mimeType": "application/json", "_encoding": "base64", "text": "eyJldmVudCI6ImFzc2Vzc21lbnRfcmVzdWx0X3N1Ym1pdHRlZCIsImRhdGEiOnt9fQ=="}, "headersSize": -1, "bodySize": 47},
           "response": {"status": 500, "statusText": "", "httpVersion": "HTTP/1.1", "headers": [], "content": {"size": 0, "mimeType": "text/plain", "text": "boom"}, "redirectURL": "", "headersSize": -1, "bodySize": 0}}
        ]}}
        """#

    @Test func aHARFileReadsAsACapture() throws {
        let folder = try Self.scratch()
        let path = folder + "/deliveries.har"
        try Data(Self.har.utf8).write(to: URL(fileURLWithPath: path))
        let capture = try Capture(reading: path)
        #expect(capture.records.count == 2)
        #expect(capture.notes == ["\(path): left out 1 entry without a request body"])
        #expect(capture.signaturesKept)
        let first = try #require(capture.records.first)
        #expect(first.sequence == 1 && first.method == "POST" && first.path == "/hooks/assessments?src=svix")
        #expect(first.event.vendor == "testlify" && first.event.event == "candidate.completed")
        #expect(first.event.candidateId == "65f" && first.event.messageId == "msg_A")
        #expect(first.headers.map(\.name) == ["content-type", "svix-id", "svix-timestamp", "svix-signature"])
        #expect(
            String(decoding: first.body, as: UTF8.self)
                == #"{"event":"candidate.completed","data":{"candidateId":"65f"}}"#)
        #expect(first.status == 202 && first.answer == .object(JSONObject([("ok", .bool(true))])))
        #expect(first.receivedAtMilliseconds == 1_796_032_801_250)
        let second = capture.records[1]
        #expect(second.event.vendor == "qualified" && second.event.event == "assessment_result_submitted")
        #expect(
            String(decoding: second.body, as: UTF8.self)
                == #"{"event":"assessment_result_submitted","data":{}}"#)
        #expect(second.status == 500 && second.answer == .string("boom"))
    }

    @Test func aBrokenHARIsOneClearError() throws {
        let folder = try Self.scratch()
        let cases: [(String, String)] = [
            ("not json", "is neither a capture folder nor a HAR file"),
            (#"{"log": {}}"#, "is not a HAR file: it has no log.entries list"),
            (
                #"{"log": {"entries": [{"request": {"method": "POST", "url": "http://x/", "postData": {"text": "{}"}}}]}}"#,
                "log.entries[0] has no startedDateTime"
            ),
        ]
        for (index, (text, message)) in cases.enumerated() {
            let path = folder + "/\(index).har"
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            do {
                _ = try Capture(reading: path)
                Issue.record("\(text) was read")
            } catch {
                #expect(error.message.contains(message), "\(error.message)")
            }
        }
    }
}

import Foundation
import ProctorCore
import ProctorDelivery
import ProctorJSON
import ProctorSigning
import Testing

@testable import ProctorReceiver

/// `serve --record`'s recorder and ``Capture``, in process: what is written reads back byte for
/// byte, concurrently, within its size limit, masked unless told otherwise, and a torn last line
/// is left out.
@Suite(.serialized) struct CaptureTests {
    static let secret = WebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")

    static func scratch() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "proctor-capture-\(UUID().uuidString)"
        )
        .path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A receiver recording to `directory`.
    static func recording(
        to directory: String, options: CaptureOptions = CaptureOptions(), acceptAll: Bool = false
    ) async throws -> (ReferenceReceiver.Running, CaptureRecorder) {
        var options = options
        options.acceptAll = acceptAll
        let recorder = try CaptureRecorder(
            directory: directory, options: options, startedAtMilliseconds: SystemClock().nowMilliseconds())
        var configuration = ReceiverConfiguration(secrets: [secret])
        configuration.acceptAll = acceptAll
        let running = try await ReferenceReceiver(configuration: configuration, observers: [recorder]).start()
        return (running, recorder)
    }

    /// Sends `body` signed (Standard Webhooks) with message id `id`; the exchange.
    static func send(
        _ url: String, body: [UInt8], id: String, method: String = "POST", signed: Bool = true,
        extra: HeaderFields = []
    ) async throws -> Exchange {
        var headers = extra
        headers.add("Content-Type", "application/json")
        var sensitive: [String] = []
        if signed {
            let signer = try Signer(scheme: .standardWebhooks(.svix), secrets: [secret])
            sensitive = Signer.sign(
                [signer], into: &headers, messageId: id,
                timestampSeconds: SystemClock().nowMilliseconds() / 1000,
                body: body)
        }
        let request = OutgoingRequest(
            method: method, url: url, headers: headers, body: body, timeout: .seconds(5), sensitive: sensitive
        )
        return try await withHTTPTransport { transport in await transport.send(request) }
    }

    static func body(_ n: Int) -> [UInt8] {
        Array(
            #"{"data":{"candidateId":"c\#(n)","status":{"candidateStatus":"INVITED"}},"event":"invited","type":"candidate","pad":"\#(String(repeating: "é", count: n % 7))"}"#
                .utf8)
    }

    @Test func concurrentRequestsReadBackByteForByte() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (running, recorder) = try await Self.recording(to: directory)
        let url = running.url(vendor: "testlify")
        let sent = try await withThrowingTaskGroup(of: (Int, Exchange).self) { group in
            for n in 1...40 {
                group.addTask { (n, try await Self.send(url, body: Self.body(n), id: "msg_\(n)")) }
            }
            var all: [Int: Exchange] = [:]
            for try await (n, exchange) in group { all[n] = exchange }
            return all
        }
        await running.stop()
        await recorder.finish()

        let capture = try Capture(reading: directory)
        #expect(capture.records.count == 40)
        #expect(capture.records.map(\.sequence) == Array(1...40))
        #expect(capture.dropped == 0 && capture.notes.isEmpty)
        #expect(!capture.signaturesKept)
        for record in capture.records {
            let id = record.event.messageId
            let n = try #require(Int(id.dropFirst(4)), "\(id)")
            #expect(record.body == Self.body(n))
            #expect(record.method == "POST" && record.path == "/webhooks/testlify")
            #expect(record.headers["Host"] == "127.0.0.1:\(running.port)")
            #expect(record.status == 200 && record.answerWord == "accepted")
            #expect(record.answer == .object(JSONObject([("status", "accepted"), ("id", .string(id))])))
            #expect(record.signatureVerdict == "valid" && record.event.verified == true)
            #expect(record.event.event == "candidate.invited" && record.event.candidateId == "c\(n)")
            // Headers as sent, field by field; the signature masked by the one rule.
            let request = try #require(sent[n]).request
            for field in request.maskedHeaders {
                #expect(record.headers.values(field.name) == [field.value], "\(field.name)")
            }
            #expect(record.headers["svix-signature"]?.hasPrefix("v1,****") == true)
            #expect(record.headers["svix-signature"] == request.maskedHeaders["svix-signature"])
        }
    }

    @Test func keepSignaturesStoresThemAsReceived() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (running, recorder) = try await Self.recording(
            to: directory, options: CaptureOptions(keepSignatures: true))
        let exchange = try await Self.send(
            running.url(vendor: "testlify"), body: Self.body(1), id: "msg_keep",
            extra: [("Authorization", "Bearer abcdef")])
        await running.stop()
        await recorder.finish()
        let capture = try Capture(reading: directory)
        let record = try #require(capture.records.first)
        #expect(capture.signaturesKept)
        #expect(record.headers["svix-signature"] == exchange.request.headers["svix-signature"])
        #expect(record.headers["Authorization"] == "Bearer abcdef")
        // The reader re-checks what it reads: the signature still verifies against the body.
        let verification = WebhookVerifier(secrets: [Self.secret]).verify(
            headers: record.headers, body: record.body, nowSeconds: SystemClock().nowMilliseconds() / 1000)
        #expect(verification.isValid, "\(verification.rendered)")
    }

    @Test func credentialsAndHMACValuesAreMasked() {
        let headers: HeaderFields = [
            ("Authorization", "Bearer abcdef"), ("X-Talview-Signature", "sha256=0123456789abcdef"),
            ("X-Digest", "q83vEjRWeJA="), ("webhook-signature", "v1,AAAA1111 v1a,BBBB2222"),
            ("X-Other", "plain"),
        ]
        let sensitive = CaptureRecord.sensitiveTexts(in: headers, secrets: [], hmacHeaders: ["x-digest"])
        let masked = headers.masked(sensitive: sensitive)
        #expect(masked["Authorization"] == "****")
        #expect(masked["X-Talview-Signature"] == "sha256=****")
        #expect(masked["X-Digest"] == "****")
        #expect(masked["webhook-signature"] == "v1,**** v1a,****")
        #expect(masked["X-Other"] == "plain")
    }

    @Test func aTornLastLineIsLeftOut() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (running, recorder) = try await Self.recording(to: directory)
        for n in 1...3 {
            _ = try await Self.send(running.url(vendor: "testlify"), body: Self.body(n), id: "msg_\(n)")
        }
        await running.stop()
        await recorder.finish()
        let index = recorder.runDirectory + "/index-00001.jsonl"
        let whole = try Data(contentsOf: URL(fileURLWithPath: index))
        // As if the process died while appending a fourth line.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: index))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"sequence":4,"receivedAt":"2026-01-"#.utf8))
        try handle.close()
        let capture = try Capture(reading: directory)
        #expect(capture.records.count == 3)
        #expect(capture.notes.count == 1 && capture.notes[0].contains("torn last line"))
        // A body file without its line (killed between the two writes) is ignored too.
        try Data("{}".utf8).write(
            to: URL(fileURLWithPath: recorder.runDirectory + "/bodies-00001/00000009.bin"))
        #expect(try Capture(reading: recorder.runDirectory).records.count == 3)
        // A line cut inside a body file's bytes is an error that says where.
        try whole.dropLast(1).write(to: URL(fileURLWithPath: index))
        try Data([0x7B]).write(to: URL(fileURLWithPath: recorder.runDirectory + "/bodies-00001/00000001.bin"))
        #expect(throws: CaptureError.self) { try Capture(reading: directory) }
    }

    @Test func rotationKeepsTheRunWithinMaxBytes() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let limit = 64 * 1024
        let (running, recorder) = try await Self.recording(
            to: directory, options: CaptureOptions(maxBytes: limit))
        let big =
            Array(#"{"event":"invited","type":"candidate","data":{"blob":""#.utf8)
            + Array(repeating: 0x61, count: 3000)
            + Array(#""}}"#.utf8)
        for n in 1...80 {
            let exchange = try await Self.send(running.url(vendor: "testlify"), body: big, id: "msg_\(n)")
            #expect(exchange.response?.status == 200)
        }
        await running.stop()
        await recorder.finish()
        let sizes = try FileManager.default.subpathsOfDirectory(atPath: recorder.runDirectory).map { name in
            (try FileManager.default.attributesOfItem(atPath: recorder.runDirectory + "/" + name)[.size]
                as? Int) ?? 0
        }
        let onDisk = sizes.reduce(0, +)
        let capture = try Capture(reading: directory)
        #expect(capture.dropped > 0)
        #expect(capture.records.map(\.sequence) == Array((capture.dropped + 1)...80))
        #expect(capture.records.allSatisfy { $0.body == big })
        // Directory entries count toward `du`, not toward the limit: files only.
        #expect(onDisk - sizes.filter { $0 == 4096 }.reduce(0, +) <= limit + 8192, "\(onDisk) bytes on disk")
    }

    @Test func acceptAllCapturesWhatWouldBeRefused() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (running, recorder) = try await Self.recording(to: directory, acceptAll: true)
        let unsigned = try await Self.send(
            running.url(vendor: "testlify"), body: Self.body(1), id: "msg_x", signed: false)
        let elsewhere = try await Self.send(
            running.baseURL + "/hooks/acme?x=1", body: Array("not json".utf8), id: "msg_y", method: "PUT",
            signed: false)
        let health = try await withHTTPTransport { transport in
            await transport.send(
                OutgoingRequest(
                    method: "GET", url: running.baseURL + "/health", body: [], timeout: .seconds(5)))
        }
        await running.stop()
        await recorder.finish()
        #expect(unsigned.response?.status == 200)
        #expect(unsigned.response?.bodyText.contains(#""status":"captured""#) == true)
        #expect(elsewhere.response?.status == 200)
        #expect(health.response?.bodyText == #"{"status":"ok"}"#)
        let capture = try Capture(reading: directory)
        #expect(capture.acceptAll)
        #expect(capture.records.count == 2)
        let first = try #require(capture.records.first)
        #expect(first.signatureVerdict == "unsigned" && first.event.reason?.contains("no signature") == true)
        let second = try #require(capture.records.last)
        #expect(second.method == "PUT" && second.path == "/hooks/acme?x=1" && second.event.vendor.isEmpty)
        #expect(second.body == Array("not json".utf8))
    }

    @Test func anUnwritableDirectoryIsOneClearError() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data("x".utf8).write(to: URL(fileURLWithPath: directory + "/file"))
        for path in [directory + "/file", directory + "/file/below"] {
            #expect {
                try CaptureRecorder(directory: path, options: CaptureOptions(), startedAtMilliseconds: 0)
            } throws: { error in
                let message = (error as? CaptureError)?.message ?? ""
                return message == "cannot record to \(path): it is not a directory"
                    || message == "cannot create the directory \(directory)/file: it is a file"
            }
        }
    }

    @Test(arguments: [
        ("1048576", 1 << 20), ("500k", 500 << 10), ("100MB", 100 << 20), ("1GiB", 1 << 30), ("2g", 2 << 30),
    ])
    func sizes(text: String, bytes: Int) {
        #expect(CaptureOptions.parseBytes(text) == bytes)
    }

    @Test func badSizes() {
        for text in ["", "MB", "-1", "1.5GB", "12 parsecs", "99999999999999999999"] {
            #expect(CaptureOptions.parseBytes(text) == nil, "\(text)")
        }
    }

    @Test func tailLines() {
        var event = ReceivedEvent(
            sequence: 0, vendor: "testlify", event: "invited", messageId: "msg_1",
            receivedAtMilliseconds: 1_767_000_000_123, verified: false, duplicate: false, status: 401,
            reason: "no signature matches", candidateId: nil)
        let record = CaptureRecord(
            method: "POST", path: "/webhooks/testlify", headers: [], body: [], event: event,
            signature: Verification(verdict: .invalid, problems: ["no signature matches"], notes: []),
            answer: ["status": "rejected", "reason": "no signature matches"])
        #expect(
            LiveTail.line(record, format: .text)
                == "09:20:00.123  testlify  invited  msg_1  signature invalid  401 rejected: no signature matches"
        )
        let json = LiveTail.line(record, format: .json)
        #expect(
            json.hasPrefix(
                #"{"receivedAt":"2025-12-29T09:20:00.123Z","method":"POST","path":"/webhooks/testlify","vendor":"testlify","event":"invited""#
            ), "\(json)")
        event.vendor = ""
        event.status = 200
        event.reason = nil
        let other = CaptureRecord(
            method: "PUT", path: "/x", headers: [], body: [], event: event, answer: ["status": "captured"])
        #expect(
            LiveTail.line(other, format: .text)
                == "09:20:00.123  PUT /x  invited  msg_1  signature unchecked  200 captured")
    }
}

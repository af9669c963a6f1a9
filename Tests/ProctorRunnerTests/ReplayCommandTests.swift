import Foundation
import ProctorCore
import ProctorJSON
import ProctorReceiver
import ProctorSigning
import Testing

/// `proctor replay` through the built executable: a shipped scenario's run recorded by one
/// `serve --record` and replayed into a second arrives byte for byte and header for header;
/// re-signed with a local secret it verifies there; a HAR file replays; bad input is one message
/// and exit 2; Ctrl-C ends a long replay with its report written.
@Suite(.serialized) struct ReplayCommandTests {
    typealias Server = CaptureCommandTests.Server

    /// Records `scenario` run through `serve --record` (signatures kept); the capture's folder.
    static func recordedRun(_ scenario: String, in folder: String) async throws -> String {
        let server = try await Server(["--record", folder + "/first", "--keep-signatures", "--quiet"])
        let run = try await ServeAgreementTests.shell(
            "proctor run Scenarios/\(scenario) --time-scale 0.001 --target \(server.baseURL)/webhooks/testlify"
        )
        #expect(run.status == 0, "\(run.out)\(run.err)")
        kill(server.process.processIdentifier, SIGTERM)
        #expect(try await server.waitForExit() == 0, "\(server.err.all)")
        return folder + "/first"
    }

    @Test func aReplayArrivesAsRecorded() async throws {
        let folder = try CaptureCommandTests.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let first = try Capture(
            reading: try await Self.recordedRun("edge-duplicates-signatures-reorder.yaml", in: folder))
        #expect(first.records.count >= 8)

        let second = try await Server(["--record", folder + "/second", "--keep-signatures", "--quiet"])
        let replay = try await ServeAgreementTests.shell(
            "proctor replay \(folder)/first --target \(second.baseURL)/webhooks/testlify --stored-signatures"
                + " --time-scale 0.01 --expect recorded --report json=\(folder)/replay.json")
        kill(second.process.processIdentifier, SIGTERM)
        #expect(try await second.waitForExit() == 0, "\(second.err.all)")
        // Every answer is the one recorded: duplicates, bad signatures and all.
        #expect(replay.status == 0, "\(replay.out)\(replay.err)")
        #expect(
            replay.out.contains("PASS  \(first.records.count) steps: \(first.records.count) passed"),
            "\(replay.out)")

        let again = try Capture(reading: folder + "/second")
        #expect(again.records.count == first.records.count)
        for (recorded, replayed) in zip(first.records, again.records) {
            #expect(replayed.body == recorded.body, "request \(recorded.sequence)")
            #expect(replayed.method == recorded.method && replayed.path == recorded.path)
            let without: (HeaderFields) -> [HTTPHeader] = {
                $0.fields.filter { $0.name.lowercased() != "host" }
            }
            #expect(without(replayed.headers) == without(recorded.headers), "request \(recorded.sequence)")
            #expect(replayed.status == recorded.status, "request \(recorded.sequence)")
            #expect(replayed.signatureVerdict == recorded.signatureVerdict, "request \(recorded.sequence)")
        }
        let report = try JSONParser().parse(
            Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/replay.json"))))
        let steps = report["scenarios"]?[0]?["steps"]?.arrayValue ?? []
        #expect(steps.count == first.records.count)
        #expect(steps.first?["id"]?.stringValue == "1")
    }

    @Test func aResignedReplayVerifiesWithTheLocalSecret() async throws {
        let folder = try CaptureCommandTests.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // Recorded masked: the vendor's signatures are not kept, and not needed.
        let server = try await Server(["--record", folder + "/first", "--quiet"])
        let run = try await ServeAgreementTests.shell(
            "proctor run Scenarios/testlify-candidate-completes.yaml --time-scale 0.001 --target \(server.baseURL)/webhooks/testlify"
        )
        #expect(run.status == 0, "\(run.out)\(run.err)")
        kill(server.process.processIdentifier, SIGTERM)
        _ = try await server.waitForExit()

        let local = "whsec_dGVzdGVyLXNlY3JldC1ub3QtdGhlLXZlbmRvcnM="
        let second = try await Server(["--secret", local, "--record", folder + "/second"])
        let replay = try await ServeAgreementTests.shell(
            "proctor replay \(folder)/first --target \(second.baseURL)/webhooks/testlify --secret \(local)"
                + " --event candidate.completed --time-scale 0")
        #expect(replay.status == 0, "\(replay.out)\(replay.err)")
        #expect(!replay.out.contains(local) && !replay.err.contains(local))
        // The scenario's completion, then a second one delivered twice (`fault: duplicate`).
        let lines = try await second.requestLines(3)
        kill(second.process.processIdentifier, SIGTERM)
        _ = try await second.waitForExit()
        #expect(lines.count == 3, "\(lines)")
        for line in lines {
            #expect(line.contains("  candidate.completed  ") && line.contains("signature valid"), "\(line)")
        }
        #expect(lines.last?.hasSuffix("200 duplicate") == true, "\(lines)")
        let replayed = try Capture(reading: folder + "/second")
        #expect(replayed.records.map(\.event.verified) == [true, true, true])

        // Without the local secret the same replay is refused there.
        let third = try await Server(["--secret", local, "--quiet"])
        let unsigned = try await ServeAgreementTests.shell(
            "proctor replay \(folder)/first --target \(third.baseURL)/webhooks/testlify --event candidate.completed --time-scale 0"
        )
        #expect(unsigned.status == 1, "\(unsigned.out)\(unsigned.err)")
        #expect(unsigned.out.contains("401"), "\(unsigned.out)")
    }

    @Test func aHARFileReplays() async throws {
        let folder = try CaptureCommandTests.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data(ReplayTests.har.utf8).write(to: URL(fileURLWithPath: folder + "/ngrok.har"))
        let server = try await Server([])
        let replay = try await ServeAgreementTests.shell(
            "proctor replay \(folder)/ngrok.har --target \(server.baseURL)/webhooks/testlify --vendor testlify"
        )
        #expect(replay.status == 0, "\(replay.out)\(replay.err)")
        #expect(replay.err.contains("left out 1 entry without a request body"), "\(replay.err)")
        let lines = try await server.requestLines(1)
        #expect(lines.count == 1 && lines.first?.contains("msg_A") == true, "\(lines)")
        #expect(lines.first?.contains("signature valid") == true, "\(lines)")
    }

    @Test func badInputIsOneMessageAndExit2() async throws {
        let folder = try CaptureCommandTests.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let capture = try await ReplayTests.capture([try ReplayTests.record(1, at: 1_000)])
        let cases: [(String, String)] = [
            ("\(folder)/missing --target http://127.0.0.1:9/x", "holds no capture"),
            (
                "\(capture.directory) --target ftp://x/",
                "--target ftp://x/: expected an http:// or https:// URL"
            ),
            (
                "\(capture.directory) --target http://127.0.0.1:9/x --stored-signatures",
                "was recorded without --keep-signatures"
            ),
            ("\(capture.directory) --target http://127.0.0.1:9/x --event nope", "none of the 1 requests"),
            ("\(capture.directory) --target http://127.0.0.1:9/x --time-scale -1", "--time-scale"),
            ("\(capture.directory) --target http://127.0.0.1:9/x --expect maybe", "--expect"),
        ]
        for (arguments, message) in cases {
            let result = try await ServeAgreementTests.shell("proctor replay \(arguments)")
            #expect(result.status == 2, "\(arguments): \(result.err)")
            #expect(result.err.hasPrefix("error: "), "\(arguments): \(result.err)")
            #expect(result.err.contains(message), "\(arguments): \(result.err)")
            #expect(result.out.isEmpty, "\(arguments): \(result.out)")
        }
    }

    /// A replay with minutes of recorded spacing ends at Ctrl-C: exit 130, the requests not sent
    /// reported so in the report.
    @Test func anInterruptEndsTheReplayWithItsReport() async throws {
        let folder = try CaptureCommandTests.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let capture = try await ReplayTests.capture([
            try ReplayTests.record(1, at: 1_000), try ReplayTests.record(2, at: 600_000),
        ])
        let server = try await Server(["--quiet"])
        let started = ContinuousClock.now
        let replay = try await ServeAgreementTests.shell(
            "proctor replay \(capture.directory) --target \(server.baseURL)/webhooks/testlify"
                + " --report json=\(folder)/r.json & pid=$!; sleep 2; kill -INT $pid; wait $pid")
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(replay.status == 130, "\(replay.out)\(replay.err)")
        let report = try JSONParser().parse(
            Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/r.json"))))
        let steps = report["scenarios"]?[0]?["steps"]?.arrayValue ?? []
        #expect(steps.count == 2)
        #expect(
            steps.last?["verdict"]?.stringValue == "not-sent",
            "\(steps.last.map { String(describing: $0) } ?? "")")
    }
}

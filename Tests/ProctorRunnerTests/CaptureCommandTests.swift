import Foundation
import ProctorCore
import ProctorJSON
import ProctorReceiver
import ProctorSigning
import Synchronization
import Testing

/// `proctor serve --record` and its live tail through the built executable: a shipped scenario's
/// run reads back from the capture request for request, a `kill -9` leaves a readable capture,
/// and a capture that cannot be written stops `serve` with one message.
@Suite(.serialized) struct CaptureCommandTests {
    /// A `proctor serve` on a free port whose stdout lines and stderr are collected as they come.
    final class Server: Sendable {
        let process: Process
        let baseURL: String
        let out: Lines
        let err: Lines

        init(_ arguments: [String]) async throws {
            let path = try #require(TestProcesses.executable, "the proctor executable is not built")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = ["serve", "--port", "0"] + arguments
            process.environment = ServeAgreementTests.cleanEnvironment
            let outPipe = Pipe()
            let errPipe = Pipe()
            process.standardOutput = outPipe
            process.standardError = errPipe
            let out = Lines()
            let err = Lines()
            for (pipe, lines) in [(outPipe, out), (errPipe, err)] {
                let handle = pipe.fileHandleForReading
                Thread.detachNewThread {
                    var pending = Data()
                    while true {
                        let chunk = handle.availableData
                        if chunk.isEmpty { break }
                        pending += chunk
                        while let newline = pending.firstIndex(of: 10) {
                            lines.append(
                                String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
                            pending = Data(pending[(newline + 1)...])
                        }
                    }
                }
            }
            try TestProcesses.startWithNoSignalBlocked(process)
            self.process = process
            self.out = out
            self.err = err
            let clock = ContinuousClock()
            let start = clock.now
            let listening = {
                out.all.first.flatMap { line in
                    line.split(whereSeparator: { $0 == " " || $0 == "\"" }).first { $0.hasPrefix("http://") }
                        .map(String.init)
                }
            }
            var url = listening()
            while url == nil && clock.now - start < .seconds(120) && process.isRunning {
                try await Task.sleep(for: .milliseconds(20))
                url = listening()
            }
            // The line may have come in just as the wait ended.
            url = url ?? listening()
            guard let url else {
                // A server that never said where it listens is not left running.
                if process.isRunning {
                    process.terminate()
                    process.waitUntilExit()
                }
                baseURL = try #require(url, "serve printed: \(out.all) \(err.all)")
                return
            }
            baseURL = url
        }

        /// Waits for the process to end (at most `limit`); its status.
        func waitForExit(within limit: Duration = .seconds(30)) async throws -> Int32? {
            let clock = ContinuousClock()
            let start = clock.now
            while process.isRunning && clock.now - start < limit {
                try await Task.sleep(for: .milliseconds(20))
            }
            return process.isRunning ? nil : process.terminationStatus
        }

        /// Lines of stdout after the first (the listening line), once there are `count` of them.
        func requestLines(_ count: Int, within limit: Duration = .seconds(30)) async throws -> [String] {
            let clock = ContinuousClock()
            let start = clock.now
            while out.all.count < count + 1 && clock.now - start < limit {
                try await Task.sleep(for: .milliseconds(20))
            }
            return Array(out.all.dropFirst())
        }

        deinit {
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
            }
        }
    }

    static func scratch() throws -> String {
        let path = NSTemporaryDirectory() + "proctor-capture-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Every request of a shipped scenario's run (`run --report json`) is in the capture: the body
    /// byte for byte (SHA-256), each header the report shows, the status and answer it got.
    @Test(arguments: ["testlify-cohort.yaml", "edge-duplicates-signatures-reorder.yaml"])
    func aScenarioRunReadsBackFromTheCapture(scenario: String) async throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let server = try await Server(["--record", folder + "/capture", "--quiet"])
        let run = try await ServeAgreementTests.shell(
            "proctor run Scenarios/\(scenario) --time-scale 0.001 --target \(server.baseURL)/webhooks/testlify"
                + " --report json=\(folder)/report.json")
        #expect(run.status == 0, "\(run.out)\(run.err)")
        kill(server.process.processIdentifier, SIGTERM)
        #expect(try await server.waitForExit() == 0, "\(server.err.all)")

        let report = try JSONParser().parse(
            Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/report.json"))))
        var attempts: [JSONValue] = []
        for scenarioReport in report["scenarios"]?.arrayValue ?? [] {
            for step in scenarioReport["steps"]?.arrayValue ?? [] {
                for send in step["sends"]?.arrayValue ?? [] {
                    attempts += (send["attempts"]?.arrayValue ?? []).filter {
                        $0["request"]?["method"]?.stringValue != "GET"
                    }
                }
            }
        }
        let capture = try Capture(reading: folder + "/capture")
        #expect(!attempts.isEmpty)
        #expect(capture.records.count == attempts.count)
        #expect(capture.notes.isEmpty && capture.dropped == 0)
        var unused = capture.records
        for attempt in attempts {
            let request = try #require(attempt["request"])
            let body = try #require(request["body"]?.stringValue)
            let digest = BodyDigest.sha256Hex(Array(body.utf8))
            let headers = (request["headers"]?.arrayValue ?? []).compactMap { field in
                field["name"]?.stringValue.flatMap { name in field["value"]?.stringValue.map { (name, $0) } }
            }
            let index = unused.firstIndex { record in
                record.bodySHA256 == digest && headers.allSatisfy { record.headers.values($0.0) == [$0.1] }
            }
            let found = try #require(index, "no captured request with body \(digest) and headers \(headers)")
            let record = unused.remove(at: found)
            #expect(URL(string: try #require(request["url"]?.stringValue))?.path == record.path)
            #expect(record.method == request["method"]?.stringValue)
            let response = try #require(attempt["response"], "\(attempt)")
            #expect(record.status == response["status"]?.intValue)
            let answer = try JSONParser().parse(try #require(response["body"]?.stringValue))
            #expect(record.answer == answer)
            // The verdict the answer gave, as recorded.
            switch record.status {
            case 200: #expect(record.event.verified != false)
            case 401: #expect(record.signatureVerdict == "invalid" || record.signatureVerdict == "unsigned")
            default: break
            }
        }
        #expect(unused.isEmpty)
    }

    /// `kill -9` in the middle of a stream of deliveries: the capture reads, every indexed request
    /// complete (the reader checks each body's length and SHA-256).
    @Test func aCaptureSurvivesKillNine() async throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let server = try await Server(["--record", folder, "--quiet"])
        let path = try #require(TestProcesses.executable)
        let load = Process()
        load.executableURL = URL(fileURLWithPath: path)
        load.arguments = [
            "load", "--vendor", "testlify", "--events", "candidate.invited", "--target",
            server.baseURL + "/webhooks/testlify", "--concurrency", "8", "--connections", "8", "--duration",
            "20s",
            "--progress", "none",
        ]
        load.environment = ServeAgreementTests.cleanEnvironment
        load.standardOutput = FileHandle.nullDevice
        load.standardError = FileHandle.nullDevice
        try TestProcesses.startWithNoSignalBlocked(load)
        defer {
            if load.isRunning {
                load.terminate()
                load.waitUntilExit()
            }
        }
        // Until a few hundred requests are in.
        let clock = ContinuousClock()
        let start = clock.now
        var indexBytes = 0
        while indexBytes < 300_000 && clock.now - start < .seconds(60) {
            try await Task.sleep(for: .milliseconds(50))
            let run = Capture.runs(in: folder).first ?? folder
            indexBytes =
                (try? FileManager.default.attributesOfItem(atPath: run + "/index-00001.jsonl")[.size] as? Int)
                ?? 0
        }
        kill(server.process.processIdentifier, SIGKILL)
        #expect(try await server.waitForExit() != nil)
        load.terminate()

        let capture = try Capture(reading: folder)
        #expect(capture.records.count > 100, "\(indexBytes) bytes of index")
        #expect(capture.records.map(\.sequence) == Array(1...capture.records.count))
        #expect(capture.records.allSatisfy { $0.status == 200 && $0.signatureVerdict == "valid" })
    }

    /// A capture that cannot be written (the next body file's name taken) answers 503 and stops
    /// `serve` with one message and exit 2; the requests before it stay readable.
    @Test func aCaptureThatCannotBeWrittenStopsServe() async throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let server = try await Server(["--record", folder, "--quiet"])
        let url = server.baseURL + "/webhooks/testlify"
        let first = try await ServeAgreementTests.shell(
            "proctor send testlify candidate.invited --target \(url)")
        #expect(first.status == 0)
        let run = try #require(Capture.runs(in: folder).first)
        #expect(try Capture(reading: folder).records.count == 1)
        try FileManager.default.createDirectory(
            atPath: run + "/bodies-00001/00000002.bin", withIntermediateDirectories: false)
        let second = try await ServeAgreementTests.shell(
            "proctor send testlify candidate.invited --target \(url)")
        #expect(second.out.contains("< HTTP/1.1 503"), "\(second.out)")
        #expect(try await server.waitForExit() == 2)
        let errors = server.err.all.filter { $0.hasPrefix("error:") }
        #expect(errors.count == 1)
        #expect(
            errors.first?.hasPrefix("error: --record: cannot create \(run)/bodies-00001/00000002.bin")
                == true, "\(errors)")
        #expect(try Capture(reading: folder).records.count == 1)
    }

    @Test(arguments: [
        (["--record", "/dev/null/capture"], "error: --record: cannot create the directory /dev/null"),
        (["--record", "/dev/null"], "error: --record: cannot record to /dev/null: it is not a directory"),
        (["--record", "DIR", "--max-bytes", "1MB"], "error: --max-bytes: expected at least"),
        (
            ["--max-bytes", "ten"],
            "error: The value 'ten' is invalid for '--max-bytes <size>': --max-bytes: expected a size"
        ),
        (["--keep-signatures"], "error: --keep-signatures is for --record DIR"),
        (["--format", "yaml"], "error: The value 'yaml' is invalid for '--format <format>'"),
    ])
    func badRecordFlags(arguments: [String], message: String) async throws {
        let folder = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = try #require(TestProcesses.executable)
        let result = try await TestProcesses.run(
            path, ["serve", "--port", "0"] + arguments.map { $0 == "DIR" ? folder : $0 },
            environment: ServeAgreementTests.cleanEnvironment)
        #expect(result.status == 2)
        #expect(result.err.hasPrefix(message), "\(result.err)")
    }

    /// One line per request as it is answered: text by default, JSON lines with `--format json`.
    @Test func liveTail() async throws {
        let text = try await Server([])
        let url = text.baseURL + "/webhooks/testlify"
        _ = try await ServeAgreementTests.shell(
            "proctor send testlify candidate.invited --target \(url) --message-id msg_tail")
        _ = try await ServeAgreementTests.shell(
            "proctor send testlify candidate.invited --target \(url) --message-id msg_tail2 --secret whsec_d3Jvbmd3cm9uZ3dyb25n"
        )
        let lines = try await text.requestLines(2)
        #expect(lines.count == 2, "\(lines)")
        let pattern = #/^\d\d:\d\d:\d\d\.\d\d\d  testlify  candidate\.invited  msg_tail  signature valid  200 accepted$/#
        #expect(lines.first?.wholeMatch(of: pattern) != nil, "\(lines)")
        #expect(lines.last?.contains("  msg_tail2  signature invalid  401 rejected: ") == true, "\(lines)")

        let json = try await Server(["--format", "json"])
        #expect(try JSONParser().parse(json.out.all[0])["listening"]?.stringValue == json.baseURL)
        _ = try await ServeAgreementTests.shell(
            "proctor send testlify candidate.invited --target \(json.baseURL)/webhooks/testlify --message-id msg_json"
        )
        let line = try #require(try await json.requestLines(1).first)
        let object = try JSONParser().parse(line)
        #expect(
            object["vendor"] == "testlify" && object["event"] == "candidate.invited"
                && object["messageId"] == "msg_json")
        #expect(object["signature"]?["verdict"] == "valid" && object["status"] == 200)
        #expect(object["answer"]?["status"] == "accepted")

        let quiet = try await Server(["--quiet"])
        _ = try await ServeAgreementTests.shell(
            "proctor send testlify candidate.invited --target \(quiet.baseURL)/webhooks/testlify")
        try await Task.sleep(for: .milliseconds(300))
        #expect(quiet.out.all.count == 1)
    }
}

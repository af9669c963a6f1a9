import Foundation
import ProctorSigning
import ProctorVendors
import Testing

/// `proctor serve` and every sending command, as a user runs them: with no secret flags
/// anywhere they agree for every vendor, and with an Ed25519 key pair (`whsk_` to send, `whpk_`
/// to serve) too.
@Suite(.serialized) struct ServeAgreementTests {
    /// A running `proctor serve` on a free port.
    final class Server {
        let process = Process()
        var baseURL = ""

        init(_ arguments: [String], environment: [String: String]) throws {
            let path = try #require(TestProcesses.executable, "the proctor executable is not built")
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = ["serve", "--port", "0"] + arguments
            process.environment = environment
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try TestProcesses.startWithNoSignalBlocked(process)
            var line = Data()
            while !line.contains(UInt8(ascii: "\n")) {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                line += chunk
            }
            let text = String(decoding: line, as: UTF8.self)
            let url = try #require(
                text.split(separator: " ").first { $0.hasPrefix("http://") }.map(String.init),
                "serve printed: \(text)")
            baseURL = url
        }

        deinit {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// The environment without PROCTOR_SECRET, so that the example secret applies.
    static var cleanEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["PROCTOR_SECRET"] = nil
        return environment
    }

    /// Runs a shell command line in the repository root with `proctor` on PATH.
    static func shell(_ command: String, environment: [String: String] = cleanEnvironment) async throws -> (
        status: Int32, out: String, err: String
    ) {
        let path = try #require(TestProcesses.executable, "the proctor executable is not built")
        var environment = environment
        environment["PATH"] =
            URL(fileURLWithPath: path).deletingLastPathComponent().path + ":"
            + (environment["PATH"] ?? "/usr/bin:/bin")
        return try await TestProcesses.run("/bin/bash", ["-c", command], environment: environment)
    }

    /// The first event of each vendor's lifecycle.
    static func firstEvent(_ profile: VendorProfile) -> String {
        profile.lifecycle.first?.events.first ?? profile.events.first?.name ?? ""
    }

    /// `bodyHMACScenarios`: whether to run the scenarios that declare a body HMAC (`signing:`);
    /// an HMAC needs the shared secret, which a server holding only a `whpk_` key does not have.
    func everySenderIsAccepted(serve: [String], senderSecret: [String], bodyHMACScenarios: Bool = true)
        async throws
    {
        let server = try Server(serve, environment: Self.cleanEnvironment)
        let secret = senderSecret.map { "--secret '\($0)' " }.joined()
        for profile in VendorCatalog.standard.profiles {
            let vendor = profile.name
            let event = Self.firstEvent(profile)
            let url = "\(server.baseURL)/webhooks/\(vendor)"

            let send = try await Self.shell(
                "proctor send \(vendor) \(event) --target \(url) --as send \(secret)")
            #expect(send.status == 0, "send \(vendor): \(send.out)\(send.err)")

            let curl = try await Self.shell(
                "proctor emit \(vendor) \(event) --as emit --format curl --show-secrets \(secret)"
                    + " --target '\(server.baseURL)/webhooks/{vendor}' | sh -s 2>/dev/null")
            #expect(curl.out.contains(#""status":"accepted""#), "emit | sh \(vendor): \(curl.out)\(curl.err)")

            let load = try await Self.shell(
                "proctor load --vendor \(vendor) --events \(event) --target \(url) --actors 4 --concurrency 2"
                    + " --connections 2 --progress none \(secret)")
            #expect(load.status == 0, "load \(vendor): \(load.out)\(load.err)")
            #expect(load.out.contains("4 sent, 4 2xx, 0 errors"), "load \(vendor): \(load.out)")
        }
        let scenarios = try FileManager.default.contentsOfDirectory(
            atPath: TestProcesses.root + "/Scenarios"
        )
        .filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(scenarios.count >= 6)
        for file in scenarios {
            let text = try String(
                contentsOfFile: TestProcesses.root + "/Scenarios/" + file, encoding: .utf8)
            if !bodyHMACScenarios && text.contains("\nsigning:") { continue }
            var environment = Self.cleanEnvironment
            // `{vendor}`: a scenario's `mirror:` reaches its own vendor's route.
            environment["PROCTOR_TARGET"] = "\(server.baseURL)/webhooks/{vendor}"
            let run = try await Self.shell(
                "proctor run Scenarios/\(file) --time-scale 0.001 \(secret)", environment: environment)
            #expect(run.status == 0, "run \(file): \(run.out)\(run.err)")
        }
    }

    @Test func noSecretFlagsAnywhere() async throws {
        try await everySenderIsAccepted(serve: [], senderSecret: [])
    }

    @Test func ed25519KeyPair() async throws {
        let pair = WebhookSecret.generateEd25519()
        try await everySenderIsAccepted(
            serve: ["--secret", pair.publicKey.text], senderSecret: [pair.secret.text],
            bodyHMACScenarios: false)
    }

    /// Every shipped scenario in one `run`, each vendor's events to its own route: by a
    /// `{vendor}` placeholder, and by `VENDOR=URL` targets.
    @Test func oneRunOfEveryScenarioReachesEachVendorsRoute() async throws {
        let server = try Server([], environment: Self.cleanEnvironment)
        let placeholder = try await Self.shell(
            "proctor run Scenarios/*.yaml --time-scale 0.001 --target '\(server.baseURL)/webhooks/{vendor}'")
        #expect(placeholder.status == 0, "\(placeholder.out)\(placeholder.err)")
        // A second server: message ids repeat between runs of the same scenarios (#11).
        let second = try Server([], environment: Self.cleanEnvironment)
        let perVendor = VendorCatalog.standard.vendorNames.map {
            "--target \($0)=\(second.baseURL)/webhooks/\($0)"
        }
        let explicit = try await Self.shell(
            "proctor run Scenarios/*.yaml --time-scale 0.001 " + perVendor.joined(separator: " "))
        #expect(explicit.status == 0, "\(explicit.out)\(explicit.err)")
        let wrongRoute = try await Self.shell(
            "proctor run Scenarios/testlify-candidate-completes.yaml --time-scale 0.001 --seed 10"
                + " --target qualified=\(server.baseURL)/webhooks/qualified --target \(server.baseURL)/webhooks/talview"
        )
        #expect(wrongRoute.status == 1, "a Testlify scenario sent to the Talview route: \(wrongRoute.out)")
    }

    /// Each `send` is a new message (a fresh id), unless `--message-id` pins one: then the second
    /// send is a duplicate to a de-duplicating consumer.
    @Test func eachSendIsANewMessageUnlessTheIdIsPinned() async throws {
        let server = try Server([], environment: Self.cleanEnvironment)
        let url = "\(server.baseURL)/webhooks/testlify"
        let send = "proctor send testlify candidate.invited --target \(url)"
        let first = try await Self.shell(send)
        let second = try await Self.shell(send)
        #expect(first.out.contains(#""status":"accepted""#), "\(first.out)")
        #expect(second.out.contains(#""status":"accepted""#), "\(second.out)")
        let pinned = try await Self.shell(send + " --message-id msg_pinned")
        let again = try await Self.shell(send + " --message-id msg_pinned")
        #expect(pinned.out.contains(#""status":"accepted""#), "\(pinned.out)")
        #expect(again.out.contains(#""status":"duplicate""#), "\(again.out)")
        let bad = try await Self.shell(send + " --message-id 'a b'")
        #expect(bad.status == 2)
    }

    /// A body HMAC from `send --hmac-header` on a vendor without a documented scheme: serve with
    /// no flags checks it with the secret of the rule, and rejects one keyed otherwise.
    @Test func bodyHMACFromSendIsChecked() async throws {
        let server = try Server([], environment: Self.cleanEnvironment)
        let url = "\(server.baseURL)/webhooks/talview"
        for algorithm in ["sha1", "sha256", "sha512"] {
            let signed = try await Self.shell(
                "proctor send talview ae.test_instance.created --target \(url) --as a\(algorithm)"
                    + " --hmac-header X-Talview-Signature --hmac-algorithm \(algorithm) --hmac-prefix \(algorithm)="
            )
            #expect(signed.status == 0, "\(algorithm): \(signed.out)\(signed.err)")
        }
        let wrong = try await Self.shell(
            "proctor send talview ae.test_instance.created --target \(url) --as b"
                + " --hmac-header X-Talview-Signature --secret other-secret")
        #expect(wrong.status == 1, "\(wrong.out)\(wrong.err)")
        #expect(wrong.out.contains("< HTTP/1.1 401"), "\(wrong.out)")
    }

    /// Output into a pipe that closes after one line ends the output quietly: no crash, and the
    /// reports are still written.
    @Test func closedOutputPipeKeepsTheReports() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "proctor-pipe-\(UUID().uuidString)")
        let result = try await Self.shell(
            "proctor run Scenarios/testlify-cohort.yaml --time-scale 0.001 --report junit=\(folder.path)/r.xml"
                + " --report json=\(folder.path)/r.json | head -1; echo \"exit ${PIPESTATUS[0]}\"")
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(result.out.hasSuffix("exit 0\n"), "\(result.out)\(result.err)")
        #expect(!result.err.contains("Fatal error"))
        #expect(FileManager.default.fileExists(atPath: folder.path + "/r.xml"))
        #expect(FileManager.default.fileExists(atPath: folder.path + "/r.json"))
    }

    /// `verify` and `serve` give the same verdict on tampered requests.
    @Test func verifyAndServeAgreeOnTamperedRequests() async throws {
        let server = try Server([], environment: Self.cleanEnvironment)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "proctor-tamper-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let emitted = try await Self.shell(
            "proctor emit testlify candidate.completed --format http --show-secrets")
        #expect(emitted.status == 0)
        let parts = emitted.out.components(separatedBy: "\r\n\r\n")
        let head = try #require(parts.first).components(separatedBy: "\r\n").dropFirst()
            .filter { !$0.lowercased().hasPrefix("host:") && !$0.lowercased().hasPrefix("content-length:") }
        let body = parts.dropFirst().joined(separator: "\r\n\r\n")
        let signature = try #require(head.first { $0.hasPrefix("svix-signature: ") }).dropFirst(16)
        let timestampLine = try #require(head.first { $0.hasPrefix("svix-timestamp: ") })
        let timestamp = try #require(Int(timestampLine.dropFirst(16)))
        let other = "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
        let cases: [(String, (String) -> String, String, Bool)] = [
            ("valid", { $0 }, body, true),
            ("empty", { $0.hasPrefix("svix-signature:") ? "svix-signature:" : $0 }, body, false),
            (
                "whitespace only", { $0.hasPrefix("svix-signature:") ? "svix-signature:    " : $0 }, body,
                false
            ),
            (
                "v2 only",
                { $0.hasPrefix("svix-signature:") ? "svix-signature: v2," + signature.dropFirst(3) : $0 },
                body, false
            ),
            (
                "upper-case V1",
                { $0.hasPrefix("svix-signature:") ? "svix-signature: V1," + signature.dropFirst(3) : $0 },
                body, false
            ),
            ("changed body byte", { $0 }, body.replacingOccurrences(of: "\"data\"", with: "\"dAta\""), false),
            (
                "changed timestamp",
                { $0.hasPrefix("svix-timestamp:") ? "svix-timestamp: \(timestamp + 1)" : $0 }, body, false
            ),
            (
                "rotated, valid second",
                { $0.hasPrefix("svix-signature:") ? "svix-signature: \(other) \(signature)" : $0 }, body, true
            ),
            (
                "rotated, none valid",
                { $0.hasPrefix("svix-signature:") ? "svix-signature: \(other) \(other)" : $0 }, body, false
            ),
            (
                "extra spaces between entries",
                { $0.hasPrefix("svix-signature:") ? "svix-signature:  \(other)   \(signature)  " : $0 }, body,
                true
            ),
            ("trailing newline on the body", { $0 }, body + "\n", false),
        ]
        for (index, (name, change, sentBody, valid)) in cases.enumerated() {
            let headerLines = head.map(change)
            let request =
                "POST /webhooks/testlify HTTP/1.1\r\n" + headerLines.joined(separator: "\r\n") + "\r\n\r\n"
                + sentBody
            let requestFile = folder.appendingPathComponent("\(index).http")
            try Data(request.utf8).write(to: requestFile)
            try Data(headerLines.joined(separator: "\n").utf8).write(
                to: folder.appendingPathComponent("\(index).headers"))
            try Data(sentBody.utf8).write(to: folder.appendingPathComponent("\(index).body"))
            let verify = try await Self.shell("proctor verify \(requestFile.path)")
            let served = try await Self.shell(
                "curl -s -o /dev/null -w '%{http_code}' -H @\(folder.path)/\(index).headers --data-binary @\(folder.path)/\(index).body \(server.baseURL)/webhooks/testlify"
            )
            #expect(verify.status == (valid ? 0 : 1), "verify, \(name): \(verify.out)")
            #expect(served.out == (valid ? "200" : "401"), "serve, \(name): \(served.out)")
        }
    }
}

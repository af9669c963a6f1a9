import Foundation
import ProctorSigning
import Testing

/// The `proctor` executable as a user runs it: exit codes, the main job, secrets kept out of output.
@Suite(.serialized) struct CommandLineTests {
    func proctor(_ arguments: [String]) async throws -> (status: Int32, out: String, err: String) {
        let path = try #require(TestProcesses.executable, "the proctor executable is not built")
        return try await TestProcesses.run(path, arguments)
    }

    /// Writes `yaml` to a fresh temporary scenario file and returns its path.
    func temporaryScenario(_ yaml: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "proctor-\(UUID().uuidString).yaml"
        ).path
        try Data(yaml.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func mainJobRunsAgainstTheBuiltInReceiver() async throws {
        let result = try await proctor([
            "run", "Scenarios/testlify-candidate-completes.yaml", "--time-scale", "0.001",
        ])
        #expect(result.status == 0, "\(result.out)\(result.err)")
        #expect(
            result.out.hasPrefix(
                "No target given: sending to the built-in reference receiver at http://127.0.0.1:"))
        #expect(result.out.contains("PASS"))
    }

    @Test func shippedScenariosCheckClean() async throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: TestProcesses.root + "/Scenarios")
            .filter { $0.hasSuffix(".yaml") }.map { "Scenarios/" + $0 }
        let result = try await proctor(["check"] + files)
        #expect(result.status == 0, "\(result.out)\(result.err)")
        #expect(result.err.contains("\(files.count) files checked, 0 errors"))
    }

    @Test(arguments: [
        ["run", "--bogus"], ["send", "testlify", "candidate.invited"],
        ["run", "Scenarios/x.yaml", "--time-scale", "0"],
        ["emit", "testlfy", "candidate.invited"], ["run", "/no/such/file.yaml"],
        ["serve", "--header-timeout", "0"], ["serve", "--body-timeout", "soon"],
        ["serve", "--max-connections", "0"],
        ["serve", "--max-candidates", "-1"],
    ])
    func badInputExitsTwo(arguments: [String]) async throws {
        let result = try await proctor(arguments)
        #expect(result.status == 2, "\(arguments): \(result.out)\(result.err)")
        #expect(!result.err.isEmpty)
    }

    /// `check` reports what `run` would fail on: a secret that cannot sign the vendor's scheme.
    @Test func checkReportsAnUnusableSecretAtItsLine() async throws {
        let path = try temporaryScenario(
            "scenario: s\nvendor: testlify\nsecret: \"not-a-key!\"\nsteps:\n  - send: candidate.invited\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try await proctor(["check", path])
        #expect(result.status == 2)
        #expect(
            result.out == path
                + ":3:9: error: a secret (****) is not whsec_, whsk_ or whpk_ followed by base64\n")
    }

    /// `check` (with the vendor catalog) reports references a run could not resolve: actor
    /// fields the vendor does not generate and payload paths its events do not have.
    @Test func checkReportsReferencesARunCannotResolve() async throws {
        let yaml = """
            scenario: s
            vendor: testlify
            actors: { jane: { first_name: Jane, anyfield: x } }
            steps:
              - send: candidate.invited
                id: invite
              - probe: GET /c/{{jane.candidateid}}
              - probe: GET /c/{{jane.nosuchfield}}
              - probe: GET /c/{{steps.invite.payload.data.candidateID}}
              - probe: GET /c/{{jane.candidateId}}/{{jane.anyfield}}/{{steps.invite.payload.data.customQuestions[9].score}}

            """
        let path = try temporaryScenario(yaml)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try await proctor(["check", path])
        #expect(result.status == 2)
        #expect(
            result.out == """
                \(path):7:12: error: '{{jane.candidateid}}': actor 'jane' has no field 'candidateid'; did you mean 'candidateId'?
                \(path):8:12: error: '{{jane.nosuchfield}}': actor 'jane' has no field 'nosuchfield'; its fields are first_name, anyfield, assessmentId, candidateId, email, firstName, lastName, last_name, name, orgId, workspaceUrl
                \(path):9:12: error: '{{steps.invite.payload.data.candidateID}}': a testlify candidate.invited payload has no 'data.candidateID'; did you mean 'data.candidateId' or 'data.candidate'?

                """)
    }

    /// A quirk for another event is a check error; a lifecycle gives each stage the quirks that
    /// apply to it, and a quirk that applies to none of them is an error.
    @Test func checkReportsQuirksForOtherEvents() async throws {
        let yaml = """
            scenario: s
            vendor: testlify-v1
            steps:
              - send: assessment.created
                quirks: [timestamp-present]
              - lifecycle: [invited, completed]
                quirks: [result-link-url, score-update-rejected]

            """
        let path = try temporaryScenario(yaml)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try await proctor(["check", path])
        #expect(result.status == 2)
        #expect(
            result.out == """
                \(path):5:14: error: quirk 'timestamp-present' does not apply to assessment.created; it applies to candidate.invited, candidate.enrolled, candidate.in_progress, candidate.completed, candidate.score_updated, candidate.disqualified
                \(path):7:31: error: quirk 'score-update-rejected' does not apply to any of candidate.invited, candidate.completed; it applies to candidate.score_updated

                """)
        // The quirk that applies to one stage runs there only.
        try Data(
            yaml.replacingOccurrences(of: ", score-update-rejected", with: "")
                .replacingOccurrences(
                    of: "  - send: assessment.created\n    quirks: [timestamp-present]\n", with: ""
                )
                .utf8
        ).write(to: URL(fileURLWithPath: path))
        let run = try await proctor(["run", path, "--time-scale", "0.001"])
        #expect(run.status == 0, "\(run.out)\(run.err)")
    }

    @Test(arguments: [
        ["run", "Scenarios/testlify-candidate-completes.yaml", "--timeout", "0s"],
        ["send", "testlify", "candidate.invited", "--target", "http://127.0.0.1:1/x", "--timeout", "0ms"],
    ])
    func zeroTimeoutIsBadInput(arguments: [String]) async throws {
        let result = try await proctor(arguments)
        #expect(result.status == 2, "\(result.out)\(result.err)")
        #expect(result.err.contains("--timeout must be more than 0s"), "\(result.err)")
    }

    @Test func loadAgainstAnUnreachableTargetFails() async throws {
        let result = try await proctor([
            "load", "--vendor", "testlify", "--events", "candidate.invited", "--target",
            "http://127.0.0.1:1/x",
            "--rate", "5/s", "--duration", "1s", "--progress", "none",
        ])
        #expect(result.status == 1, "\(result.out)\(result.err)")
        #expect(result.err.contains("no request got an answer from http://127.0.0.1:1/x"))
    }

    @Test func secretsStayMaskedUnlessAskedFor() async throws {
        let secret = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"
        let masked = try await proctor([
            "emit", "testlify", "candidate.completed", "--format", "http", "--secret", secret,
        ])
        #expect(masked.status == 0)
        #expect(masked.out.contains("svix-signature: v1,****\r\n"))
        #expect(!masked.out.contains(secret))
        let shown = try await proctor([
            "emit", "testlify", "candidate.completed", "--format", "http", "--secret", secret,
            "--show-secrets",
        ])
        #expect(shown.out.contains("svix-signature: v1,") && !shown.out.contains("v1,****"))
    }

    /// A signature is masked by what the header carries, whatever its name: an HMAC in `X-Sig`
    /// from `emit`, and the scenario's `signing:` header in the `run` JSON report.
    @Test func bodyHMACSignaturesAreMaskedByWhatTheyCarry() async throws {
        let emitted = try await proctor([
            "emit", "talview", "ae.test_instance.created", "--format", "http", "--hmac-header", "X-Sig",
            "--hmac-prefix", "sha256=",
        ])
        #expect(emitted.status == 0)
        #expect(emitted.out.contains("X-Sig: sha256=****\r\n"), "\(emitted.out)")

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "proctor-mask-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try await proctor([
            "run", "Scenarios/talview-test-instance.yaml", "--time-scale", "0.001", "--report",
            "json=\(folder.path)/run.json",
        ])
        #expect(run.status == 0, "\(run.out)\(run.err)")
        let report = try String(contentsOfFile: folder.path + "/run.json", encoding: .utf8)
        #expect(report.contains(#""name": "X-Talview-Signature""#))
        #expect(report.contains(#""value": "sha256=****""#))
        #expect(!report.contains(SecretRule.exampleSecret))
    }
}

/// Signals as a user sends them: an impatient double Ctrl-C still leaves the reports.
@Suite struct SignalCommandTests {
    @Test func aDoubleInterruptStillWritesTheReports() async throws {
        let executable = try #require(TestProcesses.executable, "the proctor executable is not built")
        let folder = NSTemporaryDirectory() + "proctor-signals-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let scenario = folder + "/wait.yaml"
        try Data(
            """
            scenario: wait
            vendor: testlify
            steps:
              - send: candidate.invited
              - send: candidate.enrolled
                after: 1h

            """.utf8
        ).write(to: URL(fileURLWithPath: scenario))
        let report = folder + "/run.json"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["run", scenario, "--report", "json=\(report)"]
        let err = Pipe()
        let output = folder + "/out.txt"
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        process.standardError = err
        try TestProcesses.startWithNoSignalBlocked(process)
        // Once the first step is out (the run is waiting out its hour), interrupt twice in quick
        // succession.
        let started = ContinuousClock.now + .seconds(60)
        var printed = ""
        while ContinuousClock.now < started, !printed.contains("send candidate.invited"), process.isRunning {
            try await Task.sleep(for: .milliseconds(50))
            printed = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        }
        try #require(printed.contains("send candidate.invited"), "the run never got going: \(printed)")
        // (Two different signals: two of the same kind can merge into one while pending.)
        kill(process.processIdentifier, SIGINT)
        kill(process.processIdentifier, SIGTERM)
        let deadline = ContinuousClock.now + .seconds(10)
        while process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        if process.isRunning { process.terminate() }
        #expect(process.terminationStatus == 130)
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: report)))
                as? [String: Any])
        #expect(json["interrupted"] as? Bool == true)
        // Whether the second signal arrived before the run had finished is a race; the grace
        // itself is tested in InterruptTests.
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(!stderr.contains("error"), "\(stderr)")
    }
}

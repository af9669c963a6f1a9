import Foundation
import ProctorCore
import ProctorDelivery
import ProctorJSON
import ProctorReceiver
import ProctorRunner
import ProctorScenario
import ProctorSigning
import ProctorTestSupport
import ProctorVendors
import Synchronization
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Collects printed lines from several tasks.
final class Lines: Sendable {
    private let storage = Mutex<[String]>([])
    func append(_ line: String) { storage.withLock { $0.append(line) } }
    var all: [String] { storage.withLock { $0 } }
}

/// `proctor run` end to end over loopback: scenario files, the vendor catalog, real HTTP, the
/// reference receiver, contract checks and reports.
@Suite(.serialized) struct RunPipelineTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    static var shippedScenarios: [String] {
        let folder = root + "/Scenarios"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted().map { folder + "/" + $0 }
    }

    func temporaryFolder() throws -> String {
        let folder = NSTemporaryDirectory() + "proctor-run-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    func run(
        _ files: [String], settings: RunSettings = RunSettings(timeScale: 0.001), reports: [ReportSpec] = []
    ) async -> (RunPipeline.Outcome, out: [String], err: [String]) {
        let out = Lines()
        let err = Lines()
        var pipeline = RunPipeline(settings: settings, reports: reports)
        pipeline.handlesSignals = false
        let outcome = await pipeline.run(
            files: files, print: { out.append($0) }, printError: { err.append($0) })
        return (outcome, out.all, err.all)
    }

    @Test(arguments: shippedScenarios)
    func shippedScenarioPassesAgainstTheBuiltInReceiver(path: String) async throws {
        let (outcome, out, err) = await run([path])
        #expect(outcome.exitCode == 0, "\(out.joined(separator: "\n"))\n\(err.joined(separator: "\n"))")
        let result = try #require(outcome.result)
        #expect(result.counts.total > 0)
        #expect(result.counts.passed == result.counts.total)
        #expect(
            out.first?.hasPrefix(
                "No target given: sending to the built-in reference receiver at http://127.0.0.1:") == true)
    }

    @Test func everyVendorIsDeliveredSignedAndDeduplicated() async throws {
        let receiver = try await ReferenceReceiver(configuration: ReceiverConfiguration()).start()
        defer { Task { await receiver.stop() } }
        let folder = try temporaryFolder()
        var files: [String] = []
        for (vendor, events) in [
            ("testlify", ["candidate.invited", "candidate.enrolled", "candidate.completed"]),
            ("testlify-v1", ["candidate.invited", "candidate.enrolled", "candidate.completed"]),
            ("talview", ["ae.test_instance.created", "ae.test_instance.updated"]),
            ("qualified", ["assessment_result_started", "assessment_result_submitted"]),
        ] {
            var yaml =
                "scenario: e2e-\(vendor)\nvendor: \(vendor)\ntarget: \(receiver.url(vendor: vendor))\nseed: 9\n"
            yaml += "actors: { jo: { first_name: Jo, last_name: March } }\nsteps:\n"
            for event in events { yaml += "  - send: \(event)\n" }
            // The last event again, delivered twice: a repeat the vendor can send at that point.
            yaml += "  - send: \(events[events.count - 1])\n    fault: duplicate\n"
            if vendor == "testlify" { yaml += "  - send: candidate.completed\n    fault: bad-signature\n" }
            let path = folder + "/\(vendor).yaml"
            try write(yaml, to: path)
            files.append(path)
        }
        let (outcome, out, err) = await run(files)
        #expect(outcome.exitCode == 0, "\(out.joined(separator: "\n"))\n\(err.joined(separator: "\n"))")
        let result = try #require(outcome.result)

        let received = await receiver.state.events
        // Every sent attempt arrived; Testlify's were verified over the exact bytes sent.
        let sentAttempts = result.scenarios.flatMap(\.steps).flatMap(\.sends).flatMap(\.result.attempts)
        #expect(received.count == sentAttempts.count)
        for event in received where event.vendor == "testlify" {
            if event.status == 401 {
                #expect(event.verified == false)
            } else {
                #expect(event.verified == true, "\(event.json)")
            }
        }
        // Duplicates: the second delivery of a message id is recognised, for every vendor.
        for vendor in ["testlify", "testlify-v1", "talview", "qualified"] {
            #expect(received.contains { $0.vendor == vendor && $0.duplicate }, "\(vendor): no duplicate seen")
        }
        // What arrived is byte for byte what was sent (and signed), in order.
        let sentDigests = sentAttempts.sorted {
            $0.exchange.startedAtMilliseconds < $1.exchange.startedAtMilliseconds
        }
        .map { BodyDigest.sha256Hex($0.exchange.request.body) }
        #expect(Set(received.map(\.bodySHA256)) == Set(sentDigests))
        for attempt in sentAttempts {
            let body = try JSONValue(parsing: attempt.exchange.request.body)
            #expect(body.objectValue != nil)
        }
        #expect(received.contains { $0.vendor == "testlify" && $0.status == 401 })
    }

    @Test func failingExpectationsExitOneAndTheJUnitReportCountsThem() async throws {
        let folder = try temporaryFolder()
        let path = folder + "/failing.yaml"
        try write(
            """
            scenario: failing
            vendor: testlify
            seed: 3
            actors: { ann: {} }
            steps:
              - send: candidate.invited
                id: invite
                expect: { status: 202 }
              - send: candidate.enrolled
                expect:
                  status: 2xx
                  body: { properties: { status: { const: accepted } }, required: [status] }
              - probe: GET /events?id={{steps.invite.response.body.id}}
                expect:
                  status: 200
                  body: { type: array }
            """, to: path)
        let junit = folder + "/out/junit.xml"
        let json = folder + "/out/run.json"
        let (outcome, out, _) = await run(
            [path], reports: [ReportSpec(format: .junit, path: junit), ReportSpec(format: .json, path: json)])
        #expect(outcome.exitCode == 1)
        let result = try #require(outcome.result)
        #expect(result.counts.total == 3)
        #expect(result.counts.failed == 2)
        let failures = result.scenarios[0].steps.compactMap { step -> [String]? in
            if case .failed(let reasons) = step.verdict { return reasons }
            return nil
        }.flatMap { $0 }
        #expect(failures.contains { $0.contains("status 202") && $0.contains("200") })
        #expect(failures.contains { $0.contains("(root): expected array, got object") }, "\(failures)")
        // The probe's path was resolved from the first step's response body (the message id).
        let probeURL = result.scenarios[0].steps[2].sends.first?.result.lastExchange?.request.url ?? ""
        #expect(probeURL.contains("/events?id=msg_"), "\(probeURL)")
        #expect(out.last(where: { $0.hasPrefix("FAIL") || $0.contains("failed") }) != nil)

        let counter = XMLCounter()
        let parser = XMLParser(data: try Data(contentsOf: URL(fileURLWithPath: junit)))
        parser.delegate = counter
        #expect(parser.parse())
        #expect(counter.counts["testsuite"] == 1)
        #expect(counter.counts["testcase"] == 3)
        #expect(counter.counts["failure"] == 2)
        #expect(counter.attributes["testsuite"]?.first?["failures"] == "2")
        let report = try JSONValue(parsing: [UInt8](try Data(contentsOf: URL(fileURLWithPath: json))))
        #expect(report.objectValue != nil)
        #expect(
            !String(decoding: try Data(contentsOf: URL(fileURLWithPath: json)), as: UTF8.self).contains(
                "whsec_"))
    }

    @Test func vendorRetriesFollowTheScaledSchedule() async throws {
        let receiver = try await ReferenceReceiver(
            configuration: ReceiverConfiguration(chaos: ChaosSettings(failFirst: 2))
        ).start()
        defer { Task { await receiver.stop() } }
        let folder = try temporaryFolder()
        let path = folder + "/retries.yaml"
        try write(
            """
            scenario: retries
            vendor: testlify
            target: \(receiver.url(vendor: "testlify"))
            retries: vendor
            actors: { kim: {} }
            steps:
              - send: candidate.invited
            """, to: path)
        let (outcome, out, _) = await run([path])
        #expect(outcome.exitCode == 0, "\(out)")
        let step = try #require(outcome.result?.scenarios.first?.steps.first)
        let attempts = step.sends.first?.result.attempts ?? []
        #expect(attempts.count == 3)
        // The console says what each wait is for.
        let waits = out.filter { $0.hasPrefix("↻") }
        #expect(waits.count == 2, "\(out)")
        #expect(
            waits.first?.hasPrefix(
                "↻  retries  kim  send candidate.invited  attempt 1 failed: status 503; waiting 5s (5ms at --time-scale 0.001) for attempt 2 of 8 at "
            ) == true, "\(waits)")
        #expect(
            waits.last?.hasPrefix(
                "↻  retries  kim  send candidate.invited  attempt 2 failed: status 503; waiting 5m (300ms at --time-scale 0.001) for attempt 3 of 8 at "
            ) == true, "\(waits)")
        // Svix waits 5 s then 5 min; at --time-scale 0.001 that is 5 ms then 300 ms.
        if attempts.count == 3 {
            let second =
                attempts[1].exchange.startedAtMilliseconds - attempts[0].exchange.startedAtMilliseconds
            let third =
                attempts[2].exchange.startedAtMilliseconds - attempts[1].exchange.startedAtMilliseconds
            #expect(second >= 5 && second < 250, "\(second) ms")
            #expect(third >= 300 && third < 1500, "\(third) ms")
            // Same message id on every attempt, a fresh signature each time.
            let ids = Set(attempts.map { $0.exchange.request.headers["svix-id"] ?? "" })
            let signatures = Set(attempts.map { $0.exchange.request.headers["svix-signature"] ?? "" })
            #expect(ids.count == 1)
            #expect(
                signatures.count == 3 || attempts.map(\.exchange.request.headers["svix-timestamp"]).count == 3
            )
        }
    }

    @Test func brokenScenarioStopsTheRunBeforeSending() async throws {
        let folder = try temporaryFolder()
        let path = folder + "/broken.yaml"
        try write("scenario: broken\nvendor: testlify\nsteps:\n  - send: candidate.finished\n", to: path)
        let (outcome, out, err) = await run([path])
        #expect(outcome.exitCode == 2)
        #expect(outcome.result == nil)
        #expect(out.isEmpty)
        #expect(
            err.contains { $0.hasPrefix(path + ":4:11: error: unknown testlify event 'candidate.finished'") },
            "\(err)")
    }

    @Test func unusableBodySchemaIsBadInputWithItsPosition() async throws {
        let folder = try temporaryFolder()
        let path = folder + "/schema.yaml"
        try write(
            """
            scenario: schema
            vendor: testlify
            steps:
              - send: candidate.invited
                expect:
                  body: { properties: { a: { $ref: "#/$defs/missing" } } }
            """, to: path)
        let (outcome, out, err) = await run([path])
        #expect(outcome.exitCode == 2)
        #expect(out.isEmpty)
        #expect(
            err.contains {
                $0.hasPrefix(path + ":6:13: error: unusable body schema: unresolvable reference")
            }, "\(err)")
    }

    /// Every Qualified `lifecycle:` stage passes the checks and is sent to the built-in receiver,
    /// with every event Qualified fires for the stage's change, in order.
    @Test func everyQualifiedLifecycleStageRuns() async throws {
        let folder = try temporaryFolder()
        let path = folder + "/stages.yaml"
        try write(
            """
            scenario: stages
            vendor: qualified
            actors:
              ada: { first_name: Ada }
              bob: { first_name: Bob }
            steps:
              - lifecycle: [invited, opened, started, solved, submitting, submitted, risk_detected, reviewed, approved, rejected, archived]
                as: ada
              - lifecycle: [invited, opened, started, terminated]
                as: bob
                after: 1ms
            """, to: path)
        let (outcome, out, err) = await run([path])
        #expect(outcome.exitCode == 0, "\(out) \(err)")
        let counts = try #require(outcome.result?.scenarios.first?.counts)
        #expect(counts.total == 23)
        #expect(counts.passed == 23, "\(out)")
        let steps = outcome.result?.scenarios.first?.steps ?? []
        let started = [
            "assessment_result_started", "assessment_result_state_changed.started",
            "team_candidate_state_changed.started",
        ]
        let invited = ["team_candidate_state_changed", "assessment_result_state_changed.invited"]
        #expect(
            steps.filter { $0.actor == "bob" }.compactMap(\.event)
                == invited + ["assessment_result_state_changed"] + started + [
                    "assessment_result_state_changed.terminated"
                ])
        #expect(
            steps.filter { $0.actor == "ada" }.compactMap(\.event)
                == invited + ["assessment_result_state_changed"] + started + [
                    "solution_updated", "assessment_result_state_changed.submitting",
                    "assessment_result_submitted",
                    "assessment_result_state_changed.submitted", "team_candidate_state_changed.submitted",
                ]
                + ["risk_detected", "reviewed", "approved", "rejected", "archived"].map {
                    "team_candidate_state_changed." + $0
                })
        // The events of one moment carry its data: the result's state change repeats the result.
        let bodies = steps.filter { $0.actor == "ada" }.compactMap { step -> JSONValue? in
            guard let bytes = step.sends.first?.result.lastExchange?.request.body else { return nil }
            return try? JSONValue(parsing: bytes)
        }
        #expect(bodies.count == 16)
        if bodies.count == 16 {
            #expect(bodies[3]["data"] == bodies[4]["data"])
            #expect(bodies[4]["data"]?["state"]?.stringValue == "started")
            #expect(bodies[5]["data"]?["state"]?.stringValue == "started")
            #expect(bodies[5]["data"]?["prev_state"]?.stringValue == "invited")
            #expect(bodies[8]["data"] == bodies[9]["data"])
            #expect(bodies[10]["data"]?["state"]?.stringValue == "submitted")
        }
    }

    @Test func scenarioSigningAndMethodReachTheWire() async throws {
        let receiver = try await ReferenceReceiver(
            configuration: ReceiverConfiguration(
                hmacChecks: [
                    "qualified": BodyHMACCheck(header: "X-Signature", secret: WebhookSecret("s3cret"))
                ])
        ).start()
        defer { Task { await receiver.stop() } }
        let folder = try temporaryFolder()
        let path = folder + "/signed.yaml"
        try write(
            """
            scenario: signed
            vendor: qualified
            target: \(receiver.url(vendor: "qualified"))
            secret: s3cret
            method: PATCH
            signing: { header: X-Signature, algorithm: hmac-sha256, encoding: hex, prefix: "sha256=" }
            steps:
              - send: assessment_result_started
              - send: assessment_result_submitted
                fault: bad-signature
              - send: assessment_result_submitted
                fault: malformed-signature
            """, to: path)
        let (outcome, out, _) = await run([path])
        #expect(outcome.exitCode == 0, "\(out)")
        let requests =
            outcome.result?.scenarios.first?.steps.compactMap { $0.sends.first?.result.lastExchange?.request }
            ?? []
        #expect(requests.count == 3)
        #expect(requests.allSatisfy { $0.method == "PATCH" })
        #expect(requests.allSatisfy { ($0.headers["X-Signature"] ?? "").hasPrefix("sha256=") })
        let received = await receiver.state.events
        #expect(received.map(\.verified) == [true, false, false])
        #expect(received.map(\.status) == [200, 401, 401])
    }

    @Test func anUnusableSecretIsReportedAtItsLineBeforeSending() async throws {
        let folder = try temporaryFolder()
        let path = folder + "/secret.yaml"
        try write(
            """
            scenario: secret
            vendor: testlify
            target: http://127.0.0.1:1/webhooks/testlify
            secret: "not-a-key!"
            steps:
              - send: candidate.invited
            """, to: path)
        let (outcome, _, err) = await run([path])
        #expect(outcome.exitCode == 2)
        #expect(outcome.result == nil)
        #expect(
            err == [path + ":4:9: error: a secret (****) is not whsec_, whsk_ or whpk_ followed by base64"])
    }

    @Test func scenarioTimeoutLeavesLaterStepsUnsent() async throws {
        let folder = try temporaryFolder()
        let path = folder + "/timeout.yaml"
        try write(
            """
            scenario: budget
            vendor: testlify
            timeout: 300ms
            steps:
              - send: candidate.invited
              - send: candidate.enrolled
                after: 1s
              - send: candidate.in_progress
            """, to: path)
        let (outcome, _, _) = await run([path], settings: RunSettings(timeScale: 1))
        #expect(outcome.exitCode == 1)
        let verdicts = outcome.result?.scenarios.first?.steps.map(\.verdict) ?? []
        #expect(verdicts.count == 3)
        #expect(verdicts.first == .passed)
        #expect(verdicts.last == .notSent("the scenario's timeout of 300ms ran out"))
        #expect(outcome.result?.counts.notSent == 1)
    }

    /// A scenario's `timeout:` is a wait like the others: `--time-scale` scales it.
    @Test func scenarioTimeoutIsScaledWithTheTimeScale() async throws {
        let folder = try temporaryFolder()
        let path = folder + "/scaled.yaml"
        try write(
            """
            scenario: scaled
            vendor: testlify
            timeout: 300s
            steps:
              - send: candidate.invited
              - send: candidate.enrolled
                after: 1000s
              - send: candidate.in_progress
            """, to: path)
        let started = ContinuousClock.now
        let (outcome, _, _) = await run([path], settings: RunSettings(timeScale: 0.001))
        #expect(ContinuousClock.now - started < .seconds(10))
        let verdicts = outcome.result?.scenarios.first?.steps.map(\.verdict) ?? []
        #expect(
            verdicts.last == .notSent("the scenario's timeout of 5m (300ms at --time-scale) ran out"),
            "\(verdicts)")
    }

    /// `--retries none` overrides a scenario's `retries: vendor`: one attempt.
    @Test func retriesFlagOverridesTheScenario() async throws {
        let folder = try temporaryFolder()
        let path = folder + "/retries.yaml"
        try write(
            "scenario: retries\nvendor: qualified\nretries: vendor\nsteps:\n  - send: assessment_result_started\n",
            to: path)
        let target = TargetChoice(all: "http://127.0.0.1:9/hooks")
        let (once, _, _) = await run(
            [path], settings: RunSettings(targets: target, timeScale: 0.0001, retries: RetryMode.none))
        #expect(once.result?.scenarios.first?.steps.first?.attemptCount == 1)
        // Qualified retries a refused connection once.
        let (vendor, _, _) = await run([path], settings: RunSettings(targets: target, timeScale: 0.0001))
        #expect(vendor.result?.scenarios.first?.steps.first?.attemptCount == 2)
    }

    @Test func unreachableTargetIsAFailedStepNotACrash() async throws {
        let folder = try temporaryFolder()
        let path = folder + "/unreachable.yaml"
        try write("scenario: unreachable\nvendor: testlify\nsteps:\n  - send: candidate.invited\n", to: path)
        let (outcome, _, _) = await run(
            [path],
            settings: RunSettings(targets: TargetChoice(all: "http://127.0.0.1:9/hooks"), timeScale: 0.001))
        #expect(outcome.exitCode == 1)
        guard case .failed(let reasons)? = outcome.result?.scenarios.first?.steps.first?.verdict else {
            Issue.record("expected a failed step")
            return
        }
        #expect(reasons.joined().contains("no response"), "\(reasons)")
    }

    @Test func anUnreachableTargetStopsOnlyItsOwnScenarios() async throws {
        let closed = try ClosedPort()
        defer { withExtendedLifetime(closed) {} }
        let port = closed.port
        let down = "http://127.0.0.1:\(port)/webhooks/testlify"
        // Testlify's scenario goes to a closed port, Qualified's to the built-in receiver.
        let (outcome, out, err) = await run(
            [
                Self.root + "/Scenarios/testlify-candidate-completes.yaml",
                Self.root + "/Scenarios/qualified-assessment-result.yaml",
            ],
            settings: RunSettings(
                targets: TargetChoice(byVendor: ["testlify": down]), timeScale: 0.001, retries: .vendor))
        #expect(outcome.exitCode == 1)
        let result = try #require(outcome.result)
        let testlify = try #require(result.scenarios.first { $0.vendor == "testlify" })
        let qualified = try #require(result.scenarios.first { $0.vendor == "qualified" })
        #expect(qualified.counts.passed == qualified.counts.total, "\(out)")
        #expect(testlify.counts.failed == 1)
        #expect(testlify.counts.notSent == testlify.counts.total - 1)
        #expect(result.unreachableTargets.map(\.url) == [down])
        #expect(result.unreachableTargets.first?.stoppedEarly == true)
        #expect(err.count == 1, "\(err)")
        #expect(err.first?.hasPrefix("error: \(down) refused every connection (") == true, "\(err)")
    }

    /// Three refused sends, the third after 2.4 s: the fourth is not sent, unless the rule is off.
    @Test func theUnreachableRuleAppliesWithoutRetriesAndCanBeTurnedOff() async throws {
        let folder = try temporaryFolder()
        let path = folder + "/down.yaml"
        try write(
            """
            scenario: down
            vendor: testlify
            retries: none
            steps:
              - send: candidate.invited
              - send: candidate.enrolled
              - send: candidate.in_progress
                after: 40m
              - send: candidate.completed
            """, to: path)
        let closed = try ClosedPort()
        defer { withExtendedLifetime(closed) {} }
        let port = closed.port
        let settings = RunSettings(
            targets: TargetChoice(all: "http://127.0.0.1:\(port)/webhooks/testlify"), timeScale: 0.001)
        async let stopping = run([path], settings: settings)
        async let keepingOn = runWithoutTheRule([path], settings: settings)
        let (stopped, _, stoppedErr) = await stopping
        let (kept, _, keptErr) = await keepingOn
        let stoppedSteps = stopped.result?.scenarios.first?.steps ?? []
        #expect(stoppedSteps.map(\.attemptCount) == [1, 1, 1, 0])
        #expect(stoppedSteps.last?.verdict.isNotSent == true)
        #expect(stopped.result?.unreachableTargets.first?.stoppedEarly == true)
        #expect(stoppedErr.count == 1)
        // Turned off, every step is sent; the run still says the target never answered.
        let keptSteps = kept.result?.scenarios.first?.steps ?? []
        #expect(keptSteps.map(\.attemptCount) == [1, 1, 1, 1])
        #expect(kept.exitCode == 1)
        #expect(kept.result?.unreachableTargets.first?.stoppedEarly == false)
        #expect(
            keptErr == [
                "error: http://127.0.0.1:\(port)/webhooks/testlify refused every connection (4 attempts over "
                    + (kept.result?.unreachableTargets.first.map { DurationText.format($0.span) } ?? "?")
                    + ", no answer): connection refused by 127.0.0.1:\(port); is the consumer running?"
            ])
    }

    func runWithoutTheRule(_ files: [String], settings: RunSettings) async -> (
        RunPipeline.Outcome, out: [String], err: [String]
    ) {
        let out = Lines()
        let err = Lines()
        var pipeline = RunPipeline(settings: settings)
        pipeline.handlesSignals = false
        pipeline.unreachableRule = nil
        let outcome = await pipeline.run(
            files: files, print: { out.append($0) }, printError: { err.append($0) })
        return (outcome, out.all, err.all)
    }
}

extension StepResult.Verdict {
    var isNotSent: Bool {
        if case .notSent = self { return true }
        return false
    }
}

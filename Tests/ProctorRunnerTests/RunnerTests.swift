import Foundation
import ProctorCore
import ProctorDelivery
import ProctorRunner
import ProctorSigning
import ProctorVendors
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Counts elements and reads attributes of a parsed XML document.
final class XMLCounter: NSObject, XMLParserDelegate {
    var counts: [String: Int] = [:]
    var attributes: [String: [[String: String]]] = [:]

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        counts[name, default: 0] += 1
        self.attributes[name, default: []].append(attributes)
    }
}

@Suite struct RunnerTests {
    static let signer = try? Signer(
        scheme: .standardWebhooks(.svix), secrets: [WebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")])

    func delivery(_ name: String, actor: String, index: Int, fault: FaultKind? = nil, expect: String = "2xx")
        throws -> PreparedDelivery
    {
        let signer = try #require(Self.signer)
        let request = PreparedRequest(
            vendor: "testlify", event: name, url: "http://127.0.0.1:9/webhooks/testlify",
            body: Array(#"{"event":"\#(name)"}"#.utf8),
            messageId: "msg_\(actor)_\(index)", signers: [signer]
        )
        return PreparedDelivery(
            name: "send \(name)", actor: actor, index: index, request: request, fault: fault,
            check: ExchangeChecks.statusAndLatency(Expectation(status: StatusPattern(expect)))
        )
    }

    /// Answers 200 unless the body names an event containing "fail".
    var transport: ClosureTransport {
        ClosureTransport.responding { request in
            String(decoding: request.body, as: UTF8.self).contains("fail")
                ? .success(ResponseSummary(status: 500, body: Array("boom".utf8)))
                : .success(ResponseSummary(status: 200))
        }
    }

    func sampleRun() async throws -> RunResult {
        let engine = DeliveryEngine(
            transport: transport, options: EngineOptions(timeScale: 0.001), sleep: { _ in })
        let first = await engine.run(
            scenario: "lifecycle", vendor: "testlify",
            actors: [
                (
                    "jane",
                    [
                        try delivery("invited", actor: "jane", index: 0),
                        try delivery("fail <&>", actor: "jane", index: 1),
                        try delivery("completed", actor: "jane", index: 2, fault: .duplicate),
                    ]
                ),
                ("joe", [try delivery("invited", actor: "joe", index: 0)]),
            ])
        let second = await engine.run(
            scenario: "faults", vendor: "testlify",
            actors: [
                (
                    "ann",
                    [try delivery("invited", actor: "ann", index: 0, fault: .badSignature, expect: "200")]
                )
            ])
        return RunResult(
            startedAtMilliseconds: 1_700_000_000_000, duration: .seconds(1), target: "http://127.0.0.1:9",
            seed: 42, scenarios: [first, second])
    }

    @Test func engineAccountsForEveryStep() async throws {
        let run = try await sampleRun()
        #expect(run.counts.total == 5)
        #expect(run.counts.passed == 4)
        #expect(run.counts.failed == 1)
        let duplicate = try #require(run.scenarios[0].steps.first { $0.fault == "duplicate" })
        #expect(duplicate.sends.map(\.label) == ["original", "duplicate"])
        #expect(
            duplicate.deliverySummary == "original: delivered in 1 attempt; duplicate: delivered in 1 attempt"
        )
        #expect(!run.passed)
    }

    @Test func failFastMarksTheRestNotSent() async throws {
        let engine = DeliveryEngine(
            transport: transport, options: EngineOptions(maxConcurrentActors: 1, failFast: true),
            sleep: { _ in })
        let result = await engine.run(
            scenario: "s", vendor: "testlify",
            actors: [
                (
                    "jane",
                    [
                        try delivery("fail", actor: "jane", index: 0),
                        try delivery("completed", actor: "jane", index: 1),
                    ]
                )
            ])
        #expect(result.counts.failed == 1)
        #expect(result.counts.notSent == 1)
        #expect(result.steps[1].verdict == .notSent("fail-fast: an earlier step failed"))
    }

    @Test func reorderAndInapplicableFaults() async throws {
        let order = LockedOrder()
        let recording = ClosureTransport { request in
            await order.add(String(decoding: request.body, as: UTF8.self))
            return Exchange(
                request: request, startedAtMilliseconds: 0, duration: .zero,
                outcome: .success(ResponseSummary(status: 200)))
        }
        let engine = DeliveryEngine(transport: recording, sleep: { _ in })
        var unsigned = try delivery("completed", actor: "a", index: 2, fault: .badSignature)
        unsigned.request.signers = []
        let result = await engine.run(
            scenario: "s", vendor: "testlify",
            actors: [
                (
                    "a",
                    [
                        try delivery("invited", actor: "a", index: 0, fault: .reorder),
                        try delivery("enrolled", actor: "a", index: 1), unsigned,
                    ]
                )
            ])
        #expect(await order.items == [#"{"event":"enrolled"}"#, #"{"event":"invited"}"#])
        guard case .error(let reason) = result.steps[2].verdict else {
            Issue.record("expected an error")
            return
        }
        #expect(reason.contains("not signed"))
    }

    @Test func cancellationLeavesAPartialResult() async throws {
        let engine = DeliveryEngine(
            transport: transport, sleep: { duration in try await Task.sleep(for: duration) })
        var slow = try delivery("completed", actor: "a", index: 1)
        slow.after = .seconds(30)
        let deliveries = [try delivery("invited", actor: "a", index: 0), slow]
        let finished = Lines()
        let task = Task {
            await engine.run(scenario: "s", vendor: "testlify", actors: [("a", deliveries)]) { _ in
                finished.append("step")
            }
        }
        // Cancel once the first step is done and the second is waiting out its 30 s.
        for _ in 0..<1000 where finished.all.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(50))
        task.cancel()
        let result = await task.value
        #expect(result.steps.count == 2)
        #expect(result.steps[0].verdict == .passed)
        #expect(result.steps[1].verdict == .notSent("interrupted"))
    }

    /// Interrupted while the consumer holds the request: reported as sent and interrupted, not
    /// as never sent.
    @Test func aRequestInFlightWhenInterruptedIsReportedAsSent() async throws {
        let received = Lines()
        let slowConsumer = ClosureTransport { request in
            received.append("got it")
            let outcome: Result<ResponseSummary, TransportFailure>
            do {
                try await Task.sleep(for: .seconds(30))
                outcome = .success(ResponseSummary(status: 200))
            } catch {
                outcome = .failure(TransportFailure(.cancelled, "the request was cancelled"))
            }
            return Exchange(request: request, startedAtMilliseconds: 0, duration: .zero, outcome: outcome)
        }
        let engine = DeliveryEngine(transport: slowConsumer)
        let deliveries = [
            try delivery("invited", actor: "a", index: 0), try delivery("enrolled", actor: "a", index: 1),
        ]
        let task = Task { await engine.run(scenario: "s", vendor: "testlify", actors: [("a", deliveries)]) }
        for _ in 0..<1000 where received.all.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        task.cancel()
        let result = await task.value
        guard case .failed(let reasons) = result.steps[0].verdict else {
            Issue.record("expected the step in flight to be reported as sent: \(result.steps[0].verdict)")
            return
        }
        #expect(reasons.last?.hasPrefix("interrupted while the request was in flight") == true)
        #expect(result.steps[0].sends.first?.result.attempts.count == 1)
        #expect(result.steps[1].verdict == .notSent("interrupted"))
    }

    @Test func junitParsesWithTheRightCounts() async throws {
        let run = try await sampleRun()
        let xml = JUnitReport.render(run)
        let parser = XMLParser(data: Data(xml.utf8))
        let counter = XMLCounter()
        parser.delegate = counter
        #expect(parser.parse(), "\(String(describing: parser.parserError))")
        #expect(counter.counts["testsuites"] == 1)
        #expect(counter.counts["testsuite"] == 2)
        #expect(counter.counts["testcase"] == 5)
        #expect(counter.counts["failure"] == 1)
        let root = try #require(counter.attributes["testsuites"]?.first)
        #expect(root["tests"] == "5")
        #expect(root["failures"] == "1")
        let suites = try #require(counter.attributes["testsuite"])
        #expect(suites.map { $0["name"] } == ["lifecycle", "faults"])
        #expect(suites.map { $0["tests"] } == ["4", "1"])
        let failure = try #require(counter.attributes["failure"]?.first)
        #expect(failure["message"] == "expected status 2xx, got 500: boom")
        #expect(xml.contains("jane: send fail &lt;&amp;&gt;"))
    }

    /// Jenkins/Surefire's XSD has no `skipped` on `<testsuites>`; two steps sending one event get
    /// distinct testcase names: the step `id` where there is one, else the step's position.
    @Test func junitNamesAreUniqueAndAttributesFollowTheXSD() throws {
        var withID = StepResult(name: "send candidate.invited", actor: "jane", index: 0, verdict: .passed)
        withID.id = "invite"
        let steps = [
            withID,
            StepResult(name: "send candidate.invited", actor: "jane", index: 1, verdict: .passed),
            StepResult(
                name: "send candidate.invited", actor: "jane", index: 2, verdict: .notSent("interrupted")),
            StepResult(name: "send candidate.invited", actor: "sam", index: 1, verdict: .passed),
        ]
        let run = RunResult(
            startedAtMilliseconds: 0,
            scenarios: [ScenarioResult(name: "s", vendor: "testlify", startedAtMilliseconds: 0, steps: steps)]
        )
        let xml = JUnitReport.render(run)
        let parser = XMLParser(data: Data(xml.utf8))
        let counter = XMLCounter()
        parser.delegate = counter
        #expect(parser.parse())
        let root = try #require(counter.attributes["testsuites"]?.first)
        #expect(root["skipped"] == nil)
        #expect(counter.attributes["testsuite"]?.first?["skipped"] == "1")
        let names = try #require(counter.attributes["testcase"]).compactMap { $0["name"] }
        #expect(
            names == [
                "jane: invite: send candidate.invited", "jane: send candidate.invited (step 2)",
                "jane: send candidate.invited (step 3)", "sam: send candidate.invited",
            ])
        #expect(Set(names).count == names.count)
        let json = String(decoding: JSONReport.render(run), as: UTF8.self)
        #expect(json.contains(#""id": "invite""#))
    }

    /// A failed step exits 1 whatever the thresholds; with every step passed a breach exits 99;
    /// each threshold is a parseable testcase of a `thresholds` testsuite.
    @Test func thresholdsExitNinetyNineUnlessAStepFailed() throws {
        let passed = StepResult(name: "send candidate.invited", actor: "jane", verdict: .passed)
        var run = RunResult(
            startedAtMilliseconds: 0,
            scenarios: [
                ScenarioResult(name: "s", vendor: "testlify", startedAtMilliseconds: 0, steps: [passed])
            ])
        #expect(run.exitCode == 0)
        run.thresholds = [
            RunThresholdVerdict(
                scenario: "s",
                verdict: ThresholdVerdict(threshold: "p99<1s", passed: true, observed: "p99 5ms")),
            RunThresholdVerdict(
                scenario: nil,
                verdict: ThresholdVerdict(
                    threshold: "error_rate<1%", passed: false, observed: "error_rate 50% (1 of 2)")),
        ]
        #expect(run.exitCode == 99)
        let xml = JUnitReport.render(run)
        let parser = XMLParser(data: Data(xml.utf8))
        let counter = XMLCounter()
        parser.delegate = counter
        #expect(parser.parse())
        #expect(counter.attributes["testsuites"]?.first?["tests"] == "3")
        #expect(counter.attributes["testsuites"]?.first?["failures"] == "1")
        let suite = try #require(counter.attributes["testsuite"]?.last)
        #expect(suite["name"] == "thresholds" && suite["tests"] == "2" && suite["failures"] == "1")
        let names = try #require(counter.attributes["testcase"]).compactMap { $0["name"] }
        #expect(names.suffix(2) == ["s: p99<1s", "error_rate<1%"])
        #expect(
            counter.attributes["failure"]?.first?["message"]
                == "threshold breached: error_rate<1% (error_rate 50% (1 of 2))")

        run.scenarios[0].steps[0].verdict = .failed(["status 500"])
        #expect(run.exitCode == 1)
        run.interrupted = true
        #expect(run.exitCode == 130)
    }

    @Test func jsonReportMasksSignatures() async throws {
        let run = try await sampleRun()
        let text = String(decoding: JSONReport.render(run), as: UTF8.self)
        #expect(text.contains(#""name": "svix-signature","#))
        #expect(text.contains(#""value": "v1,****""#))
        #expect(text.components(separatedBy: "v1,").count == text.components(separatedBy: "v1,****").count)
        #expect(!text.contains("whsec_"))
        #expect(text.contains(#""status": 500"#))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "proctor-report-\(UUID().uuidString)")
        let spec = try #require(ReportSpec("json=\(directory.path)/nested/run.json"))
        try spec.write(run)
        #expect(FileManager.default.fileExists(atPath: directory.path + "/nested/run.json"))
        try? FileManager.default.removeItem(at: directory)
        #expect(ReportSpec("xml=x") == nil)
        #expect(ReportSpec("html=x") == ReportSpec(format: .html, path: "x"))
        // The HTML report shows the same exchanges, masked the same way.
        let html = HTMLReport.render(run)
        #expect(html.contains("v1,****"))
        #expect(html.components(separatedBy: "v1,").count == html.components(separatedBy: "v1,****").count)
        #expect(!html.contains("whsec_"))
    }

    @Test func consoleLines() async throws {
        let run = try await sampleRun()
        let plain = ConsoleReporter(useColor: false)
        let failed = try #require(
            run.scenarios[0].steps.first { if case .failed = $0.verdict { true } else { false } })
        #expect(plain.line(for: failed).hasPrefix("✗  jane  send fail <&>  500"))
        #expect(plain.line(for: failed).contains("\n    expected status 2xx, got 500"))
        #expect(!plain.line(for: failed).contains("\u{1B}["))
        #expect(ConsoleReporter(useColor: true).line(for: failed).contains("\u{1B}[31m"))
        #expect(plain.summary(for: run).hasPrefix("FAIL  5 steps: 4 passed, 1 failed"))
    }
}

actor LockedOrder {
    var items: [String] = []
    func add(_ item: String) { items.append(item) }
}

@Suite struct ExchangeTextTests {
    @Test func masksSecretsUnlessAsked() {
        let request = OutgoingRequest(
            url: "http://127.0.0.1:1/webhooks/testlify",
            headers: [("svix-signature", "v1,c2VjcmV0"), ("Content-Type", "application/json")],
            body: Array("{}".utf8), sensitive: ["c2VjcmV0"])
        let exchange = Exchange(
            request: request, startedAtMilliseconds: 0, duration: .milliseconds(12),
            outcome: .success(ResponseSummary(status: 200, body: Array(#"{"ok":true}"#.utf8))))
        let text = ExchangeText.render(exchange)
        #expect(text.contains("> svix-signature: v1,****"))
        #expect(text.contains("< HTTP/1.1 200  (12ms)"))
        #expect(ExchangeText.render(exchange, showSecrets: true).contains("v1,c2VjcmV0"))
        let failed = Exchange(
            request: request, startedAtMilliseconds: 0, duration: .milliseconds(3),
            outcome: .failure(TransportFailure(.connectionRefused, "connection refused by 127.0.0.1")))
        #expect(
            ExchangeText.render(failed).hasSuffix(
                "! no response after 3ms: connection-refused: connection refused by 127.0.0.1"))
    }

    @Test func exitCodes() {
        var run = RunResult(startedAtMilliseconds: 0)
        #expect(run.exitCode == 0)
        run.scenarios = [
            ScenarioResult(
                name: "s", vendor: "testlify", startedAtMilliseconds: 0,
                steps: [StepResult(name: "x", verdict: .failed(["f"]))])
        ]
        #expect(run.exitCode == 1)
        run.interrupted = true
        #expect(run.exitCode == 130)
    }
}

@Suite(.serialized) struct InterruptTests {
    @Test func sigintCancelsTheRunAndReportsIt() async {
        let (value, interrupted) = await Interrupts.cancellingOnSignals { () -> String in
            do {
                try await Task.sleep(for: .milliseconds(200))
                kill(getpid(), SIGINT)
                try await Task.sleep(for: .seconds(20))
                return "finished"
            } catch {
                return "cancelled"
            }
        }
        #expect(value == "cancelled")
        #expect(interrupted)
    }

    /// An impatient second Ctrl-C does not cut the reports short; a later one quits.
    @Test func aSecondSignalWithinTheGraceIsIgnored() {
        let first = ContinuousClock.now
        #expect(Interrupts.arrival(at: first, first: nil) == .first)
        #expect(Interrupts.arrival(at: first + .milliseconds(100), first: first) == .withinGrace)
        #expect(Interrupts.arrival(at: first + Interrupts.grace, first: first) == .afterGrace)
    }
}

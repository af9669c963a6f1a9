import Foundation
import ProctorCore
import ProctorDelivery
import ProctorRunner
import ProctorSigning
import ProctorTestSupport
import ProctorVendors
import Synchronization
import Testing

/// Answers the n-th request (from 0) with `answer(n, request)`; request n starts `spacing`
/// milliseconds after request n - 1 on a made-up wall clock, so the unreachable rule's grace can
/// pass without waiting for it.
final class ScriptedTransport: Transport {
    private let count = Mutex(0)
    let spacing: Int64
    let answer: @Sendable (Int, OutgoingRequest) -> Result<ResponseSummary, TransportFailure>

    init(
        spacing: Int64 = 1000,
        _ answer: @escaping @Sendable (Int, OutgoingRequest) -> Result<ResponseSummary, TransportFailure>
    ) {
        self.spacing = spacing
        self.answer = answer
    }

    static let refused = TransportFailure(.connectionRefused, "connection refused by 127.0.0.1:9")

    func send(_ request: OutgoingRequest) async -> Exchange {
        let n = count.withLock { value in
            defer { value += 1 }
            return value
        }
        return Exchange(
            request: request, startedAtMilliseconds: 1_700_000_000_000 + Int64(n) * spacing,
            duration: .zero, outcome: answer(n, request))
    }

    var requests: Int { count.withLock { $0 } }
}

/// `proctor run` against a consumer that is not there: the run gives up on a target that never
/// answered (``UnreachableRule``), not on one that answered once or is still starting; and the
/// console line of a step waiting for a retry.
@Suite struct UnreachableTargetTests {
    static let down = "http://127.0.0.1:9/webhooks/testlify"
    static let up = "http://127.0.0.1:10/webhooks/testlify"
    static let signer = try? Signer(
        scheme: .standardWebhooks(.svix), secrets: [WebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")])

    func delivery(
        _ event: String, actor: String, index: Int, url: String = down, retries: RetryPolicy? = .svix,
        after: Duration = .zero
    ) throws -> PreparedDelivery {
        let signer = try #require(Self.signer)
        let request = PreparedRequest(
            vendor: "testlify", event: event, url: url, body: Array(#"{"event":"\#(event)"}"#.utf8),
            messageId: "msg_\(actor)_\(index)", signers: [signer])
        return PreparedDelivery(
            name: "send \(event)", actor: actor, index: index, request: request, after: after,
            retryPolicy: retries,
            check: ExchangeChecks.statusAndLatency(Expectation(status: StatusPattern("2xx"))))
    }

    func engine(
        _ transport: some Transport, watch: TargetWatch? = TargetWatch(), timeScale: Double = 0.001,
        sleep: @escaping DeliveryLoop.Sleeper = { _ in }
    ) -> DeliveryEngine {
        DeliveryEngine(
            transport: transport, options: EngineOptions(timeScale: timeScale),
            clock: FixedClock(milliseconds: 1_700_000_000_000), sleep: sleep, watch: watch)
    }

    @Test func aTargetThatRefusesEveryConnectionIsGivenUpOn() async throws {
        let transport = ScriptedTransport { _, _ in .failure(ScriptedTransport.refused) }
        let watch = TargetWatch()
        let result = await engine(transport, watch: watch).run(
            scenario: "s", vendor: "testlify",
            actors: [
                (
                    "jane",
                    [
                        try delivery("candidate.invited", actor: "jane", index: 0),
                        try delivery("candidate.enrolled", actor: "jane", index: 1),
                        try delivery("candidate.completed", actor: "jane", index: 2),
                    ]
                )
            ])
        // Attempts at 0 s, 1 s and 2 s: the third settles it (3 attempts over 2 s).
        #expect(transport.requests == 3)
        let summary = "\(Self.down) refused every connection (3 attempts over 2s, no answer)"
        #expect(
            await watch.unreachableTargets == [
                UnreachableTarget(
                    url: Self.down, attempts: 3, span: .seconds(2), allRefused: true,
                    lastFailure: "connection refused by 127.0.0.1:9", stoppedEarly: true)
            ])
        #expect(
            await watch.unreachableTargets.first?.message
                == summary + ": connection refused by 127.0.0.1:9; is the consumer running?")
        let first = result.steps[0]
        guard case .failed = first.verdict else {
            Issue.record("expected the first step to fail: \(first.verdict)")
            return
        }
        #expect(first.attemptCount == 3)
        #expect(
            first.sends.first?.result.outcome
                == .failed(
                    reason:
                        "connection-refused: connection refused by 127.0.0.1:9; target unreachable: \(summary)"
                ))
        #expect(result.steps[1].verdict == .notSent("target unreachable: \(summary)"))
        #expect(result.steps[2].verdict == .notSent("target unreachable: \(summary)"))
    }

    @Test func aConsumerStillStartingIsNotGivenUpOn() async throws {
        // Refused five times within 0.4 s (many attempts, but inside the grace), then up.
        let transport = ScriptedTransport(spacing: 100) { n, _ in
            n < 5 ? .failure(ScriptedTransport.refused) : .success(ResponseSummary(status: 200))
        }
        let watch = TargetWatch()
        let result = await engine(transport, watch: watch).run(
            scenario: "s", vendor: "testlify",
            actors: (0..<5).map { i in
                (
                    "actor-\(i)",
                    [(try? delivery("candidate.invited", actor: "actor-\(i)", index: 0))].compactMap { $0 }
                )
            })
        #expect(result.counts.passed == 5)
        #expect(await watch.unreachableTargets.isEmpty)
    }

    @Test func aTargetThatAnsweredOnceIsNeverGivenUpOn() async throws {
        // The consumer answers, then crashes: its steps fail after every retry, none is skipped.
        let transport = ScriptedTransport { n, _ in
            n == 0 ? .success(ResponseSummary(status: 200)) : .failure(ScriptedTransport.refused)
        }
        let watch = TargetWatch()
        let result = await engine(transport, watch: watch).run(
            scenario: "s", vendor: "testlify",
            actors: [
                (
                    "jane",
                    [
                        try delivery("candidate.invited", actor: "jane", index: 0),
                        try delivery("candidate.enrolled", actor: "jane", index: 1),
                        try delivery("candidate.completed", actor: "jane", index: 2),
                    ]
                )
            ])
        #expect(result.steps.map(\.attemptCount) == [1, 8, 8])
        #expect(result.counts.passed == 1)
        #expect(result.counts.failed == 2)
        #expect(result.counts.notSent == 0)
        #expect(await watch.unreachableTargets.isEmpty)
    }

    @Test func eachTargetIsJudgedOnItsOwn() async throws {
        let transport = ScriptedTransport { _, request in
            request.url.hasPrefix(Self.down)
                ? .failure(ScriptedTransport.refused) : .success(ResponseSummary(status: 200))
        }
        let watch = TargetWatch()
        let steps = [
            "candidate.invited", "candidate.enrolled", "candidate.in_progress", "candidate.completed",
        ]
        let result = await engine(transport, watch: watch).run(
            scenario: "s", vendor: "testlify",
            actors: [
                ("down", try steps.enumerated().map { try delivery($1, actor: "down", index: $0) }),
                ("up", try steps.enumerated().map { try delivery($1, actor: "up", index: $0, url: Self.up) }),
            ])
        let up = result.steps.filter { $0.actor == "up" }
        let down = result.steps.filter { $0.actor == "down" }
        #expect(up.allSatisfy { $0.verdict == .passed })
        #expect(down.filter { if case .notSent = $0.verdict { true } else { false } }.count >= 2)
        #expect(await watch.unreachableTargets.map(\.url) == [Self.down])
        #expect(await watch.verdict(for: "http://127.0.0.1:9/candidates/1") != nil)
        #expect(await watch.verdict(for: Self.up) == nil)
    }

    @Test func waitsEndWhenTheirTargetIsGivenUpOn() async throws {
        let transport = ScriptedTransport { _, _ in .failure(ScriptedTransport.refused) }
        let watch = TargetWatch()
        let slowRetries = RetryPolicy(name: "slow", delays: [.seconds(600)])
        // Real sleeps at --time-scale 1: a 10 min `after:` and a 10 min retry, cut short when the
        // other actor's refused attempts give up on the target.
        let engine = engine(
            transport, watch: watch, timeScale: 1, sleep: { try await Task.sleep(for: $0) })
        let started = ContinuousClock.now
        let result = await engine.run(
            scenario: "s", vendor: "testlify",
            actors: [
                (
                    "waits",
                    [try delivery("candidate.invited", actor: "waits", index: 0, after: .seconds(600))]
                ),
                (
                    "retries",
                    [try delivery("candidate.invited", actor: "retries", index: 0, retries: slowRetries)]
                ),
                (
                    "fails",
                    try (0..<3).map {
                        try delivery("candidate.invited", actor: "fails", index: $0, retries: nil)
                    }
                ),
            ])
        // The 10 min waits are cut short (with room for a busy test machine, whose other tests
        // can hold the test threads for a while).
        #expect(ContinuousClock.now - started < .seconds(300))
        let waits = try #require(result.steps.first { $0.actor == "waits" })
        guard case .notSent(let reason) = waits.verdict else {
            Issue.record("expected the waiting step not to be sent: \(waits.verdict)")
            return
        }
        #expect(reason.hasPrefix("target unreachable: \(Self.down) refused every connection"))
        let retries = try #require(result.steps.first { $0.actor == "retries" })
        #expect(retries.attemptCount == 1)
        #expect(retries.deliverySummary.contains("target unreachable"), "\(retries.deliverySummary)")
    }

    @Test func withoutARuleEveryStepIsSentAndTheTargetIsStillNamed() async throws {
        let transport = ScriptedTransport { _, _ in .failure(ScriptedTransport.refused) }
        let watch = TargetWatch(rule: nil)
        let result = await engine(transport, watch: watch).run(
            scenario: "s", vendor: "testlify",
            actors: [
                (
                    "jane",
                    try (0..<3).map { try delivery("candidate.invited", actor: "jane", index: $0) }
                )
            ])
        #expect(result.steps.map(\.attemptCount) == [8, 8, 8])
        let target = try #require(await watch.unreachableTargets.first)
        #expect(!target.stoppedEarly)
        #expect(target.attempts == 24)
        #expect(target.span == .seconds(23))
    }

    @Test func aStepWaitingForARetrySaysSo() async throws {
        let transport = ScriptedTransport { n, _ in
            n < 2 ? .success(ResponseSummary(status: 503)) : .success(ResponseSummary(status: 200))
        }
        let notices = Lines()
        let console = ConsoleReporter(useColor: false, timeZone: TimeZone(identifier: "UTC") ?? .current)
        let result = await engine(transport).run(
            scenario: "lifecycle", vendor: "testlify",
            actors: [("jane", [try delivery("candidate.invited", actor: "jane", index: 0)])],
            onRetry: { notices.append(console.line(for: $0, scenario: "lifecycle")) })
        #expect(result.counts.passed == 1)
        // 1_700_000_000_000 ms is 2023-11-14 22:13:20 UTC.
        #expect(
            notices.all == [
                "↻  lifecycle  jane  send candidate.invited  attempt 1 failed: status 503; waiting 5s (5ms at --time-scale 0.001) for attempt 2 of 8 at 22:13:20",
                "↻  lifecycle  jane  send candidate.invited  attempt 2 failed: status 503; waiting 5m (300ms at --time-scale 0.001) for attempt 3 of 8 at 22:13:20",
            ])
    }

    @Test func retryLinesAtFullTimeAndForOneSendOfSeveral() throws {
        let console = ConsoleReporter(useColor: false, timeZone: TimeZone(identifier: "UTC") ?? .current)
        let failed = AttemptRecord(
            number: 3, waitedBefore: .seconds(300),
            exchange: Exchange(
                request: OutgoingRequest(url: Self.down, body: []), startedAtMilliseconds: 1_700_000_000_000,
                duration: .milliseconds(2), outcome: .failure(ScriptedTransport.refused)),
            verdict: .failed(reason: "connection-refused: connection refused by 127.0.0.1:9", retryable: true)
        )
        let wait = RetryWait(
            failed: failed, reason: "connection-refused: connection refused by 127.0.0.1:9",
            wait: .seconds(1800), nextAttempt: 4, maxAttempts: 8,
            nextAttemptAtMilliseconds: 1_700_000_000_000 + 1_800_000)
        let notice = RetryNotice(
            step: "send candidate.completed", actor: "jane", fault: "duplicate", send: "duplicate",
            retry: wait)
        #expect(notice.vendorWait == .seconds(1800))
        #expect(
            console.line(for: notice)
                == "↻  jane  send candidate.completed [duplicate] (duplicate)  attempt 3 failed: connection-refused: connection refused by 127.0.0.1:9; waiting 30m for attempt 4 of 8 at 22:43:20"
        )
        #expect(ConsoleReporter(useColor: true).line(for: notice).hasPrefix("\u{1B}[33m↻\u{1B}[0m"))
        var scaled = notice
        scaled.retry.wait = .seconds(1800) * 0.001
        scaled.timeScale = 0.001
        #expect(scaled.vendorWait == .seconds(1800))
    }
}

extension RetryPolicy {
    /// Testlify's (Svix) schedule: 5 s, 5 min, 30 min, ... (8 attempts).
    static var svix: RetryPolicy { VendorCatalog.standard.profile(for: "testlify")?.retryPolicy ?? .none }
}

/// The built `proctor run` against a closed port on 127.0.0.1: every shipped scenario ends
/// quickly, with one message, exit 1 and both reports, also with the vendors' full retry schedules.
@Suite struct DeadConsumerCommandTests {
    @Test(arguments: RunPipelineTests.shippedScenarios, [false, true])
    func everyShippedScenarioStopsEarlyAgainstAClosedPort(path: String, failFast: Bool) async throws {
        let executable = try #require(TestProcesses.executable, "the proctor executable is not built")
        let closed = try ClosedPort()
        defer { withExtendedLifetime(closed) {} }
        let port = closed.port
        let folder = NSTemporaryDirectory() + "proctor-dead-consumer-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let json = folder + "/run.json"
        let junit = folder + "/run.xml"
        let started = ContinuousClock.now
        let result = try await TestProcesses.run(
            executable,
            [
                "run", path, "--target", "http://127.0.0.1:\(port)/webhooks/{vendor}", "--retries", "vendor",
                "--time-scale", "0.001", "--report", "json=\(json)", "--report", "junit=\(junit)",
            ] + (failFast ? ["--fail-fast"] : []))
        let elapsed = ContinuousClock.now - started
        let scenario = URL(fileURLWithPath: path).lastPathComponent
        #expect(result.status == 1, "\(result.out)\(result.err)")

        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json)))
                as? [String: Any])
        // The run's own clock: a busy test machine can delay the test itself, not the run.
        let duration = try #require((report["durationMs"] as? NSNumber)?.doubleValue)
        #expect(duration < 15_000, "\(scenario) ran for \(duration) ms")
        // A guard against a hang only: the test's own clock includes waiting for a process slot
        // while the other cases run, on a busy machine over a minute.
        #expect(elapsed < .seconds(300), "\(scenario) took \(elapsed)")
        #expect(FileManager.default.fileExists(atPath: junit))
        let counts = try #require(report["counts"] as? [String: Int])
        let total = counts["total"] ?? 0
        #expect(total > 0)
        #expect(counts["passed"] == 0 && counts["errors"] == 0, "\(counts)")
        #expect((counts["failed"] ?? 0) + (counts["notSent"] ?? 0) == total, "\(counts)")
        #expect(report["passed"] as? Bool == false)
        let scenarios = try #require(report["scenarios"] as? [[String: Any]])
        let vendor = try #require(scenarios.first?["vendor"] as? String)
        // The target is named by its URL, or by its origin once a probe went there too.
        let origin = "http://127.0.0.1:\(port)"
        let url = origin + "/webhooks/\(vendor)"
        let unreachable = try #require(report["unreachableTargets"] as? [[String: Any]])
        let named = try #require(unreachable.first?["url"] as? String)
        #expect(unreachable.count == 1)
        #expect(named == url || named == origin, "\(named)")

        // One message on stderr, naming the target and why.
        let errors = result.err.split(separator: "\n")
        #expect(errors.count == 1, "\(result.err)")
        let message = String(errors.first ?? "")
        #expect(message.hasPrefix("error: \(named) refused every connection ("), "\(message)")
        #expect(
            message.hasSuffix(
                " no answer): connection refused by 127.0.0.1:\(port); is the consumer running?"),
            "\(message)")
    }
}

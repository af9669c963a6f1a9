import Foundation
import ProctorCore
import ProctorRunner
import Testing

/// `--report html=PATH` of `proctor run`: the steps with their verdicts and failures, escaped
/// hostile text, no secrets, a timeline.
@Suite(.serialized) struct HTMLReportTests {
    /// A run by hand: a passed, a failed, an error and a not-sent step, with hostile names.
    static func handMadeRun(interrupted: Bool = false) -> RunResult {
        let start: Int64 = 1_780_000_000_000
        return RunResult(
            startedAtMilliseconds: start, duration: .milliseconds(1250), target: "http://127.0.0.1:9/hooks",
            seed: 42,
            scenarios: [
                ScenarioResult(
                    name: "<script>alert('scenario')</script>", vendor: "testlify", file: "Scenarios/x.yaml",
                    startedAtMilliseconds: start, duration: .milliseconds(1200),
                    steps: [
                        StepResult(
                            name: "send candidate.invited", actor: "jane", event: "candidate.invited",
                            index: 0,
                            verdict: .passed, startedAtMilliseconds: start + 10, duration: .milliseconds(120)),
                        StepResult(
                            name: "send candidate.completed", actor: "jane", event: "candidate.completed",
                            fault: "duplicate", index: 1,
                            verdict: .failed(["status: expected 202, got 500 <img src=x onerror=alert(1)>"]),
                            startedAtMilliseconds: start + 300, duration: .milliseconds(400)),
                        StepResult(
                            name: "probe GET /events", actor: "<b>omar</b>", index: 2,
                            verdict: .error("bad request: a header with a line break"),
                            startedAtMilliseconds: start + 200, duration: .milliseconds(50)),
                        StepResult(
                            name: "send candidate.enrolled", actor: "omar", index: 3,
                            verdict: .notSent("interrupted")),
                    ])
            ], interrupted: interrupted)
    }

    @Test func stepsVerdictsAndFailuresAreShownAndHostileTextIsEscaped() {
        let html = HTMLReport.render(Self.handMadeRun())
        #expect(html.contains("<div class=\"banner fail\""))
        #expect(html.contains("<strong>FAIL</strong> 4 steps: 1 passed, 1 failed, 1 errors, 1 not sent"))
        #expect(html.contains("<tr class=\"passed\"><td class=\"mark\" title=\"passed\">✓</td><td>jane</td>"))
        #expect(html.contains("<tr class=\"failed\">"))
        #expect(html.contains("<tr class=\"error\">"))
        #expect(html.contains("<tr class=\"not-sent\">"))
        #expect(html.contains("status: expected 202, got 500 &lt;img src=x onerror=alert(1)&gt;"))
        #expect(html.contains("not sent: interrupted"))
        #expect(html.contains("Scenario &lt;script&gt;alert(&#39;scenario&#39;)&lt;/script&gt;"))
        #expect(html.contains("&lt;b&gt;omar&lt;/b&gt;"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("<b>"))
        #expect(html.contains("http://127.0.0.1:9/hooks"))
        #expect(html.contains("<td>seed</td><td>42</td>"))
        // The timeline: one bar per step that ran (not the one never sent), one row per actor.
        let timeline = html.components(separatedBy: "<svg").dropFirst().joined()
        #expect(timeline.components(separatedBy: "<rect").count - 1 == 3)
        #expect(timeline.contains("fill=\"#c92a2a\""))
        #expect(timeline.contains(">jane<title>jane</title></text>"))
    }

    @Test func anInterruptedRunSaysSoInItsBanner() {
        let html = HTMLReport.render(Self.handMadeRun(interrupted: true))
        #expect(html.contains("<div class=\"banner warning\" role=\"status\"><strong>INTERRUPTED</strong>"))
        #expect(!html.contains("<strong>FAIL</strong>"))
        #expect(!html.contains("<strong>PASS</strong>"))
    }

    /// A real run over loopback, with a secret, a failing expectation and a payload field holding
    /// markup: the report holds the exchanges, escaped, and never the secret.
    @Test func aRealRunsReportHoldsTheExchangesEscapedAndNoSecret() async throws {
        let folder = NSTemporaryDirectory() + "proctor-html-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let secretKey = "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let path = folder + "/hostile.yaml"
        try Data(
            """
            scenario: hostile
            vendor: testlify
            secret: whsec_\(secretKey)
            seed: 3
            actors:
              ann: { first_name: "<script>alert('payload')</script>", last_name: Lee }
            steps:
              - send: candidate.invited
                as: ann
                expect: { status: 2xx }
              - send: candidate.enrolled
                as: ann
                expect: { status: 202 }
            """.utf8
        ).write(to: URL(fileURLWithPath: path))
        let report = folder + "/out/run.html"
        var pipeline = RunPipeline(
            settings: RunSettings(timeScale: 0.001), reports: [ReportSpec(format: .html, path: report)])
        pipeline.handlesSignals = false
        let outcome = await pipeline.run(files: [path], print: { _ in }, printError: { _ in })
        #expect(outcome.exitCode == 1)
        let html = String(decoding: try Data(contentsOf: URL(fileURLWithPath: report)), as: UTF8.self)
        #expect(html.contains("<strong>FAIL</strong> 2 steps: 1 passed, 1 failed"))
        #expect(html.contains("<details><summary>delivery</summary>"))
        #expect(html.contains("&lt;script&gt;alert(&#39;payload&#39;)&lt;/script&gt;"))
        #expect(!html.contains("<script"))
        #expect(!html.contains(secretKey))
        #expect(!html.contains("whsec_"))
        #expect(html.contains("expected status 202, got status 200"))
        #expect(html.contains("&gt; POST http://127.0.0.1:"))
    }
}

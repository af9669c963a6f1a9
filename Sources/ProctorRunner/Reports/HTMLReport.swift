import ProctorCore
import ProctorDelivery

/// `--report html=PATH`: a page a person reads, self-contained (inline CSS and SVG, no scripts,
/// nothing fetched). A banner with the verdict and the counts; the run's target, seed, start and
/// duration; per scenario a table of steps (status mark, actor, step, event, fault, answer,
/// latency, attempts, failure detail, and the exchanges behind a `<details>`) and a timeline of
/// when each step ran. Every text is escaped; secret-bearing headers are masked as everywhere.
public enum HTMLReport {
    public static func render(_ run: RunResult) -> String {
        var page = HTMLPage(title: "Proctor run" + (run.target.map { ": \($0)" } ?? ""))
        page.sections.append(.banner(banner(run)))
        var summary: [[String]] = [
            ["started", FakeData.isoTimestamp(milliseconds: run.startedAtMilliseconds)],
            ["duration", DurationText.format(run.duration)],
        ]
        if let target = run.target { summary.insert(["target", target], at: 0) }
        if let seed = run.seed { summary.append(["seed", String(seed)]) }
        let c = run.counts
        summary.append(["steps", "\(c.total)"])
        summary.append(["passed", "\(c.passed)"])
        summary.append(["failed", "\(c.failed)"])
        if c.errors > 0 { summary.append(["errors", "\(c.errors)"]) }
        if c.notSent > 0 { summary.append(["not sent", "\(c.notSent)"]) }
        page.sections.append(.table(header: ["", ""], rows: summary))
        for target in run.unreachableTargets {
            page.sections.append(.paragraph("Unreachable: " + target.summary))
        }
        for scenario in run.scenarios {
            page.sections.append(.heading("Scenario \(scenario.name)"))
            let s = scenario.counts
            page.sections.append(
                .paragraph(
                    "\(scenario.vendor)" + (scenario.file.map { " · \($0)" } ?? "")
                        + " · \(s.passed) of \(s.total) passed · \(DurationText.format(scenario.duration))"))
            page.sections.append(.raw(stepsTable(scenario)))
            if let timeline = timeline(scenario, runStart: run.startedAtMilliseconds) {
                page.sections.append(.chart(caption: "When each step ran, one row per actor.", svg: timeline))
                page.sections.append(.raw(legend))
            }
        }
        return page.render()
    }

    static func banner(_ run: RunResult) -> HTMLPage.Banner {
        let detail = run.countsText + " in \(DurationText.format(run.duration))"
        if run.interrupted {
            return .init(
                tone: .warning, title: "INTERRUPTED",
                detail: detail
                    + ". Stopped by a signal (Ctrl-C or SIGTERM); steps not yet sent are marked not sent.")
        }
        if run.passed { return .init(tone: .pass, title: "PASS", detail: detail + ".") }
        let unreachable =
            run.unreachableTargets.isEmpty
            ? ""
            : "; gave up on \(run.unreachableTargets.count) unreachable target\(run.unreachableTargets.count == 1 ? "" : "s")"
        return .init(tone: .fail, title: "FAIL", detail: detail + unreachable + ".")
    }

    static func verdictStyle(_ verdict: StepResult.Verdict) -> (mark: String, css: String, color: String) {
        switch verdict {
        case .passed: ("✓", "passed", "#2b8a3e")
        case .failed: ("✗", "failed", "#c92a2a")
        case .error: ("!", "error", "#e8590c")
        case .notSent: ("–", "not-sent", "#adb5bd")
        }
    }

    static func stepsTable(_ scenario: ScenarioResult) -> String {
        var html =
            "<table class=\"steps\">\n<tr><th></th><th>actor</th><th>step</th><th>event</th><th>fault</th><th>status</th><th>latency</th><th>attempts</th><th>detail</th></tr>\n"
        for step in scenario.steps {
            let style = verdictStyle(step.verdict)
            let detail: [String] =
                switch step.verdict {
                case .passed: []
                case .failed(let failures): failures
                case .error(let reason): [reason]
                case .notSent(let reason): ["not sent: " + reason]
                }
            let name = (step.id.map { "\($0): " } ?? "") + step.name
            var cells = [
                "<td class=\"mark\" title=\"\(style.css)\">\(style.mark)</td>",
                cell(step.actor ?? ""), cell(name), cell(step.event ?? ""), cell(step.fault ?? ""),
                cell(step.lastAnswer ?? ""), cell(step.lastLatency.map(DurationText.format) ?? ""),
                cell(step.attemptCount == 0 ? "" : String(step.attemptCount)),
            ]
            var detailCell = "<td class=\"detail\">" + HTML.escape(detail.joined(separator: "\n"))
            if !step.sends.isEmpty {
                detailCell +=
                    "<details><summary>delivery</summary><p>\(HTML.escape(step.deliverySummary))</p>"
                for send in step.sends {
                    for attempt in send.result.attempts {
                        detailCell +=
                            "<pre>\(HTML.escape("\(send.label), attempt \(attempt.number):\n" + ExchangeText.render(attempt.exchange)))</pre>"
                    }
                }
                detailCell += "</details>"
            }
            cells.append(detailCell + "</td>")
            html += "<tr class=\"\(style.css)\">" + cells.joined() + "</tr>\n"
        }
        return html + "</table>"
    }

    static func cell(_ text: String) -> String { "<td>\(HTML.escape(text))</td>" }

    /// One bar per step that ran, from its start to its end, in its actor's row, coloured by
    /// verdict; seconds from the start of the run. Nil when no step ran.
    static func timeline(_ scenario: ScenarioResult, runStart: Int64) -> String? {
        let bars: [SVGTimelineChart.Bar] = scenario.steps.compactMap { step in
            if case .notSent = step.verdict { return nil }
            guard step.startedAtMilliseconds > 0 else { return nil }
            let start = Double(step.startedAtMilliseconds - runStart) / 1000
            let seconds = Double(step.duration.nanoseconds) / 1e9
            let style = verdictStyle(step.verdict)
            let label =
                "\(step.name) · \(style.css)" + (step.lastAnswer.map { " · \($0)" } ?? "")
                + " · \(DurationText.format(step.duration))"
            return .init(
                lane: step.actor ?? "steps", start: start, end: start + seconds, label: label,
                color: style.color)
        }
        guard !bars.isEmpty else { return nil }
        return SVGTimelineChart(
            bars: bars, startTime: 0, axisLabel: "seconds since the run started",
            formatTime: { SVGFormat.number(($0 * 1000).rounded() / 1000) + "s" }
        ).render()
    }

    static let legend =
        "<p class=\"legend\">"
        + [StepResult.Verdict.passed, .failed([]), .error("")].map { verdict in
            let style = verdictStyle(verdict)
            return "<span><i style=\"background: \(style.color)\"></i>\(style.css)</span>"
        }.joined() + "</p>"
}

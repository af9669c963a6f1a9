import Foundation
import ProctorCore
import ProctorDelivery

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Live lines for the terminal: one per step, one per wait for a retry, then a summary. Colour
/// only when asked (on a TTY).
public struct ConsoleReporter: Sendable {
    public var useColor: Bool
    /// The zone of the clock times in retry lines.
    public var timeZone: TimeZone

    public init(useColor: Bool, timeZone: TimeZone = .current) {
        self.useColor = useColor
        self.timeZone = timeZone
    }

    /// Colour when standard output is a terminal and `NO_COLOR` is not set.
    public static func forStandardOutput(environment: [String: String]) -> ConsoleReporter {
        ConsoleReporter(
            useColor: isatty(STDOUT_FILENO) == 1 && environment["NO_COLOR"] == nil
                && environment["TERM"] != "dumb")
    }

    /// `✓ jane  send candidate.completed  200  12ms  1 attempt`.
    public func line(for step: StepResult, scenario: String? = nil) -> String {
        let (mark, color): (String, String) =
            switch step.verdict {
            case .passed: ("✓", "32")
            case .failed: ("✗", "31")
            case .error: ("!", "31")
            case .notSent: ("-", "33")
            }
        var parts = [paint(mark, color)]
        if let scenario { parts.append(scenario) }
        parts.append(step.actor ?? "*")
        parts.append(step.name + (step.fault.map { " [\($0)]" } ?? ""))
        if let answer = step.lastAnswer { parts.append(answer) }
        if let latency = step.lastLatency { parts.append(DurationText.format(latency)) }
        for mirror in step.sends where mirror.isMirror {
            let exchange = mirror.result.lastExchange
            let answer =
                exchange?.response.map { String($0.status) } ?? exchange?.failure?.kind.rawValue
                ?? "no answer"
            parts.append("+ \(mirror.label) \(answer)")
        }
        let attempts = step.attemptCount
        if attempts == 1 { parts.append("1 attempt") }
        if attempts > 1 { parts.append("\(attempts) attempts in \(DurationText.format(step.duration))") }
        var text = parts.joined(separator: "  ")
        switch step.verdict {
        case .passed: break
        case .failed(let failures): text += failures.map { "\n    " + paint($0, "31") }.joined()
        case .error(let reason): text += "\n    " + paint(reason, "31")
        case .notSent(let reason): text += "\n    not sent: " + reason
        }
        return text
    }

    /// `↻  jane  send candidate.completed  attempt 2 failed: status 503; waiting 5m (300ms at
    /// --time-scale 0.001) for attempt 3 of 8 at 14:03:07`.
    public func line(for notice: RetryNotice, scenario: String? = nil) -> String {
        let retry = notice.retry
        var parts = [paint("↻", "33")]
        if let scenario { parts.append(scenario) }
        parts.append(notice.actor ?? "*")
        parts.append(
            notice.step + (notice.fault.map { " [\($0)]" } ?? "") + (notice.send.map { " (\($0))" } ?? ""))
        var wait = DurationText.format(notice.vendorWait)
        if notice.timeScale != 1 {
            wait += " (\(DurationText.format(retry.wait)) at --time-scale \(notice.timeScale))"
        }
        parts.append(
            "attempt \(retry.failed.number) failed: \(retry.reason); waiting \(wait) for attempt "
                + "\(retry.nextAttempt) of \(retry.maxAttempts) at \(clockTime(milliseconds: retry.nextAttemptAtMilliseconds))"
        )
        return parts.joined(separator: "  ")
    }

    /// `14:03:07` in ``timeZone``.
    func clockTime(milliseconds: Int64) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents(
            [.hour, .minute, .second], from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
        let (h, m, s) = (parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0)
        return [h, m, s].map { $0 < 10 ? "0\($0)" : "\($0)" }.joined(separator: ":")
    }

    /// `12 steps: 10 passed, 1 failed, 1 not sent (3.2s)`.
    public func summary(for run: RunResult) -> String {
        let line = run.countsText + " (\(DurationText.format(run.duration)))"
        let verdict =
            run.interrupted
            ? paint("interrupted", "33")
            : !run.passed
                ? paint("FAIL", "31")
                : run.breachedThresholds ? paint("FAIL", "31") + " (thresholds)" : paint("PASS", "32")
        // One line per threshold above the verdict: `✓ p99<300ms  (p99 212ms)`.
        let thresholds = run.thresholds.map { t in
            "  " + (t.scenario.map { "\($0): " } ?? "") + t.verdict.description + "\n"
        }
        return thresholds.joined() + verdict + "  " + line
    }

    func paint(_ text: String, _ code: String) -> String {
        useColor ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}

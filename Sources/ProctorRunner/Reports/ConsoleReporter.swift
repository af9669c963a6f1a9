import ProctorCore
import ProctorDelivery

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Live lines for the terminal: one per step, then a summary. Colour only when asked (on a TTY).
public struct ConsoleReporter: Sendable {
    public var useColor: Bool

    public init(useColor: Bool) { self.useColor = useColor }

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
        if let status = step.lastStatus {
            parts.append(String(status))
        } else if let failure = step.sends.last?.result.lastExchange?.failure {
            parts.append(failure.kind.rawValue)
        }
        if let latency = step.lastLatency { parts.append(DurationText.format(latency)) }
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

    /// `12 steps: 10 passed, 1 failed, 1 not sent (3.2s)`.
    public func summary(for run: RunResult) -> String {
        let c = run.counts
        var parts = ["\(c.passed) passed", "\(c.failed) failed"]
        if c.errors > 0 { parts.append("\(c.errors) errors") }
        if c.notSent > 0 { parts.append("\(c.notSent) not sent") }
        let line =
            "\(c.total) step\(c.total == 1 ? "" : "s"): " + parts.joined(separator: ", ")
            + " (\(DurationText.format(run.duration)))"
        let verdict =
            run.interrupted
            ? paint("interrupted", "33") : run.passed ? paint("PASS", "32") : paint("FAIL", "31")
        return verdict + "  " + line
    }

    func paint(_ text: String, _ code: String) -> String {
        useColor ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}

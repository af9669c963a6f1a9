import ProctorCore
import ProctorScenario

/// One threshold's verdict in a run: a scenario's `thresholds:` entry (measured over that
/// scenario's attempts) or a `--threshold` (measured over every scenario's).
public struct RunThresholdVerdict: Sendable, Equatable {
    /// The scenario whose `thresholds:` holds it; nil for a `--threshold`.
    public var scenario: String?
    public var verdict: ThresholdVerdict

    public init(scenario: String?, verdict: ThresholdVerdict) {
        self.scenario = scenario
        self.verdict = verdict
    }
}

extension RunResult {
    /// What `run` measures for thresholds: per event, no rate.
    public static let thresholdContext = ThresholdContext(command: "run", measuresEvents: true, rate: .none)

    /// The figures of the attempts of the send steps of `steps` (of `event`'s only, when given):
    /// an attempt's latency is that of its answer (attempts without one have none); an attempt
    /// failed when it got no answer or one outside 2xx, as load mode counts errors. Probes and a
    /// `mirror:`'s sends are not counted. Nil without attempts.
    public static func thresholdFigures(of steps: [StepResult], event: String?) -> ThresholdFigures? {
        var latencies: [Double] = []
        var attempts: UInt64 = 0
        var failed: UInt64 = 0
        for step in steps where step.event != nil && (event == nil || step.event == event) {
            for send in step.ownSends {
                for attempt in send.result.attempts {
                    attempts += 1
                    if let response = attempt.exchange.response {
                        latencies.append(Double(attempt.exchange.duration.nanoseconds) / 1000)
                        if !(200..<300).contains(response.status) { failed += 1 }
                    } else {
                        failed += 1
                    }
                }
            }
        }
        guard attempts > 0 else { return nil }
        return ThresholdFigures(latencies: latencies, requests: attempts, failed: failed)
    }

    /// Judges the run: each scenario's `thresholds:` on its own attempts, then `flags` on all.
    /// Scenario results are matched to scenarios by position.
    public mutating func judge(flags: [Threshold], scenarios: [Scenario]) {
        var verdicts: [RunThresholdVerdict] = []
        for (scenario, result) in zip(scenarios, self.scenarios) {
            for threshold in scenario.thresholds {
                let verdict = threshold.value.evaluate {
                    Self.thresholdFigures(of: result.steps, event: $0)
                }
                verdicts.append(RunThresholdVerdict(scenario: result.name, verdict: verdict))
            }
        }
        let allSteps = self.scenarios.flatMap(\.steps)
        for threshold in flags {
            let verdict = threshold.evaluate { Self.thresholdFigures(of: allSteps, event: $0) }
            verdicts.append(RunThresholdVerdict(scenario: nil, verdict: verdict))
        }
        thresholds = verdicts
    }

    /// True when a threshold was breached.
    public var breachedThresholds: Bool { thresholds.contains { !$0.verdict.passed } }
}

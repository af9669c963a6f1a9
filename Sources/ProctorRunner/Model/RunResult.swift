import ProctorCore
import ProctorDelivery

/// One run: scenarios, their steps, and each step's sends and attempts.
public struct RunResult: Sendable {
    public var startedAtMilliseconds: Int64
    public var duration: Duration
    public var target: String?
    public var seed: UInt64?
    public var scenarios: [ScenarioResult]
    /// True when the run was stopped (Ctrl-C) before every step ran.
    public var interrupted: Bool
    /// The targets the run stopped sending to because they never answered (``UnreachableRule``).
    public var unreachableTargets: [UnreachableTarget]
    /// The verdicts of the run's thresholds (scenarios' `thresholds:`, then `--threshold`s).
    public var thresholds: [RunThresholdVerdict] = []

    public init(
        startedAtMilliseconds: Int64, duration: Duration = .zero, target: String? = nil, seed: UInt64? = nil,
        scenarios: [ScenarioResult] = [], interrupted: Bool = false,
        unreachableTargets: [UnreachableTarget] = []
    ) {
        self.startedAtMilliseconds = startedAtMilliseconds
        self.duration = duration
        self.target = target
        self.seed = seed
        self.scenarios = scenarios
        self.interrupted = interrupted
        self.unreachableTargets = unreachableTargets
    }

    public var counts: StepCounts { scenarios.reduce(StepCounts()) { $0 + $1.counts } }
    /// Every step passed, nothing was interrupted and every target was reached.
    public var passed: Bool {
        !interrupted && unreachableTargets.isEmpty && counts.failed == 0 && counts.errors == 0
            && counts.notSent == 0
    }

    /// The process exit code DESIGN.md fixes: 0 all passed, 1 a step failed or a target was given
    /// up on as unreachable, 99 every step passed but a threshold was breached, 130 interrupted.
    /// (2, bad input, is decided before anything runs.)
    public var exitCode: Int32 {
        interrupted ? 130 : !passed ? 1 : breachedThresholds ? ThresholdVerdict.breachedExitCode : 0
    }

    /// `12 steps: 10 passed, 1 failed, 1 not sent`, as the console summary and the HTML report say it.
    public var countsText: String {
        let c = counts
        var parts = ["\(c.passed) passed", "\(c.failed) failed"]
        if c.errors > 0 { parts.append("\(c.errors) errors") }
        if c.notSent > 0 { parts.append("\(c.notSent) not sent") }
        return "\(c.total) step\(c.total == 1 ? "" : "s"): " + parts.joined(separator: ", ")
    }
}

/// One scenario's steps.
public struct ScenarioResult: Sendable {
    public var name: String
    public var vendor: String
    public var file: String?
    public var startedAtMilliseconds: Int64
    public var duration: Duration
    public var steps: [StepResult]

    public init(
        name: String, vendor: String, file: String? = nil, startedAtMilliseconds: Int64,
        duration: Duration = .zero, steps: [StepResult] = []
    ) {
        self.name = name
        self.vendor = vendor
        self.file = file
        self.startedAtMilliseconds = startedAtMilliseconds
        self.duration = duration
        self.steps = steps
    }

    public var counts: StepCounts {
        var counts = StepCounts()
        for step in steps {
            counts.total += 1
            switch step.verdict {
            case .passed: counts.passed += 1
            case .failed: counts.failed += 1
            case .error: counts.errors += 1
            case .notSent: counts.notSent += 1
            }
        }
        return counts
    }
}

public struct StepCounts: Sendable, Hashable {
    public var total = 0
    public var passed = 0
    public var failed = 0
    public var errors = 0
    public var notSent = 0

    public init() {}

    public static func + (a: StepCounts, b: StepCounts) -> StepCounts {
        var sum = StepCounts()
        sum.total = a.total + b.total
        sum.passed = a.passed + b.passed
        sum.failed = a.failed + b.failed
        sum.errors = a.errors + b.errors
        sum.notSent = a.notSent + b.notSent
        return sum
    }
}

/// One step for one actor.
public struct StepResult: Sendable {
    public enum Verdict: Sendable, Hashable {
        case passed
        /// The consumer's answers did not meet the expectation: one text per mismatch, with the
        /// expectation and the actual value.
        case failed([String])
        /// The step could not be carried out (a fault that does not apply, a bad request).
        case error(String)
        /// Never sent, and why (fail-fast, interrupted, an unreachable target).
        case notSent(String)
    }

    /// `send candidate.completed`, `probe GET /candidates/1`.
    public var name: String
    /// The step's `id:`, if it has one.
    public var id: String?
    public var actor: String?
    public var event: String?
    public var fault: String?
    /// The position of the step in its scenario (0-based), for stable ordering across actors.
    public var index: Int
    public var verdict: Verdict
    /// Each send the step turned into (two for `duplicate`), with its attempts.
    public var sends: [SendRecord]
    public var startedAtMilliseconds: Int64
    public var duration: Duration

    public init(
        name: String, actor: String? = nil, event: String? = nil, fault: String? = nil, index: Int = 0,
        verdict: Verdict,
        sends: [SendRecord] = [], startedAtMilliseconds: Int64 = 0, duration: Duration = .zero
    ) {
        self.name = name
        self.actor = actor
        self.event = event
        self.fault = fault
        self.index = index
        self.verdict = verdict
        self.sends = sends
        self.startedAtMilliseconds = startedAtMilliseconds
        self.duration = duration
    }

    /// The step's sends to the scenario's vendor (without a `mirror:`'s).
    public var ownSends: [SendRecord] { sends.filter { !$0.isMirror } }
    /// The last response status of the step's own sends, if any response came.
    public var lastStatus: Int? { ownSends.last?.result.lastExchange?.response?.status }
    public var attemptCount: Int { sends.reduce(0) { $0 + $1.result.attempts.count } }
    /// The last answer of the step's own sends: the status (`200`), or the failure kind when no
    /// response came (`connection-refused`); nil when nothing was sent.
    public var lastAnswer: String? {
        if let status = lastStatus { return String(status) }
        return ownSends.last?.result.lastExchange?.failure?.kind.rawValue
    }
    /// The last attempt's latency, of the step's own sends.
    public var lastLatency: Duration? { ownSends.last?.result.lastExchange?.duration }

    /// How the step's message(s) ended: delivered, failed after N attempts, or not sent and why.
    public var deliverySummary: String {
        if case .notSent(let reason) = verdict { return "not sent: \(reason)" }
        if case .error(let reason) = verdict, sends.isEmpty { return "not sent: \(reason)" }
        return sends.map { send in
            let n = send.result.attempts.count
            switch send.result.outcome {
            case .delivered: return "\(send.label): delivered in \(n) attempt\(n == 1 ? "" : "s")"
            case .failed(let reason):
                return "\(send.label): failed after \(n) attempt\(n == 1 ? "" : "s") (\(reason))"
            case .cancelled: return "\(send.label): cancelled after \(n) attempt\(n == 1 ? "" : "s")"
            }
        }.joined(separator: "; ")
    }
}

/// One send of a step and its delivery.
public struct SendRecord: Sendable {
    public var label: String
    public var result: DeliveryResult
    /// A scenario's `mirror:` send (its label is the mirror vendor).
    public var isMirror: Bool

    public init(label: String, result: DeliveryResult, isMirror: Bool = false) {
        self.label = label
        self.result = result
        self.isMirror = isMirror
    }
}

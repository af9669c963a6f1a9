import ProctorCore
import ProctorSigning

/// What `proctor load` is asked on the command line, before the scenario file is read: turns
/// into the plan by the scenario's fields, the flags that override them and the secret rule.
public struct LoadRequest: Sendable {
    public var scenarioPath: String?
    public var vendor: String?
    /// Events each actor sends, instead of the scenario's steps.
    public var events: [String]?
    /// `--target`: a URL, or `VENDOR=URL`; `{vendor}` stands for the vendor.
    public var targets: TargetChoice
    /// `--secret` values; empty follows ``SecretRule``.
    public var secrets: [String]
    public var seed: UInt64?
    public var environment: [String: String]

    public init(
        scenarioPath: String? = nil, vendor: String? = nil, events: [String]? = nil,
        targets: TargetChoice = TargetChoice(),
        secrets: [String] = [], seed: UInt64? = nil, environment: [String: String] = [:]
    ) {
        self.scenarioPath = scenarioPath
        self.vendor = vendor
        self.events = events
        self.targets = targets
        self.secrets = secrets
        self.seed = seed
        self.environment = environment
    }

    /// The plan: flags first, then the scenario's fields, then the defaults.
    public func plan() throws(LoadError) -> LoadPlan {
        var fields = ScenarioFields()
        if let scenarioPath { fields = try ScenarioFields.read(path: scenarioPath, environment: environment) }
        guard let vendor = vendor ?? fields.vendor else {
            throw LoadError("give a scenario file or --vendor and --events")
        }
        let eventList = events ?? fields.events
        guard !eventList.isEmpty else {
            throw LoadError("no events to send: the scenario has no send: steps and --events is not given")
        }
        guard let targetText = targets.target(for: vendor, scenario: fields.target) else {
            throw LoadError("give --target http://HOST:PORT/PATH (or a target in the scenario)")
        }
        let secrets = SecretRule.resolve(flags: secrets, scenario: fields.secret, environment: environment)
            .secrets
        var plan = LoadPlan(
            vendor: vendor, events: eventList, secrets: secrets, hmac: fields.hmac,
            method: fields.method, seed: seed ?? fields.seed ?? 42,
            target: try LoadTarget(parsing: targetText))
        // A scenario's version belongs to its vendor; `--vendor` naming another drops it.
        if fields.vendor == vendor { plan.version = fields.version }
        plan.thresholds = fields.thresholds
        return plan
    }
}

extension LoadReport {
    /// Why a finished run failed, for the exit code 1: it stopped early, or no request was
    /// accepted (every one answered with a non-2xx status, or none answered). Nil when it passed.
    public var failure: String? {
        if let reason = stoppedEarly { return reason + "; the run stopped early" }
        let counters = self.counters
        guard counters.succeeded == 0 && counters.errorCount > 0 else { return nil }
        let target = configuration.target
        let statusKinds: Set<String> = [
            LoadErrorKind.status1xx.rawValue, LoadErrorKind.status3xx.rawValue,
            LoadErrorKind.status4xx.rawValue,
            LoadErrorKind.status5xx.rawValue,
        ]
        let answered = counters.errors.filter { statusKinds.contains($0.key) }.values.reduce(0, +)
        let kinds = counters.errors.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            .joined(separator: ", ")
        if answered > 0 {
            return
                "no request was accepted by \(target): \(answered) of \(counters.completed) were answered with a non-2xx status; by kind: \(kinds)"
        }
        return "no request got an answer from \(target); errors by kind: \(kinds)"
    }
}

/// How `proctor load` shows progress on stderr.
public enum ProgressMode: String, Sendable, CaseIterable {
    /// A live line on a terminal, plain lines otherwise.
    case auto
    case live
    case plain
    case none
}

import ProctorCore

/// `proctor check`: loads every file and reports every problem, without sending anything.
public struct ScenarioCheck: Sendable {
    /// What the command prints and returns.
    public struct Outcome: Sendable, Hashable {
        /// One `path:line:col: error: message` line per problem, sorted, newline-terminated.
        public var output: String
        /// The summary line for stderr: "2 files checked, 3 errors".
        public var summary: String
        /// 0 when every file is clean, 2 otherwise.
        public var exitCode: Int32
        public var diagnostics: [Diagnostic]
    }

    public var loader: ScenarioLoader
    /// Further checks of each scenario that loaded, such as compiling its body schemas.
    public var scenarioChecks: @Sendable (Scenario) -> Diagnostics

    public init(
        loader: ScenarioLoader,
        scenarioChecks: @escaping @Sendable (Scenario) -> Diagnostics = { _ in Diagnostics() }
    ) {
        self.loader = loader
        self.scenarioChecks = scenarioChecks
    }

    public func run(paths: [String]) -> Outcome {
        var all = Diagnostics()
        for path in paths {
            let loaded = loader.load(path: path)
            all.append(contentsOf: loaded.diagnostics)
            if let scenario = loaded.scenario { all.append(contentsOf: scenarioChecks(scenario)) }
        }
        let sorted = all.sorted
        let errors = sorted.filter { $0.severity == .error }.count
        let warnings = sorted.filter { $0.severity == .warning }.count
        let output = sorted.map { $0.description + "\n" }.joined()
        var summary =
            "\(paths.count) \(paths.count == 1 ? "file" : "files") checked, \(errors) \(errors == 1 ? "error" : "errors")"
        if warnings > 0 { summary += ", \(warnings) \(warnings == 1 ? "warning" : "warnings")" }
        return Outcome(output: output, summary: summary, exitCode: errors > 0 ? 2 : 0, diagnostics: sorted)
    }
}

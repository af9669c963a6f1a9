import Foundation
import ProctorContracts
import ProctorCore
import ProctorDelivery
import ProctorReceiver
import ProctorScenario
import ProctorSigning
import ProctorVendors

/// `proctor run` as a library call: load -> (start the reference receiver when there is no
/// target) -> generate, sign, deliver, assert -> report. Output goes through `print` so tests can
/// capture it.
public struct RunPipeline: Sendable {
    public var settings: RunSettings
    public var reports: [ReportSpec]
    public var transport: TransportConfiguration
    public var vocabulary: any EventVocabulary
    public var environment: [String: String]
    public var console: ConsoleReporter
    public var clock: any WallClock
    /// Whether SIGINT and SIGTERM cancel the run (the command line); embedders and tests that
    /// run several pipelines at once turn it off.
    public var handlesSignals = true
    /// When a target that never answered is given up on: its remaining steps are not sent, its
    /// waits end. Nil keeps sending to every target. Either way a target no attempt reached is
    /// named on stderr and fails the run.
    public var unreachableRule: UnreachableRule? = .standard

    public init(
        settings: RunSettings, reports: [ReportSpec] = [],
        transport: TransportConfiguration = TransportConfiguration(),
        vocabulary: any EventVocabulary = VendorCatalog.standard, environment: [String: String] = [:],
        console: ConsoleReporter = ConsoleReporter(useColor: false), clock: any WallClock = SystemClock()
    ) {
        self.settings = settings
        self.reports = reports
        self.transport = transport
        self.vocabulary = vocabulary
        self.environment = environment
        self.console = console
        self.clock = clock
    }

    /// What a run ended with.
    public struct Outcome: Sendable {
        /// Nil when the scenarios could not be loaded (or the receiver could not start).
        public var result: RunResult?
        public var exitCode: Int32
    }

    /// Loads every file first: any problem in any file stops the run before anything is sent
    /// (exit 2). Then runs the scenarios and writes the reports, also after an interrupt.
    public func run(
        files: [String], print: @escaping @Sendable (String) -> Void,
        printError: @escaping @Sendable (String) -> Void
    ) async -> Outcome {
        if let time = settings.time, time > clock.nowMilliseconds() {
            printError(
                "error: --time \(FakeData.isoTimestamp(milliseconds: time)) is in the future: payloads would be dated after they are sent"
            )
            return Outcome(result: nil, exitCode: 2)
        }
        if let problem = RunResult.thresholdContext.problem(in: settings.thresholds) {
            printError("error: " + problem)
            return Outcome(result: nil, exitCode: 2)
        }
        let loader = ScenarioLoader(vocabulary: vocabulary, environment: environment)
        let evaluator = ContractEvaluator()
        var scenarios: [Scenario] = []
        var problems = Diagnostics()
        for file in files {
            let loaded = loader.load(path: file)
            problems.append(contentsOf: loaded.diagnostics)
            if let scenario = loaded.scenario {
                problems.append(contentsOf: ScenarioRunner.schemaProblems(in: scenario, evaluator: evaluator))
                problems.append(contentsOf: ScenarioRunner.signingProblems(in: scenario, settings: settings))
                for threshold in scenario.thresholds {
                    if let problem = threshold.value.problem(in: RunResult.thresholdContext) {
                        problems.error(problem, at: threshold.location)
                    }
                }
                scenarios.append(scenario)
            }
        }
        if problems.hasErrors || scenarios.isEmpty {
            for diagnostic in problems.sorted { printError(diagnostic.description) }
            if scenarios.isEmpty && !problems.hasErrors { printError("error: no scenario to run") }
            return Outcome(result: nil, exitCode: 2)
        }
        if !ReportSpec.foldersWritable(reports, printError: printError) {
            return Outcome(result: nil, exitCode: 2)
        }

        // Built-in reference receivers, one per signing secret, for scenarios without a target.
        let needsReceiver = scenarios.contains {
            settings.targets.target(for: $0.vendor.value, scenario: $0.target?.value) == nil
        }
        var receivers: [String: ReferenceReceiver.Running] = [:]
        let started = clock.nowMilliseconds()
        let timer = ContinuousClock.now
        let engineOptions = EngineOptions(
            maxConcurrentActors: settings.concurrency, failFast: settings.failFast,
            timeScale: settings.timeScale)
        do {
            let watch = TargetWatch(rule: unreachableRule)
            return try await withHTTPTransport(configuration: transport) { transport in
                let runner = ScenarioRunner(
                    engine: DeliveryEngine(
                        transport: transport, options: engineOptions, clock: clock, watch: watch),
                    evaluator: evaluator, settings: settings)
                var plan: [(Scenario, String, String?)] = []
                for scenario in scenarios {
                    if let target = settings.targets.target(
                        for: scenario.vendor.value, scenario: scenario.target?.value)
                    {
                        // A mirror goes where the targets send its vendor, else where the scenario's
                        // own events go.
                        let mirrorTarget = scenario.mirror.map {
                            settings.targets.target(for: $0.value, scenario: scenario.target?.value) ?? target
                        }
                        plan.append((scenario, target, mirrorTarget))
                        continue
                    }
                    // The receiver verifies with the scenario's secrets and requires its `signing:` HMAC.
                    let secrets = runner.secrets(for: scenario)
                    var checks: [String: BodyHMACCheck] = [:]
                    if let spec = scenario.signing?.value {
                        checks[scenario.vendor.value] = BodyHMACCheck(header: spec.header)
                    }
                    let key =
                        secrets.map(\.text).joined(separator: " ")
                        + checks.map { "|\($0.key):\($0.value.header)" }.joined()
                    if receivers[key] == nil {
                        let receiver = ReferenceReceiver(
                            configuration: ReceiverConfiguration(secrets: secrets, hmacChecks: checks))
                        let running = try await receiver.start()
                        receivers[key] = running
                        print(
                            "No target given: sending to the built-in reference receiver at \(running.baseURL)"
                        )
                    }
                    if let running = receivers[key] {
                        plan.append(
                            (
                                scenario, running.url(vendor: scenario.vendor.value),
                                scenario.mirror.map { running.url(vendor: $0.value) }
                            ))
                    }
                }
                let console = self.console
                let work = plan
                let runAll: @Sendable () async -> [ScenarioResult] = {
                    await withTaskGroup(of: (Int, ScenarioResult).self) { group in
                        for (index, (scenario, target, mirrorTarget)) in work.enumerated() {
                            group.addTask {
                                let name = scenario.name.value
                                let result = await runner.run(
                                    scenario, target: target, mirrorTarget: mirrorTarget,
                                    onStep: { print(console.line(for: $0, scenario: name)) },
                                    onRetry: { print(console.line(for: $0, scenario: name)) })
                                return (index, result)
                            }
                        }
                        var collected: [(Int, ScenarioResult)] = []
                        for await item in group { collected.append(item) }
                        return collected.sorted { $0.0 < $1.0 }.map(\.1)
                    }
                }
                let (results, interrupted) =
                    handlesSignals ? await Interrupts.cancellingOnSignals(runAll) : (await runAll(), false)
                for running in receivers.values { await running.stop() }
                let unreachable = await watch.unreachableTargets
                var run = RunResult(
                    startedAtMilliseconds: started, duration: ContinuousClock.now - timer,
                    target: settings.targets.description
                        ?? (receivers.isEmpty ? nil : "built-in reference receiver"),
                    seed: settings.seed, scenarios: results, interrupted: interrupted || Task.isCancelled,
                    unreachableTargets: unreachable)
                run.judge(flags: settings.thresholds, scenarios: work.map { $0.0 })
                print(console.summary(for: run))
                var exitCode = run.exitCode
                if !ReportSpec.write(reports, of: run, print: print, printError: printError), exitCode == 0 {
                    exitCode = 2
                }
                for target in unreachable { printError("error: \(target.message)") }
                return Outcome(result: run, exitCode: exitCode)
            }
        } catch let stop as PipelineStop {
            for running in receivers.values { await running.stop() }
            return Outcome(result: nil, exitCode: stop.exitCode)
        } catch {
            for running in receivers.values { await running.stop() }
            printError("error: \(needsReceiver ? "cannot start the reference receiver: " : "")\(error)")
            return Outcome(result: nil, exitCode: 2)
        }
    }
}

struct PipelineStop: Error {
    var exitCode: Int32
}

extension ReportSpec {
    /// Says which report's folder cannot be written, before anything is sent; false if one cannot.
    static func foldersWritable(_ reports: [ReportSpec], printError: (String) -> Void) -> Bool {
        for report in reports where report.isUnwritable {
            printError(
                "error: --report \(report.format.rawValue)=\(report.path): the folder cannot be written")
            return false
        }
        return true
    }

    /// Writes each report of `run` and says so; false when one could not be written (exit 2
    /// for a run that otherwise passed).
    static func write(
        _ reports: [ReportSpec], of run: RunResult, print: (String) -> Void, printError: (String) -> Void
    ) -> Bool {
        var written = true
        for report in reports {
            do {
                try report.write(run)
                print("Wrote \(report.format.rawValue) report to \(report.path)")
            } catch {
                printError("error: cannot write \(report.path): \(error.localizedDescription)")
                written = false
            }
        }
        return written
    }

    /// True when the report's folder exists and is not writable, or a file is in the way.
    var isUnwritable: Bool {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) {
            return !isDirectory.boolValue || !FileManager.default.isWritableFile(atPath: folder)
        }
        return false
    }
}

import ProctorCore
import ProctorDelivery
import ProctorReceiver

/// `proctor replay` as a library call: read the capture -> select -> resend in order -> console
/// lines, summary and reports as `run` writes them. Output goes through `print` so tests can
/// capture it.
public struct ReplayPipeline: Sendable {
    public var plan: ReplayPlan
    public var selection: ReplaySelection
    public var reports: [ReportSpec]
    public var transport: TransportConfiguration
    public var console: ConsoleReporter
    public var clock: any WallClock
    /// Whether SIGINT and SIGTERM end the replay (the command line); the steps not sent are
    /// reported so and the reports are written.
    public var handlesSignals = true

    public init(
        plan: ReplayPlan, selection: ReplaySelection = ReplaySelection(), reports: [ReportSpec] = [],
        transport: TransportConfiguration = TransportConfiguration(),
        console: ConsoleReporter = ConsoleReporter(useColor: false), clock: any WallClock = SystemClock()
    ) {
        self.plan = plan
        self.selection = selection
        self.reports = reports
        self.transport = transport
        self.console = console
        self.clock = clock
    }

    /// Exit codes as `run`'s: 0 every request answered as expected, 1 one was not, 2 bad input
    /// (no capture, nothing selected, a plan the capture cannot meet), 130 interrupted.
    public func run(
        capture path: String, print: @escaping @Sendable (String) -> Void,
        printError: @escaping @Sendable (String) -> Void
    ) async -> RunPipeline.Outcome {
        let capture: Capture
        let replayer: Replayer
        do {
            capture = try Capture(reading: path)
            replayer = try Replayer(plan: plan, capture: capture, clock: clock)
        } catch let error as CaptureError {
            printError("error: \(error.message)")
            return RunPipeline.Outcome(result: nil, exitCode: 2)
        } catch let error as ReplayError {
            printError("error: \(error.message)")
            return RunPipeline.Outcome(result: nil, exitCode: 2)
        } catch {
            printError("error: \(error)")
            return RunPipeline.Outcome(result: nil, exitCode: 2)
        }
        for note in capture.notes { printError("note: \(note)") }
        let records = capture.records.filter { selection.matches($0) }
        guard !records.isEmpty else {
            printError(
                "error: none of the \(capture.records.count) requests in \(capture.directory) matches the selection"
            )
            return RunPipeline.Outcome(result: nil, exitCode: 2)
        }
        if !ReportSpec.foldersWritable(reports, printError: printError) {
            return RunPipeline.Outcome(result: nil, exitCode: 2)
        }
        let started = clock.nowMilliseconds()
        let timer = ContinuousClock.now
        let console = self.console
        do {
            return try await withHTTPTransport(configuration: transport) { transport in
                let work: @Sendable () async -> ScenarioResult = {
                    await replayer.run(records, capture: capture, transport: transport) {
                        print(console.line(for: $0))
                    }
                }
                let (scenario, interrupted) =
                    handlesSignals ? await Interrupts.cancellingOnSignals(work) : (await work(), false)
                let run = RunResult(
                    startedAtMilliseconds: started, duration: ContinuousClock.now - timer,
                    target: plan.target,
                    seed: nil, scenarios: [scenario], interrupted: interrupted || Task.isCancelled)
                print(console.summary(for: run))
                var exitCode = run.exitCode
                if !ReportSpec.write(reports, of: run, print: print, printError: printError), exitCode == 0 {
                    exitCode = 2
                }
                return RunPipeline.Outcome(result: run, exitCode: exitCode)
            }
        } catch {
            printError("error: \(error)")
            return RunPipeline.Outcome(result: nil, exitCode: 2)
        }
    }
}

import ArgumentParser
import Foundation
import ProctorCore
import ProctorLoad
import ProctorVendors

struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract:
            "Send signed vendor events at a fixed arrival rate (open model) or concurrency (closed model).",
        discussion:
            "Every actor sends the scenario's events in order (or --vendor/--events). Latency is read "
            + "from HDR histograms measured from each request's intended send time (corrected for coordinated "
            + "omission) and from its actual send time. Plain http:// targets only. Exit codes: 0 the run "
            + "completed and met its thresholds, 1 no request got an answer, 2 bad input, 99 a threshold "
            + "was breached, 130 interrupted (the summary and reports are still written).")

    @Argument(
        help:
            "Scenario file (vendor, target, secret, seed, signing, method, thresholds and the send: steps are used)."
    )
    var scenario: String?

    @Option(help: "Vendor, instead of or overriding the scenario's.")
    var vendor: String?

    @Option(
        help: "Comma-separated events each actor sends in order, instead of the scenario's steps.",
        transform: { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } })
    var events: [String]?

    @Option(
        help: "Open model: actor arrivals per second over all shards (500/s, 600/m).",
        transform: { try LoadOptions.parseRate($0) })
    var rate: Double?

    @Option(help: "Closed model: actors active at once in this process.")
    var concurrency: Int?

    @Option(
        help: "How long actors keep arriving (60s, 5m). Default 60s unless --actors is given.",
        transform: { try LoadOptions.parseDuration($0, flag: "--duration") })
    var duration: Duration?

    @Option(
        help: "Grow the arrival rate (or the active actors) from zero over this time.",
        transform: { try LoadOptions.parseDuration($0, flag: "--ramp") })
    var ramp: Duration = .zero

    @Option(help: "Number of generated actors over all shards (the run ends when they are done).")
    var actors: Int?

    @Option(help: "Most actors active at once in this process; arrivals beyond it are dropped and counted.")
    var maxInFlight: Int = 10_000

    @Option(
        name: .customLong("target"),
        help:
            "http:// URL to send to, or VENDOR=URL (repeatable); {vendor} stands for the vendor. Overrides the scenario's target."
    )
    var targets: [String] = []

    @Option(help: "Keep-alive connections in this process.")
    var connections: Int = 32

    @Option(
        help: "Sending threads, each with its own socket loop (0: one per core, at most one per connection).")
    var threads: Int = 0

    @Option(help: "Per-request timeout.", transform: { try LoadOptions.parseDuration($0, flag: "--timeout") })
    var timeout: Duration = .seconds(10)

    @OptionGroup var secret: SecretOptions

    @OptionGroup var tls: TLSOptions

    @Option(help: "Seed for generated actors and payloads.")
    var seed: UInt64?

    @Option(
        help: "I/N: send only actors i with i % N == I (run N processes and merge their JSON reports).",
        transform: { try Shard(parsing: $0) })
    var shard: Shard = Shard(index: 0, count: 1)

    @Option(
        help:
            "pooled (prototype actors built by the vendor builders, per-actor ids rewritten in place; fast) or fresh (every body built from scratch; about 1 ms of CPU each)."
    )
    var payloads: PayloadMode = .pooled

    @Option(
        name: .customLong("threshold"),
        help: ArgumentHelp(
            "A pass/fail criterion on the run's figures: p99<300ms, avg<=50ms, error_rate<1%, rate>=95% (of the requested rate) or rate>=400/s. Repeatable; added to the scenario's thresholds:.",
            discussion: "A breached threshold exits 99."),
        transform: { try Threshold(parsing: $0) })
    var thresholds: [Threshold] = []

    @OptionGroup var reports: LoadReportOptions

    @Option(help: "auto (live line on a terminal, plain lines otherwise), live, plain or none.")
    var progress: ProgressMode = .auto

    func run() async throws {
        let plan = try LoadRequest(
            scenarioPath: scenario, vendor: vendor, events: events,
            targets: try parseTargets(targets),
            secrets: secret.values,
            seed: seed, environment: ProcessInfo.processInfo.environment
        ).plan()
        let model: LoadModel
        switch (rate, concurrency) {
        case (let r?, nil): model = .open(actorsPerSecond: r)
        case (nil, let n?): model = .closed(concurrency: n)
        case (nil, nil): throw LoadError("give --rate N/s (open model) or --concurrency N (closed model)")
        case (.some, .some): throw LoadError("--rate and --concurrency are alternatives: give one")
        }
        let options = LoadOptions(
            model: model, duration: duration ?? (actors == nil ? .seconds(60) : nil), ramp: ramp,
            actors: actors,
            maxInFlight: maxInFlight, connections: connections, threads: threads, timeout: timeout,
            shard: shard,
            payloads: payloads, tls: LoadTLS(insecure: tls.insecure, caFile: try tls.checkedCAFile()))
        try options.validate()
        let judged = try thresholdsToJudge(plan: plan, model: model)

        let control = LoadControl()
        let interrupt = Interrupts.watch { control.stop() }
        defer { interrupt.cancel() }
        let printer = ProgressPrinter(mode: progress)
        var result: LoadReport
        do {
            result = try await LoadEngine(plan: plan, options: options).run(control: control) {
                printer.show($0)
            }
            printer.finish()
        } catch {
            printer.finish()
            throw error
        }
        try result.judge(judged)
        StandardStreams.write(try LoadSummaryText.summary(result))
        try ReportOutputs.write(result, to: reports.outputs)
        if control.isStopRequested { throw ExitCode(130) }
        if let failure = result.failure { throw fail(failure, exitCode: 1) }
        if result.breachedThresholds { throw ExitCode(ThresholdVerdict.breachedExitCode) }
    }

    /// The scenario's `thresholds:`, then `--threshold`s, checked against the model before anything is sent.
    private func thresholdsToJudge(plan: LoadPlan, model: LoadModel) throws(LoadError) -> [Threshold] {
        try LoadReport.checked(
            plan.thresholds + thresholds, model: model.name, vendor: plan.vendor, events: plan.events)
    }
}

/// `--report json=PATH` / `html=PATH`, shared by `load` and `report merge`.
struct LoadReportOptions: ParsableArguments {
    @Option(
        name: .customLong("report"), help: "json=PATH or html=PATH. Repeatable.",
        transform: { try ReportOutputs.parse($0) })
    var outputs: [ReportOutputs.Output] = []
}

extension PayloadMode: ExpressibleByArgument {}
extension ProgressMode: ExpressibleByArgument {}

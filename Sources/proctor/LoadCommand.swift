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
            + "omission) and from its actual send time. Plain http:// targets only.")

    @Argument(help: "Scenario file (vendor, target, secret, seed and the send: steps are used).")
    var scenario: String?

    @Option(help: "Vendor, instead of or overriding the scenario's.")
    var vendor: String?

    @Option(help: "Comma-separated events each actor sends in order, instead of the scenario's steps.")
    var events: String?

    @Option(help: "Open model: actor arrivals per second over all shards (500/s, 600/m).")
    var rate: String?

    @Option(help: "Closed model: actors active at once in this process.")
    var concurrency: Int?

    @Option(help: "How long actors keep arriving (60s, 5m). Default 60s unless --actors is given.")
    var duration: String?

    @Option(help: "Grow the arrival rate (or the active actors) from zero over this time.")
    var ramp: String = "0s"

    @Option(help: "Number of generated actors over all shards (the run ends when they are done).")
    var actors: Int?

    @Option(help: "Most actors active at once in this process; arrivals beyond it are dropped and counted.")
    var maxInFlight: Int = 10_000

    @Option(help: "http:// URL to send to (overrides the scenario's target).")
    var target: String?

    @Option(help: "Keep-alive connections in this process.")
    var connections: Int = 32

    @Option(
        help: "Sending threads, each with its own socket loop (0: one per core, at most one per connection).")
    var threads: Int = 0

    @Option(help: "Per-request timeout.")
    var timeout: String = "10s"

    @OptionGroup var secret: SecretOptions

    @Option(help: "Seed for generated actors and payloads.")
    var seed: UInt64?

    @Option(help: "I/N: send only actors i with i % N == I (run N processes and merge their JSON reports).")
    var shard: String = "0/1"

    @Option(
        help:
            "pooled (prototype actors built by the vendor builders, per-actor ids rewritten in place; fast) or fresh (every body built from scratch; about 1 ms of CPU each)."
    )
    var payloads: String = "pooled"

    @Option(help: "json=PATH or html=PATH. Repeatable.")
    var report: [String] = []

    @Option(help: "auto (live line on a terminal, plain lines otherwise), live, plain or none.")
    var progress: String = "auto"

    func run() async throws {
        let (plan, options, outputs) = try makeRun()
        let control = LoadControl()
        let interrupt = Interrupts.watch { control.stop() }
        defer { interrupt.cancel() }
        let printer = ProgressPrinter(mode: progress)

        let result: LoadReport
        do {
            result = try await LoadEngine(plan: plan, options: options).run(control: control) { p in
                printer.show(p)
            }
        } catch let error as LoadError {
            printer.finish()
            throw fail(error.message)
        }
        printer.finish()
        do {
            StandardStreams.write(try LoadSummaryText.summary(result))
            try ReportOutputs.write(result, to: outputs)
        } catch {
            throw fail(error.message)
        }
        if control.isStopRequested { throw ExitCode(130) }
        if let reason = result.stoppedEarly {
            throw fail(reason + "; the run stopped early", exitCode: 1)
        }
        let counters = result.counters
        if counters.succeeded == 0 && counters.errorCount > 0 {
            let target = plan.target.description
            let statusKinds: Set<String> = ["1xx", "3xx", "4xx", "5xx"]
            let answered = counters.errors.filter { statusKinds.contains($0.key) }.values.reduce(0, +)
            let kinds = counters.errors.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                .joined(separator: ", ")
            if answered > 0 {
                throw fail(
                    "no request was accepted by \(target): \(answered) of \(counters.completed) were answered with a non-2xx status; by kind: \(kinds)",
                    exitCode: 1)
            }
            throw fail("no request got an answer from \(target); errors by kind: \(kinds)", exitCode: 1)
        }
    }

    /// Builds the plan and options from the scenario file and the flags. The scenario loader
    /// plugs in here: anything that yields a vendor, the ordered event names, a target, secrets
    /// and a seed can fill a `LoadPlan`.
    func makeRun() throws -> (LoadPlan, LoadOptions, [ReportOutputs.Output]) {
        do {
            var fields = ScenarioFields()
            if let scenario { fields = try ScenarioFields.read(path: scenario) }
            guard let vendor = vendor ?? fields.vendor else {
                throw LoadError("give a scenario file or --vendor and --events")
            }
            let eventList =
                events.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
                ?? fields.events
            guard !eventList.isEmpty else {
                throw LoadError(
                    "no events to send: the scenario has no send: steps and --events is not given")
            }
            guard let targetText = target ?? fields.target else {
                throw LoadError("give --target http://HOST:PORT/PATH (or a target in the scenario)")
            }
            let seed = seed ?? fields.seed ?? 42
            let secrets = secret.resolve(
                scenario: fields.secret, environment: ProcessInfo.processInfo.environment)
            let plan = LoadPlan(
                vendor: vendor, events: eventList, secrets: secrets.map(\.text), hmac: fields.hmac,
                method: fields.method,
                seed: seed,
                target: try LoadTarget(parsing: targetText))

            let model: LoadModel
            switch (rate, concurrency) {
            case (let r?, nil): model = .open(actorsPerSecond: try LoadOptions.parseRate(r))
            case (nil, let n?): model = .closed(concurrency: n)
            case (nil, nil): throw LoadError("give --rate N/s (open model) or --concurrency N (closed model)")
            case (.some, .some): throw LoadError("--rate and --concurrency are alternatives: give one")
            }
            guard let mode = PayloadMode(rawValue: payloads) else {
                throw LoadError("--payloads must be pooled or fresh")
            }
            let durationValue: Duration? =
                try duration.map { d throws(LoadError) in try LoadOptions.parseDuration(d, flag: "--duration")
                }
                ?? (actors == nil ? .seconds(60) : nil)
            let options = LoadOptions(
                model: model, duration: durationValue,
                ramp: try LoadOptions.parseDuration(ramp, flag: "--ramp"),
                actors: actors, maxInFlight: maxInFlight, connections: connections, threads: threads,
                timeout: try LoadOptions.parseDuration(timeout, flag: "--timeout"),
                shard: try Shard(parsing: shard),
                payloads: mode)
            try options.validate()
            guard ["auto", "live", "plain", "none"].contains(progress) else {
                throw LoadError("--progress must be auto, live, plain or none")
            }
            return (plan, options, try ReportOutputs.parse(report))
        } catch let error as LoadError {
            throw fail(error.message)
        }
    }
}

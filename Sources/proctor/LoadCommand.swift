import ArgumentParser
import Dispatch
import Foundation
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

    @Option(
        help:
            "Signing secret (whsec_...). Repeat for key rotation. Default: the scenario's, else the demo secret for the seed."
    )
    var secret: [String] = []

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
        let interrupt = InterruptWatcher { control.stop() }
        defer { interrupt.cancel() }
        let printer = ProgressPrinter(mode: progress)

        let result: LoadReport
        do {
            result = try await LoadEngine(plan: plan, options: options).run(control: control) { p in
                printer.show(p)
            }
        } catch let error as LoadError {
            printer.finish()
            printError(error.message)
            throw ExitCode(2)
        }
        printer.finish()
        do {
            print(try LoadSummaryText.summary(result), terminator: "")
            try ReportOutputs.write(result, to: outputs)
        } catch {
            printError(error.message)
            throw ExitCode(2)
        }
        if control.isStopRequested { throw ExitCode(130) }
        if let reason = result.stoppedEarly {
            printError(reason + "; the run stopped early")
            throw ExitCode(1)
        }
        let counters = result.counters
        if counters.succeeded == 0 && counters.errorCount > 0 {
            let kinds = counters.errors.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            printError(
                "no request got an answer from http://\(plan.target.host):\(plan.target.port)\(plan.target.path); errors by kind: "
                    + kinds.joined(separator: ", "))
            throw ExitCode(1)
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
            var secrets = secret
            if secrets.isEmpty, let s = fields.secret { secrets = [s] }
            if secrets.isEmpty, let profile = VendorCatalog.standard.profile(for: vendor),
                case .standardWebhooks = profile.signing
            {
                secrets = [VendorCatalog.demoSecret(seed: seed)]
            }
            let plan = LoadPlan(
                vendor: vendor, events: eventList, secrets: secrets, seed: seed,
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
            printError(error.message)
            throw ExitCode(2)
        }
    }
}

/// Where `--report` writes.
enum ReportOutputs {
    enum Output {
        case json(String)
        case html(String)
    }

    static func parse(_ values: [String]) throws(LoadError) -> [Output] {
        try values.map { v throws(LoadError) in
            if v.hasPrefix("json=") { return .json(String(v.dropFirst(5))) }
            if v.hasPrefix("html=") { return .html(String(v.dropFirst(5))) }
            throw LoadError("--report must be json=PATH or html=PATH, not \"\(v)\"")
        }
    }

    static func write(_ report: LoadReport, to outputs: [Output]) throws(LoadError) {
        for output in outputs {
            let path: String
            let data: Data
            do {
                switch output {
                case .json(let p):
                    path = p
                    data = try report.jsonData()
                case .html(let p):
                    path = p
                    data = Data(try report.html().utf8)
                }
            } catch let error as LoadError {
                throw error
            } catch {
                throw LoadError("cannot encode the report: \(error)")
            }
            do {
                let url = URL(fileURLWithPath: path)
                try FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try data.write(to: url)
            } catch {
                throw LoadError("cannot write \(path): \(error.localizedDescription)")
            }
        }
    }
}

/// Progress on stderr: a line rewritten in place on a terminal, a plain line every few seconds otherwise.
final class ProgressPrinter: Sendable {
    private let live: Bool
    private let enabled: Bool
    private let plainEvery: Double = 5
    private let state = LockedCounter()

    init(mode: String) {
        let tty = isatty(STDERR_FILENO) == 1
        switch mode {
        case "none":
            enabled = false
            live = false
        case "live":
            enabled = true
            live = true
        case "plain":
            enabled = true
            live = false
        default:
            enabled = true
            live = tty
        }
    }

    func show(_ p: LoadProgress) {
        guard enabled else { return }
        let line = LoadSummaryText.progressLine(p)
        if live {
            FileHandle.standardError.write(Data(("\r\u{1B}[2K" + line).utf8))
            state.set(1)
        } else if p.elapsedSeconds >= state.nextPlain {
            FileHandle.standardError.write(Data((line + "\n").utf8))
            state.nextPlain = (p.elapsedSeconds / plainEvery).rounded(.down) * plainEvery + plainEvery
        }
    }

    func finish() {
        if live && state.value == 1 { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

/// The progress printer's small mutable state.
final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var _value = 0
    private var _nextPlain = 0.0

    var value: Int { lock.withLock { _value } }
    func set(_ v: Int) { lock.withLock { _value = v } }
    var nextPlain: Double {
        get { lock.withLock { _nextPlain } }
        set { lock.withLock { _nextPlain = newValue } }
    }
}

/// Calls `action` on the first Ctrl-C (SIGINT) or SIGTERM; a second one exits at once.
final class InterruptWatcher {
    private let sources: [DispatchSourceSignal]

    init(action: @escaping @Sendable () -> Void) {
        let queue = DispatchQueue(label: "proctor.load.signals")
        var sources: [DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            let seen = LockedCounter()
            source.setEventHandler {
                if seen.value > 0 { exit(130) }
                seen.set(1)
                action()
            }
            source.resume()
            sources.append(source)
        }
        self.sources = sources
    }

    func cancel() {
        for s in sources { s.cancel() }
    }
}

import ArgumentParser
import Foundation
import ProctorCore
import ProctorDelivery
import ProctorRunner
import ProctorScenario
import ProctorVendors

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Runs scenarios against a webhook consumer and checks its answers.",
        discussion: """
            With no --target and no `target:` in a scenario, starts the built-in reference receiver on \
            127.0.0.1 and runs against it. A target that never answers is given up on once 3 attempts \
            to it failed to connect over at least 2s: its remaining steps are not sent. Exit codes: 0 \
            all steps passed (and every threshold was met), 1 a step failed or a target could not be \
            reached, 2 bad input (a scenario with problems, a bad flag), 99 every step passed but a \
            threshold was breached, 130 interrupted (reports are still written).
            """
    )

    @Argument(help: "Scenario files.")
    var scenarios: [String]

    @Option(
        name: .customLong("target"),
        help: ArgumentHelp(
            "URL events are posted to, or VENDOR=URL for one vendor's scenarios (repeatable); {vendor} in a URL stands for the vendor.",
            discussion: "Overrides the scenarios' target:."))
    var targets: [String] = []

    @OptionGroup var secret: SecretOptions

    @Option(help: "Seed for generated values (overrides the scenarios' seed).")
    var seed: UInt64?

    @Option(help: "Multiplies every wait: after:, delay and retry schedules (0.001 for CI).")
    var timeScale: Double = 1

    @Option(
        help:
            "Date the scenarios' stories as if delivery started at this time (milliseconds since the epoch or ISO 8601, not in the future): the same seed and time give the same bodies."
    )
    var time: PinnedTime?

    @Flag(help: "Stop sending after the first failed step.")
    var failFast = false

    @Option(
        help:
            "vendor (resend failed deliveries on the vendor's schedule) or none; overrides the scenarios' retries:."
    )
    var retries: RetryMode?

    @Option(help: "Actors delivering at once per scenario.")
    var concurrency = 8

    @Flag(
        inversion: .prefixedNo,
        help:
            "Stop sending to a target that never answered once 3 attempts to it failed to connect (refused, unresolved, connect timeout) over at least 2s; --no-stop-unreachable keeps sending."
    )
    var stopUnreachable = true

    @Option(
        name: .customLong("threshold"),
        help: ArgumentHelp(
            "A pass/fail criterion on the run's attempts, over all scenarios: p95<200ms, avg<=50ms, max<1s, error_rate<1%, EVENT:p99<300ms. Repeatable.",
            discussion: "Judged after the scenarios' own thresholds:. A breached threshold exits 99."),
        transform: { try Threshold(parsing: $0) })
    var thresholds: [Threshold] = []

    @OptionGroup var report: ReportOptions

    @OptionGroup var transport: TransportOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var settings: RunSettings
        let transportConfiguration: TransportConfiguration
        do {
            guard timeScale > 0, timeScale.isFinite else {
                throw CommandInputError("--time-scale: expected a positive number such as 0.001")
            }
            guard concurrency >= 1 else { throw CommandInputError("--concurrency: expected at least 1") }
            let choice = try parseTargets(targets)
            transportConfiguration = try transport.configuration()
            settings = RunSettings(
                targets: choice, secrets: secret.values, environment: environment, seed: seed,
                fallbackSeed: 0,
                timeScale: timeScale,
                failFast: failFast, concurrency: concurrency, retries: retries,
                requestTimeout: transport.timeout, time: time?.milliseconds)
            settings.thresholds = thresholds
        } catch let error as CommandInputError {
            throw fail(error.description)
        }
        var pipeline = RunPipeline(
            settings: settings, reports: report.reports, transport: transportConfiguration,
            vocabulary: CatalogVocabulary.vocabulary, environment: environment,
            console: ConsoleReporter.forStandardOutput(environment: environment))
        pipeline.unreachableRule = stopUnreachable ? .standard : nil
        let outcome = await pipeline.run(
            files: scenarios, print: { StandardStreams.output($0) }, printError: { StandardStreams.error($0) }
        )
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }
}

enum FileManagerProbe {
    static func isReadableFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            && !isDirectory.boolValue
            && FileManager.default.isReadableFile(atPath: path)
    }
}

extension RetryMode: ExpressibleByArgument {}

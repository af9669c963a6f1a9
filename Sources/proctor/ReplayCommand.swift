import ArgumentParser
import Foundation
import ProctorCore
import ProctorRunner

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Resends captured requests to a webhook consumer, in order and with their spacing.",
        discussion: """
            CAPTURE is a `serve --record` directory (its latest run), one run's folder, or a HAR file. \
            Requests go out one at a time in the order recorded, each when its recorded offset from the \
            first (times --time-scale) has passed; bodies byte for byte, headers in their recorded order \
            and case. They are signed anew with --secret (by the secret rule, as `run` signs), keeping each \
            request's message id with a fresh timestamp, or sent with the signatures as recorded with \
            --stored-signatures (a capture made with --keep-signatures). Exit codes: 0 every request \
            answered as expected, 1 one was not, 2 bad input, 130 interrupted (reports are still \
            written). Workflow: docs/incident-to-test.md.
            """
    )

    @Argument(
        help: ArgumentHelp(
            "The capture: a --record directory, a run's folder or a HAR file.", valueName: "capture"))
    var capture: String

    @Option(help: "URL every request is sent to.")
    var target: String

    @Flag(help: "Send to the recorded path and query on --target's scheme, host and port.")
    var keepPath = false

    @Option(help: "Multiplies the recorded spacing between requests; 0 sends them back to back.")
    var timeScale: Double = 1

    @OptionGroup var secret: SecretOptions
    @OptionGroup var hmac: HMACOptions

    @Flag(help: "Send the signature headers as recorded (a capture made with serve --keep-signatures).")
    var storedSignatures = false

    @Option(
        help:
            "What each answer must be: success (any 2xx) or recorded (the status the capture recorded)."
    )
    var expect: ReplayExpectation = .success

    @Option(
        name: .customLong("vendor"),
        help: "Only this vendor's requests (none: paths that name no vendor). Repeatable.")
    var vendors: [String] = []

    @Option(
        name: .customLong("event"),
        help: "Only this event (as sent or as `proctor events` lists it). Repeatable.")
    var events: [String] = []

    @Option(
        name: .customLong("id"),
        help: "Only the request with this message id, candidate id or sequence number. Repeatable.")
    var ids: [String] = []

    @Option(
        help: "Only requests that arrived at or after this time (ISO 8601 or milliseconds since the epoch).")
    var from: PinnedTime?

    @Option(
        help: "Only requests that arrived at or before this time (ISO 8601 or milliseconds since the epoch).")
    var until: PinnedTime?

    @OptionGroup var report: ReportOptions

    @OptionGroup var transport: TransportOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard timeScale >= 0, timeScale.isFinite else {
            throw CommandInputError("--time-scale: expected 0 or a positive number such as 0.5")
        }
        _ = try parseTarget(target)
        if storedSignatures && (!secret.values.isEmpty || hmac.header != nil) {
            throw CommandInputError(
                "--stored-signatures sends the recorded signatures: leave out --secret and --hmac-header")
        }
        let plan = ReplayPlan(
            target: target, keepPath: keepPath, timeScale: timeScale,
            signing: storedSignatures
                ? .stored : .resign(secret.resolve(environment: environment), hmac: hmac.signing),
            expectation: expect, timeout: transport.timeout ?? .seconds(15))
        let pipeline = ReplayPipeline(
            plan: plan,
            selection: ReplaySelection(
                vendors: vendors, events: events, ids: ids, from: from?.milliseconds,
                until: until?.milliseconds),
            reports: report.reports, transport: try transport.configuration(),
            console: ConsoleReporter.forStandardOutput(environment: environment))
        let outcome = await pipeline.run(
            capture: capture, print: { StandardStreams.output($0) }, printError: { StandardStreams.error($0) }
        )
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }
}

extension ReplayExpectation: ExpressibleByArgument {}

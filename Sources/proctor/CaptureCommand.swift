import ArgumentParser
import Foundation
import ProctorCore
import ProctorReceiver
import ProctorRunner

struct CaptureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Work with captures recorded by `proctor serve --record`.",
        subcommands: [CaptureToScenarioCommand.self])
}

struct CaptureToScenarioCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "to-scenario",
        abstract: "Write a scenario that reproduces a capture.",
        discussion: """
            One vendor's requests become send steps in the order they arrived, one actor per \
            candidate; 'with:' sets the values that differ from what Proctor generates, a body \
            'with:' cannot express is written as a 'body:' file next to the scenario, and each \
            step expects the status the consumer answered. The secret is not written: the \
            scenario signs with --secret, PROCTOR_SECRET or the example secret.
            """
    )

    @Argument(help: "A capture: a run folder, or a --record directory (its latest run).")
    var directory: String

    @Option(name: [.short, .long], help: "The scenario file to write ('-' for standard output).")
    var output: String

    @Option(help: "The vendor whose requests to take, when the capture holds several.")
    var vendor: String?

    @Option(help: "The scenario's name (default: 'capture-' and the run folder's name).")
    var name: String?

    func run() throws {
        do {
            let capture = try Capture(reading: directory)
            let written = try ScenarioWriter().write(capture, to: output, vendor: vendor, name: name)
            StandardStreams.error(
                "proctor capture: wrote \(output == "-" ? "the scenario" : output): \(written.steps) \(written.vendor) steps"
                    + " for \(written.actors) actor\(written.actors == 1 ? "" : "s")"
                    + (written.fixtures.isEmpty ? "" : ", \(written.fixtures.count) body files")
                    + (written.skipped == 0
                        ? "" : ", \(written.skipped) requests left out (see the comments)"))
        } catch {
            throw fail(error.message)
        }
    }
}

import ArgumentParser
import Foundation
import ProctorCore
import ProctorVendors

@main
struct Proctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proctor",
        abstract:
            "Tests webhook consumers by playing the webhook vendors (\(VendorCatalog.standard.displayNames)).",
        discussion:
            "Exit codes: 0 passed, 1 a test or assertion failed, 2 bad input, 99 a threshold was breached, 130 interrupted.",
        subcommands: [
            RunCommand.self, CheckCommand.self, SendCommand.self, EmitCommand.self, EventsCommand.self,
            ServeCommand.self, ReplayCommand.self, CaptureCommand.self, VerifyCommand.self,
            SchemaCommand.self,
            LoadCommand.self, ReportCommand.self,
        ]
    )

    /// Runs the command; a flag or argument that does not parse is bad input, exit 2, like every
    /// other input problem.
    static func main() async {
        StandardStreams.ignoreBrokenPipe()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as any UserFacingError {
            exit(withError: fail(error.message))
        } catch {
            if exitCode(for: error) == .validationFailure {
                // A flag that does not parse is bad input like any other: one `error:` line, then
                // where to read more.
                let message = message(for: error).trimmingCharacters(in: .whitespacesAndNewlines)
                let names = configuration.subcommands.compactMap { $0.configuration.commandName }
                let command =
                    CommandLine.arguments.dropFirst().first { !$0.hasPrefix("-") }
                    .flatMap { name in names.first { $0 == name } }
                    .map { "proctor \($0)" } ?? "proctor"
                StandardStreams.error("error: " + message)
                StandardStreams.error("See '\(command) --help'.")
                exit(withError: ExitCode(2))
            }
            exit(withError: error)
        }
    }
}

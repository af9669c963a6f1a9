import ArgumentParser
import Foundation
import ProctorVendors

struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "List the vendor event catalog: vendor, event, wire name, envelope, signing.")

    @Argument(help: "Only this vendor (talview, testlify, testlify-v1, qualified).")
    var vendor: String?

    @Option(help: "table or json.")
    var format: String = "table"

    @Flag(help: "List the payload quirks instead of the events.")
    var quirks = false

    func run() throws {
        guard let format = CatalogListing.Format(rawValue: format) else {
            throw badInput("--format must be table or json")
        }
        do {
            print(
                try CatalogListing.render(.standard, vendor: vendor, format: format, quirks: quirks),
                terminator: "")
        } catch {
            printError(error.message)
            throw ExitCode(2)
        }
    }
}

/// Prints `error: message` and returns the exit code for bad input (2).
func badInput(_ message: String) -> ExitCode {
    printError(message)
    return ExitCode(2)
}

func printError(_ message: String) {
    var stderr = StandardError()
    print("error: " + message, to: &stderr)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandle.standardError.write(Data(string.utf8))
    }
}

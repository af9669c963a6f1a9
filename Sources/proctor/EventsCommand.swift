import ArgumentParser
import Foundation
import ProctorCore
import ProctorVendors

struct EventsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "List the vendor event catalog: vendor, event, wire name, envelope, signing.")

    @Argument(help: "Only this vendor.")
    var vendor: String?

    @Option(help: "table or json.")
    var format: CatalogListing.Format = .table

    @Flag(help: "List the payload quirks instead of the events.")
    var quirks = false

    func run() throws {
        do {
            StandardStreams.write(
                try CatalogListing.render(.standard, vendor: vendor, format: format, quirks: quirks))
        } catch {
            throw fail(error.message)
        }
    }
}

import ArgumentParser
import Foundation
import ProctorCore
import ProctorLoad

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Work with load reports.",
        subcommands: [ReportMergeCommand.self])
}

struct ReportMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract:
            "Merge the JSON reports of load shards exactly (histograms added, percentiles read from the sum)."
    )

    @Argument(help: "JSON reports written by `proctor load --report json=PATH`.")
    var files: [String]

    @OptionGroup var outputs: LoadReportOptions

    func run() throws {
        do {
            guard !files.isEmpty else { throw LoadError("give the JSON reports to merge") }
            let reports = try files.map { f throws(LoadError) in
                try LoadReport.load(from: URL(fileURLWithPath: f))
            }
            let merged = try LoadReport.merge(reports)
            StandardStreams.write(try LoadSummaryText.summary(merged))
            try ReportOutputs.write(merged, to: outputs.outputs)
            let expected = merged.shards.first?.count ?? 1
            if merged.shards.count != expected || merged.shards.contains(where: { $0.count != expected }) {
                let warning =
                    "warning: the merged reports hold shards "
                    + merged.shards.map(\.description).joined(separator: ", ")
                    + ", not all \(expected) shards of one run\n"
                StandardStreams.writeError(warning)
            }
        } catch let error as LoadError {
            throw fail(error.message)
        }
    }
}

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
            "Merge the JSON reports of load shards exactly (histograms added, percentiles read from the sum).",
        discussion:
            "The thresholds stored in the reports (and any --threshold) are judged again on the merged figures. "
            + "Exit codes: 0 merged and met its thresholds, 2 bad input, 99 a threshold was breached.")

    @Argument(help: "JSON reports written by `proctor load --report json=PATH`.")
    var files: [String]

    @Option(
        name: .customLong("threshold"),
        help: ArgumentHelp(
            "A threshold to judge the merged figures by, besides those stored in the reports (p99<300ms, error_rate<1%, rate>=95%). Repeatable.",
            discussion: "A breached threshold exits 99."))
    var thresholds: [String] = []

    @OptionGroup var outputs: LoadReportOptions

    func run() throws {
        do {
            guard !files.isEmpty else { throw LoadError("give the JSON reports to merge") }
            let reports = try files.map { f throws(LoadError) in
                try LoadReport.load(from: URL(fileURLWithPath: f))
            }
            let merged = try LoadReport.merge(reports, thresholds: thresholds)
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
            if merged.breachedThresholds { throw ExitCode(ThresholdVerdict.breachedExitCode) }
        } catch let error as LoadError {
            throw fail(error.message)
        }
    }
}

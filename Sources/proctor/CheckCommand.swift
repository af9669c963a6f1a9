import ArgumentParser
import Foundation
import ProctorContracts
import ProctorCore
import ProctorRunner
import ProctorScenario
import ProctorVendors

/// The event vocabulary the commands check scenarios against: the vendor catalog.
enum CatalogVocabulary {
    static var vocabulary: any EventVocabulary { VendorCatalog.standard }
}

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validates scenario files without sending anything.",
        discussion: """
            Prints every problem as 'path:line:col: error: message', sorted, and a summary on \
            stderr. Exits 0 when every file is clean and 2 when any file has a problem.
            """
    )

    @Argument(help: "Scenario files to check.")
    var files: [String]

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let loader = ScenarioLoader(vocabulary: CatalogVocabulary.vocabulary, environment: environment)
        let evaluator = ContractEvaluator()
        let settings = RunSettings(environment: environment)
        let outcome = ScenarioCheck(loader: loader) { scenario in
            var problems = ScenarioRunner.schemaProblems(in: scenario, evaluator: evaluator)
            problems.append(contentsOf: ScenarioRunner.signingProblems(in: scenario, settings: settings))
            return problems
        }.run(paths: files)
        StandardStreams.write(outcome.output)
        StandardStreams.error(outcome.summary)
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }
}

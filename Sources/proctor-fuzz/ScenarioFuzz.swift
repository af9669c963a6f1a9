import Foundation
import ProctorCore
import ProctorScenario
import ProctorVendors

extension FuzzTarget {
    static let scenario = FuzzTarget(
        name: "scenario",
        summary: "ScenarioLoader.load(yaml:path:) with the vendor catalog: a scenario or located errors",
        check: ScenarioFuzz.check)
}

/// The scenario loader (YAML reader, environment interpolation, includes, lifecycles, templates
/// and every `proctor check` rule), with the real vendor catalog, reading the input as
/// `fuzz/corpus/scenario/input.yaml` under the current directory: run it from the repository
/// root and includes resolve to the files beside the seeds.
///
/// - The result is a scenario without errors, or errors without a scenario: never neither.
/// - Every diagnostic has a message and a location (`file:line:col`, 1-based); one in the input
///   points at a line of it, at most one column past the line's end.
/// - Loading is deterministic: the same scenario and the same diagnostics, as `proctor check`
///   prints them, the second time.
enum ScenarioFuzz {
    static let path = "input.yaml"
    static let loader = ScenarioLoader(
        vocabulary: VendorCatalog.standard,
        environment: [
            "PROCTOR_TARGET": "http://127.0.0.1:9/hook", "TARGET": "http://127.0.0.1:9/",
            "TESTLIFY_SECRET": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "SECRET": "s3cr3t", "SEED": "7",
            "NAME": "fuzz",
        ],
        currentDirectory: FileManager.default.currentDirectoryPath + "/fuzz/corpus/scenario")

    static func check(_ input: UnsafeRawBufferPointer) {
        // `load(yaml:path:)` takes text: bytes that are not UTF-8 arrive as U+FFFD.
        let text = String(decoding: input, as: UTF8.self)
        let result = loader.load(yaml: text, path: path)
        let hasErrors = result.diagnostics.hasErrors
        if result.scenario == nil {
            Invariant.require(hasErrors, "no scenario and no error: \(result.diagnostics)")
        } else {
            Invariant.require(!hasErrors, "a scenario and errors: \(result.diagnostics)")
        }
        // Lines and columns count Unicode scalars ("\r\n" is one Character).
        let lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
        for diagnostic in result.diagnostics.items {
            Invariant.require(!diagnostic.message.isEmpty, "a diagnostic without a message")
            guard let location = diagnostic.location else {
                Invariant.fail("a diagnostic without a location: \(diagnostic.message)")
            }
            Invariant.require(
                !location.file.isEmpty && location.line >= 1 && location.column >= 1,
                "diagnostic at \(location): \(diagnostic.message)")
            guard location.file == path else { continue }
            Invariant.require(
                location.line <= lines.count,
                "diagnostic at \(location) is past the last line (\(lines.count)): \(diagnostic.message)")
            let line = lines[location.line - 1]
            let length = line.last == "\r" ? line.count - 1 : line.count
            Invariant.require(
                location.column <= length + 1,
                "diagnostic at \(location) is past the end of its line (\(length) characters): \(diagnostic.message)"
            )
        }
        _ = result.diagnostics.description
        let again = loader.load(yaml: text, path: path)
        Invariant.require(again.scenario == result.scenario, "loading twice gave different scenarios")
        // As `proctor check` prints them: sorted by location, in the order found where equal.
        Invariant.require(
            again.diagnostics.sorted == result.diagnostics.sorted,
            "loading twice gave different diagnostics:\n\(result.diagnostics)\n-- then --\n\(again.diagnostics)"
        )
    }
}

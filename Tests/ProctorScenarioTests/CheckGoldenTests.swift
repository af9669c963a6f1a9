import Foundation
import ProctorCore
import Testing

@testable import ProctorScenario

/// `proctor check` on broken scenarios, compared with `NAME.expected` next to each `NAME.yaml`.
/// Set `PROCTOR_RECORD_GOLDEN=1` to rewrite the expected files from the current output.
@Suite struct CheckGoldenTests {
    static let brokenDirectory = Fixtures.directory + "/broken"
    static let recording = ProcessInfo.processInfo.environment["PROCTOR_RECORD_GOLDEN"] == "1"

    @Test func corpusIsLargeEnough() {
        #expect(Fixtures.files(in: "broken").count >= 40)
    }

    @Test(arguments: Fixtures.files(in: "broken"))
    func brokenScenarioMatchesGolden(name: String) throws {
        let outcome = ScenarioCheck(loader: Fixtures.loader(in: Self.brokenDirectory)).run(paths: [name])
        #expect(outcome.exitCode == 2)
        #expect(!outcome.output.isEmpty)
        let expectedPath =
            Self.brokenDirectory + "/" + name.replacingOccurrences(of: ".yaml", with: ".expected")
        if Self.recording {
            try outcome.output.write(toFile: expectedPath, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOfFile: expectedPath, encoding: .utf8)
        #expect(outcome.output == expected)
    }

    @Test func everyLineHasTheLocatedForm() throws {
        let names = Fixtures.files(in: "broken")
        let outcome = ScenarioCheck(loader: Fixtures.loader(in: Self.brokenDirectory)).run(paths: names)
        let pattern = try Regex(#"^[^:]+\.yaml:\d+:\d+: error: .+$"#)
        for line in outcome.output.split(separator: "\n") {
            #expect(line.wholeMatch(of: pattern) != nil, "\(line)")
        }
        #expect(
            outcome.diagnostics.map(\.location)
                == outcome.diagnostics.map(\.location).sorted {
                    ($0 ?? SourceLocation(file: "", line: 0, column: 0))
                        < ($1 ?? SourceLocation(file: "", line: 0, column: 0))
                })
        #expect(outcome.summary == "\(names.count) files checked, \(outcome.diagnostics.count) errors")
    }
}

/// Inputs too large or too hostile to commit, written to a temporary directory by the test.
@Suite struct HostileInputTests {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + "proctor-check-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func check(_ name: String, _ bytes: [UInt8]) throws -> ScenarioCheck.Outcome {
        try Data(bytes).write(to: URL(fileURLWithPath: directory + "/" + name))
        return ScenarioCheck(loader: Fixtures.loader(in: directory)).run(paths: [name])
    }

    @Test func fiftyMegabyteFileIsRefusedBeforeReading() throws {
        let path = directory + "/huge.yaml"
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 50 << 20)
        try handle.close()
        let outcome = ScenarioCheck(loader: Fixtures.loader(in: directory)).run(paths: ["huge.yaml"])
        #expect(
            outcome.output
                == "huge.yaml:1:1: error: file is too large (52428800 bytes; the limit is 8388608 bytes)\n")
        #expect(outcome.exitCode == 2)
    }

    @Test func binaryGarbage() throws {
        var random = SeededRandom(seed: 7)
        let bytes = (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &random) }
        let outcome = try check("garbage.yaml", bytes)
        #expect(outcome.exitCode == 2)
        #expect(outcome.diagnostics.count == 1)
        #expect(outcome.output.hasPrefix("garbage.yaml:1:"))
    }

    @Test func controlCharactersAreLocated() throws {
        let outcome = try check("control.yaml", Array("scenario: x\nvendor: te\u{7}stlify\n".utf8))
        #expect(
            outcome.output == "control.yaml:2:11: error: invalid YAML: control characters are not allowed\n")
    }

    @Test func tenThousandDeepFlowNesting() throws {
        let text =
            "steps: " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "\n"
        let outcome = try check("deep.yaml", Array(text.utf8))
        #expect(outcome.output == "deep.yaml:1:263: error: nesting is deeper than 256 levels\n")
    }

    @Test func tenThousandDeepBlockNesting() throws {
        let text = "steps:\n" + String(repeating: "- ", count: 10_000) + "x\n"
        let outcome = try check("deep-block.yaml", Array(text.utf8))
        #expect(outcome.output == "deep-block.yaml:2:511: error: nesting is deeper than 256 levels\n")
        var indented = ""
        for level in 0..<10_000 { indented += String(repeating: " ", count: level % 600) + "k\(level):\n" }
        let second = try check("deep-indent.yaml", Array(indented.utf8))
        #expect(second.output == "deep-indent.yaml:257:257: error: nesting is deeper than 256 levels\n")
    }

    @Test func bracketsInsidePlainScalarsDoNotHideDeepNesting() throws {
        var text = "scenario: a[b\nnote: " + String(repeating: "x[", count: 300) + "\nsteps:\n"
        for level in 0..<300 { text += String(repeating: "  ", count: level + 1) + "- \n" }
        let outcome = try check("hidden-depth.yaml", Array(text.utf8))
        #expect(outcome.output == "hidden-depth.yaml:258:511: error: nesting is deeper than 256 levels\n")
    }

    @Test func bracketsInsidePlainScalarsAreText() throws {
        let note = String(repeating: "x[", count: 300)
        let text = "scenario: s\nvendor: testlify\nsecret: \(note)\nsteps: []\n"
        let outcome = try check("brackets.yaml", Array(text.utf8))
        #expect(outcome.output == "")
        let scenario = ScenarioLoader(vocabulary: TestVocabulary(), currentDirectory: directory).load(
            path: "brackets.yaml"
        )
        .scenario
        #expect(scenario?.secret?.value == note)
    }

    @Test func aliasChainsDeeperThanTheLimitAreRefused() throws {
        var text = "a0: &a0 [x]\n"
        for i in 1...2_000 { text += "a\(i): &a\(i) [*a\(i - 1)]\n" }
        let outcome = try check("alias-depth.yaml", Array(text.utf8))
        #expect(outcome.exitCode == 2)
        #expect(outcome.output.contains("nesting is deeper than 256 levels"))
    }

    @Test func billionLaughs() throws {
        var text = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"]
        for (previous, name) in zip(names, names.dropFirst()) {
            text +=
                "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",")
                + "]\n"
        }
        let clock = ContinuousClock()
        let start = clock.now
        let outcome = try check("bomb.yaml", Array(text.utf8))
        #expect(clock.now - start < .seconds(10))
        #expect(
            outcome.output.hasSuffix(
                "error: document has more than 400000 nodes once its aliases are expanded (each use repeats what it refers to)\n"
            ))
    }

    /// A big file without anchors is not told about aliases.
    @Test func manyNodesWithoutAliases() throws {
        let text = "a: [" + Array(repeating: "1", count: 400_001).joined(separator: ",") + "]\n"
        let outcome = try check("big.yaml", Array(text.utf8))
        #expect(outcome.output.hasSuffix("error: document has more than 400000 nodes\n"), "\(outcome.output)")
    }

    @Test func directoryAndMissingFile() throws {
        let outcome = ScenarioCheck(loader: Fixtures.loader(in: directory)).run(paths: [".", "absent.yaml"])
        #expect(
            outcome.output == """
                .:1:1: error: is a directory, not a scenario file
                absent.yaml:1:1: error: no such file

                """)
        #expect(outcome.summary == "2 files checked, 2 errors")
        #expect(outcome.exitCode == 2)
    }

    @Test func namedPipeIsRefusedWithoutBlocking() throws {
        let path = directory + "/pipe.yaml"
        #expect(mkfifo(path, 0o600) == 0)
        let outcome = ScenarioCheck(loader: Fixtures.loader(in: directory)).run(paths: ["pipe.yaml"])
        #expect(outcome.output == "pipe.yaml:1:1: error: not a regular file\n")
    }
}

/// The `check` command's logic end to end: every shipped scenario is clean, output and exit codes.
@Suite struct CheckCommandTests {
    static let scenarios: [String] = {
        let directory = Fixtures.repositoryRoot + "/Scenarios"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted()
    }()

    @Test func shippedScenariosCoverEveryVendor() {
        for prefix in ["talview-", "testlify-", "testlify-v1-", "qualified-", "edge-"] {
            #expect(Self.scenarios.contains { $0.hasPrefix(prefix) }, "no \(prefix)*.yaml")
        }
    }

    @Test(arguments: scenarios)
    func shippedScenarioIsClean(name: String) throws {
        let directory = Fixtures.repositoryRoot + "/Scenarios"
        for vocabulary in [
            TestVocabulary() as any EventVocabulary,
            VendorNamesOnlyVocabulary(vendorNames: TestVocabulary.vendorNames),
        ] {
            // No environment: every variable a shipped scenario uses has a default.
            let loader = ScenarioLoader(vocabulary: vocabulary, environment: [:], currentDirectory: directory)
            let outcome = ScenarioCheck(loader: loader).run(paths: [name])
            #expect(outcome.output == "")
            #expect(outcome.exitCode == 0)
            #expect(outcome.summary == "1 file checked, 0 errors")
        }
        let text = try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
        #expect(text.hasPrefix("# yaml-language-server: $schema=../Schemas/scenario.schema.json\n"))
        let scenario = try #require(
            ScenarioLoader(vocabulary: TestVocabulary(), currentDirectory: directory).load(path: name)
                .scenario)
        #expect(scenario.target == nil)
    }

    @Test func cleanAndBrokenFilesTogether() throws {
        let directory = Fixtures.directory
        let outcome = ScenarioCheck(loader: Fixtures.loader(in: directory)).run(paths: [
            "broken/unknown-event.yaml", "schema-samples/valid/minimal.yaml", "broken/bad-seed.yaml",
        ])
        #expect(
            outcome.output == """
                broken/bad-seed.yaml:3:7: error: 'seed' must be a whole number from 0 to 9223372036854775807; found -1
                broken/unknown-event.yaml:4:11: error: unknown testlify event 'candidate.complete'; did you mean 'candidate.completed'?
                broken/unknown-event.yaml:5:11: error: unknown testlify event 'candidate.finished'; did you mean 'candidate.invited', 'candidate.enrolled' or 'candidate.rejected'?

                """)
        #expect(outcome.summary == "3 files checked, 3 errors")
        #expect(outcome.exitCode == 2)
        let clean = ScenarioCheck(loader: Fixtures.loader(in: directory)).run(paths: [
            "schema-samples/valid/minimal.yaml"
        ])
        #expect(
            clean
                == ScenarioCheck.Outcome(
                    output: "", summary: "1 file checked, 0 errors", exitCode: 0, diagnostics: []))
    }

    @Test func fiveThousandStepsLoadQuickly() throws {
        var text =
            "scenario: big\nvendor: testlify\nactors: { count: 50, jane: { email: j@example.com } }\nsteps:\n"
        for i in 0..<5_000 {
            text +=
                "  - send: candidate.\(i % 2 == 0 ? "invited" : "score_updated")\n    id: s\(i)\n    after: 10ms\n"
            let previous = i == 0 ? "x" : "{{steps.s\(i - 1).payload.data.n}}"
            text += "    with: { data.n: \(i), data.prev: \"\(previous)\" }\n"
            text += "    expect: { status: 2xx, within: 1s }\n"
        }
        let loader = ScenarioLoader(vocabulary: TestVocabulary(), currentDirectory: "/tmp")
        let clock = ContinuousClock()
        let start = clock.now
        let result = loader.load(yaml: text, path: "big.yaml")
        let elapsed = clock.now - start
        #expect(result.diagnostics.sorted.map(\.description) == [])
        #expect(result.scenario?.steps.count == 5_000)
        // Debug builds are several times slower than release; the release figure is in benchmarks/.
        #expect(elapsed < .seconds(5))
    }
}

import Foundation
import ProctorRunner
import Testing

/// The JUnit reports of `proctor run` are valid against the Jenkins xUnit plugin's JUnit schema
/// (Fixtures/junit/junit-10.xsd), checked with Python's `xmlschema` by
/// scripts/check-junit-schema.py: passing, failing, erroring and never-sent steps, and names with
/// characters XML escapes or forbids. Runs where `xmlschema` is installed; required (so it
/// fails rather than shows as skipped without it) when PROCTOR_REQUIRE_XMLSCHEMA=1, as `.ci/run`
/// sets.
@Suite(
    .serialized,
    .enabled(
        if: requireXMLSchema || ExampleFilesTests.pythonImports("xmlschema"),
        "python3 -m pip install xmlschema, or set PROCTOR_REQUIRE_XMLSCHEMA=1"))
struct JUnitSchemaTests {
    static let schema = TestProcesses.root + "/Tests/ProctorRunnerTests/Fixtures/junit/junit-10.xsd"
    static let tricky = "quote \" amp & lt < gt > apos ' tab\t bell \u{7} é ✓ ]]> --"

    /// Runs scripts/check-junit-schema.py on `files` and expects every one valid.
    func expectValid(_ files: [String]) async throws {
        let result = try await TestProcesses.run(
            "/usr/bin/env",
            ["python3", TestProcesses.root + "/scripts/check-junit-schema.py", Self.schema] + files)
        #expect(result.status == 0, "\(result.out)\(result.err)")
        for file in files { #expect(result.out.contains("\(file): valid"), "\(result.out)\(result.err)") }
    }

    func temporaryFolder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "proctor-junit-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The schema check itself rejects what the schema forbids, so a passing test means something.
    @Test func theCheckRejectsAnInvalidReport() async throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/invalid.xml"
        try Data(
            #"<testsuites skipped="1"><testsuite tests="1"><testcase/></testsuite></testsuites>"#.utf8
        ).write(to: URL(fileURLWithPath: path))
        let result = try await TestProcesses.run(
            "/usr/bin/env",
            ["python3", TestProcesses.root + "/scripts/check-junit-schema.py", Self.schema, path])
        #expect(result.status == 1, "\(result.out)\(result.err)")
        #expect(result.out.contains("'skipped' attribute not allowed"), "\(result.out)")
        #expect(result.out.contains("'name'"), "\(result.out)")
    }

    /// Every verdict, with names and reasons full of characters XML must escape or cannot hold.
    @Test func everyVerdictIsValid() async throws {
        var withID = StepResult(
            name: "send candidate.invited", actor: Self.tricky, index: 0, verdict: .passed)
        withID.id = "invite"
        let steps = [
            withID,
            StepResult(
                name: "send candidate.invited", actor: Self.tricky, index: 1,
                verdict: .failed(["expected status 202, got 200: " + Self.tricky, "second <reason>"])),
            StepResult(
                name: "send candidate.enrolled", actor: "sam", fault: "bad-signature", index: 2,
                verdict: .error("the fault does not apply: " + Self.tricky)),
            StepResult(
                name: "probe GET /candidates/{{sam.candidateId}}", actor: "sam", index: 3,
                verdict: .notSent("interrupted")),
        ]
        let run = RunResult(
            startedAtMilliseconds: 1_700_000_000_000, duration: .milliseconds(1234),
            scenarios: [
                ScenarioResult(
                    name: Self.tricky, vendor: "testlify", file: "Scenarios/<&>.yaml",
                    startedAtMilliseconds: 1_700_000_000_000, steps: steps),
                ScenarioResult(name: "empty", vendor: "talview", startedAtMilliseconds: 1_700_000_000_000),
            ])
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/verdicts.xml"
        try Data(JUnitReport.render(run).utf8).write(to: URL(fileURLWithPath: path))
        try await expectValid([path])
    }

    /// The reports the built executable writes: a scenario with a passing and a failing step
    /// against the built-in receiver, and one whose target refuses every connection with
    /// `--fail-fast` (a failed step, then steps never sent).
    @Test(.timeLimit(.minutes(2))) func reportsOfProctorRunAreValid() async throws {
        let binary = try #require(TestProcesses.executable, "the proctor executable is not built")
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let mixed = folder + "/mixed.yaml"
        try Data(
            """
            scenario: "mixed <&> \\"quoted\\" 'é'"
            vendor: testlify
            actors: { jane: {} }
            steps:
              - send: candidate.invited
              - send: candidate.enrolled
                expect: { status: 202 }
            """.utf8
        ).write(to: URL(fileURLWithPath: mixed))
        let refused = folder + "/refused.yaml"
        try Data(
            """
            scenario: refused
            vendor: testlify
            target: http://127.0.0.1:9/webhooks/testlify
            actors: { kim: {} }
            steps:
              - send: candidate.invited
              - send: candidate.enrolled
              - send: candidate.in_progress
              - send: candidate.completed
            """.utf8
        ).write(to: URL(fileURLWithPath: refused))

        let first = try await TestProcesses.run(
            binary, ["run", mixed, "--time-scale", "0.001", "--report", "junit=\(folder)/mixed.xml"])
        #expect(first.status == 1, "\(first.out)\(first.err)")
        let second = try await TestProcesses.run(
            binary,
            [
                "run", refused, "--time-scale", "0.001", "--fail-fast", "--report",
                "junit=\(folder)/refused.xml",
            ])
        #expect(second.status == 1, "\(second.out)\(second.err)")
        let mixedXML = try String(contentsOfFile: folder + "/mixed.xml", encoding: .utf8)
        #expect(mixedXML.contains("<failure"), "\(mixedXML)")
        let refusedXML = try String(contentsOfFile: folder + "/refused.xml", encoding: .utf8)
        #expect(refusedXML.contains("<skipped"), "\(refusedXML)")
        try await expectValid([folder + "/mixed.xml", folder + "/refused.xml"])
    }
}

let requireXMLSchema = ProcessInfo.processInfo.environment["PROCTOR_REQUIRE_XMLSCHEMA"] == "1"

import Foundation
import Testing
import Yams

/// The CI and Kubernetes examples under `examples/` stay usable: each file parses as YAML, every
/// `proctor` command line in it is accepted by the real argument parser of the built executable
/// (a renamed or removed flag fails here), the workflows have the shape GitHub Actions needs and
/// the Kubernetes manifest validates with `kubernetes-validate` (where it is installed; required
/// when PROCTOR_REQUIRE_KUBE_VALIDATE=1, as `.ci/run` sets).
@Suite(.serialized) struct ExampleFilesTests {
    static let folder = TestProcesses.root + "/examples"
    static let workflows = ["github-actions/contract-tests.yml", "github-actions/load-shards.yml"]
    static let manifests = ["kubernetes/load-indexed-job.yaml"]
    static let files = workflows + manifests

    /// Values for the GitHub Actions expressions the examples' command lines use. An expression
    /// not listed fails the test, so a new one gets a sample value here.
    static let expressions = [
        "matrix.shard": "0",
        "vars.LOAD_TARGET": closedTarget,
    ]
    /// Absolute container paths of the Kubernetes example, mapped into the scratch folder.
    static let folders = ["/scenarios/": "Scenarios/", "/reports/": "reports/"]
    /// Environment variables the commands read, with sample values.
    static let environment = ["JOB_COMPLETION_INDEX": "0"]
    /// Every URL in a command goes to a port nothing listens on, on loopback: the commands end
    /// within seconds (the unreachable-target rule) and nothing leaves the machine.
    static let closedTarget = "http://127.0.0.1:9"

    static func document(_ file: String) throws -> [Node] {
        try documents(yaml: try String(contentsOfFile: folder + "/" + file, encoding: .utf8))
    }

    static func documents(yaml text: String) throws -> [Node] {
        // compose_all keeps a parse error in the sequence rather than throwing it.
        var documents = try Yams.compose_all(yaml: text)
        var nodes: [Node] = []
        while let node = documents.next() { nodes.append(node) }
        if let error = documents.error { throw error }
        return nodes
    }

    @Test func everyExampleFileIsListed() throws {
        let enumerator = try #require(FileManager.default.enumerator(atPath: Self.folder))
        let found = enumerator.compactMap { $0 as? String }.filter {
            $0.hasSuffix(".yml") || $0.hasSuffix(".yaml")
        }
        #expect(Set(found) == Set(Self.files), "examples/ holds \(found.sorted()); list them in this suite")
    }

    @Test(arguments: files) func parsesAsYAML(file: String) throws {
        let documents = try Self.document(file)
        #expect(!documents.isEmpty, "\(file) holds no YAML document")
        for document in documents { #expect(document.mapping != nil, "\(file): a document is not a mapping") }
    }

    @Test func aYAMLErrorIsNotSwallowed() {
        #expect(throws: (any Error).self) { try Self.documents(yaml: "a: 1\n---\nb: [unclosed\n") }
    }

    /// GitHub Actions' minimum: `on`, and jobs that each have `runs-on` and steps that each `run`
    /// or `uses` something; `needs` names jobs of the workflow.
    @Test(arguments: workflows) func workflowHasJobsWithRunnersAndSteps(file: String) throws {
        let workflow = try #require(try Self.document(file).first?.mapping, "\(file) is not a mapping")
        #expect(workflow["on"] != nil, "\(file): no on:")
        let jobs = try #require(workflow["jobs"]?.mapping, "\(file): no jobs:")
        #expect(!jobs.isEmpty)
        let names = Set(jobs.keys.compactMap(\.string))
        for (key, value) in jobs {
            let name = key.string ?? "?"
            let job = try #require(value.mapping, "\(file): job \(name) is not a mapping")
            #expect(job["runs-on"]?.string?.isEmpty == false, "\(file): job \(name) has no runs-on")
            let steps = try #require(job["steps"]?.sequence, "\(file): job \(name) has no steps")
            #expect(!steps.isEmpty, "\(file): job \(name) has no steps")
            for (index, step) in steps.enumerated() {
                let keys = Set(step.mapping?.keys.compactMap(\.string) ?? [])
                #expect(
                    keys.contains("run") != keys.contains("uses"),
                    "\(file): job \(name) step \(index + 1) needs exactly one of run: and uses:")
            }
            let needs =
                job["needs"].map { $0.sequence.map { $0.compactMap(\.string) } ?? [$0.string ?? ""] } ?? []
            for need in needs {
                #expect(names.contains(need), "\(file): job \(name) needs unknown job \(need)")
            }
        }
    }

    /// Each example's `proctor` command lines.
    @Test(arguments: files) func holdsProctorCommands(file: String) throws {
        let commands = try Self.document(file).flatMap(Self.proctorCommands)
        #expect(!commands.isEmpty, "\(file) has no proctor command line")
    }

    /// Every `proctor` command line in the examples, run with sample values from a scratch folder,
    /// gets past the argument parser. Commands of one file run in order, so `report merge` reads
    /// the shard report the `load` before it wrote.
    @Test(.timeLimit(.minutes(3)), arguments: files)
    func commandLinesPassTheArgumentParser(file: String) async throws {
        let binary = try #require(TestProcesses.executable, "the proctor executable is not built")
        let scratch = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let commands = try Self.document(file).flatMap(Self.proctorCommands)
        try #require(!commands.isEmpty, "\(file) has no proctor command line")
        for command in commands {
            let line = try Self.runnable(command)
            let result = try await Self.shell(line, binary: binary, in: scratch)
            #expect(
                !Self.rejectedByTheParser(result.err),
                "\(file): `\(command)` (run as `\(line)`) was rejected:\n\(result.err)")
        }
    }

    /// The check above catches a renamed flag and a missing argument.
    @Test(arguments: [
        "proctor load Scenarios/testlify-candidate-completes.yaml --shards 0/4",
        "proctor report merge --report json=x.json",
        "proctor run Scenarios/testlify-candidate-completes.yaml --time-scale none",
    ])
    func aBrokenCommandLineIsCaught(command: String) async throws {
        let binary = try #require(TestProcesses.executable, "the proctor executable is not built")
        let scratch = try Self.scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let result = try await Self.shell(try Self.runnable(command), binary: binary, in: scratch)
        #expect(Self.rejectedByTheParser(result.err), "\(command) was not rejected:\n\(result.err)")
    }

    @Test(
        .enabled(
            if: requireKubernetesValidate || kubernetesValidateInstalled,
            "python3 -m pip install kubernetes-validate, or set PROCTOR_REQUIRE_KUBE_VALIDATE=1"),
        .timeLimit(.minutes(2)), arguments: manifests)
    func kubernetesManifestValidates(file: String) async throws {
        let result = try await TestProcesses.run(
            "/usr/bin/env", ["python3", "-m", "kubernetes_validate", "--strict", Self.folder + "/" + file])
        #expect(result.status == 0, "kubernetes-validate \(file):\n\(result.out)\(result.err)")
        #expect(result.out.contains("passed"), "kubernetes-validate \(file):\n\(result.out)\(result.err)")
    }

    static let requireKubernetesValidate =
        ProcessInfo.processInfo.environment["PROCTOR_REQUIRE_KUBE_VALIDATE"] == "1"
    static let kubernetesValidateInstalled = pythonImports("kubernetes_validate")

    // MARK: - Helpers

    /// The command lines in a YAML tree whose first word is `proctor` or a path ending in
    /// `/proctor`, with backslash continuations joined (folded scalars are already one line).
    static func proctorCommands(in node: Node) -> [String] {
        switch node {
        case .scalar(let scalar):
            let text = scalar.string.replacingOccurrences(of: "\\\n", with: " ")
            return text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                guard let first = $0.split(separator: " ").first else { return false }
                return first == "proctor" || first.hasSuffix("/proctor")
            }
        case .mapping(let mapping): return mapping.values.flatMap(proctorCommands)
        case .sequence(let sequence): return sequence.flatMap(proctorCommands)
        case .alias: return []
        }
    }

    struct UnknownExpression: Error, CustomStringConvertible {
        let expression: String
        var description: String {
            "no sample value for ${{ \(expression) }}: add one to ExampleFilesTests.expressions"
        }
    }

    /// `command` with `$PROCTOR` as its executable, GitHub expressions and container folders
    /// replaced by sample values and every URL's origin by the closed loopback port.
    static func runnable(_ command: String) throws -> String {
        var words = command.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        words[0] = "\"$PROCTOR\""
        var line = words.joined(separator: " ")
        while let open = line.range(of: "${{") {
            guard let close = line.range(of: "}}", range: open.upperBound..<line.endIndex) else { break }
            let expression = line[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            guard let value = expressions[expression] else { throw UnknownExpression(expression: expression) }
            line.replaceSubrange(open.lowerBound..<close.upperBound, with: value)
        }
        for (from, to) in folders {
            line = line.replacingOccurrences(of: " " + from, with: " " + to)
            line = line.replacingOccurrences(of: "=" + from, with: "=" + to)
        }
        line = line.replacingOccurrences(
            of: #"https?://[A-Za-z0-9.\-]+(:[0-9]+)?"#, with: closedTarget, options: .regularExpression)
        return line
    }

    /// What `proctor` prints when ArgumentParser cannot parse or validate a command line
    /// (Sources/proctor/Proctor.swift): `error: MESSAGE`, then `See 'proctor COMMAND --help'.`.
    /// Proctor's own errors (an unreachable target, a report to merge that is missing) never
    /// point at `--help`.
    static func rejectedByTheParser(_ stderr: String) -> Bool {
        stderr.split(separator: "\n").contains { $0.hasPrefix("See 'proctor") && $0.hasSuffix("--help'.") }
            || stderr.contains("Unknown option") || stderr.contains("Missing expected argument")
    }

    static func shell(_ line: String, binary: String, in folder: String) async throws -> (
        status: Int32, out: String, err: String
    ) {
        var environment = environment
        environment["PROCTOR"] = binary
        environment["PATH"] = "/usr/bin:/bin"
        environment["HOME"] = folder
        return try await TestProcesses.run(
            "/bin/bash", ["-c", line], environment: environment, directory: folder)
    }

    /// A scratch folder with the repository's `Scenarios` linked in.
    static func scratchFolder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "proctor-examples-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(atPath: path + "/reports", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: path + "/Scenarios", withDestinationPath: TestProcesses.root + "/Scenarios")
        return path
    }

    static func pythonImports(_ module: String) -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import \(module)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}

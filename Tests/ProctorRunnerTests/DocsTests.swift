import Foundation
import ProctorTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The documentation says what the code does: `docs/commands.md` is the `--help` of the built
/// executable, every runnable shell example in README.md and docs/*.md runs, and every relative
/// link points at a page and heading that exist. The conventions are in docs/contributing.md.
@Suite(.serialized) struct DocsTests {
    /// Names of `<!-- needs: NAME -->` markers whose examples wait for behaviour that is not built
    /// yet: blocks marked with one of these are skipped. When the behaviour lands, remove its name
    /// here and the markers from the pages.
    static let pendingFeatures: Set<String> = []

    /// Fewer runnable blocks than this means the fence convention broke or examples were lost.
    static let minimumRunnableBlocks = 20

    /// The longest a block may run.
    static let blockTimeout: Duration = .seconds(120)

    static let root = TestProcesses.root

    /// Every fenced block of README.md and docs/*.md.
    static let allBlocks: [DocBlock] = DocPages.all(root: root).flatMap {
        DocBlock.parse($0.text, file: $0.path)
    }

    /// The blocks the test runs: ```sh fences without `no-run`, minus those waiting for a pending
    /// feature.
    static let runnableBlocks: [DocBlock] = allBlocks.filter {
        $0.isRunnable && pendingFeatures.isDisjoint(with: $0.needs)
    }

    @Test func commandReferenceMatchesTheHelp() async throws {
        let executable = try #require(TestProcesses.executable, "the proctor executable is not built")
        let generated = try await TestProcesses.run(
            "/usr/bin/env", ["bash", Self.root + "/scripts/generate-command-reference.sh", executable, "-"])
        try #require(
            generated.status == 0, "scripts/generate-command-reference.sh failed:\n\(generated.err)")
        let committed = try String(contentsOfFile: Self.root + "/docs/commands.md", encoding: .utf8)
        let difference = Self.firstDifference(committed, generated.out)
        #expect(
            difference == nil,
            """
            docs/commands.md differs from the --help of the built proctor \(difference ?? ""). \
            Run scripts/generate-command-reference.sh and commit docs/commands.md.
            """)
    }

    @Test func examplesFollowTheConvention() {
        let runnable = Self.allBlocks.filter(\.isRunnable)
        #expect(
            Self.runnableBlocks.count >= Self.minimumRunnableBlocks,
            """
            found \(Self.runnableBlocks.count) runnable ```sh blocks (\(runnable.count) before skipping \
            pending features) in README.md and docs/*.md, expected at least \(Self.minimumRunnableBlocks)
            """)
        for block in Self.allBlocks {
            if block.language == "sh" {
                let unknown = block.attributes.filter { $0 != "no-run" }
                #expect(
                    unknown.isEmpty,
                    "\(block.location): unknown fence attribute \(unknown) (use ```sh or ```sh no-run)")
            }
            for name in block.needs where !Self.pendingFeatures.contains(name) {
                Issue.record(
                    """
                    \(block.location): <!-- needs: \(name) --> is not in DocsTests.pendingFeatures: \
                    remove the marker when the behaviour is built, or add the name to the list
                    """)
            }
            if !block.needs.isEmpty {
                #expect(block.isRunnable, "\(block.location): a needs marker only applies to a ```sh block")
            }
        }
        for page in DocPages.all(root: Self.root) {
            #expect(!DocBlock.hasUnclosedFence(page.text), "\(page.path): a code fence is never closed")
        }
    }

    @Test(arguments: DocsTests.runnableBlocks)
    func shellExampleRuns(_ block: DocBlock) async throws {
        let executable = try #require(TestProcesses.executable, "the proctor executable is not built")
        let run = try await ExampleRunner(executable: executable, root: Self.root).run(
            block, timeout: Self.blockTimeout)
        let outcome = run.timedOut ? "did not finish within \(Self.blockTimeout)" : "exited \(run.status)"
        #expect(
            run.status == 0 && !run.timedOut,
            """
            \(block.location): the example \(outcome)
            --- example ---
            \(block.code)--- output ---
            \(run.output)
            """)
    }

    @Test func relativeLinksPointAtPagesAndHeadings() throws {
        let pages = DocPages.all(root: Self.root)
        try #require(pages.count > 1, "README.md and docs/*.md not found under \(Self.root)")
        for page in pages {
            for link in DocPages.relativeLinks(in: page.text) {
                let parts = link.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
                let pathPart = String(parts[0])
                let anchor = parts.count > 1 ? String(parts[1]) : nil
                let folder = URL(fileURLWithPath: Self.root + "/" + page.path).deletingLastPathComponent()
                let target =
                    pathPart.isEmpty
                    ? URL(fileURLWithPath: Self.root + "/" + page.path)
                    : folder.appendingPathComponent(pathPart).standardizedFileURL
                guard FileManager.default.fileExists(atPath: target.path) else {
                    Issue.record("\(page.path): link (\(link)) points at a missing file")
                    continue
                }
                guard let anchor, target.pathExtension == "md" else { continue }
                let text = try String(contentsOf: target, encoding: .utf8)
                #expect(
                    DocPages.headingAnchors(in: text).contains(anchor),
                    "\(page.path): link (\(link)) points at a heading that does not exist")
            }
        }
    }

    @Test func fencesAreReadAsTheConventionSays() {
        let text = """
            Intro.

            ```sh
            proctor events
            ```

            <!-- needs: secret-rule -->
            ```sh
            proctor verify request.http
            ```

            ```sh no-run
            swift test
            ```

            - a list item with an indented fence:

              ```text
              ```sh inside a text block is not a fence
              ```

            ````markdown
            ```sh
            not a block of its own
            ```
            ````
            """
        let blocks = DocBlock.parse(text, file: "sample.md")
        #expect(blocks.map(\.line) == [3, 8, 12, 18, 22])
        #expect(blocks.map(\.isRunnable) == [true, true, false, false, false])
        #expect(blocks[0].code == "proctor events\n")
        #expect(blocks[1].needs == ["secret-rule"] && blocks[0].needs.isEmpty)
        #expect(blocks[3].code == "```sh inside a text block is not a fence\n")
        #expect(!DocBlock.hasUnclosedFence(text))
        #expect(DocBlock.hasUnclosedFence("```sh\nproctor events\n"))
        #expect(
            ExampleRunner.replacingPort("a:8787/b 18787 87870 8787", with: 40001)
                == "a:40001/b 18787 87870 40001")
    }

    @Test func examplesLeaveNothingRunning() async throws {
        let executable = try #require(TestProcesses.executable, "the proctor executable is not built")
        let runner = ExampleRunner(executable: executable, root: Self.root)
        let finished = DocBlock(
            file: "sample.md", line: 1, language: "sh", attributes: [],
            code: "sleep 300 & echo \"background $!\"\n", needs: [])
        var stopped = finished
        stopped.code += "sleep 300\n"
        let clean = try await runner.run(finished, timeout: .seconds(30))
        #expect(clean.status == 0 && !clean.timedOut, "\(clean.output)")
        let late = try await runner.run(stopped, timeout: .seconds(1))
        #expect(late.timedOut)
        for run in [clean, late] {
            let pid = try #require(
                run.output.split(separator: " ").last.flatMap {
                    Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
                },
                "no background pid in \"\(run.output)\"")
            var gone = false
            for _ in 0..<40 where !gone {
                gone = kill(pid, 0) != 0
                if !gone { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(gone, "the background job \(pid) still runs after its example ended")
        }
    }

    /// Where two texts first differ, for a message a person can act on.
    static func firstDifference(_ expected: String, _ actual: String) -> String? {
        if expected == actual { return nil }
        let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let b = actual.split(separator: "\n", omittingEmptySubsequences: false)
        for index in 0..<max(a.count, b.count) {
            let left = index < a.count ? String(a[index]) : "(end of file)"
            let right = index < b.count ? String(b[index]) : "(end of output)"
            if left != right {
                return "(line \(index + 1): the page has \"\(left)\", the help gives \"\(right)\")"
            }
        }
        return "(line endings)"
    }
}

/// One fenced code block of a page.
struct DocBlock: Sendable, CustomTestStringConvertible {
    var file: String
    /// 1-based line of the opening fence.
    var line: Int
    /// The first word of the info string (`sh`, `text`, `yaml`).
    var language: String
    /// The other words of the info string (`no-run`).
    var attributes: [String]
    var code: String
    /// Names of a `<!-- needs: NAME -->` marker on the last non-blank line before the fence.
    var needs: [String]

    var isRunnable: Bool { language == "sh" && !attributes.contains("no-run") }
    var location: String { "\(file):\(line)" }
    var testDescription: String { location }

    /// An opening or closing fence: up to three spaces, then three or more backticks or tildes.
    struct Fence {
        var indent: Int
        var marker: Character
        var length: Int
        var info: String

        init?(_ line: Substring) {
            let indent = line.prefix { $0 == " " }.count
            guard indent <= 3 else { return nil }
            let rest = line.dropFirst(indent)
            guard let marker = rest.first, marker == "`" || marker == "~" else { return nil }
            let length = rest.prefix { $0 == marker }.count
            guard length >= 3 else { return nil }
            let info = rest.dropFirst(length).trimmingCharacters(in: .whitespaces)
            if marker == "`" && info.contains("`") { return nil }
            self.indent = indent
            self.marker = marker
            self.length = length
            self.info = info
        }

        func isClosed(by line: Substring) -> Bool {
            guard let other = Fence(line) else { return false }
            return other.marker == marker && other.length >= length && other.info.isEmpty
        }
    }

    static func parse(_ text: String, file: String) -> [DocBlock] {
        var blocks: [DocBlock] = []
        var open: (fence: Fence, block: DocBlock)?
        var lastNonBlank = ""
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if var current = open {
                if current.fence.isClosed(by: line) {
                    blocks.append(current.block)
                    open = nil
                    lastNonBlank = String(line)
                } else {
                    let indent = min(current.fence.indent, line.prefix { $0 == " " }.count)
                    current.block.code += line.dropFirst(indent) + "\n"
                    open = current
                }
                continue
            }
            if let fence = Fence(line) {
                let words = fence.info.split(separator: " ").map(String.init)
                let block = DocBlock(
                    file: file, line: index + 1, language: words.first ?? "",
                    attributes: Array(words.dropFirst()), code: "", needs: needs(in: lastNonBlank))
                open = (fence, block)
            } else if !line.trimmingCharacters(in: .whitespaces).isEmpty {
                lastNonBlank = line.trimmingCharacters(in: .whitespaces)
            }
        }
        return blocks
    }

    static func hasUnclosedFence(_ text: String) -> Bool {
        var open: Fence?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if let fence = open {
                if fence.isClosed(by: line) { open = nil }
            } else if let fence = Fence(line) {
                open = fence
            }
        }
        return open != nil
    }

    /// `<!-- needs: a, b -->` gives `["a", "b"]`.
    static func needs(in line: String) -> [String] {
        guard line.hasPrefix("<!--"), line.hasSuffix("-->") else { return [] }
        let inner = line.dropFirst(4).dropLast(3).trimmingCharacters(in: .whitespaces)
        guard inner.hasPrefix("needs:") else { return [] }
        return inner.dropFirst(6).split { $0 == "," || $0 == " " }.map(String.init)
    }
}

/// README.md and docs/*.md.
enum DocPages {
    struct Page {
        /// Relative to the repository root.
        var path: String
        var text: String
    }

    static func all(root: String) -> [Page] {
        let docs = (try? FileManager.default.contentsOfDirectory(atPath: root + "/docs")) ?? []
        let paths = ["README.md"] + docs.filter { $0.hasSuffix(".md") }.sorted().map { "docs/" + $0 }
        return paths.compactMap { path in
            (try? String(contentsOfFile: root + "/" + path, encoding: .utf8)).map {
                Page(path: path, text: $0)
            }
        }
    }

    /// The lines of a page outside fenced code blocks.
    static func linesOutsideCode(_ text: String) -> [Substring] {
        var lines: [Substring] = []
        var fence: DocBlock.Fence?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if let open = fence {
                if open.isClosed(by: line) { fence = nil }
                continue
            }
            if let opening = DocBlock.Fence(line) {
                fence = opening
                continue
            }
            lines.append(line)
        }
        return lines
    }

    /// Targets of `[text](target)` links outside code, without web and mail links.
    static func relativeLinks(in text: String) -> [String] {
        var links: [String] = []
        for line in linesOutsideCode(text) {
            var rest = Substring(withoutCodeSpans(line))
            while let close = rest.range(of: "](") {
                let after = rest[close.upperBound...]
                guard let end = after.firstIndex(of: ")") else { break }
                let target = String(after[..<end])
                if !target.contains("://"), !target.hasPrefix("mailto:"), !target.isEmpty {
                    links.append(target)
                }
                rest = after[end...]
            }
        }
        return links
    }

    static func withoutCodeSpans(_ line: Substring) -> String {
        var out = ""
        var index = line.startIndex
        while index < line.endIndex {
            guard line[index] == "`" else {
                out.append(line[index])
                index = line.index(after: index)
                continue
            }
            let run = line[index...].prefix { $0 == "`" }
            let afterRun = run.endIndex
            let delimiter = String(run)
            if let close = line[afterRun...].range(of: delimiter) {
                index = close.upperBound
            } else {
                out += delimiter
                index = afterRun
            }
        }
        return out
    }

    /// The anchors GitHub gives the headings of a page: lower case, punctuation dropped, spaces as
    /// hyphens, `-1`, `-2` for repeats.
    static func headingAnchors(in text: String) -> Set<String> {
        var anchors = Set<String>()
        for line in linesOutsideCode(text) {
            guard line.hasPrefix("#") else { continue }
            let title = line.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces)
            let slug = String(
                title.lowercased().compactMap { c -> Character? in
                    if c == " " { return "-" }
                    return c.isLetter || c.isNumber || c == "-" || c == "_" ? c : nil
                })
            var anchor = slug
            var repeatCount = 0
            while anchors.contains(anchor) {
                repeatCount += 1
                anchor = "\(slug)-\(repeatCount)"
            }
            anchors.insert(anchor)
        }
        return anchors
    }
}

/// Runs one example the way docs/contributing.md describes: `bash -euo pipefail` in a scratch
/// mirror of the repository root, the built `proctor` first on PATH, port 8787 replaced by a free
/// one, background jobs stopped at the end, a timeout.
struct ExampleRunner {
    var executable: String
    var root: String

    struct Result {
        var status: Int32
        var output: String
        var timedOut: Bool
    }

    /// Stops the jobs a block left running in the background (a server it did not reach `kill` for).
    static let prelude = """
        trap 'for job in $(jobs -p); do kill "$job" 2> /dev/null || true; done' EXIT

        """

    func run(_ block: DocBlock, timeout: Duration) async throws -> Result {
        let fileManager = FileManager.default
        let scratch = fileManager.temporaryDirectory.appendingPathComponent(
            "proctor-docs-\(UUID().uuidString)")
        let mirror = scratch.appendingPathComponent("repository")
        let temporary = scratch.appendingPathComponent("tmp")
        try fileManager.createDirectory(at: mirror, withIntermediateDirectories: true)
        try fileManager.createDirectory(at: temporary, withIntermediateDirectories: true)
        defer { try? fileManager.removeItem(at: scratch) }
        for entry in try fileManager.contentsOfDirectory(atPath: root)
        where ![".build", ".git", ".swiftpm"].contains(entry) {
            try fileManager.createSymbolicLink(
                atPath: mirror.appendingPathComponent(entry).path, withDestinationPath: root + "/" + entry)
        }
        let script = scratch.appendingPathComponent("example.sh")
        let code = Self.replacingPort(block.code, with: try Self.freePort())
        try Data((Self.prelude + code).utf8).write(to: script)
        let outputFile = scratch.appendingPathComponent("output.txt")
        guard fileManager.createFile(atPath: outputFile.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: outputFile.path])
        }
        let output = try FileHandle(forWritingTo: outputFile)
        defer { try? output.close() }

        var environment = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("PROCTOR_") && !$0.key.hasSuffix("_SECRET")
        }
        let binFolder = URL(fileURLWithPath: executable).deletingLastPathComponent().path
        environment["PATH"] = binFolder + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["TMPDIR"] = temporary.path

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["bash", "-euo", "pipefail", script.path]
        process.currentDirectoryURL = mirror
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output
        try TestProcesses.startWithNoSignalBlocked(process)

        let deadline = ContinuousClock.now + timeout
        var timedOut = false
        while process.isRunning {
            if ContinuousClock.now >= deadline {
                timedOut = true
                Self.stop(process)
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.waitUntilExit()
        let text = String(decoding: (try? Data(contentsOf: outputFile)) ?? Data(), as: UTF8.self)
        return Result(status: process.terminationStatus, output: Self.tail(text), timedOut: timedOut)
    }

    /// SIGTERM, then SIGKILL, to the example's shell and, when it leads its own process group, to
    /// everything it started.
    static func stop(_ process: Process) {
        let pid = process.processIdentifier
        let target = getpgid(pid) == pid ? -pid : pid
        kill(target, SIGTERM)
        for _ in 0..<40 where process.isRunning { usleep(50_000) }
        if process.isRunning { kill(target, SIGKILL) }
    }

    /// The last 16 KB of an example's output.
    static func tail(_ text: String) -> String {
        text.utf8.count <= 16_384 ? text : "...\n" + String(decoding: text.utf8.suffix(16_384), as: UTF8.self)
    }

    /// `8787` (and no longer number containing it) replaced by `port`.
    static func replacingPort(_ text: String, with port: Int) -> String {
        var out = ""
        var rest = Substring(text)
        while let range = rest.range(of: "8787") {
            let before = range.lowerBound > rest.startIndex ? rest[rest.index(before: range.lowerBound)] : nil
            let after = range.upperBound < rest.endIndex ? rest[range.upperBound] : nil
            let standsAlone = !(before?.isNumber ?? false) && !(after?.isNumber ?? false)
            out += rest[..<range.lowerBound] + (standsAlone ? String(port) : "8787")
            rest = rest[range.upperBound...]
        }
        return out + rest
    }

    /// A port nothing listens on right now, from the kernel.
    static func freePort() throws -> Int {
        try ClosedPort().port
    }
}

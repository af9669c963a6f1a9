import Foundation
import ProctorReceiver
import Testing

/// Thresholds through the `proctor` executable: `load`, `report merge` and `run` exit 99 on a
/// breach, print each verdict and write them into their reports.
@Suite(.serialized) struct ThresholdCommandTests {
    func proctor(_ arguments: [String]) async throws -> (status: Int32, out: String, err: String) {
        let path = try #require(TestProcesses.executable, "the proctor executable is not built")
        return try await TestProcesses.run(path, arguments, environment: ServeAgreementTests.cleanEnvironment)
    }

    func scratch() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "proctor-thresholds-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    /// The verdicts of a JSON load report: threshold text and whether it passed.
    func verdicts(_ path: String) throws -> [String: Bool] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let list = try #require(json["thresholds"] as? [[String: Any]])
        var out: [String: Bool] = [:]
        for item in list {
            out[try #require(item["threshold"] as? String)] = try #require(item["passed"] as? Bool)
        }
        return out
    }

    static let thresholds = ["p99<1us", "error_rate<100%", "max<1h", "rate>=1%"]

    func load(target: String, folder: String, name: String, extra: [String]) async throws -> (
        status: Int32, out: String, err: String
    ) {
        try await proctor(
            [
                "load", "--vendor", "testlify", "--events", "candidate.invited", "--target", target,
                "--rate", "40/s", "--duration", "1s", "--connections", "2", "--progress", "none",
                "--seed", "3", "--report", "json=\(folder)/\(name).json",
            ] + Self.thresholds.flatMap { ["--threshold", $0] } + extra)
    }

    /// The done-when: a breach in a sharded run is found by `report merge` with the verdicts of
    /// the unsharded run of the same plan.
    @Test func loadAndMergedShardsGiveTheSameVerdicts() async throws {
        let receiver = try await ReferenceReceiver(configuration: ReceiverConfiguration()).start()
        defer { Task { await receiver.stop() } }
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let target = receiver.url(vendor: "testlify")

        let whole = try await load(target: target, folder: folder, name: "whole", extra: [])
        #expect(whole.status == 99, "\(whole.out)\(whole.err)")
        #expect(whole.out.contains("  ✗ p99<1us  (p99 "), "\(whole.out)")
        #expect(whole.out.contains("  ✓ error_rate<100%  (error_rate 0% (0 of "), "\(whole.out)")
        let expected = ["p99<1us": false, "error_rate<100%": true, "max<1h": true, "rate>=1%": true]
        #expect(try verdicts(folder + "/whole.json") == expected)

        for index in 0..<2 {
            let shard = try await load(
                target: target, folder: folder, name: "shard\(index)", extra: ["--shard", "\(index)/2"])
            #expect(shard.status == 99, "\(shard.out)\(shard.err)")
        }
        let merged = try await proctor([
            "report", "merge", folder + "/shard0.json", folder + "/shard1.json", "--report",
            "json=\(folder)/merged.json",
        ])
        #expect(merged.status == 99, "\(merged.out)\(merged.err)")
        #expect(merged.out.contains("  ✗ p99<1us  (p99 "), "\(merged.out)")
        #expect(try verdicts(folder + "/merged.json") == expected)

        // A threshold given to merge is judged besides the stored ones.
        let met = try await proctor([
            "report", "merge", folder + "/shard0.json", folder + "/shard1.json", "--threshold", "min>=1us",
        ])
        #expect(met.status == 99, "\(met.out)\(met.err)")
        #expect(met.out.contains("  ✓ min>=1us  (min "), "\(met.out)")
    }

    @Test func loadThresholdsThatCannotBeMeasuredAreBadInput() async throws {
        for (arguments, message) in [
            (
                ["--concurrency", "1", "--threshold", "rate>=95%"],
                "error: threshold \"rate>=95%\": no rate was requested (closed model); give an absolute rate such as rate>=400/s"
            ),
            (
                ["--rate", "5/s", "--threshold", "candidate.completed:p99<1s"],
                "error: threshold \"candidate.completed:p99<1s\": the run sends no candidate.completed (it sends candidate.invited)"
            ),
            (
                ["--rate", "5/s", "--threshold", "p99<fast"],
                "p99 needs a duration such as 300ms, 1.5s or 250us"
            ),
        ] {
            let result = try await proctor(
                [
                    "load", "--vendor", "testlify", "--events", "candidate.invited", "--target",
                    "http://127.0.0.1:1/x", "--duration", "1s", "--progress", "none",
                ] + arguments)
            #expect(result.status == 2, "\(result.out)\(result.err)")
            #expect(result.err.contains(message), "\(result.err)")
            #expect(!result.out.contains("requests"), "nothing should have been sent: \(result.out)")
        }
    }

    func scenario(target: String, thresholds: [String]) -> String {
        var yaml = "scenario: thresholds\nvendor: testlify\ntarget: \(target)\nseed: 4\n"
        if !thresholds.isEmpty {
            yaml += "thresholds:\n" + thresholds.map { "  - '\($0)'\n" }.joined()
        }
        yaml += "steps:\n  - send: candidate.invited\n  - send: candidate.completed\n"
        return yaml
    }

    @Test func runJudgesScenarioAndFlagThresholdsIntoJUnit() async throws {
        let receiver = try await ReferenceReceiver(configuration: ReceiverConfiguration()).start()
        defer { Task { await receiver.stop() } }
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/s.yaml"
        try Data(
            scenario(
                target: receiver.url(vendor: "testlify"),
                thresholds: ["candidate.completed:p99<1h", "error_rate<=0%", "candidate.invited:max<1ns"]
            ).utf8
        ).write(to: URL(fileURLWithPath: path))

        let breached = try await proctor([
            "run", path, "--threshold", "p50<1h", "--report", "junit=\(folder)/r.xml", "--report",
            "json=\(folder)/r.json",
        ])
        #expect(breached.status == 99, "\(breached.out)\(breached.err)")
        #expect(breached.out.contains("  thresholds: ✗ candidate.invited:max<1ns  (max "), "\(breached.out)")
        #expect(breached.out.contains("  ✓ p50<1h  (p50 "), "\(breached.out)")
        #expect(breached.out.contains("FAIL (thresholds)  2 steps: 2 passed, 0 failed"), "\(breached.out)")
        let junit = try String(contentsOfFile: folder + "/r.xml", encoding: .utf8)
        #expect(junit.contains("<testsuites name=\"proctor\" tests=\"6\" failures=\"1\""), "\(junit)")
        #expect(
            junit.contains(
                "<testsuite name=\"thresholds\" tests=\"4\" failures=\"1\" errors=\"0\" skipped=\"0\">"))
        #expect(
            junit.contains(
                "<testcase name=\"thresholds: error_rate&lt;=0%\" classname=\"thresholds\">\n      <system-out>error_rate 0% (0 of 2)</system-out>"
            ), "\(junit)")
        #expect(
            junit.contains(
                "<testcase name=\"thresholds: candidate.invited:max&lt;1ns\" classname=\"thresholds\">\n      <failure message=\"threshold breached: candidate.invited:max&lt;1ns (max "
            ), "\(junit)")
        #expect(junit.contains("<testcase name=\"p50&lt;1h\" classname=\"thresholds\">"), "\(junit)")
        let json = try String(contentsOfFile: folder + "/r.json", encoding: .utf8)
        #expect(json.contains("\"threshold\": \"candidate.invited:max<1ns\""), "\(json)")

        // Every threshold met: exit 0.
        try Data(scenario(target: receiver.url(vendor: "testlify"), thresholds: ["p99<1h"]).utf8).write(
            to: URL(fileURLWithPath: path))
        let passed = try await proctor(["run", path, "--threshold", "candidate.invited:error_rate<1%"])
        #expect(passed.status == 0, "\(passed.out)\(passed.err)")
        #expect(
            passed.out.contains("  ✓ candidate.invited:error_rate<1%  (error_rate 0% (0 of 1))"),
            "\(passed.out)")
    }

    @Test func runThresholdsThatCannotBeMeasuredAreBadInput() async throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/s.yaml"
        try Data(scenario(target: "http://127.0.0.1:1/x", thresholds: ["rate>=95%"]).utf8).write(
            to: URL(fileURLWithPath: path))
        let inScenario = try await proctor(["run", path])
        #expect(inScenario.status == 2, "\(inScenario.out)\(inScenario.err)")
        #expect(
            inScenario.err.contains(
                "s.yaml:6:5: error: threshold \"rate>=95%\": rate is not measured by run"),
            "\(inScenario.err)")
        let flag = try await proctor([
            "run", "Scenarios/testlify-candidate-completes.yaml", "--threshold", "rate>=1/s",
        ])
        #expect(flag.status == 2, "\(flag.out)\(flag.err)")
        #expect(
            flag.err.contains("error: threshold \"rate>=1/s\": rate is not measured by run"), "\(flag.err)")
    }
}

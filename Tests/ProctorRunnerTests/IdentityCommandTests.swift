import Foundation
import ProctorJSON
import ProctorReceiver
import Testing

/// Identity and time as a user meets them across separate `proctor` processes: the same seed and
/// `--time` give the same bytes, ids never depend on the wall clock, and each send is a new message.
@Suite(.serialized) struct IdentityCommandTests {
    func proctor(_ arguments: [String]) async throws -> (status: Int32, out: String, err: String) {
        let path = try #require(TestProcesses.executable, "the proctor executable is not built")
        return try await TestProcesses.run(path, arguments)
    }

    @Test func emitIsByteIdenticalAcrossProcessesASecondApart() async throws {
        let pinned = [
            "emit", "testlify", "candidate.completed", "--after", "candidate.invited,candidate.in_progress",
            "--time", "2026-11-30T10:00:00Z", "--format", "http", "--seed", "7",
        ]
        let first = try await proctor(pinned)
        try await Task.sleep(for: .seconds(1.1))
        let second = try await proctor(pinned)
        #expect(first.status == 0, "\(first.err)")
        #expect(!first.out.isEmpty)
        #expect(first.out == second.out)
        #expect(first.out.contains("svix-timestamp: 1796032800\r\n"))
        #expect(first.out.contains(#""completedAt":"2026-11-30T10:00:00.000Z""#))
        // Without --time the times follow the clock; the ids do not.
        let unpinned = ["emit", "qualified", "assessment_result_submitted", "--seed", "7", "--as", "jane"]
        let a = try JSONValue(parsing: Array(try await proctor(unpinned).out.utf8))
        try await Task.sleep(for: .seconds(1.1))
        let b = try JSONValue(parsing: Array(try await proctor(unpinned).out.utf8))
        let id = try #require(a["data"]?["id"]?.stringValue)
        #expect(b["data"]?["id"]?.stringValue == id)
        #expect(b["data"]?["team_candidate_id"] == a["data"]?["team_candidate_id"])
        #expect(a["data"]?["submitted_at"] != b["data"]?["submitted_at"])
    }

    @Test func runWithAPinnedTimeSendsTheSameBodiesTwice() async throws {
        let receiver = try await ReferenceReceiver(configuration: ReceiverConfiguration()).start()
        let scenario = TestProcesses.root + "/Scenarios/qualified-assessment-result.yaml"
        let arguments = [
            "run", scenario, "--time-scale", "0.001", "--time", "1796032800000", "--target",
            receiver.baseURL + "/webhooks/{vendor}",
        ]
        let first = try await proctor(arguments)
        try await Task.sleep(for: .seconds(1.1))
        let second = try await proctor(arguments)
        let events = await receiver.state.events
        await receiver.stop()
        #expect(first.status == 0, "\(first.out)\(first.err)")
        #expect(second.status == 0, "\(second.out)\(second.err)")
        let runs = events.filter { $0.status == 200 }
        #expect(runs.count >= 4 && runs.count % 2 == 0)
        let half = runs.count / 2
        #expect(runs.prefix(half).map(\.bodySHA256) == runs.suffix(half).map(\.bodySHA256))
        // A time in the future would date payloads after they are sent.
        let future = try await proctor(["run", scenario, "--time", "2999-01-01T00:00:00Z"])
        #expect(future.status == 2)
        #expect(future.err.contains("is in the future"))
    }

    /// `send --as jane` three times walks one candidate through its lifecycle: one candidate id,
    /// three new messages (none taken as a duplicate), the status following the events.
    @Test func sendKeepsTheActorAcrossCalls() async throws {
        let receiver = try await ReferenceReceiver(configuration: ReceiverConfiguration()).start()
        let target = receiver.url(vendor: "testlify")
        for (event, after) in [
            ("candidate.invited", nil), ("candidate.in_progress", "candidate.invited"),
            ("candidate.completed", "candidate.invited,candidate.in_progress"),
        ] as [(String, String?)] {
            let result = try await proctor(
                ["send", "testlify", event, "--as", "jane", "--target", target]
                    + (after.map { ["--after", $0] } ?? []))
            #expect(result.status == 0, "\(result.out)\(result.err)")
        }
        let candidates = await receiver.state.allCandidates()
        let events = await receiver.state.events
        await receiver.stop()
        #expect(candidates.count == 1)
        #expect(candidates.first?.status == "COMPLETED")
        #expect(candidates.first?.history.count == 3)
        #expect(events.count == 3)
        #expect(events.allSatisfy { !$0.duplicate && $0.verified == true })
        #expect(Set(events.map(\.messageId)).count == 3)
    }
}

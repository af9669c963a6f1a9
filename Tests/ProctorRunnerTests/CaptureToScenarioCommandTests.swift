import Foundation
import ProctorCore
import ProctorJSON
import ProctorReceiver
import Testing

/// `proctor capture to-scenario` through the built executable: a shipped scenario's run recorded
/// by `serve --record` becomes a scenario that `check` accepts and that, run against a fresh
/// `serve`, delivers the captured bodies again, in order.
@Suite(.serialized) struct CaptureToScenarioCommandTests {
    typealias Server = CaptureCommandTests.Server

    /// The captured bodies as JSON, in order, leaving out the receiver's duplicates.
    static func bodies(_ capture: Capture) throws -> [JSONValue] {
        try capture.records.filter { !$0.event.duplicate }.map { try JSONValue(parsing: $0.body) }
    }

    /// Records `scenario` run against `serve --record`, writes its scenario, checks and runs that
    /// against a second recording `serve`; both captures.
    func roundTrip(_ scenario: String, vendor: String, folder: String) async throws -> (
        Capture, Capture, String
    ) {
        let first = try await Server(["--record", folder + "/first", "--quiet"])
        let run = try await ServeAgreementTests.shell(
            "proctor run Scenarios/\(scenario) --time-scale 0.001 --target \(first.baseURL)/webhooks/\(vendor)"
        )
        #expect(run.status == 0, "\(run.out)\(run.err)")
        kill(first.process.processIdentifier, SIGTERM)
        #expect(try await first.waitForExit() == 0, "\(first.err.all)")

        let write = try await ServeAgreementTests.shell(
            "proctor capture to-scenario \(folder)/first -o \(folder)/out.yaml")
        #expect(write.status == 0, "\(write.out)\(write.err)")
        let yaml = (try? String(contentsOfFile: folder + "/out.yaml", encoding: .utf8)) ?? ""
        let check = try await ServeAgreementTests.shell("proctor check \(folder)/out.yaml")
        #expect(check.status == 0, "\(check.out)\(check.err)\n\(yaml)")

        let second = try await Server(["--record", folder + "/second", "--quiet"])
        let again = try await ServeAgreementTests.shell(
            "proctor run \(folder)/out.yaml --time-scale 0.001 --target \(second.baseURL)/webhooks/\(vendor)")
        #expect(again.status == 0, "\(again.out)\(again.err)\n\(yaml)")
        kill(second.process.processIdentifier, SIGTERM)
        #expect(try await second.waitForExit() == 0, "\(second.err.all)")
        return (try Capture(reading: folder + "/first"), try Capture(reading: folder + "/second"), yaml)
    }

    @Test(arguments: [
        ("testlify-candidate-completes.yaml", "testlify"), ("qualified-assessment-result.yaml", "qualified"),
        ("talview-test-instance.yaml", "talview"),
    ])
    func aShippedScenarioComesBackFromItsCapture(scenario: String, vendor: String) async throws {
        let folder = try CaptureCommandTests.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (first, second, yaml) = try await roundTrip(scenario, vendor: vendor, folder: folder)
        #expect(!first.records.isEmpty)
        // Every request again, in order, with the same answers and the same bodies.
        #expect(second.records.map(\.status) == first.records.map(\.status), "\(yaml)")
        #expect(second.records.map(\.event.duplicate) == first.records.map(\.event.duplicate))
        #expect(second.records.map(\.signatureVerdict) == first.records.map(\.signatureVerdict))
        let before = try Self.bodies(first)
        let after = try Self.bodies(second)
        #expect(after.count == before.count)
        for (sent, captured) in zip(after, before) {
            #expect(sent == captured, "\(sent.serialized())\n!=\n\(captured.serialized())")
        }
        #expect(second.records.map(\.event.candidateId) == first.records.map(\.event.candidateId))
    }

    @Test func severalVendorsAreOneClearError() async throws {
        let folder = try CaptureCommandTests.scratch()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let server = try await Server(["--record", folder + "/capture", "--quiet"])
        for vendor in ["testlify", "qualified"] {
            let event = vendor == "testlify" ? "candidate.invited" : "team_candidate_state_changed"
            let send = try await ServeAgreementTests.shell(
                "proctor send \(vendor) \(event) --target \(server.baseURL)/webhooks/\(vendor)")
            #expect(send.status == 0, "\(send.out)\(send.err)")
        }
        kill(server.process.processIdentifier, SIGTERM)
        #expect(try await server.waitForExit() == 0)
        let write = try await ServeAgreementTests.shell(
            "proctor capture to-scenario \(folder)/capture -o \(folder)/out.yaml")
        #expect(write.status == 2)
        #expect(
            write.err.contains(
                "holds requests for several vendors (testlify, qualified); choose one with --vendor"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/out.yaml"))
        let chosen = try await ServeAgreementTests.shell(
            "proctor capture to-scenario \(folder)/capture -o - --vendor qualified")
        #expect(chosen.status == 0, "\(chosen.err)")
        #expect(chosen.out.contains("vendor: qualified"))
    }
}

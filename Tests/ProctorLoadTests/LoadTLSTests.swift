import Foundation
import ProctorCore
import ProctorSigning
import ProctorTestSupport
import Testing

@testable import ProctorLoad

/// Load mode over `https://`: through the local TLS tunnel every request is answered, the
/// certificate is checked as `run` checks it (`--ca-file`, `--insecure`), and a certificate that
/// does not verify is one clear error before anything is sent.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct LoadTLSTests {
    static func plan(port: Int) -> LoadPlan {
        LoadPlan(
            vendor: "testlify", events: ["candidate.invited", "candidate.enrolled"],
            secrets: [WebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")], seed: 3,
            target: LoadTarget(host: "127.0.0.1", port: port, path: "/hooks", scheme: .https))
    }

    static func options(_ tls: LoadTLS) -> LoadOptions {
        LoadOptions(
            model: .closed(concurrency: 4), duration: nil, actors: 50, connections: 4, threads: 1,
            prototypes: 2,
            tls: tls)
    }

    @Test func aTrustedCertificateCarriesEveryRequest() async throws {
        let server = try await TLSTestServer(status: 204)
        let caFile = NSTemporaryDirectory() + "proctor-ca-\(UUID().uuidString).pem"
        try Data(TestCertificate.certificatePEM.utf8).write(to: URL(fileURLWithPath: caFile))
        defer { try? FileManager.default.removeItem(atPath: caFile) }
        let report = try await LoadEngine(
            plan: Self.plan(port: server.port), options: Self.options(LoadTLS(caFile: caFile))
        ).run()
        try await server.stop()
        #expect(report.counters.succeeded == 100, "\(report.counters)")
        #expect(report.counters.errorCount == 0)
        #expect(report.counters.statuses == ["204": 100])
        #expect(report.configuration.target == "https://127.0.0.1:\(server.port)/hooks")
        // The loops connect to the local tunnel: no connect figure that would mislead.
        #expect(report.connect == nil)
        #expect(try report.computeSummary().firstByte?.count == 100)
    }

    /// A target that closes each connection after its answer: the tunnel closes the loop's side
    /// too, and the loop reconnects through it for the next request.
    @Test func aTargetClosingEachConnectionIsReconnectedThroughTheTunnel() async throws {
        let server = try await TLSTestServer(status: 204, closeEachConnection: true)
        let report = try await LoadEngine(
            plan: Self.plan(port: server.port), options: Self.options(LoadTLS(insecure: true))
        ).run()
        try await server.stop()
        #expect(report.counters.succeeded == 100, "\(report.counters)")
        #expect(report.counters.errorCount == 0, "\(report.counters)")
    }

    @Test func insecureSkipsVerification() async throws {
        let server = try await TLSTestServer(status: 200)
        let report = try await LoadEngine(
            plan: Self.plan(port: server.port), options: Self.options(LoadTLS(insecure: true))
        ).run()
        try await server.stop()
        #expect(report.counters.succeeded == 100, "\(report.counters)")
    }

    /// Nothing listening: one error, not a crash (a handshake promise that never completes).
    @Test func anUnreachableHTTPSTargetIsOneError() async throws {
        let closed = try ClosedPort()
        defer { withExtendedLifetime(closed) {} }
        let port = closed.port
        do {
            _ = try await LoadEngine(plan: Self.plan(port: port), options: Self.options(LoadTLS())).run()
            Issue.record("a closed port was reached")
        } catch let error as LoadError {
            #expect(error.message.hasPrefix("no TLS connection to 127.0.0.1:\(port): "), "\(error)")
        }
    }

    @Test func anUntrustedCertificateIsOneErrorBeforeSending() async throws {
        let server = try await TLSTestServer(status: 200)
        do {
            _ = try await LoadEngine(plan: Self.plan(port: server.port), options: Self.options(LoadTLS()))
                .run()
            Issue.record("a self-signed certificate was accepted without --ca-file or --insecure")
        } catch let error as LoadError {
            #expect(
                error.message.hasPrefix("no TLS connection to 127.0.0.1:\(server.port): TLS: "), "\(error)")
        }
        try await server.stop()
    }
}

import Foundation
import ProctorTestSupport
import Testing

/// `proctor serve` stops on SIGTERM and SIGINT within a second or two whatever its clients are
/// doing, here holding partial bodies and half-sent heads, with timeouts long enough that none
/// of them would end on its own.
@Suite(.serialized) struct ServeShutdownTests {
    @Test(arguments: [SIGTERM, SIGINT])
    func stopsPromptlyWithClientsHoldingPartialRequests(signal: Int32) async throws {
        let server = try ServeAgreementTests.Server(
            ["--header-timeout", "60s", "--idle-timeout", "60s", "--body-timeout", "60s"],
            environment: ServeAgreementTests.cleanEnvironment)
        let port = try #require(URL(string: server.baseURL)?.port)
        let head = "POST /webhooks/testlify HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        let bodies = try await RawConnection.open(
            20, port: port, sending: head + "Content-Length: 5000\r\n\r\n{\"a\":")
        let heads = try await RawConnection.open(20, port: port, sending: head)
        try await Task.sleep(for: .milliseconds(300))
        #expect(server.process.isRunning)

        let clock = ContinuousClock()
        let start = clock.now
        kill(server.process.processIdentifier, signal)
        while server.process.isRunning && clock.now - start < .seconds(10) {
            try await Task.sleep(for: .milliseconds(20))
        }
        let took = clock.now - start
        #expect(!server.process.isRunning, "still running \(took) after the signal")
        if server.process.isRunning { kill(server.process.processIdentifier, SIGKILL) }
        #expect(took < .milliseconds(2500), "stopping took \(took)")
        if !server.process.isRunning { #expect(server.process.terminationStatus == 0) }
        for client in bodies + heads {
            #expect(await client.waitForClose(within: .seconds(1)) != nil)
        }
    }
}

import Foundation
import Testing

/// Proctor's signatures and verifier agree with independent implementations: the official `svix`
/// and `standardwebhooks` Python packages and `cryptography`'s Ed25519
/// (scripts/check-signatures.py). Runs where PROCTOR_PYTHON_CHECKS=1 (CI installs the packages
/// and sets it); elsewhere it shows as skipped.
@Suite(.serialized) struct PythonCrossCheckTests {
    @Test(
        .enabled(
            if: ProcessInfo.processInfo.environment["PROCTOR_PYTHON_CHECKS"] == "1",
            "set PROCTOR_PYTHON_CHECKS=1 with svix, standardwebhooks and cryptography installed"),
        .timeLimit(.minutes(10)))
    func signaturesAgreeWithThePythonPackages() throws {
        let binary = try #require(CommandLineTests.executable, "the proctor executable is not built")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", CommandLineTests.root + "/scripts/check-signatures.py", binary]
        process.currentDirectoryURL = URL(fileURLWithPath: CommandLineTests.root)
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        #expect(process.terminationStatus == 0, "scripts/check-signatures.py:\n\(text)")
        if process.terminationStatus == 0 {
            #expect(text.contains("all agree"), "scripts/check-signatures.py ended without its summary")
        }
    }
}

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
    func signaturesAgreeWithThePythonPackages() async throws {
        let binary = try #require(TestProcesses.executable, "the proctor executable is not built")
        let result = try await TestProcesses.run(
            "/usr/bin/env", ["python3", TestProcesses.root + "/scripts/check-signatures.py", binary])
        let text = result.out + result.err
        #expect(result.status == 0, "scripts/check-signatures.py:\n\(text)")
        if result.status == 0 {
            #expect(text.contains("all agree"), "scripts/check-signatures.py ended without its summary")
        }
    }
}

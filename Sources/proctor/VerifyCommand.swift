import ArgumentParser
import Foundation
import ProctorReceiver
import ProctorVendors

struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the Standard Webhooks signature of a captured request.",
        discussion: """
            REQUEST is a raw HTTP request file (request line, headers, empty line, body), or give \
            --headers FILE (Name: value lines) and --body FILE (the raw body bytes). Says what is wrong: \
            missing headers, a timestamp outside the tolerance, malformed entries, or no matching signature \
            (and whether the body looks re-serialized). Exit 0 valid, 1 invalid, 2 unusable input.
            """
    )

    @Option(help: "The signing secret (whsec_...); also PROCTOR_SECRET. Never printed.") var secret: String?
    @Option(help: "File of header lines.") var headers: String?
    @Option(help: "File holding the raw body.") var body: String?
    @Option(help: "Timestamp tolerance in seconds.") var tolerance: Int64 = 300
    @Option(help: "Check as of this Unix time (seconds) instead of now, for requests captured earlier.")
    var now: Int64?
    @Argument(help: "A raw HTTP request file.") var request: String?

    func run() async throws {
        let secretText = secret ?? ProcessInfo.processInfo.environment["PROCTOR_SECRET"]
        guard let secretText else { throw fail("no secret: pass --secret or set PROCTOR_SECRET") }
        guard let parsedSecret = StandardWebhooksSecret(secretText) else {
            throw fail("--secret: not a whsec_<base64> secret")
        }
        let captured: CapturedRequest
        do {
            switch (request, headers, body) {
            case (let path?, nil, nil):
                captured = try CapturedRequest.parse(raw: try read(path))
            case (nil, let headerPath?, let bodyPath?):
                let headerText = String(decoding: try read(headerPath), as: UTF8.self)
                captured = CapturedRequest(
                    headers: try CapturedRequest.parse(headerText: headerText), body: try read(bodyPath))
            default:
                throw fail("give either a REQUEST file or both --headers FILE and --body FILE")
            }
        } catch let error as CapturedRequestError {
            throw fail(error.description)
        }
        let nowSeconds = now ?? Int64(Date().timeIntervalSince1970)
        let report = CapturedRequestVerifier.verify(
            captured, secret: parsedSecret, nowSeconds: nowSeconds, toleranceSeconds: tolerance)
        print(report.rendered)
        if !report.valid { throw ExitCode(1) }
    }

    func read(_ path: String) throws(CapturedRequestError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CapturedRequestError("cannot read \(path)")
        }
        return [UInt8](data)
    }

    /// Prints the problem with the input and gives exit code 2.
    func fail(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("proctor verify: error: \(message)\n".utf8))
        return ExitCode(2)
    }
}

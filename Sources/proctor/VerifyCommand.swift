import ArgumentParser
import Foundation
import ProctorCore
import ProctorReceiver
import ProctorSigning

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the signature of a captured request.",
        discussion: """
            REQUEST is a raw HTTP request file (request line, headers, empty line, body), or give \
            --headers FILE (Name: value lines) and --body FILE (the raw body bytes). Checks Standard Webhooks \
            v1 and v1a signatures (svix-* or webhook-* headers) and body HMAC headers with the verifier \
            `proctor serve` uses, and says what is wrong: missing headers, a timestamp outside the tolerance, \
            entries that cannot be checked, or no matching signature (and whether the body looks \
            re-serialized). Exit 0 valid, 1 invalid, 2 unusable input.
            """
    )

    @OptionGroup var secret: SecretOptions
    @Option(help: "File of header lines.") var headers: String?
    @Option(help: "File holding the raw body.") var body: String?
    @Option(help: "Timestamp tolerance in seconds.") var tolerance: Int64 = 300
    @Option(help: "The header of a body HMAC to require (default: any header whose name has sig or hmac).")
    var hmacHeader: String?
    @Option(help: "Check as of this Unix time (seconds) instead of now, for requests captured earlier.")
    var now: Int64?
    @Argument(help: "A raw HTTP request file.") var request: String?

    func run() throws {
        let secrets = secret.resolve(environment: ProcessInfo.processInfo.environment)
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
        let verifier = WebhookVerifier(secrets: secrets, toleranceSeconds: max(0, tolerance))
        let report = verifier.verify(
            headers: captured.headers, body: captured.body,
            nowSeconds: now ?? Int64(Date().timeIntervalSince1970),
            hmacHeader: hmacHeader)
        StandardStreams.output(report.rendered)
        if !report.isValid { throw ExitCode(1) }
    }

    func read(_ path: String) throws(CapturedRequestError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CapturedRequestError("cannot read \(path)")
        }
        return [UInt8](data)
    }
}

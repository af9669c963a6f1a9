import ArgumentParser
import Foundation
import ProctorCore
import ProctorJSON
import ProctorVendors

struct EmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emit",
        abstract: "Print the request that would be sent for one vendor event.")

    @Argument(help: "talview, testlify, testlify-v1 or qualified.")
    var vendor: String

    @Argument(help: "The event (see `proctor events VENDOR`).")
    var event: String

    @Option(help: "Seed for generated values.")
    var seed: UInt64 = 42

    @Option(name: .customLong("as"), help: "Actor name (different names give different people).")
    var actor: String = "candidate"

    @Option(name: .customLong("set"), help: "PATH=VALUE override (VALUE is JSON, else a string). Repeatable.")
    var assignments: [String] = []

    @Option(
        name: .customLong("field"),
        help: "NAME=VALUE actor field (first_name, email, or a vendor field). Repeatable.")
    var fields: [String] = []

    @Option(
        name: .customLong("quirk"),
        help: "A payload quirk (see `proctor events VENDOR --quirks`). Repeatable.")
    var quirks: [String] = []

    @Option(
        name: .customLong("after"),
        help:
            "Events the same actor went through first (comma-separated), so the payload shows that lifecycle state."
    )
    var after: String?

    @Option(help: "Signing secret (whsec_... for Standard Webhooks). Repeat for key rotation.")
    var secret: [String] = []

    @Option(name: .customLong("header"), help: "NAME: VALUE header added to the request. Repeatable.")
    var headers: [String] = []

    @Option(
        name: .customLong("hmac-header"),
        help: "Sign with a generic HMAC-SHA256 header of this name (first --secret is the key).")
    var hmacHeader: String?

    @Option(name: .customLong("hmac-encoding"), help: "hex or base64 (with --hmac-header).")
    var hmacEncoding: String = "hex"

    @Option(
        name: .customLong("hmac-prefix"),
        help: "Prefix of the HMAC header value, e.g. sha256= (with --hmac-header).")
    var hmacPrefix: String = ""

    @Option(help: "json (body), http (full request) or curl.")
    var format: String = "json"

    @Option(help: "Event time in milliseconds since the epoch (default: now).")
    var time: Int64?

    @Option(help: "Target URL shown in http and curl output.")
    var target: String = "http://127.0.0.1:3000/webhooks"

    @Flag(help: "Show secrets and signatures instead of masking them.")
    var showSecrets = false

    func run() throws {
        guard let format = EmitRendering.Format(rawValue: format) else {
            throw badInput("--format must be json, http or curl")
        }
        let now = time ?? Int64(Date().timeIntervalSince1970 * 1000)
        let clock = FixedClock(milliseconds: now)
        do {
            var actorFields = JSONObject()
            for f in fields {
                let o = try Override(assignment: f)
                actorFields[o.path.text] = o.value
            }
            let overrides = try VendorCatalog.overrides(assignments)
            let earlier = (after ?? "").split(separator: ",").map { String($0) }
            let generated = try VendorCatalog.standard.generateLifecycle(
                vendor: vendor, events: earlier + [event], actorName: actor, fields: actorFields, seed: seed,
                clock: clock, quirks: quirks, overrides: overrides)
            var secrets = secret
            if secrets.isEmpty, case .standardWebhooks = generated.signing {
                secrets = [VendorCatalog.demoSecret(seed: seed)]
            }
            var options = SigningOptions(secrets: secrets)
            if let name = hmacHeader {
                guard let encoding = HMACSigning.Encoding(rawValue: hmacEncoding) else {
                    throw badInput("--hmac-encoding must be hex or base64")
                }
                options.scheme = .hmac(HMACSigning(header: name, encoding: encoding, prefix: hmacPrefix))
            }
            for h in headers {
                guard let colon = h.firstIndex(of: ":") else {
                    throw badInput("--header must be NAME: VALUE")
                }
                options.extraHeaders.append(
                    HTTPHeader(
                        String(h[..<colon]).trimmingCharacters(in: .whitespaces),
                        String(h[h.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
            }
            let request = try generated.request(options: options, timestampSeconds: now / 1000)
            print(
                EmitRendering.render(
                    request, event: generated, format: format, target: target, showSecrets: showSecrets),
                terminator: format == .http && isatty(STDOUT_FILENO) == 1 ? "\n" : "")
        } catch let error as GenerationError {
            printError(error.message)
            throw ExitCode(2)
        } catch let error as SigningError {
            printError(error.message)
            throw ExitCode(2)
        }
    }
}

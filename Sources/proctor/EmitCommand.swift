import ArgumentParser
import Foundation
import ProctorCore
import ProctorJSON
import ProctorSigning
import ProctorVendors

struct EmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emit",
        abstract: "Print the request that would be sent for one vendor event.")

    @Argument(help: "The vendor (see `proctor events`).")
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

    @OptionGroup var secret: SecretOptions

    @Option(name: .customLong("header"), help: "NAME: VALUE header added to the request. Repeatable.")
    var headers: [String] = []

    @OptionGroup var hmac: HMACOptions

    @Option(help: "json (body), http (full request) or curl.")
    var format: EmitRendering.Format = .json

    @Option(help: "Event time in milliseconds since the epoch (default: now).")
    var time: Int64?

    @Option(help: "Target URL shown in http and curl output.")
    var target: String = "http://127.0.0.1:8787/webhooks/{vendor}"

    @Flag(help: "Show secrets and signatures instead of masking them.")
    var showSecrets = false

    func run() throws {
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
            var options = SigningOptions(
                secrets: secret.resolve(environment: ProcessInfo.processInfo.environment),
                extraHeaders: try parseHeaders(headers, flag: "--header"))
            options.hmac = hmac.signing
            let request = try generated.request(options: options, timestampSeconds: now / 1000)
            let targetURL = try TargetURL(
                parsing: target.replacingOccurrences(of: "{vendor}", with: generated.vendor))
            let text = EmitRendering.render(
                request, event: generated, format: format, target: targetURL, showSecrets: showSecrets)
            StandardStreams.write(
                text + (format == .http && StandardStreams.isTerminal(STDOUT_FILENO) ? "\n" : ""))
        } catch let error as GenerationError {
            throw fail(error.message)
        } catch let error as SigningError {
            throw fail(error.message)
        } catch let error as CommandInputError {
            throw fail(error.description)
        } catch let error as TargetURLError {
            throw fail("--target \(error.text): \(error.problem.reason)")
        }
    }
}

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

    @OptionGroup var generation: EventOptions

    @Option(
        name: .customLong("field"),
        help: "NAME=VALUE actor field (first_name, email, or a vendor field). Repeatable.")
    var fields: [String] = []

    @OptionGroup var secret: SecretOptions

    @Option(name: .customLong("header"), help: "NAME: VALUE header added to the request. Repeatable.")
    var headers: [String] = []

    @OptionGroup var hmac: HMACOptions

    @Option(help: "json (body), http (full request) or curl.")
    var format: EmitRendering.Format = .json

    @Option(
        help:
            "The event's time: milliseconds since the epoch or an ISO 8601 date-time (default: now). Earlier --after events are dated before it."
    )
    var time: PinnedTime?

    @Option(help: "Target URL shown in http and curl output.")
    var target: String = "http://127.0.0.1:8787/webhooks/{vendor}"

    @Flag(help: "Show secrets and signatures instead of masking them.")
    var showSecrets = false

    func run() throws {
        let now = time?.milliseconds ?? SystemClock().nowMilliseconds()
        var actorFields = JSONObject()
        for f in fields {
            let o = try Override(assignment: f)
            actorFields[o.path.text] = o.value
        }
        let generated = try VendorCatalog.standard.generateLifecycle(
            vendor: generation.vendor, version: generation.version,
            events: generation.earlierEvents + [generation.event],
            actorName: generation.actor, fields: actorFields, seed: generation.seed, endingAt: now,
            quirks: generation.quirks, overrides: try VendorCatalog.overrides(generation.assignments))
        var options = SigningOptions(
            secrets: secret.resolve(environment: ProcessInfo.processInfo.environment),
            extraHeaders: try parseHeaders(headers, flag: "--header"))
        options.hmac = hmac.signing
        let request = try generated.request(options: options, timestampSeconds: now / 1000)
        let targetText = target.replacingOccurrences(of: "{vendor}", with: generated.vendor.rawValue)
        let targetURL = try parseTarget(targetText)
        let text = EmitRendering.render(
            request, event: generated, format: format, target: targetURL, showSecrets: showSecrets)
        StandardStreams.write(
            text + (format == .http && StandardStreams.isTerminal(STDOUT_FILENO) ? "\n" : ""))
    }
}

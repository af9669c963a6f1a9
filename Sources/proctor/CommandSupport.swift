import ArgumentParser
import Foundation
import ProctorCore
import ProctorSigning
import ProctorVendors

/// The one error format of every command: `error: message` on stderr (located problems are
/// `path:line:col: error: message`), then the exit code (2 for bad input).
func fail(_ message: String, exitCode: Int32 = 2) -> ExitCode {
    StandardStreams.error("error: " + message)
    return ExitCode(exitCode)
}

/// A bad flag or argument: printed as one line, exit 2.
struct CommandInputError: UserFacingError {
    var message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// `--secret`, shared by every command that signs or verifies. See ``SecretRule``.
struct SecretOptions: ParsableArguments {
    @Option(
        name: .customLong("secret"),
        help: ArgumentHelp(
            "Signing secret: whsec_... (Standard Webhooks v1), whsk_... (v1a, Ed25519; whpk_... verifies), or any text keying an HMAC header. Repeat for key rotation.",
            discussion:
                "Default: the scenario's secret:, then PROCTOR_SECRET, then the example secret \(SecretRule.exampleSecret)."
        ))
    var values: [String] = []

    /// The secrets by the one rule, with the scenario's `secret:` when there is one.
    func resolve(scenario: String? = nil, environment: [String: String]) -> [WebhookSecret] {
        SecretRule.resolve(flags: values, scenario: scenario, environment: environment).secrets
    }
}

/// A body HMAC header, for `emit` and `send` (a scenario says the same with `signing:`).
struct HMACOptions: ParsableArguments {
    @Option(
        name: .customLong("hmac-header"),
        help: "Also sign with a body HMAC in this header (keyed with the first secret).")
    var header: String?

    @Option(name: .customLong("hmac-algorithm"), help: "With --hmac-header.")
    var algorithm: HMACSigning.Algorithm = .sha256

    @Option(name: .customLong("hmac-encoding"), help: "With --hmac-header.")
    var encoding: HMACSigning.Encoding = .hex

    @Option(
        name: .customLong("hmac-prefix"),
        help: "Prefix of the HMAC header value, e.g. sha256= (with --hmac-header).")
    var prefix: String = ""

    var signing: HMACSigning? {
        header.map { HMACSigning(header: $0, algorithm: algorithm, encoding: encoding, prefix: prefix) }
    }
}

extension HMACSigning.Algorithm: ExpressibleByArgument {
    /// `sha256` (as header prefixes write it) or `hmac-sha256` (as a scenario's `signing:` does).
    public init?(argument: String) {
        guard
            let algorithm = Self.allCases.first(where: { $0.rawValue == argument || $0.shortName == argument }
            )
        else { return nil }
        self = algorithm
    }

    public static var allValueStrings: [String] { allCases.map(\.shortName) }
    public var defaultValueDescription: String { shortName }
}
extension HMACSigning.Encoding: ExpressibleByArgument {}

/// `--time`: milliseconds since the epoch, or an ISO 8601 date-time such as `2026-12-01T09:30:00Z`.
struct PinnedTime: ExpressibleByArgument {
    var milliseconds: Int64

    init?(argument: String) {
        if let value = Int64(argument), value >= 0 {
            milliseconds = value
            return
        }
        for options: ISO8601DateFormatter.Options in [
            [.withInternetDateTime, .withFractionalSeconds], [.withInternetDateTime],
        ] {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = options
            if let date = formatter.date(from: argument) {
                milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
                return
            }
        }
        return nil
    }

    static var defaultCompletionKind: CompletionKind { .default }
}
extension EmitRendering.Format: ExpressibleByArgument {}
extension CatalogListing.Format: ExpressibleByArgument {}
extension FaultKind: ExpressibleByArgument {}

/// `NAME: VALUE` header arguments.
func parseHeaders(_ values: [String], flag: String) throws(CommandInputError) -> [HTTPHeader] {
    var out: [HTTPHeader] = []
    for h in values {
        guard let colon = h.firstIndex(of: ":") else {
            throw CommandInputError("\(flag) must be NAME: VALUE")
        }
        let name = String(h[..<colon]).trimmingCharacters(in: .whitespaces)
        let value = String(h[h.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
        if let problem = HTTP1Syntax.fieldProblem(name: name, value: value) {
            throw CommandInputError("\(flag): \(problem)")
        }
        out.append(HTTPHeader(name, value))
    }
    return out
}

/// The event to generate, shared by `emit` and `send`.
struct EventOptions: ParsableArguments {
    @Argument(help: "The vendor (see `proctor events`).")
    var vendor: String

    @Argument(help: "The event (see `proctor events VENDOR`).")
    var event: String

    @Option(help: "Seed for generated values.")
    var seed: UInt64 = 42

    @Option(name: .customLong("as"), help: "Actor name (different names give different people).")
    var actor = "candidate"

    @Option(
        name: .customLong("vendor-version"),
        help: "The vendor's payload version, for vendors with several (see `proctor events VENDOR`).")
    var version: String?

    @Option(name: .customLong("set"), help: "PATH=VALUE override (VALUE is JSON, else a string). Repeatable.")
    var assignments: [String] = []

    @Option(
        name: .customLong("quirk"),
        help: "A payload quirk (see `proctor events VENDOR --quirks`). Repeatable.")
    var quirks: [String] = []

    @Option(
        help:
            "Events the same actor went through first (comma-separated), so the payload shows that lifecycle state."
    )
    var after: String?

    var earlierEvents: [String] { (after ?? "").split(separator: ",").map { String($0) } }
}

/// `--target` values: URLs for every vendor or `VENDOR=URL`, as ``TargetChoice`` reads them.
func parseTargets(_ values: [String]) throws -> TargetChoice {
    do throws(TargetURLError) {
        return try TargetChoice(parsing: values, vendors: VendorCatalog.standard.vendorNames)
    } catch {
        throw targetError(error)
    }
}

/// An http(s) URL as ``TargetURL`` reads it.
func parseTarget(_ target: String) throws -> TargetURL {
    do throws(TargetURLError) {
        return try TargetURL(parsing: target)
    } catch {
        throw targetError(error)
    }
}

/// A `--target` that is not a URL Proctor can send to, as one input error.
func targetError(_ error: TargetURLError, flag: String = "--target") -> CommandInputError {
    error.problem.isScheme
        ? CommandInputError("\(flag) \(error.text): expected an http:// or https:// URL")
        : CommandInputError("\(flag) \(error.text): \(error.problem.reason)")
}

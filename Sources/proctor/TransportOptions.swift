import ArgumentParser
import ProctorCore
import ProctorDelivery
import ProctorRunner

/// How an `https://` target's certificate is checked: `run`, `send`, `replay` and `load`.
struct TLSOptions: ParsableArguments {
    @Flag(help: "Do not verify TLS certificates (self-signed development targets).")
    var insecure = false

    @Option(help: "PEM file of a private CA to trust, besides the system's.")
    var caFile: String?

    /// `--ca-file`, checked to be a readable file.
    func checkedCAFile() throws -> String? {
        if let caFile, !FileManagerProbe.isReadableFile(caFile) {
            throw CommandInputError("--ca-file \(caFile): no readable file there")
        }
        return caFile
    }
}

/// Flags of the commands that send over HTTP.
struct TransportOptions: ParsableArguments {
    @OptionGroup var tls: TLSOptions

    @Option(
        help: "Per-request timeout, e.g. 5s (overrides the scenarios' defaults.timeout; default 15s).",
        transform: { text in
            guard let duration = DurationText.parse(text) else {
                throw CommandInputError("--timeout: expected \(DurationText.acceptedForms)")
            }
            guard duration > .zero else { throw CommandInputError("--timeout must be more than 0s") }
            return duration
        })
    var timeout: Duration?

    @Option(help: "Largest response body read, in bytes; the rest is discarded.")
    var maxResponseBytes = 1 << 20

    func configuration() throws -> TransportConfiguration {
        TransportConfiguration(
            maxResponseBytes: max(1, maxResponseBytes), insecure: tls.insecure,
            caFile: try tls.checkedCAFile())
    }
}

/// `--report FORMAT=PATH`, for the commands that report a run (`run`, `replay`).
struct ReportOptions: ParsableArguments {
    @Option(
        name: .customLong("report"),
        help:
            "FORMAT=PATH with FORMAT json (every exchange), junit (CI test results) or html (a page to read: steps, failures, a timeline). Repeatable.",
        transform: { text in
            guard let spec = ReportSpec(text) else {
                throw CommandInputError("--report \(text): expected json=PATH, junit=PATH or html=PATH")
            }
            return spec
        })
    var reports: [ReportSpec] = []
}

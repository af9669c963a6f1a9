import ArgumentParser
import Foundation
import ProctorCore
import ProctorDelivery
import ProctorReceiver
import ProctorSigning
import ProctorVendors

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the reference webhook consumer.",
        discussion: """
            Routes: POST /webhooks/{vendor} for every vendor of `proctor events`; GET /events, /candidates, \
            /candidates/{id}, /health. Requests are verified with the one verifier `proctor verify` uses: \
            a Standard Webhooks signature (v1 or v1a) is required where the vendor documents it, and any \
            signature a request carries must match. Repeated message ids are answered {"status":"duplicate"}. \
            GET /events and /candidates answer a page of ?limit= items (default 100, at most 1000) with \
            the path of the next page in "next".

            Slow or idle clients are cut off by the timeouts, and connections beyond --max-connections \
            wait unanswered until one closes. Ctrl-C or SIGTERM stops it within about a second whatever \
            clients are doing: requests in flight get that long to finish, then every connection is closed.

            It prints a line per request as it is answered (time, vendor, event, message id, signature \
            verdict, answer); --quiet turns that off, --format json prints JSON lines instead. --record DIR \
            writes every request as received (headers, exact body bytes, arrival time, verdict, answer) \
            under DIR, one folder per run; --accept-all answers every request 200 to capture what a vendor \
            sends. The capture format: docs/capture.md.

            --forward-to URL relays every webhook request, once checked, to a consumer \
            at URL: same method, the headers but the hop-by-hop ones, the exact body bytes; --resign \
            SECRET signs it anew with a local whsec_ or whsk_ secret. The vendor gets the consumer's \
            answer (502 when it cannot be reached, 504 when it does not answer within \
            --forward-timeout), or the receiver's own with --answer receiver; the line per request ends \
            with the consumer's answer. See docs/capture.md.
            """
    )

    @Option(help: "Address to bind.") var host = "127.0.0.1"
    @Option(help: "Port to bind; 0 picks a free one.") var port = 8787
    @OptionGroup var secret: SecretOptions
    @Option(
        name: .customLong("hmac"),
        help:
            "VENDOR:HEADER[:SECRET] — require a body HMAC (SHA-1/256/512, hex or base64, any prefix) in HEADER for VENDOR. Repeatable."
    )
    var hmac: [String] = []
    @Option(help: "Timestamp tolerance of Standard Webhooks signatures, in seconds.") var tolerance: Int64 =
        300
    @Option(help: "Largest accepted body, in bytes (larger: 413).") var maxBodyBytes = 1 << 20
    @Option(
        help:
            "Close a connection whose request head is not complete this long after it opened (or after the request's first byte). (default: 10s)",
        transform: { try positiveDuration($0, flag: "--header-timeout") })
    var headerTimeout: Duration = .seconds(10)
    @Option(
        help:
            "Close a connection on which nothing arrives for this long: kept alive between requests, or a request that stalls. (default: 60s)",
        transform: { try positiveDuration($0, flag: "--idle-timeout") })
    var idleTimeout: Duration = .seconds(60)
    @Option(
        help:
            "Answer 408 and close when a request's body is not complete this long after its head. (default: 30s)",
        transform: { try positiveDuration($0, flag: "--body-timeout") })
    var bodyTimeout: Duration = .seconds(30)
    @Option(
        help:
            "Connections open at once; more wait unanswered until one closes. Lowered to fit the open-file limit."
    )
    var maxConnections = ConnectionLimits().maxConnections
    @Option(help: "Events the event log keeps (the oldest are dropped).")
    var maxEvents = ReceiverStateLimits().maxEvents
    @Option(help: "Candidates kept (the one updated least recently is dropped).")
    var maxCandidates = ReceiverStateLimits().maxCandidates
    @Option(help: "Answer 503 to the first N deliveries of each message id.") var failFirst = 0
    @Option(
        help: "Statuses for successive deliveries, e.g. 503,503,200.",
        transform: { text in
            guard let codes = ChaosSettings.parseStatuses(text) else {
                throw CommandInputError(
                    "--status: expected a comma-separated list of HTTP statuses, e.g. 503,503,200")
            }
            return codes
        })
    var status: [Int] = []
    @Option(
        help: "Delay before every webhook answer, e.g. 200ms.",
        transform: { text in
            guard let duration = DurationText.parse(text) else {
                throw CommandInputError("--latency: expected \(DurationText.acceptedForms)")
            }
            return duration
        })
    var latency: Duration = .zero
    @Option(
        help: "Close this share of connections without answering, e.g. 5%.",
        transform: { text in
            guard let rate = ChaosSettings.parseRate(text) else {
                throw CommandInputError(
                    "--drop-connection-rate: expected a percentage up to 100% (5%) or a fraction up to 1 (0.05)"
                )
            }
            return rate
        })
    var dropConnectionRate: Double = 0
    @Option(help: "Seed for --drop-connection-rate.") var seed: UInt64 = 1
    @Option(
        help: ArgumentHelp(
            "Record every request to this directory (created if missing), one folder per run.",
            valueName: "dir"))
    var record: String?
    @Flag(
        help:
            "Answer every request 200, on any path and method: to capture what a vendor sends. What would have been refused is noted in the answer."
    )
    var acceptAll = false
    @Flag(
        help:
            "Store signature header values and secrets as received (with --record); otherwise they are masked."
    )
    var keepSignatures = false
    @Option(
        help: ArgumentHelp(
            "With --record: the run's files stay within this size (e.g. 500MB, 1GiB); the oldest quarter is deleted to make room. (default: 1GiB)",
            valueName: "size"),
        transform: { text in
            guard let bytes = CaptureOptions.parseBytes(text) else {
                throw CommandInputError("--max-bytes: expected a size such as 1073741824, 500MB or 1GiB")
            }
            return bytes
        })
    var maxBytes: Int?
    @Option(
        help: ArgumentHelp(
            "Relay every webhook request, once checked, to the consumer at this URL (as given, whatever the request's path).",
            valueName: "url"))
    var forwardTo: String?
    @Option(
        help: ArgumentHelp(
            "With --forward-to: sign each relayed request anew with this secret (whsec_ or whsk_), keeping its message id.",
            valueName: "secret"))
    var resign: String?
    @Option(
        help:
            "With --forward-to: the time a relay may take, from connecting to the consumer's complete answer. (default: 5s)",
        transform: { try positiveDuration($0, flag: "--forward-timeout") })
    var forwardTimeout: Duration?
    @Option(
        help:
            "With --forward-to: whose answer the vendor gets, the consumer's (502 or 504 when it has none) or the receiver's. (default: consumer)"
    )
    var answer: ForwardAnswer?
    @Flag(help: "Print no line per request.") var quiet = false
    @Option(help: "The line per request: text, or JSON lines for other tools.") var format: LiveTail.Format =
        .text

    func run() async throws {
        guard forwardTo != nil else { return try await serve(transport: nil) }
        let timeout = forwardTimeout ?? ForwardSettings.defaultTimeout
        // HTTP/1.1, which keeps the relayed header names in the case received (HTTP/2 lowercases them).
        try await withHTTPTransport(
            configuration: TransportConfiguration(connectTimeout: timeout, httpVersion: .http1Only)
        ) { transport in
            try await serve(transport: transport)
        }
    }

    /// Serves until stopped; `transport` relays the requests of `--forward-to`.
    func serve(transport: (any Transport)?) async throws {
        var configuration = try makeConfiguration(
            environment: ProcessInfo.processInfo.environment, transport: transport)
        let fitting = FileDescriptorLimit.fit(connections: configuration.connections.maxConnections)
        if fitting < configuration.connections.maxConnections {
            StandardStreams.error(
                "proctor serve: --max-connections lowered to \(fitting) to stay within the open-file limit"
                    + " (ulimit -n)")
            configuration.connections.maxConnections = fitting
        }
        let recorder = try makeRecorder(maxBodyBytes: configuration.maxBodyBytes, clock: configuration.clock)
        let tail = LiveTail(format: format) { StandardStreams.write($0) }
        var observers: [any ReceiverObserver] = []
        if let recorder { observers.append(recorder) }
        if !quiet { observers.append(tail) }
        let receiver = ReferenceReceiver(configuration: configuration, observers: observers)
        defer { tail.flush() }
        let forward = configuration.forward
        do {
            try await receiver.run { url in
                tail.listening(url, routes: VendorCatalog.standard.vendorNames)
                if let recorder {
                    StandardStreams.error("proctor serve: recording to \(recorder.runDirectory)")
                }
                if let forward {
                    StandardStreams.error(
                        "proctor serve: forwarding to \(forward.url)"
                            + (forward.resigning == nil ? "" : ", re-signed"))
                }
            }
            await recorder?.finish()
        } catch let error as CaptureError {
            throw CommandInputError("--record: \(error.message); the requests recorded before it are kept")
        } catch {
            throw CommandInputError("cannot serve on \(host):\(port): \(error)")
        }
    }

    /// The recorder of `--record`, with its run's folder made; nil without `--record`.
    func makeRecorder(maxBodyBytes: Int, clock: any WallClock) throws -> CaptureRecorder? {
        guard let record else {
            for (flag, given) in [("--keep-signatures", keepSignatures), ("--max-bytes", maxBytes != nil)]
            where given {
                throw CommandInputError("\(flag) is for --record DIR")
            }
            return nil
        }
        let smallest = CaptureOptions.smallestMaxBytes(maxBodyBytes: maxBodyBytes)
        let limit = maxBytes ?? CaptureOptions.defaultMaxBytes
        guard limit >= smallest else {
            throw CommandInputError(
                "--max-bytes: expected at least \(smallest) (four times --max-body-bytes and 64 KiB)")
        }
        do {
            return try CaptureRecorder(
                directory: record,
                options: CaptureOptions(
                    keepSignatures: keepSignatures, maxBytes: limit, acceptAll: acceptAll),
                startedAtMilliseconds: clock.nowMilliseconds())
        } catch {
            throw CommandInputError("--record: \(error.message)")
        }
    }

    func makeConfiguration(environment: [String: String], transport: (any Transport)? = nil) throws
        -> ReceiverConfiguration
    {
        let secrets = secret.resolve(environment: environment)
        let vendors = VendorCatalog.standard.vendorNames
        var checks: [String: BodyHMACCheck] = [:]
        for spec in hmac {
            let parts = spec.split(separator: ":", maxSplits: 2).map(String.init)
            guard parts.count >= 2, vendors.contains(parts[0]), !parts[1].isEmpty,
                parts.count == 2 || !parts[2].isEmpty
            else {
                throw CommandInputError(
                    "--hmac: expected VENDOR:HEADER[:SECRET] with VENDOR one of \(vendors.joined(separator: ", "))"
                )
            }
            checks[parts[0]] = BodyHMACCheck(
                header: parts[1], secret: parts.count == 3 ? WebhookSecret(parts[2]) : nil)
        }
        let chaos = ChaosSettings(
            failFirst: max(0, failFirst), statusSequence: status, latency: latency,
            dropConnectionRate: dropConnectionRate, seed: seed)
        guard (0...65535).contains(port) else { throw CommandInputError("--port: expected 0...65535") }
        for (flag, value) in [
            ("--max-connections", maxConnections), ("--max-events", maxEvents),
            ("--max-candidates", maxCandidates),
        ] where value < 1 {
            throw CommandInputError("\(flag): expected a number of at least 1")
        }
        let connections = ConnectionLimits(
            headerTimeout: headerTimeout, idleTimeout: idleTimeout, bodyTimeout: bodyTimeout,
            maxConnections: maxConnections)
        var configuration = ReceiverConfiguration(
            host: host, port: port, secrets: secrets, hmacChecks: checks, toleranceSeconds: max(0, tolerance),
            maxBodyBytes: max(1, maxBodyBytes),
            limits: ReceiverStateLimits(maxEvents: maxEvents, maxCandidates: maxCandidates),
            connections: connections, chaos: chaos
        )
        configuration.acceptAll = acceptAll
        configuration.forward = try makeForwarding(transport: transport)
        return configuration
    }

    /// The settings of `--forward-to` and the flags that go with it; nil without it.
    func makeForwarding(transport: (any Transport)?) throws -> ForwardSettings? {
        guard let forwardTo else {
            for (flag, given) in [
                ("--resign", resign != nil), ("--forward-timeout", forwardTimeout != nil),
                ("--answer", answer != nil),
            ] where given {
                throw CommandInputError("\(flag) is for --forward-to URL")
            }
            return nil
        }
        var resigning: ForwardSettings.Resigning?
        if let resign {
            do throws(SigningError) {
                resigning = try ForwardSettings.Resigning(secret: WebhookSecret(resign))
            } catch {
                throw CommandInputError("--resign: \(error.message)")
            }
        }
        guard let transport else { throw CommandInputError("--forward-to: no HTTP client to relay with") }
        let settings: ForwardSettings
        do throws(TargetURLError) {
            settings = try ForwardSettings(
                url: forwardTo, resigning: resigning,
                timeout: forwardTimeout ?? ForwardSettings.defaultTimeout,
                answer: answer ?? .consumer, transport: transport)
        } catch {
            throw targetError(error, flag: "--forward-to")
        }
        if settings.isOwnAddress(host: host, port: port) {
            throw CommandInputError(
                "--forward-to \(forwardTo): this serve's own address; relaying to it would loop")
        }
        return settings
    }
}

/// A duration flag that must be more than zero.
private func positiveDuration(_ text: String, flag: String) throws -> Duration {
    guard let duration = DurationText.parse(text), duration > .zero else {
        throw CommandInputError("\(flag): expected a duration more than zero, \(DurationText.acceptedForms)")
    }
    return duration
}

extension LiveTail.Format: ExpressibleByArgument {}
extension ForwardAnswer: ExpressibleByArgument {}

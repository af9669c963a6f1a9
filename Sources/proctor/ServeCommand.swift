import ArgumentParser
import Foundation
import ProctorCore
import ProctorReceiver
import ProctorVendors

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the reference webhook consumer.",
        discussion: """
            Routes: POST /webhooks/{talview,testlify,testlify-v1,qualified}; GET /events, /candidates, \
            /candidates/{id}, /health. Testlify requests must carry a valid Standard Webhooks (svix-* or \
            webhook-*) signature; repeated message ids are answered {"status":"duplicate"}.
            """
    )

    @Option(help: "Address to bind.") var host = "127.0.0.1"
    @Option(help: "Port to bind; 0 picks a free one.") var port = 8787
    @Option(
        help:
            "Signing secret (whsec_...) for /webhooks/testlify; also PROCTOR_SECRET. Default: the example secret whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw."
    )
    var secret: String?
    @Option(
        name: .customLong("hmac"),
        help:
            "VENDOR:HEADER:SECRET — check a hex/base64 HMAC-SHA256 of the body in HEADER for VENDOR. Repeatable."
    )
    var hmac: [String] = []
    @Option(help: "Largest accepted body, in bytes (larger: 413).") var maxBodyBytes = 1 << 20
    @Option(help: "Answer 503 to the first N deliveries of each message id.") var failFirst = 0
    @Option(help: "Statuses for successive deliveries, e.g. 503,503,200.") var status: String?
    @Option(help: "Delay before every webhook answer, e.g. 200ms.") var latency: String?
    @Option(help: "Close this share of connections without answering, e.g. 5%.") var dropConnectionRate:
        String?
    @Option(help: "Seed for --drop-connection-rate.") var seed: UInt64 = 1

    func run() async throws {
        do {
            let configuration = try makeConfiguration(environment: ProcessInfo.processInfo.environment)
            let receiver = ReferenceReceiver(configuration: configuration)
            do {
                try await receiver.run { url in
                    let line =
                        "proctor serve: listening on \(url) (webhooks at \(url)/webhooks/{talview,testlify,testlify-v1,qualified})\n"
                    FileHandle.standardOutput.write(Data(line.utf8))
                }
            } catch {
                throw ServeOptionError("cannot serve on \(host):\(port): \(error)")
            }
        } catch let error as ServeOptionError {
            // Bad input exits 2, as every proctor command does.
            FileHandle.standardError.write(Data("proctor serve: error: \(error.message)\n".utf8))
            throw ExitCode(2)
        }
    }

    func makeConfiguration(environment: [String: String]) throws -> ReceiverConfiguration {
        let secretText = secret ?? environment["PROCTOR_SECRET"] ?? ReceiverConfiguration.defaultSecretText
        guard let parsedSecret = StandardWebhooksSecret(secretText) else {
            throw ServeOptionError("--secret: not a whsec_<base64> secret")
        }
        var checks: [String: BodyHMACCheck] = [:]
        for spec in hmac {
            let parts = spec.split(separator: ":", maxSplits: 2).map(String.init)
            guard parts.count == 3, ReceiverConfiguration.vendors.contains(parts[0]), !parts[1].isEmpty,
                !parts[2].isEmpty
            else {
                throw ServeOptionError(
                    "--hmac: expected VENDOR:HEADER:SECRET with VENDOR one of \(ReceiverConfiguration.vendors.joined(separator: ", "))"
                )
            }
            checks[parts[0]] = BodyHMACCheck(header: parts[1], secret: Array(parts[2].utf8))
        }
        var chaos = ChaosSettings(failFirst: max(0, failFirst), seed: seed)
        if let status {
            guard let codes = ChaosSettings.parseStatuses(status) else {
                throw ServeOptionError(
                    "--status: expected a comma-separated list of HTTP statuses, e.g. 503,503,200")
            }
            chaos.statusSequence = codes
        }
        if let latency {
            guard let duration = DurationText.parse(latency) else {
                throw ServeOptionError("--latency: expected \(DurationText.acceptedForms)")
            }
            chaos.latency = duration
        }
        if let dropConnectionRate {
            guard let rate = ChaosSettings.parseRate(dropConnectionRate) else {
                throw ServeOptionError(
                    "--drop-connection-rate: expected a percentage up to 100% (5%) or a fraction up to 1 (0.05)"
                )
            }
            chaos.dropConnectionRate = rate
        }
        guard (0...65535).contains(port) else { throw ServeOptionError("--port: expected 0...65535") }
        return ReceiverConfiguration(
            host: host, port: port, secret: parsedSecret, hmacChecks: checks,
            maxBodyBytes: max(1, maxBodyBytes), chaos: chaos
        )
    }
}

/// A bad `serve` option or an address that cannot be bound.
struct ServeOptionError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

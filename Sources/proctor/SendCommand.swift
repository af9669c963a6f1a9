import ArgumentParser
import Foundation
import ProctorCore
import ProctorDelivery
import ProctorRunner
import ProctorVendors

struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Sends one generated, signed vendor event and prints the exchange.",
        discussion: """
            Exit codes: 0 the consumer answered as a correct one should (2xx; 4xx for a signature \
            fault), 1 it did not or could not be reached, 2 bad input.
            """
    )

    @OptionGroup var generation: EventOptions

    @Option(help: "URL to post the event to; {vendor} stands for the vendor.")
    var target: String

    @OptionGroup var secret: SecretOptions

    @OptionGroup var hmac: HMACOptions

    @Option(help: "Send with this message id (default: a fresh one per send).")
    var messageId: String?

    @Option(help: "A fault to inject.")
    var fault: FaultKind?

    @Option(help: "Multiplies the waits of --fault delay and vendor-retries.")
    var timeScale: Double = 1

    @Flag(help: "Show secrets and signatures instead of masking them.")
    var showSecrets = false

    @OptionGroup var transport: TransportOptions

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let request: SendPipeline.Request
        let configuration: TransportConfiguration
        do {
            if let messageId, messageId.isEmpty || !messageId.utf8.allSatisfy({ $0 > 32 && $0 < 127 }) {
                throw CommandInputError("--message-id: expected printable ASCII without spaces")
            }
            let target = TargetChoice.expand(target, vendor: generation.vendor)
            _ = try parseTarget(target)
            guard timeScale > 0, timeScale.isFinite else {
                throw CommandInputError("--time-scale: expected a positive number such as 0.001")
            }
            let overrides: [Override]
            do { overrides = try VendorCatalog.overrides(generation.assignments) } catch {
                throw CommandInputError("--set: \(error.description)")
            }
            configuration = try transport.configuration()
            request = SendPipeline.Request(
                vendor: generation.vendor, version: generation.version, event: generation.event,
                target: target,
                seed: generation.seed,
                actor: generation.actor, earlierEvents: generation.earlierEvents, quirks: generation.quirks,
                overrides: overrides,
                secrets: secret.resolve(environment: environment), hmac: hmac.signing, messageId: messageId,
                fault: fault, timeout: transport.timeout ?? .seconds(15),
                timeScale: timeScale)
        } catch let error as CommandInputError {
            throw fail(error.description)
        }
        let showSecrets = self.showSecrets
        let outcome: Result<StepResult, Diagnostic> = try await withHTTPTransport(
            configuration: configuration
        ) {
            transport in
            do {
                return .success(try await SendPipeline().send(request, transport: transport))
            } catch let error as Diagnostic {
                return .failure(error)
            } catch {
                return .failure(Diagnostic.error("\(error)"))
            }
        }
        switch outcome {
        case .failure(let diagnostic):
            throw fail(diagnostic.message)
        case .success(let step):
            for send in step.sends {
                for attempt in send.result.attempts {
                    if step.sends.count > 1 { StandardStreams.output("# \(send.label)") }
                    StandardStreams.output(ExchangeText.render(attempt.exchange, showSecrets: showSecrets))
                }
            }
            switch step.verdict {
            case .passed:
                return
            case .failed(let reasons):
                for reason in reasons { StandardStreams.error("failed: \(reason)") }
                throw ExitCode(1)
            case .error(let reason), .notSent(let reason):
                throw fail(reason)
            }
        }
    }
}

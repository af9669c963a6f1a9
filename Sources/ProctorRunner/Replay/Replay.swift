import ProctorCore
import ProctorDelivery
import ProctorJSON
import ProctorReceiver
import ProctorSigning
import ProctorVendors

/// Which captured requests `replay` resends. Every list that is not empty must match; an empty
/// selection takes every request.
public struct ReplaySelection: Sendable, Hashable {
    /// Route vendors (`testlify`); `none` takes the requests on paths that name no vendor.
    public var vendors: [String] = []
    /// Event names as the vendor sends them or as `proctor events` lists them
    /// (`candidate.completed`, `ae.test_instance.updated` or `ae_test_instance_updated`).
    public var events: [String] = []
    /// Message ids, candidate ids or sequence numbers.
    public var ids: [String] = []
    /// Arrival time bounds, milliseconds since the epoch, both inclusive.
    public var from: Int64?
    public var until: Int64?

    public init(
        vendors: [String] = [], events: [String] = [], ids: [String] = [], from: Int64? = nil,
        until: Int64? = nil
    ) {
        self.vendors = vendors
        self.events = events
        self.ids = ids
        self.from = from
        self.until = until
    }

    public func matches(_ record: CaptureRecord, catalog: VendorCatalog = .standard) -> Bool {
        let vendor = record.event.vendor
        if !vendors.isEmpty, !vendors.contains(vendor.isEmpty ? "none" : vendor) { return false }
        if !events.isEmpty {
            let sent = record.catalogEvent(in: catalog)
            let matched = events.contains { name in
                name == record.event.event || name == sent?.name || name == sent?.wireName
                    || sent?.aliases.contains(name) == true
            }
            if !matched { return false }
        }
        if !ids.isEmpty {
            let known = [record.event.messageId, record.event.candidateId, String(record.sequence)]
            if !ids.contains(where: { known.contains($0) }) { return false }
        }
        if let from, record.receivedAtMilliseconds < from { return false }
        if let until, record.receivedAtMilliseconds > until { return false }
        return true
    }
}

/// How replayed requests are signed.
public enum ReplaySigning: Sendable {
    /// Signed anew with these secrets by the route vendor's scheme, keeping each request's message
    /// id, with a fresh timestamp; `hmac` adds a body HMAC header as `send --hmac-header` does.
    case resign([WebhookSecret], hmac: HMACSigning?)
    /// The headers as recorded, signatures included (a capture made with `--keep-signatures`).
    case stored
}

/// What the consumer's answer to a replayed request must be.
public enum ReplayExpectation: String, Sendable, Hashable, CaseIterable {
    /// Any 2xx, as a vendor counts a delivery.
    case success
    /// The status the capture recorded for the request.
    case recorded
}

/// `proctor replay` as a library call: the settings of one replay.
public struct ReplayPlan: Sendable {
    /// Where every request goes.
    public var target: String
    /// Send to the recorded path (and query) on the target's origin instead of the target's path.
    public var keepPath: Bool
    /// Multiplies the recorded spacing between requests; 0 sends them back to back.
    public var timeScale: Double
    public var signing: ReplaySigning
    public var expectation: ReplayExpectation
    /// Per-request timeout, as `run --timeout`.
    public var timeout: Duration

    public init(
        target: String, keepPath: Bool = false, timeScale: Double = 1,
        signing: ReplaySigning = .resign([WebhookSecret(SecretRule.exampleSecret)], hmac: nil),
        expectation: ReplayExpectation = .success, timeout: Duration = .seconds(15)
    ) {
        self.target = target
        self.keepPath = keepPath
        self.timeScale = timeScale
        self.signing = signing
        self.expectation = expectation
        self.timeout = timeout
    }
}

/// A replay that cannot start: one message a person reads.
public struct ReplayError: UserFacingError, Hashable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Resends captured requests (``Capture``) to a target, in their recorded order and with their
/// recorded spacing scaled by ``ReplayPlan/timeScale``: each request is sent when its offset from
/// the first has passed, or at once when the previous answer came later than that. Bodies go out
/// byte for byte; headers in their recorded order and case, without the ones that describe the
/// recorded connection (``HeaderFields/relayable``), re-signed or as stored. Each request is a
/// step of one ``ScenarioResult``, so a replay has the console lines and the reports of `run`.
public struct Replayer: Sendable {
    public let plan: ReplayPlan
    let clock: any WallClock

    /// Checks the plan against the capture: the target is a URL, stored signatures were kept,
    /// the secrets can sign each vendor's first request.
    public init(plan: ReplayPlan, capture: Capture, clock: any WallClock = SystemClock()) throws(ReplayError)
    {
        self.plan = plan
        self.clock = clock
        do throws(TargetURLError) {
            _ = try TargetURL(parsing: plan.target)
        } catch {
            throw ReplayError("--target \(plan.target): \(error.problem.reason)")
        }
        switch plan.signing {
        case .stored:
            guard capture.signaturesKept else {
                throw ReplayError(
                    "\(capture.directory) was recorded without --keep-signatures: its signatures are masked; give --secret to sign the requests anew"
                )
            }
        case .resign:
            var checked: Set<String> = []
            for record in capture.records where checked.insert(record.event.vendor).inserted {
                do {
                    _ = try signed(record, nowSeconds: 0)
                } catch {
                    throw ReplayError("--secret: \(error.message)")
                }
            }
        }
    }

    /// The request that replays `record` at `nowSeconds`; throws when the secrets cannot sign it.
    public func request(for record: CaptureRecord, nowSeconds: Int64) throws(SigningError) -> OutgoingRequest
    {
        let (headers, sensitive) = try signed(record, nowSeconds: nowSeconds)
        return OutgoingRequest(
            method: record.method, url: url(for: record), headers: headers, body: record.body,
            timeout: plan.timeout, sensitive: sensitive)
    }

    /// The headers `record` is sent with, and what outputs mask in them.
    func signed(_ record: CaptureRecord, nowSeconds: Int64) throws(SigningError) -> (HeaderFields, [String]) {
        var headers = record.headers.relayable
        switch plan.signing {
        case .resign(let secrets, let hmac):
            let sensitive = try Signer.resign(
                &headers, body: record.body, secrets: secrets,
                vendorScheme: VendorCatalog.standard.profile(for: record.event.vendor)?.signing,
                hmac: hmac.map { [$0] } ?? [], messageId: "msg_replay_\(record.sequence)",
                nowSeconds: nowSeconds)
            return (headers, sensitive)
        case .stored:
            return (headers, CaptureRecord.sensitiveTexts(in: headers, secrets: []))
        }
    }

    /// The target, or with ``ReplayPlan/keepPath`` the target's origin and the recorded path.
    func url(for record: CaptureRecord) -> String {
        guard plan.keepPath, let target = try? TargetURL(parsing: plan.target) else { return plan.target }
        let path = record.path.hasPrefix("/") ? record.path : "/" + record.path
        return target.origin + path
    }

    /// Sends the selected records in order; `onStep` sees each step as it ends. Cancelling the
    /// task ends the replay: the steps not sent are reported so.
    public func run(
        _ records: [CaptureRecord], capture: Capture, transport: any Transport,
        onStep: @Sendable (StepResult) -> Void = { _ in }
    ) async -> ScenarioResult {
        let started = clock.nowMilliseconds()
        let timer = ContinuousClock.now
        let first = records.first?.receivedAtMilliseconds ?? 0
        var steps: [StepResult] = []
        for (index, record) in records.enumerated() {
            // The body is parsed once for the event's catalog name.
            let event = record.catalogEvent()?.name
            let what =
                event
                ?? (record.event.event == "unknown" ? "\(record.method) \(record.path)" : record.event.event)
            var step = StepResult(
                name: "#\(record.sequence) \(what)",
                actor: record.event.candidateId, event: event ?? record.event.event,
                index: index,
                verdict: .passed, startedAtMilliseconds: clock.nowMilliseconds())
            step.id = String(record.sequence)
            if plan.timeScale > 0 {
                let offset = Double(record.receivedAtMilliseconds - first) * plan.timeScale
                let due = timer + .milliseconds(Int64(offset.rounded()))
                if due > ContinuousClock.now { try? await Task.sleep(until: due, clock: .continuous) }
            }
            if Task.isCancelled {
                step.verdict = .notSent("interrupted")
            } else if !record.bodyComplete {
                step.verdict = .notSent("the body was cut short when it was recorded")
            } else {
                step.startedAtMilliseconds = clock.nowMilliseconds()
                let outgoing: OutgoingRequest
                do {
                    outgoing = try request(for: record, nowSeconds: clock.nowMilliseconds() / 1000)
                } catch {
                    step.verdict = .error("cannot sign the request: \(error.message)")
                    onStep(step)
                    steps.append(step)
                    continue
                }
                let exchange = await transport.send(outgoing)
                step.sends = [
                    SendRecord(
                        label: record.event.vendor.isEmpty ? "request" : record.event.vendor,
                        result: Self.result(exchange))
                ]
                step.duration = exchange.duration
                step.verdict = verdict(exchange, record: record)
            }
            onStep(step)
            steps.append(step)
        }
        return ScenarioResult(
            name: "replay of \(capture.directory)",
            vendor: Set(records.map(\.event.vendor)).sorted().joined(separator: ","),
            file: capture.directory, startedAtMilliseconds: started, duration: ContinuousClock.now - timer,
            steps: steps)
    }

    static func result(_ exchange: Exchange) -> DeliveryResult {
        let reason =
            exchange.response.map { "status \($0.status)" } ?? exchange.failure?.description ?? "no answer"
        let accepted = exchange.response?.isSuccess == true
        let attempt = AttemptRecord(
            number: 1, waitedBefore: .zero, exchange: exchange,
            verdict: accepted ? .accepted : .failed(reason: reason, retryable: false))
        return DeliveryResult(attempts: [attempt], outcome: accepted ? .delivered : .failed(reason: reason))
    }

    func verdict(_ exchange: Exchange, record: CaptureRecord) -> StepResult.Verdict {
        guard let response = exchange.response else {
            return .failed([exchange.failure?.description ?? "no answer"])
        }
        switch plan.expectation {
        case .success:
            return response.isSuccess ? .passed : .failed(["status: expected 2xx, got \(response.status)"])
        case .recorded:
            if record.status == 0 {
                return .passed
            }
            return response.status == record.status
                ? .passed
                : .failed(["status: expected \(record.status) (as recorded), got \(response.status)"])
        }
    }
}

import ProctorContracts
import ProctorCore
import ProctorDelivery
import ProctorJSON
import ProctorSigning
import ProctorVendors

/// `proctor send` as a library call: one generated, signed event (with an optional fault) sent to
/// a target, the exchange kept for printing.
public struct SendPipeline: Sendable {
    public var catalog: VendorCatalog
    public var clock: any WallClock

    public init(catalog: VendorCatalog = .standard, clock: any WallClock = SystemClock()) {
        self.catalog = catalog
        self.clock = clock
    }

    /// What to send.
    public struct Request: Sendable {
        public var vendor: String
        /// The vendor's payload version; nil: its default.
        public var version: String?
        public var event: String
        public var target: String
        public var seed: UInt64
        public var actor: String
        /// Events the actor went through first, so the payload shows that lifecycle state.
        public var earlierEvents: [String]
        public var quirks: [String]
        public var overrides: [Override]
        /// Signing secrets (see ``SecretRule``).
        public var secrets: [WebhookSecret]
        /// A body HMAC header signed besides the vendor's scheme.
        public var hmac: HMACSigning?
        /// The message id to send with; nil: a fresh one, so that each send is a new message
        /// (the `duplicate` fault repeats it within one send).
        public var messageId: String?
        public var fault: FaultKind?
        public var timeout: Duration
        public var timeScale: Double

        public init(
            vendor: String, version: String? = nil, event: String, target: String, seed: UInt64 = 42,
            actor: String = "candidate",
            earlierEvents: [String] = [], quirks: [String] = [], overrides: [Override] = [],
            secrets: [WebhookSecret] = [WebhookSecret(SecretRule.exampleSecret)], hmac: HMACSigning? = nil,
            messageId: String? = nil,
            fault: FaultKind? = nil,
            timeout: Duration = .seconds(15),
            timeScale: Double = 1
        ) {
            self.vendor = vendor
            self.version = version
            self.event = event
            self.target = target
            self.seed = seed
            self.actor = actor
            self.earlierEvents = earlierEvents
            self.quirks = quirks
            self.overrides = overrides
            self.secrets = secrets
            self.hmac = hmac
            self.messageId = messageId
            self.fault = fault
            self.timeout = timeout
            self.timeScale = timeScale
        }
    }

    /// Generates and sends the event. Throws (bad input) for an unknown vendor, event, quirk or
    /// override, or an unusable secret; delivery problems are in the returned step.
    public func send(_ request: Request, transport: any Transport) async throws(Diagnostic) -> StepResult {
        // The event happens now (to the second) and the earlier ones before it, so no payload
        // is dated after it is sent; the actor's ids do not depend on the time.
        let generated: GeneratedEvent
        do {
            generated = try catalog.generateLifecycle(
                vendor: request.vendor, version: request.version,
                events: request.earlierEvents + [request.event],
                actorName: request.actor,
                seed: request.seed, endingAt: clock.nowMilliseconds(), quirks: request.quirks,
                overrides: request.overrides)
        } catch {
            throw .error(error.description)
        }
        var prepared = try ScenarioRunner.preparedRequest(
            for: generated, url: request.target, secrets: request.secrets, hmac: request.hmac,
            timeout: request.timeout)
        prepared.messageId = request.messageId ?? VendorCatalog.freshMessageId()
        let engine = DeliveryEngine(
            transport: transport,
            options: EngineOptions(maxConcurrentActors: 1, timeScale: request.timeScale),
            clock: clock)
        let delivery = PreparedDelivery(
            name: "send \(generated.event)", actor: request.actor, index: 0, request: prepared,
            fault: request.fault,
            retryPolicy: request.fault == .vendorRetries ? prepared.retryPolicy : nil,
            check: ScenarioRunner.contractCheck(
                ScenarioRunner.defaultExpectation(for: request.fault), fault: request.fault,
                evaluator: ContractEvaluator()))
        return await engine.runStep(delivery)
    }
}

import Foundation
import ProctorContracts
import ProctorCore
import ProctorDelivery
import ProctorJSON
import ProctorScenario
import ProctorSigning
import ProctorVendors

/// What a run of scenarios is told from the command line; each field overrides the scenario's own.
public struct RunSettings: Sendable {
    /// `--target`: where each vendor's scenarios send; what it leaves open comes from each
    /// scenario's `target:` (or the built-in receiver).
    public var targets: TargetChoice
    /// `--secret`: signing secrets for every scenario (several for key rotation); empty follows
    /// ``SecretRule`` (the scenario's `secret:`, `PROCTOR_SECRET`, the example secret).
    public var secrets: [String]
    /// The environment ``SecretRule`` reads `PROCTOR_SECRET` from.
    public var environment: [String: String]
    /// Seed for every scenario; nil uses each scenario's `seed:` or ``fallbackSeed``.
    public var seed: UInt64?
    /// The seed of scenarios that name none.
    public var fallbackSeed: UInt64
    /// Multiplies every wait (`after:`, `delay`, retry schedules).
    public var timeScale: Double
    public var failFast: Bool
    /// Actors delivering at once within a scenario; a scenario's `concurrency:` overrides it.
    public var concurrency: Int
    /// `--retries`: overrides every scenario's `retries:`; nil keeps each scenario's.
    public var retries: RetryMode?
    /// Per-request timeout for every scenario; nil uses the scenario's `defaults.timeout` or
    /// ``defaultRequestTimeout``.
    public var requestTimeout: Duration?
    /// `--time`: the instant (milliseconds since the epoch) each scenario's story is placed
    /// against instead of the moment its delivery starts, so that two runs give the same bodies.
    /// Not later than the real start (payloads would be dated after they are sent).
    public var time: Int64?
    /// `--threshold`s, judged over every scenario's attempts (after each scenario's `thresholds:`).
    public var thresholds: [Threshold] = []

    public static let defaultRequestTimeout: Duration = .seconds(15)

    public init(
        targets: TargetChoice = TargetChoice(), secrets: [String] = [], environment: [String: String] = [:],
        seed: UInt64? = nil,
        fallbackSeed: UInt64 = 0,
        timeScale: Double = 1, failFast: Bool = false, concurrency: Int = 8, retries: RetryMode? = nil,
        requestTimeout: Duration? = nil, time: Int64? = nil
    ) {
        self.targets = targets
        self.secrets = secrets
        self.environment = environment
        self.seed = seed
        self.fallbackSeed = fallbackSeed
        self.timeScale = timeScale
        self.failFast = failFast
        self.concurrency = concurrency
        self.retries = retries
        self.requestTimeout = requestTimeout
        self.time = time
    }
}

/// Runs loaded scenarios: for each actor, step by step, it generates the vendor payload from the
/// actor's lifecycle state, signs and sends it (with the step's fault and the retry policy),
/// checks the answer against the step's expectation and records it for later steps' templates.
/// Actors run concurrently; each actor's steps run in order.
public struct ScenarioRunner: Sendable {
    public let catalog: VendorCatalog
    public let engine: DeliveryEngine
    public let evaluator: ContractEvaluator
    public let settings: RunSettings

    public init(
        catalog: VendorCatalog = .standard, engine: DeliveryEngine,
        evaluator: ContractEvaluator = ContractEvaluator(),
        settings: RunSettings
    ) {
        self.catalog = catalog
        self.engine = engine
        self.evaluator = evaluator
        self.settings = settings
    }

    /// The signing secrets a scenario uses, by ``SecretRule``.
    public func secrets(for scenario: Scenario) -> [WebhookSecret] {
        Self.secrets(for: scenario, settings: settings)
    }

    static func secrets(for scenario: Scenario, settings: RunSettings) -> [WebhookSecret] {
        SecretRule.resolve(
            flags: settings.secrets, scenario: scenario.secret?.value, environment: settings.environment
        ).secrets
    }

    /// A scenario's `timeout:` as a run budget: scaled by `--time-scale` like every other wait.
    static func budget(_ timeout: Duration, settings: RunSettings) -> Duration {
        timeout * settings.timeScale
    }

    /// The seed a scenario uses.
    public func seed(for scenario: Scenario) -> UInt64 {
        settings.seed ?? scenario.seed?.value ?? settings.fallbackSeed
    }

    /// Runs one scenario against `target` (the URL events are posted to); a scenario with a
    /// `mirror:` also sends each event to `mirrorTarget` as the mirror vendor's payload. `onStep`
    /// sees each step as it finishes, `onRetry` each wait for a retry as it begins.
    public func run(
        _ scenario: Scenario, target: String, mirrorTarget: String? = nil,
        onStep: @escaping @Sendable (StepResult) -> Void = { _ in },
        onRetry: @escaping @Sendable (RetryNotice) -> Void = { _ in }
    ) async -> ScenarioResult {
        let started = engine.clock.nowMilliseconds()
        let timer = ContinuousClock.now
        let stop = StopFlag()
        let seed = seed(for: scenario)
        let vendor = scenario.vendor.value
        let names = scenario.actors.allNames
        var fields: [String: JSONObject] = [:]
        for actor in scenario.actors.named { fields[actor.name] = actor.fields }
        let story = timeline(for: scenario, seed: seed, fields: fields, start: settings.time ?? started)
        var states: [String: ActorState] = [:]
        var mirrorStates: [String: ActorState] = [:]
        var actorValues: [String: JSONValue] = [:]
        let mirror = scenario.mirror.flatMap { m in mirrorTarget.map { Mirror(vendor: m.value, target: $0) } }
        for name in names {
            let given = fields[name] ?? JSONObject()
            let state = ActorState(
                vendor: vendor, version: scenario.version?.value, name: name, seed: seed, fields: given,
                storyStartMilliseconds: story.timeline.anchorMilliseconds)
            if let mirror {
                // The same candidate: same seed, name, fields and story, in the partner's shape.
                mirrorStates[name] = ActorState(
                    vendor: mirror.vendor, name: name, seed: seed, fields: given,
                    storyStartMilliseconds: story.timeline.anchorMilliseconds)
            }
            var value = given
            for (key, reference) in state.identity.references.sorted(by: { $0.key < $1.key })
            where value[key] == nil {
                value[key] = .string(reference)
            }
            value["name"] = value["name"] ?? .string(name)
            states[name] = state
            actorValues[name] = .object(value)
        }
        let limit = max(1, scenario.concurrency?.value ?? settings.concurrency)
        let context = ScenarioContext(
            scenario: scenario, target: target, mirror: mirror, secrets: secrets(for: scenario), seed: seed,
            actors: actorValues, eventTimes: story.times,
            deadline: scenario.timeout.map { ContinuousClock.now + Self.budget($0.value, settings: settings) }
        )
        var steps: [StepResult] = []
        await withTaskGroup(of: [StepResult].self) { group in
            var pending = names[...]
            var running = 0
            func startNext() {
                guard let name = pending.popFirst(), let state = states[name] else { return }
                running += 1
                let mirrorState = mirrorStates[name]
                group.addTask {
                    await runActor(
                        name, state: state, mirrorState: mirrorState, context: context, stop: stop,
                        onStep: onStep, onRetry: onRetry)
                }
            }
            while running < limit, !pending.isEmpty { startNext() }
            while let finished = await group.next() {
                running -= 1
                steps += finished
                startNext()
            }
        }
        steps.sort { ($0.index, $0.actor ?? "") < ($1.index, $1.actor ?? "") }
        return ScenarioResult(
            name: scenario.name.value, vendor: vendor, file: scenario.file, startedAtMilliseconds: started,
            duration: ContinuousClock.now - timer, steps: steps)
    }

    /// The scenario's story on the real clock (see ``StoryTimeline``): each actor's send steps at
    /// the `after:` waits before them (unscaled), the whole story placed so that no event is
    /// dated after the earliest moment delivery can send it from `start`.
    func timeline(for scenario: Scenario, seed: UInt64, fields: [String: JSONObject], start: Int64)
        -> (timeline: StoryTimeline, times: [String: [Int: Int64]])
    {
        Self.timeline(
            for: scenario, seed: seed, fields: fields, start: start, timeScale: settings.timeScale,
            catalog: catalog)
    }

    /// ``timeline(for:seed:fields:start:)`` for a given `--time-scale` and catalog.
    static func timeline(
        for scenario: Scenario, seed: UInt64, fields: [String: JSONObject], start: Int64, timeScale: Double,
        catalog: VendorCatalog
    ) -> (timeline: StoryTimeline, times: [String: [Int: Int64]]) {
        let vendor = scenario.vendor.value
        var events: [StoryTimeline.Event] = []
        var storyTimes: [String: [Int: Int64]] = [:]
        for name in scenario.actors.allNames {
            var offset: Int64 = 0
            var wait: Int64 = 0
            var sends: [(index: Int, event: String, offset: Int64, wait: Int64)] = []
            for (index, step) in scenario.steps.enumerated()
            where step.actor == nil || step.actor?.value == name {
                let after = step.after?.value ?? .zero
                offset += StoryTimeline.milliseconds(after)
                wait += StoryTimeline.milliseconds(after * timeScale)
                if let event = step.event { sends.append((index, event, offset, wait)) }
            }
            let actor = ActorState(
                vendor: vendor, version: scenario.version?.value, name: name, seed: seed,
                fields: fields[name] ?? JSONObject())
            let times = catalog.storyTimes(
                vendor: vendor, actor: actor, events: sends.map { ($0.event, $0.offset) })
            var byIndex: [Int: Int64] = [:]
            for (send, time) in zip(sends, times) {
                let story = time ?? send.offset
                byIndex[send.index] = story
                events.append(.init(storyMilliseconds: story, waitMilliseconds: send.wait))
            }
            storyTimes[name] = byIndex
        }
        let timeline = StoryTimeline(start: start, events: events)
        return (timeline, storyTimes.mapValues { $0.mapValues(timeline.time) })
    }

    /// Where a scenario's `mirror:` sends.
    struct Mirror: Sendable {
        var vendor: String
        var target: String
    }

    /// What every actor of one scenario shares.
    struct ScenarioContext: Sendable {
        var scenario: Scenario
        var target: String
        var mirror: Mirror?
        var secrets: [WebhookSecret]
        var seed: UInt64
        var actors: [String: JSONValue]
        /// When each actor's send steps happen in the story (by step index), on the real clock.
        var eventTimes: [String: [Int: Int64]]
        /// When the scenario's `timeout:` runs out; steps not started by then are not sent.
        var deadline: ContinuousClock.Instant?
    }

    /// One step, generated and ready to deliver (or the reason it cannot be).
    enum Prepared {
        case delivery(PreparedDelivery, payload: JSONValue?)
        case failed(StepResult)
    }

    func runActor(
        _ actor: String, state initial: ActorState, mirrorState: ActorState? = nil, context: ScenarioContext,
        stop: StopFlag, onStep: @Sendable (StepResult) -> Void,
        onRetry: @escaping @Sendable (RetryNotice) -> Void
    ) async -> [StepResult] {
        var state = initial
        var mirrorState = mirrorState
        var records: [String: StepRecord] = [:]
        var results: [StepResult] = []
        let indexed = context.scenario.steps.enumerated().filter {
            $0.element.actor == nil || $0.element.actor?.value == actor
        }
        let faults = Self.faults(
            for: indexed.map(\.element), scenario: context.scenario, seed: context.seed, actor: actor)
        var position = 0
        while position < indexed.count {
            // A `reorder` step trades places with the next send: both are generated in lifecycle
            // order, then delivered the other way round.
            var batch = [position]
            if faults[position] == .reorder, position + 1 < indexed.count,
                indexed[position + 1].element.event != nil
            {
                batch.append(position + 1)
            }
            position += batch.count
            var prepared: [(step: Step, id: String?, item: Prepared, mirror: Prepared?)] = []
            for slot in batch {
                let (index, step) = indexed[slot]
                let stopped = await stop.isSet
                if Task.isCancelled || stopped {
                    prepared.append(
                        (
                            step, step.id?.value,
                            .failed(notSent(step, index, actor, reason: Self.stopReason)), nil
                        ))
                    continue
                }
                if let deadline = context.deadline, ContinuousClock.now >= deadline,
                    let timeout = context.scenario.timeout
                {
                    let budget = Self.budget(timeout.value, settings: settings)
                    let reason =
                        "the scenario's timeout of \(DurationText.format(timeout.value))"
                        + (budget == timeout.value ? "" : " (\(DurationText.format(budget)) at --time-scale)")
                        + " ran out"
                    prepared.append(
                        (step, step.id?.value, .failed(notSent(step, index, actor, reason: reason)), nil))
                    continue
                }
                let fault = faults[slot]
                let templates = TemplateContext(currentActor: actor, actors: context.actors, steps: records)
                let item = prepare(
                    step, index: index, actor: actor, fault: fault, state: &state, templates: templates,
                    context: context)
                var mirrored: Prepared?
                if case .delivery = item, let mirror = context.mirror, var mirrorActor = mirrorState {
                    mirrored = prepareMirror(
                        step, index: index, actor: actor, state: &mirrorActor, templates: templates,
                        mirror: mirror, context: context)
                    mirrorState = mirrorActor
                }
                prepared.append((step, step.id?.value, item, mirrored))
            }
            if prepared.count == 2 { prepared.reverse() }
            for (_, id, item, mirrored) in prepared {
                var result: StepResult
                var payload: JSONValue?
                switch item {
                case .failed(let failed):
                    result = failed
                case .delivery(let delivery, let body):
                    payload = body
                    let stopped = await stop.isSet
                    if Task.isCancelled || stopped {
                        result = engine.notSent(delivery, Self.stopReason)
                    } else {
                        result = await engine.runStep(delivery, onRetry: onRetry)
                        if let mirror = context.mirror, let mirrored {
                            let stopped = await stop.isSet
                            switch mirrored {
                            case .failed(let failed):
                                result = Self.merging(result, mirror: failed, vendor: mirror.vendor)
                            case .delivery(let second, _) where !(Task.isCancelled || stopped):
                                let answered = await engine.runStep(second, onRetry: onRetry)
                                result = Self.merging(result, mirror: answered, vendor: mirror.vendor)
                            case .delivery:
                                break
                            }
                        }
                    }
                }
                switch result.verdict {
                case .failed, .error: if settings.failFast { await stop.set() }
                default: break
                }
                result.id = id
                if let id {
                    records[id] = Self.record(of: result, payload: payload)
                }
                onStep(result)
                results.append(result)
            }
        }
        return results
    }

    /// The fault of each of one actor's `steps`: the step's own, or one drawn at the scenario's
    /// seeded rates (`faults: { duplicate: 10% }`) for a send step without one. A drawn `reorder`
    /// applies only where it can: to a send followed by a send that does not use it (a template
    /// of the later step would have nothing to read) and that has not already traded places.
    static func faults(for steps: [Step], scenario: Scenario, seed: UInt64, actor: String) -> [FaultKind?] {
        var random = SeededRandom(seed: seed).derived("faults:\(actor)")
        var faults: [FaultKind?] = []
        var pairedWithPrevious = false
        for (position, step) in steps.enumerated() {
            if let own = step.fault?.value {
                faults.append(own)
                pairedWithPrevious = own == .reorder && !pairedWithPrevious
                continue
            }
            var drawn: FaultKind?
            if step.event != nil {
                for rate in scenario.faults where random.unit() * 100 < rate.percent {
                    drawn = rate.fault
                    break
                }
            }
            if drawn == .reorder {
                let next = position + 1 < steps.count ? steps[position + 1] : nil
                let canTrade =
                    !pairedWithPrevious && next?.event != nil
                    && !(step.id.map { next?.refers(toStep: $0.value) ?? false } ?? false)
                if !canTrade { drawn = nil }
            }
            faults.append(drawn)
            pairedWithPrevious = drawn == .reorder && !pairedWithPrevious
        }
        return faults
    }

    func prepare(
        _ step: Step, index: Int, actor: String, fault: FaultKind?, state: inout ActorState,
        templates: TemplateContext, context: ScenarioContext
    ) -> Prepared {
        let scenario = context.scenario
        let vendor = scenario.vendor.value
        let headers: HeaderFields
        switch Self.defaultHeaders(of: scenario, templates: templates) {
        case .success(let rendered): headers = rendered
        case .failure(let problem): return .failed(errorResult(step, index, actor, fault, problem.text))
        }
        let timeout = requestTimeout(for: scenario)
        switch step.action {
        case .probe(let probe):
            let path: String
            do {
                path = try probe.path.render(in: templates)
            } catch {
                return .failed(errorResult(step, index, actor, nil, error.description))
            }
            let url = Self.origin(of: context.target) + (path.hasPrefix("/") ? path : "/" + path)
            let request = PreparedRequest(
                vendor: vendor, event: "probe", method: probe.method, url: url, headers: headers, body: [],
                messageId: "", timeout: timeout)
            let expectation = step.expect ?? Expectation(status: .statusClass(2))
            return .delivery(
                PreparedDelivery(
                    name: Self.name(of: step), actor: actor, index: index, request: request, fault: nil,
                    after: step.after?.value ?? .zero, retryPolicy: nil,
                    check: check(expectation, fault: nil)),
                payload: nil)
        case .send(let event):
            var overrides: [Override] = []
            do {
                for override in step.overrides {
                    let value = try override.value.resolve(in: templates)
                    overrides.append(Override(path: override.path.jsonPath, value: value))
                }
            } catch {
                return .failed(errorResult(step, index, actor, fault, error.description))
            }
            let generated: GeneratedEvent
            do {
                let time = context.eventTimes[actor]?[index] ?? engine.clock.nowMilliseconds()
                generated = try catalog.generate(
                    vendor: vendor, event: event.value, actor: &state, atMilliseconds: time,
                    quirks: step.quirks.map(\.value), overrides: overrides)
            } catch {
                return .failed(
                    errorResult(step, index, actor, fault, "\(step.location): \(error.description)"))
            }
            var request: PreparedRequest
            do {
                request = try Self.preparedRequest(
                    for: generated, url: context.target, headers: headers, secrets: context.secrets,
                    hmac: scenario.signing?.value, timeout: timeout)
            } catch {
                return .failed(errorResult(step, index, actor, fault, error.description))
            }
            if let method = scenario.method?.value { request.method = method.rawValue }
            // `body:`: the event was generated (the actor's lifecycle moves on); the file's bytes
            // are sent, and signed, in its place.
            var payload: JSONValue? = generated.body
            if let fixture = step.body?.value {
                request.body = fixture.bytes
                payload = try? JSONValue(parsing: fixture.bytes)
            }
            // Each run is new traffic: a consumer that remembers message ids must not take a
            // second run's events for duplicates of the first's.
            request.messageId = VendorCatalog.freshMessageId()
            var policy: RetryPolicy?
            if (settings.retries ?? scenario.retries?.value) == .vendor || fault == .vendorRetries {
                policy = request.retryPolicy
            }
            let expectation = step.expect ?? Self.defaultExpectation(for: fault)
            return .delivery(
                PreparedDelivery(
                    name: Self.name(of: step), actor: actor, index: index, request: request, fault: fault,
                    after: step.after?.value ?? .zero, retryPolicy: policy,
                    check: check(expectation, fault: step.expect == nil ? fault : nil)),
                payload: payload)
        }
    }

    /// A problem with a rendered default header: `file:line:col: problem`, or the template's error.
    struct HeaderProblem: Error {
        var text: String
    }

    /// The scenario's `defaults.headers` rendered for one step, each checked against the HTTP/1
    /// field rules.
    static func defaultHeaders(of scenario: Scenario, templates: TemplateContext) -> Result<
        HeaderFields, HeaderProblem
    > {
        var headers = HeaderFields()
        for header in scenario.defaults.headers {
            let value: String
            do {
                value = try header.value.render(in: templates)
            } catch {
                return .failure(HeaderProblem(text: error.description))
            }
            if let problem = HTTP1Syntax.fieldProblem(name: header.name, value: value) {
                return .failure(HeaderProblem(text: "\(header.location): \(problem)"))
            }
            headers.set(header.name, value)
        }
        return .success(headers)
    }

    /// The time each request of `scenario` may take: `--timeout`, `defaults.timeout`, or the default.
    func requestTimeout(for scenario: Scenario) -> Duration {
        settings.requestTimeout ?? scenario.defaults.timeout?.value ?? RunSettings.defaultRequestTimeout
    }

    /// The step's event as the mirror vendor sends it: the same actor at the same moment, with the
    /// scenario's default headers, secrets, `signing:` and `method:`, without the step's `with:`,
    /// quirks and fault (they are about the scenario's vendor's payload), expected to be accepted
    /// as the step's `expect` says. Nil when the mirror vendor has no such event (it never sent it).
    func prepareMirror(
        _ step: Step, index: Int, actor: String, state: inout ActorState, templates: TemplateContext,
        mirror: Mirror, context: ScenarioContext
    ) -> Prepared? {
        guard let event = step.event, let name = catalog.resolveEvent(vendor: mirror.vendor, name: event)
        else {
            return nil
        }
        let scenario = context.scenario
        // Rendered and checked for the scenario's own send of this step already.
        let headers = (try? Self.defaultHeaders(of: scenario, templates: templates).get()) ?? HeaderFields()
        let timeout = requestTimeout(for: scenario)
        let time = context.eventTimes[actor]?[index] ?? engine.clock.nowMilliseconds()
        let expectation = step.expect ?? Expectation(status: .statusClass(2))
        var request: PreparedRequest
        do {
            let generated = try catalog.generate(
                vendor: mirror.vendor, event: name, actor: &state, atMilliseconds: time)
            request = try Self.preparedRequest(
                for: generated, url: mirror.target, headers: headers, secrets: context.secrets,
                hmac: scenario.signing?.value, timeout: timeout)
        } catch {
            return .failed(errorResult(step, index, actor, nil, "\(error)"))
        }
        if let method = scenario.method?.value { request.method = method.rawValue }
        request.messageId = VendorCatalog.freshMessageId()
        let policy = (settings.retries ?? scenario.retries?.value) == .vendor ? request.retryPolicy : nil
        return .delivery(
            PreparedDelivery(
                name: Self.name(of: step), actor: actor, index: index, request: request, fault: nil,
                after: .zero, retryPolicy: policy, check: check(expectation, fault: nil)),
            payload: nil)
    }

    /// A step's result with its mirrored send added: the mirror's sends labelled with its vendor,
    /// and the step failing when either send did.
    static func merging(_ primary: StepResult, mirror: StepResult, vendor: String) -> StepResult {
        var result = primary
        result.sends += mirror.sends.map { SendRecord(label: vendor, result: $0.result, isMirror: true) }
        result.duration += mirror.duration
        func prefixed(_ texts: [String]) -> [String] { texts.map { "\(vendor): \($0)" } }
        switch (primary.verdict, mirror.verdict) {
        case (_, .passed): break
        case (.passed, .failed(let failures)): result.verdict = .failed(prefixed(failures))
        case (.failed(let failures), .failed(let more)): result.verdict = .failed(failures + prefixed(more))
        case (.passed, .error(let reason)): result.verdict = .error("\(vendor): \(reason)")
        case (.passed, .notSent(let reason)): result.verdict = .failed(prefixed(["not sent: \(reason)"]))
        default: break
        }
        return result
    }

    /// The request for a generated event: the vendor's default headers after `headers`, signed
    /// anew per attempt by the vendor's scheme and, when given, a scenario's `signing:` HMAC.
    public static func preparedRequest(
        for generated: GeneratedEvent, url: String, headers: HeaderFields = HeaderFields(),
        secrets: [WebhookSecret], hmac: HMACSigning? = nil, timeout: Duration
    ) throws(Diagnostic) -> PreparedRequest {
        var headers = headers
        for header in generated.defaultHeaders where !headers.contains(header.name) {
            headers.set(header.name, header.value)
        }
        let signers: [Signer]
        do {
            signers = try Signer.signers(scheme: generated.signing, hmac: hmac, secrets: secrets)
        } catch {
            throw .error(error.message)
        }
        return PreparedRequest(
            vendor: generated.vendor.rawValue, event: generated.event, method: generated.method, url: url,
            headers: headers, body: generated.bodyBytes, messageId: generated.messageId, signers: signers,
            timeout: timeout, retryPolicy: generated.retryPolicy)
    }

    /// The scenario's secrets checked against the schemes it signs with (the vendor's, its
    /// `signing:` HMAC), so that an unusable secret is reported at its line before anything is
    /// sent rather than at every step.
    public static func signingProblems(
        in scenario: Scenario, settings: RunSettings, catalog: VendorCatalog = .standard
    ) -> Diagnostics {
        var problems = Diagnostics()
        let secrets = secrets(for: scenario, settings: settings)
        let location = scenario.secret?.location ?? SourceLocation(file: scenario.file, line: 1, column: 1)
        if let profile = catalog.profile(for: scenario.vendor.value) {
            do {
                _ = try Signer.signers(
                    scheme: profile.signing, hmac: scenario.signing?.value, secrets: secrets)
            } catch {
                problems.append(.error(error.message, at: location))
            }
        }
        return problems
    }

    /// Compiles every body schema a scenario expects (inline or `$ref` to a file), so that an
    /// unreadable or invalid schema is reported at the line that names it before anything is sent.
    public static func schemaProblems(in scenario: Scenario, evaluator: ContractEvaluator) -> Diagnostics {
        var problems = Diagnostics()
        var expectations: [(Expectation, SourceLocation)] = []
        if let defaults = scenario.defaults.expect {
            expectations.append(
                (defaults, defaults.location ?? SourceLocation(file: scenario.file, line: 1, column: 1)))
        }
        for step in scenario.steps {
            if let expect = step.expect { expectations.append((expect, expect.location ?? step.location)) }
        }
        var seen = Set<BodyExpectation>()
        for (expectation, location) in expectations {
            guard let body = expectation.body, seen.insert(body).inserted else { continue }
            do {
                _ = try evaluator.schema(for: body, assertFormat: expectation.assertFormat)
            } catch {
                problems.error(
                    "unusable body schema: \(error.message) (\(error.location))",
                    at: body.location ?? location)
            }
        }
        return problems
    }

    /// What a correct consumer answers when the step says nothing: a 2xx, or a 4xx for a request
    /// whose signature must be rejected.
    static func defaultExpectation(for fault: FaultKind?) -> Expectation {
        Expectation(status: .statusClass(fault?.deliversAcceptedEvent == false ? 4 : 2))
    }

    /// The contract check of one exchange. A truncated body may also be answered by closing the
    /// connection.
    func check(_ expectation: Expectation, fault: FaultKind?) -> @Sendable (Exchange) async -> [String] {
        Self.contractCheck(expectation, fault: fault, evaluator: evaluator)
    }

    /// The contract check of one exchange with a given evaluator.
    public static func contractCheck(
        _ expectation: Expectation, fault: FaultKind?, evaluator: ContractEvaluator
    ) -> @Sendable (Exchange) async -> [String] {
        { exchange in
            let outcome: DeliveryOutcome
            switch exchange.outcome {
            case .success(let response):
                outcome = .response(
                    ReceivedResponse(
                        status: response.status,
                        headers: response.headers.map {
                            ReceivedResponse.Header(name: $0.name, value: $0.value)
                        },
                        body: response.body, latency: exchange.duration))
            case .failure(let failure):
                if fault == .truncatedBody { return [] }
                outcome = .transportError(failure.description)
            }
            return evaluator.evaluate(expectation, outcome).failures.map(\.description)
        }
    }

    static func record(of result: StepResult, payload: JSONValue?) -> StepRecord {
        guard let response = result.ownSends.last?.result.lastExchange?.response else {
            return StepRecord(payload: payload)
        }
        var headers: [String: String] = [:]
        for field in response.headers { headers[field.name] = field.value }
        return StepRecord(
            payload: payload, status: response.status, headers: headers,
            body: try? JSONValue(parsing: response.body))
    }

    static func name(of step: Step) -> String {
        switch step.action {
        case .send(let event): return "send \(event.value)"
        case .probe(let probe): return "probe \(probe.method) \(probe.path)"
        }
    }

    /// `scheme://host[:port]` of a URL, for probes.
    static func origin(of target: String) -> String {
        (try? TargetURL(parsing: target))?.origin ?? target
    }

    func errorResult(_ step: Step, _ index: Int, _ actor: String, _ fault: FaultKind?, _ message: String)
        -> StepResult
    {
        StepResult(
            name: Self.name(of: step), actor: actor, event: step.event, fault: fault?.rawValue, index: index,
            verdict: .error(message), startedAtMilliseconds: engine.clock.nowMilliseconds())
    }

    /// Why a step was not sent once the run stopped early.
    static var stopReason: String { Task.isCancelled ? "interrupted" : "fail-fast: an earlier step failed" }

    func notSent(_ step: Step, _ index: Int, _ actor: String, reason: String) -> StepResult {
        StepResult(
            name: Self.name(of: step), actor: actor, event: step.event, fault: step.fault?.value.rawValue,
            index: index, verdict: .notSent(reason), startedAtMilliseconds: engine.clock.nowMilliseconds())
    }
}

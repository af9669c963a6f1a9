import ProctorCore
import ProctorDelivery
import ProctorVendors

/// One step for one actor, ready to send: the request before signing, its fault, its check.
public struct PreparedDelivery: Sendable {
    /// `send candidate.completed`.
    public var name: String
    public var actor: String
    /// Position in the scenario, kept in the results.
    public var index: Int
    public var request: PreparedRequest
    public var fault: FaultKind?
    /// Waited before this step (`after:`), before scaling.
    public var after: Duration
    /// Resend schedule for every send of the step; `vendor-retries` uses the vendor's when nil.
    public var retryPolicy: RetryPolicy?
    /// Expectation failures for one exchange (empty when it meets the expectation). The integrator
    /// passes the contract evaluator here; ``ExchangeChecks`` has the status and latency checks.
    public var check: @Sendable (Exchange) async -> [String]

    public init(
        name: String, actor: String, index: Int, request: PreparedRequest, fault: FaultKind? = nil,
        after: Duration = .zero,
        retryPolicy: RetryPolicy? = nil, check: @escaping @Sendable (Exchange) async -> [String]
    ) {
        self.name = name
        self.actor = actor
        self.index = index
        self.request = request
        self.fault = fault
        self.after = after
        self.retryPolicy = retryPolicy
        self.check = check
    }
}

/// Ready-made checks on an exchange.
public enum ExchangeChecks {
    /// Status and `within` of an expectation (headers and body are the contract evaluator's).
    public static func statusAndLatency(_ expectation: Expectation) -> @Sendable (Exchange) async -> [String]
    {
        { exchange in
            var failures: [String] = []
            switch exchange.outcome {
            case .failure(let failure):
                let expected = expectation.status.map { "status \($0)" } ?? "a response"
                failures.append("expected \(expected), got no response: \(failure)")
            case .success(let response):
                if let status = expectation.status, !status.matches(response.status) {
                    failures.append(
                        "expected status \(status), got \(response.status): \(String(response.bodyText.prefix(200)))"
                    )
                }
            }
            if let within = expectation.within, exchange.duration > within {
                failures.append(
                    "expected an answer within \(DurationText.format(within)), took \(DurationText.format(exchange.duration))"
                )
            }
            return failures
        }
    }
}

/// How the engine runs.
public struct EngineOptions: Sendable {
    /// Actors delivering at the same time.
    public var maxConcurrentActors: Int
    /// Stop sending after the first failed step; the rest are reported as not sent.
    public var failFast: Bool
    /// Multiplies every wait (`after:`, `delay`, retry schedules); payload timestamps stay real.
    public var timeScale: Double
    public var faultOptions: FaultOptions

    public init(
        maxConcurrentActors: Int = 8, failFast: Bool = false, timeScale: Double = 1,
        faultOptions: FaultOptions = FaultOptions()
    ) {
        self.maxConcurrentActors = max(1, maxConcurrentActors)
        self.failFast = failFast
        self.timeScale = timeScale
        self.faultOptions = faultOptions
    }
}

/// Executes prepared deliveries: in order per actor, actors concurrently up to a bound, `reorder`
/// applied per actor, faults turned into sends, retries on the policies' schedules. Stops early on
/// fail-fast, cancellation or (with a ``TargetWatch``) a target given up on as unreachable; every
/// step is accounted for in the result.
public struct DeliveryEngine: Sendable {
    public let transport: any Transport
    public let options: EngineOptions
    public let clock: any WallClock
    /// Judges the targets from every attempt; steps to a target it gave up on are not sent and
    /// their waits end. Nil: every step is sent.
    public let watch: TargetWatch?
    let sleep: DeliveryLoop.Sleeper

    public init(
        transport: any Transport, options: EngineOptions = EngineOptions(),
        clock: any WallClock = SystemClock(),
        sleep: @escaping DeliveryLoop.Sleeper = DeliveryLoop.taskSleeper,
        watch: TargetWatch? = nil
    ) {
        self.transport = transport
        self.options = options
        self.clock = clock
        self.sleep = sleep
        self.watch = watch
    }

    /// Runs one scenario. `actors` are (actor, that actor's deliveries in scenario order).
    /// `onStep` sees each step as it finishes, `onRetry` each wait for a retry as it begins
    /// (console lines).
    public func run(
        scenario: String, vendor: String, file: String? = nil,
        actors: [(actor: String, deliveries: [PreparedDelivery])],
        onStep: @escaping @Sendable (StepResult) -> Void = { _ in },
        onRetry: @escaping @Sendable (RetryNotice) -> Void = { _ in }
    ) async -> ScenarioResult {
        let started = clock.nowMilliseconds()
        let timer = ContinuousClock.now
        let stop = StopFlag()
        var steps: [StepResult] = []
        await withTaskGroup(of: [StepResult].self) { group in
            var pending = actors[...]
            var running = 0
            func startNext() {
                guard let next = pending.popFirst() else { return }
                running += 1
                group.addTask {
                    await runActor(next.deliveries, stop: stop, onStep: onStep, onRetry: onRetry)
                }
            }
            while running < options.maxConcurrentActors, !pending.isEmpty { startNext() }
            while let finished = await group.next() {
                running -= 1
                steps += finished
                startNext()
            }
        }
        steps.sort { ($0.index, $0.actor ?? "") < ($1.index, $1.actor ?? "") }
        return ScenarioResult(
            name: scenario, vendor: vendor, file: file, startedAtMilliseconds: started,
            duration: ContinuousClock.now - timer, steps: steps)
    }

    func runActor(
        _ deliveries: [PreparedDelivery], stop: StopFlag, onStep: @Sendable (StepResult) -> Void,
        onRetry: @escaping @Sendable (RetryNotice) -> Void
    ) async -> [StepResult] {
        let ordered = Reordering.apply(deliveries) { $0.fault == .reorder }
        var results: [StepResult] = []
        for delivery in ordered {
            let stopped = await stop.isSet
            if Task.isCancelled || stopped {
                let skipped = notSent(
                    delivery, Task.isCancelled ? "interrupted" : "fail-fast: an earlier step failed")
                onStep(skipped)
                results.append(skipped)
                continue
            }
            let result = await runStep(delivery, onRetry: onRetry)
            if case .failed = result.verdict, options.failFast { await stop.set() }
            if case .error = result.verdict, options.failFast { await stop.set() }
            onStep(result)
            results.append(result)
        }
        return results
    }

    /// Sends one step (after its `after:` wait) and checks the answers. `onRetry` hears of each
    /// wait for a retry.
    func runStep(
        _ delivery: PreparedDelivery, onRetry: @escaping @Sendable (RetryNotice) -> Void = { _ in }
    ) async -> StepResult {
        let url = delivery.request.url
        if let verdict = await watch?.verdict(for: url) { return notSent(delivery, verdict.stopReason) }
        var started = clock.nowMilliseconds()
        var faultOptions = options.faultOptions
        faultOptions.timeScale = options.timeScale
        if delivery.fault == .vendorRetries, let policy = delivery.retryPolicy {
            faultOptions.retryPolicy = policy
        }
        let plan: [PlannedSend]
        do {
            plan = try FaultInjector.plan(delivery.request, fault: delivery.fault, options: faultOptions)
        } catch {
            return StepResult(
                name: delivery.name, actor: delivery.actor, event: delivery.request.event,
                fault: delivery.fault?.rawValue,
                index: delivery.index, verdict: .error(error.description), startedAtMilliseconds: started
            )
        }
        let sleep = sleeper(toward: url)
        let wait = delivery.after * options.timeScale
        if wait > .zero {
            do {
                try await sleep(wait)
            } catch let stop as DeliveryStop {
                return notSent(delivery, stop.reason)
            } catch {
                return notSent(delivery, "interrupted")
            }
        }
        // The step's time is its delivery: every attempt and the waits between them, not `after:`.
        started = clock.nowMilliseconds()
        let timer = ContinuousClock.now
        var sends: [SendRecord] = []
        var failures: [String] = []
        for planned in plan {
            let policy = planned.retryPolicy ?? delivery.retryPolicy?.scaled(by: options.timeScale) ?? .none
            let label = plan.count > 1 ? planned.label : nil
            let hooks = DeliveryHooks(
                attemptEnded: { [watch] attempt in
                    await watch?.record(attempt.exchange).map { DeliveryStop($0.stopReason) }
                },
                waitingForRetry: { [options] wait in
                    onRetry(
                        RetryNotice(
                            step: delivery.name, actor: delivery.actor, fault: delivery.fault?.rawValue,
                            send: label, retry: wait, timeScale: options.timeScale))
                })
            let result = await DeliveryLoop.deliver(
                policy: policy, transport: transport, initialDelay: planned.delayBefore, clock: clock,
                sleep: sleep, hooks: hooks,
                makeRequest: planned.makeRequest
            )
            sends.append(SendRecord(label: planned.label, result: result))
            if result.outcome == .cancelled {
                // Interrupted: judge the answers that arrived; a request already on its way is
                // reported as sent, not as never sent.
                let answered = result.attempts.last { $0.exchange.failure?.kind != .cancelled }
                if let exchange = answered?.exchange {
                    let found = await delivery.check(exchange)
                    failures += label.map { label in found.map { "\(label): \($0)" } } ?? found
                }
                if !result.attempts.isEmpty {
                    let when =
                        result.attempts.last?.exchange.failure?.kind == .cancelled
                        ? "interrupted while the request was in flight (the consumer may have received it); no answer arrived"
                        : "interrupted while waiting to resend"
                    failures.append((label.map { "\($0): " } ?? "") + when)
                }
                break
            }
            if let exchange = result.lastExchange {
                let found = await delivery.check(exchange)
                failures += label.map { label in found.map { "\(label): \($0)" } } ?? found
            } else if case .failed(let reason) = result.outcome {
                // Stopped before its first attempt (its target was given up on during a delay).
                failures.append((label.map { "\($0): " } ?? "") + "not sent: " + reason)
            }
        }
        let verdict: StepResult.Verdict
        if sends.last?.result.outcome == .cancelled, sends.allSatisfy({ $0.result.attempts.isEmpty }) {
            verdict = .notSent("interrupted")
        } else if sends.allSatisfy({ $0.result.attempts.isEmpty }),
            case .failed(let reason)? = sends.last?.result.outcome
        {
            verdict = .notSent(reason)
        } else {
            verdict = failures.isEmpty ? .passed : .failed(failures)
        }
        return StepResult(
            name: delivery.name, actor: delivery.actor, event: delivery.request.event,
            fault: delivery.fault?.rawValue,
            index: delivery.index, verdict: verdict, sends: sends, startedAtMilliseconds: started,
            duration: ContinuousClock.now - timer
        )
    }

    /// `sleep`, cut short with ``DeliveryStop`` once the watch gives up on the target of `url`.
    func sleeper(toward url: String) -> DeliveryLoop.Sleeper {
        guard let watch else { return sleep }
        let sleep = self.sleep
        return { duration in try await watch.sleep(duration, toward: url, using: sleep) }
    }

    func notSent(_ delivery: PreparedDelivery, _ reason: String) -> StepResult {
        StepResult(
            name: delivery.name, actor: delivery.actor, event: delivery.request.event,
            fault: delivery.fault?.rawValue,
            index: delivery.index, verdict: .notSent(reason), startedAtMilliseconds: clock.nowMilliseconds()
        )
    }
}

/// Set once a step failed under fail-fast.
actor StopFlag {
    private(set) var isSet = false
    func set() { isSet = true }
}

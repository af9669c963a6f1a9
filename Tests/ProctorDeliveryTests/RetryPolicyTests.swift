import ProctorCore
import ProctorDelivery
import ProctorSigning
import ProctorVendors
import Testing

@Suite struct RetryPolicyTests {
    func exchange(status: Int, headers: HeaderFields = [], duration: Duration = .milliseconds(10)) -> Exchange
    {
        Exchange(
            request: OutgoingRequest(url: "http://127.0.0.1/x", body: []), startedAtMilliseconds: 0,
            duration: duration,
            outcome: .success(ResponseSummary(status: status, headers: headers)))
    }

    func failure(_ kind: TransportFailure.Kind) -> Exchange {
        Exchange(
            request: OutgoingRequest(url: "http://127.0.0.1/x", body: []), startedAtMilliseconds: 0,
            duration: .zero,
            outcome: .failure(TransportFailure(kind, "test")))
    }

    @Test func svixScheduleAndScaling() {
        let policy = RetryPolicy.svix
        #expect(
            policy.delays == [
                .seconds(5), .seconds(300), .seconds(1800), .seconds(7200), .seconds(18000), .seconds(36000),
                .seconds(36000),
            ])
        #expect(policy.maxAttempts == 8)
        let scaled = policy.scaled(by: 0.001)
        #expect(scaled.delays.first == .milliseconds(5))
        #expect(scaled.delays[1] == .milliseconds(300))
        #expect(scaled.successWithin == .seconds(15))
    }

    @Test func svixRetriesEveryFailureUntilExhausted() {
        let policy = RetryPolicy.svix
        #expect(policy.decide(afterAttempt: 1, exchange: exchange(status: 200)) == .delivered)
        #expect(policy.decide(afterAttempt: 1, exchange: exchange(status: 500)) == .retry(after: .seconds(5)))
        #expect(
            policy.decide(afterAttempt: 2, exchange: exchange(status: 302)) == .retry(after: .seconds(300)))
        #expect(
            policy.decide(afterAttempt: 3, exchange: failure(.connectionRefused))
                == .retry(after: .seconds(1800)))
        guard case .giveUp(let reason) = policy.decide(afterAttempt: 8, exchange: exchange(status: 500))
        else {
            Issue.record("expected give up")
            return
        }
        #expect(reason.contains("no retries left after 8 attempts"))
    }

    /// A request that cannot be sent (a header with a line break) is not resent on any schedule.
    @Test func anUnsendableRequestIsNotResent() {
        for policy in [
            RetryPolicy.svix, VendorCatalog.standard.profile(for: "qualified")?.retryPolicy ?? .none,
        ] {
            guard
                case .giveUp(let reason) = policy.decide(afterAttempt: 1, exchange: failure(.invalidRequest))
            else {
                Issue.record("expected give up")
                continue
            }
            #expect(reason.contains("not resent"))
        }
    }

    @Test func svixSlowSuccessIsAFailure() {
        let verdict = RetryPolicy.svix.verdict(for: exchange(status: 200, duration: .seconds(16)))
        guard case .failed(let reason, let retryable) = verdict else {
            Issue.record("expected failure")
            return
        }
        #expect(retryable)
        #expect(reason.contains("success window"))
    }

    @Test func abortHeaderStopsSvix() {
        let decision = RetryPolicy.svix.decide(
            afterAttempt: 1, exchange: exchange(status: 500, headers: [("Webhook-Delivery", "abort-message")])
        )
        guard case .giveUp(let reason) = decision else {
            Issue.record("expected give up")
            return
        }
        #expect(reason.contains("abort-message"))
    }

    @Test(arguments: [502, 503, 504, 520, 521, 523, 525, 526, 527, 530])
    func qualifiedRetriesListedStatuses(status: Int) {
        #expect(
            RetryPolicy.qualified.decide(afterAttempt: 1, exchange: exchange(status: status))
                == .retry(after: .seconds(60)))
    }

    @Test(arguments: [400, 401, 404, 500, 501, 522, 524, 301])
    func qualifiedDoesNotRetryOtherStatuses(status: Int) {
        guard
            case .giveUp(let reason) = RetryPolicy.qualified.decide(
                afterAttempt: 1, exchange: exchange(status: status))
        else {
            Issue.record("expected give up")
            return
        }
        #expect(reason.contains("does not retry"))
    }

    @Test func qualifiedRetriesConnectionFailuresOnce() {
        let policy = RetryPolicy.qualified
        #expect(
            policy.decide(afterAttempt: 1, exchange: failure(.connectionRefused))
                == .retry(after: .seconds(60)))
        #expect(
            policy.decide(afterAttempt: 1, exchange: failure(.connectTimeout)) == .retry(after: .seconds(60)))
        if case .retry = policy.decide(afterAttempt: 1, exchange: failure(.timeout)) {
            Issue.record("a read timeout is not a connection failure")
        }
        if case .retry = policy.decide(afterAttempt: 2, exchange: failure(.connectionRefused)) {
            Issue.record("only one retry")
        }
        #expect(policy.connectTimeout == .seconds(5))
    }

    @Test func vendorDefaults() {
        #expect(
            RetryPolicy.vendor("testlify")?.delays == [
                .seconds(5), .seconds(300), .seconds(1800), .seconds(7200), .seconds(18000), .seconds(36000),
                .seconds(36000),
            ])
        #expect(RetryPolicy.vendor("testlify")?.successWithin == .seconds(15))
        #expect(RetryPolicy.vendor("qualified")?.delays == [.seconds(60)])
        #expect(RetryPolicy.vendor("talview")?.delays == [.seconds(30), .seconds(300), .seconds(1800)])
        #expect(RetryPolicy.vendor("testlify-v1")?.maxAttempts == 1)
        #expect(RetryPolicy.vendor("nobody") == nil)
    }
}

/// Records the delays the loop asks for instead of sleeping.
actor SleepLog {
    var delays: [Duration] = []
    func add(_ d: Duration) { delays.append(d) }
}

@Suite struct DeliveryLoopTests {
    @Test func resignsEveryAttemptAndFollowsTheSchedule() async {
        let statuses = StatusScript([503, 503, 200])
        let transport = ClosureTransport.responding { _ in .success(ResponseSummary(status: statuses.next()))
        }
        let log = SleepLog()
        let clock = SteppingClock(start: 1_700_000_000_000, step: 1000)
        let result = await DeliveryLoop.deliver(
            policy: .svix.scaled(by: 0.001), transport: transport, clock: clock, sleep: { await log.add($0) }
        ) { context in
            OutgoingRequest(
                url: "http://127.0.0.1/x",
                headers: [
                    ("svix-timestamp", String(context.nowSeconds)), ("attempt", String(context.attempt)),
                ], body: [])
        }
        #expect(result.outcome == .delivered)
        #expect(result.attempts.count == 3)
        #expect(await log.delays == [.milliseconds(5), .milliseconds(300)])
        let timestamps = result.attempts.map { $0.exchange.request.headers["svix-timestamp"] }
        #expect(Set(timestamps).count == 3)
        #expect(result.attempts.map(\.exchange.request.headers["attempt"]) == ["1", "2", "3"])
    }

    @Test func givesUpWithTheReason() async {
        let transport = ClosureTransport.responding { _ in .success(ResponseSummary(status: 500)) }
        let result = await DeliveryLoop.deliver(policy: .qualified, transport: transport, sleep: { _ in }) {
            _ in
            OutgoingRequest(url: "http://127.0.0.1/x", body: [])
        }
        #expect(result.attempts.count == 1)
        #expect(result.outcome == .failed(reason: "status 500; qualified does not retry this"))
    }

    @Test func hooksHearEveryAttemptAndEveryWait() async {
        let statuses = StatusScript([503, 500, 200])
        let transport = ClosureTransport.responding { _ in .success(ResponseSummary(status: statuses.next()))
        }
        let attempts = LockedBox<[Int]>([])
        let waits = LockedBox<[RetryWait]>([])
        let hooks = DeliveryHooks(
            attemptEnded: { attempt in
                attempts.withValue { $0.append(attempt.number) }
                return nil
            },
            waitingForRetry: { wait in waits.withValue { $0.append(wait) } })
        let result = await DeliveryLoop.deliver(
            policy: .svix.scaled(by: 0.001), transport: transport,
            clock: FixedClock(milliseconds: 1_700_000_000_000), sleep: { _ in }, hooks: hooks
        ) { _ in OutgoingRequest(url: "http://127.0.0.1/x", body: []) }
        #expect(result.outcome == .delivered)
        #expect(attempts.withValue { $0 } == [1, 2, 3])
        let seen = waits.withValue { $0 }
        #expect(seen.map(\.failed.number) == [1, 2])
        #expect(seen.map(\.reason) == ["status 503", "status 500"])
        #expect(seen.map(\.wait) == [.milliseconds(5), .milliseconds(300)])
        #expect(seen.map(\.nextAttempt) == [2, 3])
        #expect(seen.map(\.maxAttempts) == [8, 8])
        #expect(seen.map(\.nextAttemptAtMilliseconds) == [1_700_000_000_005, 1_700_000_000_300])
    }

    @Test func aStopAfterAnAttemptEndsTheDeliveryAsFailed() async {
        let transport = ClosureTransport.responding { _ in .success(ResponseSummary(status: 503)) }
        let waits = LockedBox(0)
        let hooks = DeliveryHooks(
            attemptEnded: { $0.number == 2 ? DeliveryStop("the target is gone") : nil },
            waitingForRetry: { _ in waits.withValue { $0 += 1 } })
        let result = await DeliveryLoop.deliver(
            policy: .svix, transport: transport, sleep: { _ in }, hooks: hooks
        ) { _ in OutgoingRequest(url: "http://127.0.0.1/x", body: []) }
        #expect(result.attempts.count == 2)
        #expect(result.outcome == .failed(reason: "status 503; the target is gone"))
        #expect(waits.withValue { $0 } == 1)
    }

    @Test func aStopAfterAnAcceptedAttemptChangesNothing() async {
        let transport = ClosureTransport.responding { _ in .success(ResponseSummary(status: 200)) }
        let hooks = DeliveryHooks(attemptEnded: { _ in DeliveryStop("never mind") })
        let result = await DeliveryLoop.deliver(
            policy: .svix, transport: transport, sleep: { _ in }, hooks: hooks
        ) { _ in OutgoingRequest(url: "http://127.0.0.1/x", body: []) }
        #expect(result.outcome == .delivered)
    }

    @Test func aWaitCutShortEndsTheDeliveryAsFailedAndCancellationStaysCancelled() async {
        let transport = ClosureTransport.responding { _ in .success(ResponseSummary(status: 503)) }
        let stopped = await DeliveryLoop.deliver(
            policy: .svix, transport: transport, sleep: { _ in throw DeliveryStop("the target is gone") }
        ) { _ in OutgoingRequest(url: "http://127.0.0.1/x", body: []) }
        #expect(stopped.attempts.count == 1)
        #expect(stopped.outcome == .failed(reason: "status 503; the target is gone"))
        let delayed = await DeliveryLoop.deliver(
            policy: .svix, transport: transport, initialDelay: .seconds(5),
            sleep: { _ in throw DeliveryStop("the target is gone") }
        ) { _ in OutgoingRequest(url: "http://127.0.0.1/x", body: []) }
        #expect(delayed.attempts.isEmpty)
        #expect(delayed.outcome == .failed(reason: "the target is gone"))
        let cancelled = await DeliveryLoop.deliver(
            policy: .svix, transport: transport, sleep: { _ in throw CancellationError() }
        ) { _ in OutgoingRequest(url: "http://127.0.0.1/x", body: []) }
        #expect(cancelled.outcome == .cancelled)
    }
}

/// Hands out scripted statuses in order; the last repeats.
final class StatusScript: Sendable {
    private let state: LockedBox<[Int]>
    init(_ statuses: [Int]) { state = LockedBox(statuses) }
    func next() -> Int {
        state.withValue { values in values.count > 1 ? values.removeFirst() : (values.first ?? 200) }
    }
}

/// A clock that moves forward by `step` milliseconds each time it is read.
final class SteppingClock: WallClock {
    private let now: LockedBox<Int64>
    let step: Int64
    init(start: Int64, step: Int64) {
        now = LockedBox(start)
        self.step = step
    }
    func nowMilliseconds() -> Int64 {
        now.withValue { value in
            defer { value += step }; return value
        }
    }
}

/// The vendors' schedules, read from their profiles.
extension RetryPolicy {
    static func vendor(_ name: String) -> RetryPolicy? {
        VendorCatalog.standard.profile(for: name)?.retryPolicy
    }
    static var svix: RetryPolicy { vendor("testlify") ?? .none }
    static var qualified: RetryPolicy { vendor("qualified") ?? .none }
}

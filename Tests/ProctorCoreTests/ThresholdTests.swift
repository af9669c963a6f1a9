import Foundation
import Testing

@testable import ProctorCore

struct ThresholdTests {
    typealias Parsed = (String, String?, Threshold.Metric, Threshold.Comparison, Threshold.Limit)

    static let parsed: [Parsed] = [
        ("p99<300ms", nil, .percentile(99), .less, .microseconds(300_000)),
        ("p99.9 <= 1.5s", nil, .percentile(99.9), .lessOrEqual, .microseconds(1_500_000)),
        ("p50>=250us", nil, .percentile(50), .greaterOrEqual, .microseconds(250)),
        ("avg<50ms", nil, .mean, .less, .microseconds(50_000)),
        ("mean<50ms", nil, .mean, .less, .microseconds(50_000)),
        ("max<2s", nil, .max, .less, .microseconds(2_000_000)),
        ("min>1us", nil, .min, .greater, .microseconds(1)),
        ("error_rate<1%", nil, .errorRate, .less, .share(0.01)),
        ("error_rate<=0.05", nil, .errorRate, .lessOrEqual, .share(0.05)),
        ("rate>=95%", nil, .rate, .greaterOrEqual, .share(0.95)),
        ("rate>=400/s", nil, .rate, .greaterOrEqual, .perSecond(400)),
        (
            "candidate.completed:p95<200ms", "candidate.completed", .percentile(95), .less,
            .microseconds(200_000)
        ),
        (
            " ae.test_instance.created : error_rate < 10% ", "ae.test_instance.created", .errorRate, .less,
            .share(0.1)
        ),
    ]

    @Test(arguments: parsed)
    func parses(
        text: String, event: String?, metric: Threshold.Metric, comparison: Threshold.Comparison,
        limit: Threshold.Limit
    ) throws {
        let t = try Threshold(parsing: text)
        #expect(t.event == event)
        #expect(t.metric == metric)
        #expect(t.comparison == comparison)
        #expect(t.limit == limit)
        #expect(t.text == text.trimmingCharacters(in: .whitespaces))
    }

    @Test(arguments: [
        ("p99", "threshold \"p99\": no comparison; expected " + Threshold.acceptedForms),
        ("p99=300ms", "threshold \"p99=300ms\": the comparison must be <, <=, > or >="),
        ("p99!=300ms", "threshold \"p99!=300ms\": the comparison must be <, <=, > or >="),
        ("p99<", "threshold \"p99<\": no value after <"),
        ("<300ms", "threshold \"<300ms\": no metric; expected " + Threshold.acceptedForms),
        (
            "p999<1s",
            "threshold \"p999<1s\": unknown metric \"p999\" (p50..p99.999, avg, min, max, error_rate or rate)"
        ),
        (
            "latency<1s",
            "threshold \"latency<1s\": unknown metric \"latency\" (p50..p99.999, avg, min, max, error_rate or rate)"
        ),
        ("p99<300", "threshold \"p99<300\": p99 needs a duration such as 300ms, 1.5s or 250us, not \"300\""),
        (
            "error_rate<101%",
            "threshold \"error_rate<101%\": error_rate needs a share such as 1% or 0.01 (0% to 100%), not \"101%\""
        ),
        (
            "error_rate<lots",
            "threshold \"error_rate<lots\": error_rate needs a share such as 1% or 0.01 (0% to 100%), not \"lots\""
        ),
        (
            "rate>=fast",
            "threshold \"rate>=fast\": rate needs a share of the requested rate (95%) or arrivals per second (400/s), not \"fast\""
        ),
        (":p99<1s", "threshold \":p99<1s\": no event before \":\""),
    ])
    func rejects(text: String, message: String) {
        #expect(throws: ThresholdError(message)) { try Threshold(parsing: text) }
    }

    @Test func problemsDependOnWhatTheCommandMeasures() throws {
        let open = ThresholdContext(command: "load", measuresEvents: false, rate: .requested)
        let closed = ThresholdContext(command: "load", measuresEvents: false, rate: .absolute)
        let run = ThresholdContext(command: "run", measuresEvents: true, rate: .none)
        let share = try Threshold(parsing: "rate>=95%")
        let absolute = try Threshold(parsing: "rate>=10/s")
        let perEvent = try Threshold(parsing: "candidate.invited:p99<1s")
        #expect(share.problem(in: open) == nil)
        #expect(absolute.problem(in: closed) == nil)
        #expect(
            share.problem(in: closed)
                == "threshold \"rate>=95%\": no rate was requested (closed model); give an absolute rate such as rate>=400/s"
        )
        #expect(absolute.problem(in: run) == "threshold \"rate>=10/s\": rate is not measured by run")
        #expect(
            perEvent.problem(in: open)
                == "threshold \"candidate.invited:p99<1s\": load measures all events together, without an event prefix"
        )
        #expect(perEvent.problem(in: run) == nil)
    }

    /// Latencies 1..100 ms: p50 50ms, p99 99ms, max 100ms, mean 50.5ms; 3 of 100 failed.
    private let figures = ThresholdFigures(
        latencies: (1...100).map { Double($0) * 1000 }, requests: 100, failed: 3)

    @Test(arguments: [
        ("p50<=50ms", true, "p50 50ms"),
        ("p50<50ms", false, "p50 50ms"),
        ("p99<100ms", true, "p99 99ms"),
        ("p99.9<100ms", false, "p99.9 100ms"),
        ("max<=100ms", true, "max 100ms"),
        ("min>1ms", false, "min 1ms"),
        ("avg<51ms", true, "avg 50.5ms"),
        ("error_rate<3%", false, "error_rate 3% (3 of 100)"),
        ("error_rate<=0.03", true, "error_rate 3% (3 of 100)"),
    ])
    func judgesKnownFigures(text: String, passed: Bool, observed: String) throws {
        let verdict = try Threshold(parsing: text).evaluate { _ in figures }
        #expect(verdict == ThresholdVerdict(threshold: text, passed: passed, observed: observed))
    }

    @Test func rateIsJudgedAgainstTheRequestedRate() throws {
        var f = figures
        f.achievedPerSecond = 95
        f.requestedPerSecond = 100
        #expect(try Threshold(parsing: "rate>=95%").evaluate { _ in f }.passed)
        #expect(try !Threshold(parsing: "rate>96%").evaluate { _ in f }.passed)
        #expect(try Threshold(parsing: "rate>=95%").evaluate { _ in f }.observed == "rate 95% (95/s)")
        #expect(try Threshold(parsing: "rate>=5700/m").evaluate { _ in f }.passed)
        #expect(try !Threshold(parsing: "rate>=96/s").evaluate { _ in f }.passed)
    }

    @Test func nothingMeasuredIsABreach() throws {
        let verdict = try Threshold(parsing: "candidate.completed:p99<1s").evaluate { event in
            event == "candidate.completed" ? nil : figures
        }
        #expect(verdict.passed == false)
        #expect(verdict.observed == "p99 - (nothing measured)")
        #expect(verdict.description == "✗ candidate.completed:p99<1s  (p99 - (nothing measured))")
    }
}

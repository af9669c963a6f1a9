import ProctorCore
import ProctorDelivery
import ProctorJSON
import ProctorSigning

/// `--report json=PATH`: every request and response with timings; secret-bearing headers masked.
public enum JSONReport {
    public static func render(_ run: RunResult) -> [UInt8] {
        var bytes = json(run).serializedBytes(style: .pretty)
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    public static func json(_ run: RunResult) -> JSONValue {
        let c = run.counts
        return object([
            ("startedAtMs", .number(JSONNumber(run.startedAtMilliseconds))),
            ("durationMs", ms(run.duration)),
            ("target", run.target.map(JSONValue.string) ?? .null),
            ("seed", run.seed.flatMap { JSONNumber(literal: String($0)) }.map(JSONValue.number) ?? .null),
            ("interrupted", .bool(run.interrupted)),
            ("unreachableTargets", .array(run.unreachableTargets.map(unreachable))),
            ("passed", .bool(run.passed)),
            (
                "counts",
                object([
                    ("total", .int(c.total)), ("passed", .int(c.passed)), ("failed", .int(c.failed)),
                    ("errors", .int(c.errors)), ("notSent", .int(c.notSent)),
                ])
            ),
            ("thresholds", .array(run.thresholds.map(threshold))),
            ("scenarios", .array(run.scenarios.map(scenario))),
        ])
    }

    /// `{"threshold": "p99<300ms", "scenario": null, "passed": true, "observed": "p99 212ms"}`.
    static func threshold(_ t: RunThresholdVerdict) -> JSONValue {
        object([
            ("threshold", .string(t.verdict.threshold)),
            ("scenario", t.scenario.map(JSONValue.string) ?? .null),
            ("passed", .bool(t.verdict.passed)), ("observed", .string(t.verdict.observed)),
        ])
    }

    static func unreachable(_ u: UnreachableTarget) -> JSONValue {
        object([
            ("url", .string(u.url)), ("attempts", .int(u.attempts)), ("spanMs", ms(u.span)),
            ("lastFailure", .string(u.lastFailure)), ("stoppedEarly", .bool(u.stoppedEarly)),
            ("message", .string(u.summary)),
        ])
    }

    static func scenario(_ s: ScenarioResult) -> JSONValue {
        object([
            ("name", .string(s.name)), ("vendor", .string(s.vendor)),
            ("file", s.file.map(JSONValue.string) ?? .null),
            ("startedAtMs", .number(JSONNumber(s.startedAtMilliseconds))), ("durationMs", ms(s.duration)),
            ("steps", .array(s.steps.map(step))),
        ])
    }

    static func step(_ s: StepResult) -> JSONValue {
        let verdict: (String, JSONValue) =
            switch s.verdict {
            case .passed: ("passed", .array([]))
            case .failed(let failures): ("failed", .array(failures.map(JSONValue.string)))
            case .error(let reason): ("error", .array([.string(reason)]))
            case .notSent(let reason): ("not-sent", .array([.string(reason)]))
            }
        return object([
            ("name", .string(s.name)), ("id", s.id.map(JSONValue.string) ?? .null),
            ("actor", s.actor.map(JSONValue.string) ?? .null),
            ("event", s.event.map(JSONValue.string) ?? .null),
            ("fault", s.fault.map(JSONValue.string) ?? .null), ("verdict", .string(verdict.0)),
            ("failures", verdict.1),
            ("delivery", .string(s.deliverySummary)),
            ("startedAtMs", .number(JSONNumber(s.startedAtMilliseconds))), ("durationMs", ms(s.duration)),
            ("sends", .array(s.sends.map(send))),
        ])
    }

    static func send(_ s: SendRecord) -> JSONValue {
        let outcome: JSONValue =
            switch s.result.outcome {
            case .delivered: .string("delivered")
            case .failed(let reason): object([("failed", .string(reason))])
            case .cancelled: .string("cancelled")
            }
        return object([
            ("label", .string(s.label)), ("mirror", .bool(s.isMirror)), ("outcome", outcome),
            ("attempts", .array(s.result.attempts.map(attempt))),
        ])
    }

    static func attempt(_ a: AttemptRecord) -> JSONValue {
        let e = a.exchange
        let verdict: JSONValue =
            switch a.verdict {
            case .accepted: .string("accepted")
            case .failed(let reason, let retryable):
                object([("failed", .string(reason)), ("retryable", .bool(retryable))])
            case .aborted(let reason): object([("aborted", .string(reason))])
            }
        var request: [(String, JSONValue)] = [
            ("method", .string(e.request.method)), ("url", .string(e.request.url)),
            ("headers", headers(e.request.maskedHeaders)),
            ("bodyBytes", .int(e.request.body.count)),
            ("body", .string(String(decoding: e.request.body, as: UTF8.self))),
        ]
        switch e.request.mode {
        case .normal: break
        case .slow(let size, let interval):
            request.append(
                ("mode", .string("slow: \(size)-byte chunks every \(DurationText.format(interval))")))
        case .truncated(let sent):
            request.append(("mode", .string("truncated: \(sent) of \(e.request.body.count) bytes")))
        }
        var fields: [(String, JSONValue)] = [
            ("number", .int(a.number)), ("waitedMs", ms(a.waitedBefore)),
            ("startedAtMs", .number(JSONNumber(e.startedAtMilliseconds))),
            ("durationMs", ms(e.duration)), ("verdict", verdict), ("request", object(request)),
        ]
        switch e.outcome {
        case .success(let r):
            fields.append(
                (
                    "response",
                    object([
                        ("status", .int(r.status)), ("httpVersion", .string(r.httpVersion)),
                        ("headers", headers(r.headers.masked(sensitive: e.request.sensitive))),
                        ("body", .string(r.bodyText)), ("bodyTruncated", .bool(r.bodyTruncated)),
                    ])
                ))
        case .failure(let f):
            fields.append(
                ("failure", object([("kind", .string(f.kind.rawValue)), ("reason", .string(f.reason))])))
        }
        return object(fields)
    }

    static func headers(_ h: HeaderFields) -> JSONValue {
        .array(h.map { object([("name", .string($0.name)), ("value", .string($0.value))]) })
    }

    static func object(_ pairs: [(String, JSONValue)]) -> JSONValue { .object(JSONObject(pairs)) }

    static func ms(_ d: Duration) -> JSONValue { .number(JSONNumber(Double(d.nanoseconds / 1000) / 1000)) }
}

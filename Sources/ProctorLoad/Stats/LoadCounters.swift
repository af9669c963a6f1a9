/// What can go wrong with one request.
public enum LoadErrorKind: String, Sendable, Codable, CaseIterable {
    /// Answered with a 1xx (final), 3xx, 4xx or 5xx status.
    case status1xx = "1xx", status3xx = "3xx", status4xx = "4xx", status5xx = "5xx"
    /// Not answered within the timeout (waiting for a connection or for the response).
    case timeout
    /// Connection refused, reset or closed before the response ended.
    case connection
    /// The response was not HTTP/1.x.
    case protocolError = "protocol"
    /// The body could not be generated (fresh payloads).
    case generation
}

/// Counts of one process (or of merged shards).
public struct LoadCounters: Sendable, Codable, Equatable {
    /// Actors due to start (arrivals in the open model, starts in the closed model).
    public var arrivals: UInt64 = 0
    /// Arrivals not started because `--max-in-flight` actors were already active.
    public var dropped: UInt64 = 0
    /// Actors that ran all their steps.
    public var actorsCompleted: UInt64 = 0
    /// Actors stopped by a request that got no answer (a timeout, a connection or protocol error,
    /// a body that could not be generated).
    public var actorsFailed: UInt64 = 0
    /// Actors whose next request had not been sent when the run stopped.
    public var actorsCancelled: UInt64 = 0
    /// Requests written to a connection.
    public var sent: UInt64 = 0
    /// Body bytes of the requests written (headers not counted).
    public var bodyBytes: UInt64 = 0
    /// Requests answered with a 2xx.
    public var succeeded: UInt64 = 0
    /// Requests that were queued when the run was interrupted and never sent.
    public var cancelled: UInt64 = 0
    /// Failed requests by kind.
    public var errors: [String: UInt64] = [:]
    /// Answered requests by status code (`"200"`, `"503"`).
    public var statuses: [String: UInt64] = [:]

    public init() {}

    /// Actors started: `arrivals - dropped`, each of which ends completed, failed or cancelled.
    public var actorsStarted: UInt64 { arrivals - min(arrivals, dropped) }

    /// Requests answered with a status, 2xx or not.
    public var answered: UInt64 {
        succeeded
            + [LoadErrorKind.status1xx, .status3xx, .status4xx, .status5xx].reduce(0) {
                $0 + (errors[$1.rawValue] ?? 0)
            }
    }

    public var errorCount: UInt64 { errors.values.reduce(0, +) }

    /// Requests that ended, well or not (and were recorded in the latency histograms when answered).
    public var completed: UInt64 { succeeded + errorCount }

    mutating func count(_ kind: LoadErrorKind) { errors[kind.rawValue, default: 0] += 1 }

    enum CodingKeys: String, CodingKey {
        case arrivals, dropped, actorsCompleted, actorsFailed, actorsCancelled, sent, bodyBytes, succeeded
        case cancelled, errors, statuses
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        arrivals = try c.decode(UInt64.self, forKey: .arrivals)
        dropped = try c.decode(UInt64.self, forKey: .dropped)
        actorsCompleted = try c.decode(UInt64.self, forKey: .actorsCompleted)
        // Reports written before actors were counted by outcome have neither.
        actorsFailed = try c.decodeIfPresent(UInt64.self, forKey: .actorsFailed) ?? 0
        actorsCancelled = try c.decodeIfPresent(UInt64.self, forKey: .actorsCancelled) ?? 0
        sent = try c.decode(UInt64.self, forKey: .sent)
        bodyBytes = try c.decode(UInt64.self, forKey: .bodyBytes)
        succeeded = try c.decode(UInt64.self, forKey: .succeeded)
        cancelled = try c.decode(UInt64.self, forKey: .cancelled)
        errors = try c.decode([String: UInt64].self, forKey: .errors)
        statuses = try c.decodeIfPresent([String: UInt64].self, forKey: .statuses) ?? [:]
    }

    public mutating func add(_ other: LoadCounters) {
        arrivals += other.arrivals
        dropped += other.dropped
        actorsCompleted += other.actorsCompleted
        actorsFailed += other.actorsFailed
        actorsCancelled += other.actorsCancelled
        sent += other.sent
        bodyBytes += other.bodyBytes
        succeeded += other.succeeded
        cancelled += other.cancelled
        for (k, v) in other.errors { errors[k, default: 0] += v }
        for (k, v) in other.statuses { statuses[k, default: 0] += v }
    }
}

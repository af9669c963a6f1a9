import ProctorCore

/// How actors arrive.
public enum LoadModel: Sendable, Hashable {
    /// Open model: new actors start at `actorsPerSecond` whatever the target's speed; an actor's
    /// steps follow one another as fast as responses come back.
    case open(actorsPerSecond: Double)
    /// Closed model: `concurrency` actors at a time; a finished actor is replaced at once.
    case closed(concurrency: Int)

    /// `open` or `closed`, as reports name the model.
    public var name: String {
        switch self {
        case .open: "open"
        case .closed: "closed"
        }
    }
}

/// Where payload bodies come from.
public enum PayloadMode: String, Sendable, Hashable, CaseIterable {
    /// Each actor is one of a pool of prototype actors built with the vendor builders at start,
    /// given its own candidate id and email (the builder's own field overrides), so that every
    /// body is byte for byte what the builder makes for that actor. Fast.
    case pooled
    /// Every request is built from scratch by the vendor builder for its own actor (about a
    /// millisecond of CPU each). For low rates and for checking the pooled mode.
    case fresh
}

/// Which part of the actors this process sends: actor `i` belongs to shard `i % count`.
public struct Shard: Sendable, Hashable, Codable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    public static let whole = Shard(index: 0, count: 1)

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Parses `I/N` with 0 <= I < N.
    public init(parsing text: String) throws(LoadError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, (0..<n).contains(i)
        else {
            throw LoadError("--shard must be I/N with 0 <= I < N (e.g. 0/4), not \"\(text)\"")
        }
        index = i
        count = n
    }

    /// Whether global actor `actor` belongs to this shard.
    public func owns(actor: Int) -> Bool { actor % count == index }

    /// The global index of this shard's `local`-th actor.
    public func globalActor(local: Int) -> Int { index + count * local }

    public var description: String { "\(index)/\(count)" }
}

/// Everything about a load run other than what is sent.
public struct LoadOptions: Sendable {
    public var model: LoadModel
    /// How long new actors keep arriving (then the run drains what is in flight). Nil: until
    /// `actors` have run.
    public var duration: Duration?
    /// Time over which the arrival rate (open) or the number of active actors (closed) grows from zero.
    public var ramp: Duration
    /// Total actors over all shards (nil: as many as the duration admits).
    public var actors: Int?
    /// Most actors active at once in this process; an arrival beyond it is dropped and counted.
    public var maxInFlight: Int
    /// HTTP/1.1 keep-alive connections in this process.
    public var connections: Int
    /// Sending threads, each with its own socket loop (0: one per core, at most one per connection).
    public var threads: Int
    /// A request not answered within this is counted as a timeout and its connection replaced.
    public var timeout: Duration
    public var shard: Shard
    public var payloads: PayloadMode
    /// Prototype actors per process in pooled mode.
    public var prototypes: Int
    /// Interval of the progress callback and of the latency-over-time series.
    public var interval: Duration
    /// Certificate checks of an `https://` target.
    public var tls: LoadTLS

    public init(
        model: LoadModel, duration: Duration? = .seconds(60), ramp: Duration = .zero, actors: Int? = nil,
        maxInFlight: Int = 10_000, connections: Int = 32, threads: Int = 0, timeout: Duration = .seconds(10),
        shard: Shard = .whole, payloads: PayloadMode = .pooled, prototypes: Int = 64,
        interval: Duration = .seconds(1), tls: LoadTLS = LoadTLS()
    ) {
        self.model = model
        self.duration = duration
        self.ramp = ramp
        self.actors = actors
        self.maxInFlight = maxInFlight
        self.connections = connections
        self.threads = threads
        self.timeout = timeout
        self.shard = shard
        self.payloads = payloads
        self.prototypes = prototypes
        self.interval = interval
        self.tls = tls
    }

    /// Checks the values a person typed.
    public func validate() throws(LoadError) {
        switch model {
        case .open(let rate):
            guard rate > 0, rate.isFinite else { throw LoadError("--rate must be above zero") }
        case .closed(let n):
            guard n >= 1 else { throw LoadError("--concurrency must be at least 1") }
        }
        if duration == nil && actors == nil { throw LoadError("give --duration or --actors (or both)") }
        if let d = duration, d <= .zero { throw LoadError("--duration must be more than 0s") }
        if let a = actors, a < 1 { throw LoadError("--actors must be at least 1") }
        guard ramp >= .zero else { throw LoadError("--ramp cannot be negative") }
        guard maxInFlight >= 1 else { throw LoadError("--max-in-flight must be at least 1") }
        guard connections >= 1 else { throw LoadError("--connections must be at least 1") }
        guard threads >= 0 else { throw LoadError("--threads cannot be negative") }
        guard timeout > .zero else { throw LoadError("--timeout must be more than 0s") }
        guard prototypes >= 1 else { throw LoadError("prototypes must be at least 1") }
        guard interval > .zero else { throw LoadError("the progress interval must be above zero") }
    }

    /// `500/s`, `30/m`, `10/ms`-free forms: a number per second or per minute; a bare number is per second.
    public static func parseRate(_ text: String) throws(LoadError) -> Double {
        let parts = text.split(separator: "/", maxSplits: 1)
        guard let first = parts.first, let value = Double(first), value > 0, value.isFinite else {
            throw LoadError(
                "--rate must be a number per second such as 500/s (or per minute: 600/m), not \"\(text)\"")
        }
        guard parts.count == 2 else { return value }
        switch parts[1] {
        case "s", "sec", "second": return value
        case "m", "min", "minute": return value / 60
        case "h", "hour": return value / 3600
        default:
            throw LoadError(
                "--rate must be a number per second such as 500/s (or per minute: 600/m), not \"\(text)\"")
        }
    }

    /// A duration flag (`60s`, `500ms`, `2m`).
    public static func parseDuration(_ text: String, flag: String) throws(LoadError) -> Duration {
        guard let d = DurationText.parse(text) else {
            throw LoadError("\(flag) must be \(DurationText.acceptedForms), not \"\(text)\"")
        }
        return d
    }
}

extension Duration {
    var secondsValue: Double { Double(nanoseconds) / 1e9 }
}

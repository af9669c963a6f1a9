import ProctorCore
import ProctorSigning
import ProctorVendors

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Answers forced by `--fail-first`, `--status`, `--latency` and `--drop-connection-rate`, to
/// exercise a sender's retries.
public struct ChaosSettings: Sendable, Hashable {
    /// Answer 503 to the first N deliveries of each message id.
    public var failFirst: Int
    /// Statuses for successive deliveries (any message); once used up, deliveries are handled normally.
    /// A 2xx in the sequence lets that delivery through to normal handling.
    public var statusSequence: [Int]
    /// Added before every webhook answer.
    public var latency: Duration
    /// The share (0...1) of deliveries whose connection is closed without an answer.
    public var dropConnectionRate: Double
    /// Seed of the drop decisions.
    public var seed: UInt64

    public init(
        failFirst: Int = 0, statusSequence: [Int] = [], latency: Duration = .zero,
        dropConnectionRate: Double = 0, seed: UInt64 = 1
    ) {
        self.failFirst = failFirst
        self.statusSequence = statusSequence
        self.latency = latency
        self.dropConnectionRate = dropConnectionRate
        self.seed = seed
    }

    public var isEnabled: Bool {
        failFirst > 0 || !statusSequence.isEmpty || latency > .zero || dropConnectionRate > 0
    }

    /// Parses `503,503,200`; nil unless every entry is a status 100...599.
    public static func parseStatuses(_ text: String) -> [Int]? {
        let codes = text.split(separator: ",", omittingEmptySubsequences: false).map {
            Int($0.trimmingWhitespace)
        }
        guard !codes.isEmpty, codes.allSatisfy({ $0.map { (100...599).contains($0) } ?? false }) else {
            return nil
        }
        return codes.compactMap { $0 }
    }

    /// Parses `5%` or `0.05` into a share in 0...1.
    public static func parseRate(_ text: String) -> Double? {
        let isPercent = text.hasSuffix("%")
        guard
            let value = Double(
                isPercent ? String(text.dropLast()).trimmingWhitespace : text.trimmingWhitespace), value >= 0
        else { return nil }
        let rate = isPercent ? value / 100 : value
        return rate <= 1 ? rate : nil
    }
}

/// A body HMAC the receiver requires of one vendor (`serve --hmac VENDOR:HEADER[:SECRET]`, or a
/// scenario's `signing:` for `run`'s built-in receiver).
public struct BodyHMACCheck: Sendable, Hashable, CustomStringConvertible {
    public var header: String
    /// A secret for this check alone; nil: the receiver's secrets.
    public var secret: WebhookSecret?

    public init(header: String, secret: WebhookSecret? = nil) {
        self.header = header
        self.secret = secret
    }

    /// The secret stays masked.
    public var description: String { "HMAC in \(header)" + (secret.map { " (secret \($0))" } ?? "") }
}

/// How long a connection may take over a request, how many may be open at once, and how long a
/// stop waits for requests in flight (`serve --header-timeout`, `--idle-timeout`, `--body-timeout`,
/// `--max-connections`).
public struct ConnectionLimits: Sendable, Hashable {
    /// A request's head (request line and headers) must be complete this long after the
    /// connection opened, or after the first byte of a later request on a kept-alive connection;
    /// otherwise the connection is closed.
    public var headerTimeout: Duration
    /// A connection on which nothing arrives for this long is closed: a kept-alive connection
    /// between requests, or a request whose head or body stops arriving. Not while a request is
    /// being answered.
    public var idleTimeout: Duration
    /// A request's body must be complete this long after its head; otherwise it is answered 408
    /// and the connection closed.
    public var bodyTimeout: Duration
    /// Connections open at once. Beyond it, new connections wait in the listen backlog, unanswered,
    /// until one closes.
    public var maxConnections: Int
    /// How long a stop waits for requests in flight before it closes every connection.
    public var shutdownGrace: Duration

    public init(
        headerTimeout: Duration = .seconds(10), idleTimeout: Duration = .seconds(60),
        bodyTimeout: Duration = .seconds(30), maxConnections: Int = 1024,
        shutdownGrace: Duration = .seconds(1)
    ) {
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.bodyTimeout = bodyTimeout
        self.maxConnections = max(1, maxConnections)
        self.shutdownGrace = shutdownGrace
    }
}

/// Settings of the reference consumer.
public struct ReceiverConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port.
    public var port: Int
    /// The keys requests are verified with (see ``SecretRule``): Standard Webhooks `v1`/`v1a`
    /// and body HMAC headers alike.
    public var secrets: [WebhookSecret]
    /// Body HMAC headers required, by vendor name.
    public var hmacChecks: [String: BodyHMACCheck]
    public var toleranceSeconds: Int64
    /// Larger bodies are answered 413.
    public var maxBodyBytes: Int
    /// How many events, candidates and history entries are kept.
    public var limits: ReceiverStateLimits
    /// Timeouts and the connection cap.
    public var connections: ConnectionLimits
    public var chaos: ChaosSettings
    public var clock: any WallClock
    /// Answer every request 200, to capture what a vendor sends (`serve --accept-all`): any
    /// method and path besides the receiver's own GET routes, signatures that do not verify,
    /// bodies that are not JSON. What would have been refused is noted in the answer's `reason`.
    public var acceptAll = false
    /// Relay every webhook request, once checked, to a consumer (`serve --forward-to`).
    public var forward: ForwardSettings?

    /// The event log keeps this many entries (oldest dropped first).
    public var maxEvents: Int {
        get { limits.maxEvents }
        set { limits.maxEvents = max(1, newValue) }
    }

    public init(
        host: String = "127.0.0.1", port: Int = 0,
        secrets: [WebhookSecret] = [WebhookSecret(SecretRule.exampleSecret)],
        hmacChecks: [String: BodyHMACCheck] = [:],
        toleranceSeconds: Int64 = 300, maxBodyBytes: Int = 1 << 20,
        limits: ReceiverStateLimits = ReceiverStateLimits(),
        connections: ConnectionLimits = ConnectionLimits(),
        chaos: ChaosSettings = ChaosSettings(),
        clock: any WallClock = SystemClock()
    ) {
        self.host = host
        self.port = port
        self.secrets = secrets
        self.hmacChecks = hmacChecks
        self.toleranceSeconds = toleranceSeconds
        self.maxBodyBytes = maxBodyBytes
        self.limits = limits
        self.connections = connections
        self.chaos = chaos
        self.clock = clock
    }

    /// The verifier of one vendor's route: the receiver's secrets and the route's own HMAC secret.
    func verifier(for vendor: String) -> WebhookVerifier {
        WebhookVerifier(
            secrets: secrets + (hmacChecks[vendor]?.secret.map { [$0] } ?? []),
            toleranceSeconds: toleranceSeconds)
    }
}

import Foundation
import ProctorSigning

/// How the body goes onto the wire.
public enum SendMode: Sendable, Hashable {
    /// The whole body at once.
    case normal
    /// The body trickled in chunks of `chunkSize` bytes with `interval` between them.
    case slow(chunkSize: Int, interval: Duration)
    /// `Content-Length` announces the whole body, only the first `sentBytes` are written, then the
    /// connection is closed. Plain `http://` targets only.
    case truncated(sentBytes: Int)
}

/// A request exactly as it is to be sent: the body bytes are the signed bytes.
public struct OutgoingRequest: Sendable, Hashable {
    public var method: String
    public var url: String
    public var headers: HeaderFields
    public var body: [UInt8]
    public var mode: SendMode
    /// Total time allowed, from connecting to the last response byte. The connect limit is the
    /// transport's (``TransportConfiguration/connectTimeout``).
    public var timeout: Duration
    /// The signatures and secrets in the headers, which reports and outputs mask.
    public var sensitive: [String]

    public init(
        method: String = "POST", url: String, headers: HeaderFields = [], body: [UInt8],
        mode: SendMode = .normal, timeout: Duration = .seconds(15), sensitive: [String] = []
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.mode = mode
        self.timeout = timeout
        self.sensitive = sensitive
    }

    /// The headers as outputs show them: signatures and secrets masked.
    public var maskedHeaders: HeaderFields { headers.masked(sensitive: sensitive) }
}

/// What came back.
public struct ResponseSummary: Sendable, Hashable {
    public var status: Int
    public var headers: HeaderFields
    /// At most the transport's response cap.
    public var body: [UInt8]
    /// True when the response body was longer than the cap and only its start was read.
    public var bodyTruncated: Bool
    /// `HTTP/1.1` or `HTTP/2`.
    public var httpVersion: String

    public init(
        status: Int, headers: HeaderFields = [], body: [UInt8] = [], bodyTruncated: Bool = false,
        httpVersion: String = "HTTP/1.1"
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.bodyTruncated = bodyTruncated
        self.httpVersion = httpVersion
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
    public var isSuccess: Bool { (200..<300).contains(status) }
}

/// A delivery that did not produce an HTTP response, classified.
public struct TransportFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        case connectionRefused = "connection-refused"
        case connectionReset = "connection-reset"
        case dnsFailure = "dns-failure"
        case connectTimeout = "connect-timeout"
        case timeout
        case tls
        case tooLarge = "too-large"
        case invalidRequest = "invalid-request"
        case closedBySender = "closed-by-sender"
        case cancelled
        case other
    }

    public var kind: Kind
    public var reason: String

    public init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }

    public var description: String { "\(kind.rawValue): \(reason)" }

    /// Whether the failure is at the connection level: the target was never reached
    /// (``neverReached``) or the connection broke before a response (reset, TLS). Qualified
    /// retries these.
    public var isConnectionFailure: Bool {
        switch kind {
        case .connectionRefused, .connectionReset, .dnsFailure, .connectTimeout, .tls: return true
        default: return false
        }
    }

    /// Whether the request never reached the target: the connection was refused, the host is
    /// unreachable (both `connection-refused`), its name did not resolve or no connection opened
    /// within the connect timeout. The failures an unreachable target is judged by.
    public var neverReached: Bool {
        switch kind {
        case .connectionRefused, .dnsFailure, .connectTimeout: return true
        default: return false
        }
    }
}

/// One request and what happened to it.
public struct Exchange: Sendable, Hashable {
    public var request: OutgoingRequest
    /// Wall-clock start, milliseconds since the Unix epoch.
    public var startedAtMilliseconds: Int64
    public var duration: Duration
    public var outcome: Result<ResponseSummary, TransportFailure>

    public init(
        request: OutgoingRequest, startedAtMilliseconds: Int64, duration: Duration,
        outcome: Result<ResponseSummary, TransportFailure>
    ) {
        self.request = request
        self.startedAtMilliseconds = startedAtMilliseconds
        self.duration = duration
        self.outcome = outcome
    }

    public var response: ResponseSummary? {
        if case .success(let r) = outcome { return r } else { return nil }
    }
    public var failure: TransportFailure? {
        if case .failure(let f) = outcome { return f } else { return nil }
    }
}

/// Sends requests. The AsyncHTTPClient implementation is ``HTTPTransport``; tests pass a
/// ``ClosureTransport``.
public protocol Transport: Sendable {
    /// Never throws: failures are part of the exchange.
    func send(_ request: OutgoingRequest) async -> Exchange
}

/// A transport backed by a closure, for tests and dry runs.
public struct ClosureTransport: Transport {
    let body: @Sendable (OutgoingRequest) async -> Exchange

    public init(_ body: @escaping @Sendable (OutgoingRequest) async -> Exchange) { self.body = body }

    /// A transport that answers every request with `respond(request)`, taking no time.
    public static func responding(
        _ respond: @escaping @Sendable (OutgoingRequest) -> Result<ResponseSummary, TransportFailure>
    ) -> ClosureTransport {
        ClosureTransport { request in
            Exchange(
                request: request, startedAtMilliseconds: Int64(Date().timeIntervalSince1970 * 1000),
                duration: .zero, outcome: respond(request))
        }
    }

    public func send(_ request: OutgoingRequest) async -> Exchange { await body(request) }
}

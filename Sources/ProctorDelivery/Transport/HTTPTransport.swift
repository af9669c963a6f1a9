import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import ProctorCore
import ProctorSigning
import Synchronization

/// Settings shared by every request of one ``HTTPTransport``.
public struct TransportConfiguration: Sendable, Hashable {
    public enum HTTPVersionPreference: String, Sendable, Hashable {
        /// HTTP/2 over TLS when the server offers it, otherwise HTTP/1.1.
        case automatic
        case http1Only = "http1"
    }

    /// Time allowed to establish a connection (TCP and TLS).
    public var connectTimeout: Duration
    /// Response bodies are read up to this many bytes; the rest is discarded and the response is
    /// marked truncated.
    public var maxResponseBytes: Int
    /// Skip TLS certificate verification (`--insecure`).
    public var insecure: Bool
    /// A PEM file of extra trusted CA certificates.
    public var caFile: String?
    public var httpVersion: HTTPVersionPreference
    /// Idle pooled connections are closed after this long.
    public var idleTimeout: Duration

    public init(
        connectTimeout: Duration = .seconds(5), maxResponseBytes: Int = 1 << 20, insecure: Bool = false,
        caFile: String? = nil, httpVersion: HTTPVersionPreference = .automatic,
        idleTimeout: Duration = .seconds(30)
    ) {
        self.connectTimeout = connectTimeout
        self.maxResponseBytes = maxResponseBytes
        self.insecure = insecure
        self.caFile = caFile
        self.httpVersion = httpVersion
        self.idleTimeout = idleTimeout
    }
}

/// The transport on AsyncHTTPClient: pooled connections, HTTP/1.1 and HTTP/2, TLS verified unless
/// told otherwise, redirects never followed, a deadline on every request, response bodies capped.
/// Truncated-body sends take a raw socket path (``RawHTTPSender``).
///
/// Create it with ``withHTTPTransport(configuration:_:)`` so the client is always shut down.
public final class HTTPTransport: Transport {
    public let configuration: TransportConfiguration
    private let client: HTTPClient

    fileprivate init(configuration: TransportConfiguration) {
        self.configuration = configuration
        var tls = TLSConfiguration.makeClientConfiguration()
        if configuration.insecure { tls.certificateVerification = .none }
        if let caFile = configuration.caFile {
            tls.additionalTrustRoots = [.file(caFile)]
        }
        var clientConfiguration = HTTPClient.Configuration(
            tlsConfiguration: tls,
            redirectConfiguration: .disallow,
            timeout: .init(connect: .nanoseconds(configuration.connectTimeout.nanoseconds)),
            decompression: .disabled
        )
        clientConfiguration.httpVersion = configuration.httpVersion == .http1Only ? .http1Only : .automatic
        clientConfiguration.connectionPool.idleTimeout = .nanoseconds(configuration.idleTimeout.nanoseconds)
        // Each failure is reported as it happened instead of waiting for the deadline.
        clientConfiguration.connectionPool.retryConnectionEstablishment = false
        client = HTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: clientConfiguration)
    }

    fileprivate func shutdown() async {
        try? await client.shutdown()
    }

    public func send(_ request: OutgoingRequest) async -> Exchange {
        let started = Date()
        let clock = ContinuousClock()
        let start = clock.now
        let outcome: Result<ResponseSummary, TransportFailure>
        do throws(TargetURLError) {
            let target = try TargetURL(parsing: request.url)
            if case .truncated(let sentBytes) = request.mode {
                outcome = await RawHTTPSender.sendTruncated(
                    request, to: target, sentBytes: sentBytes, connectTimeout: configuration.connectTimeout,
                    maxResponseBytes: configuration.maxResponseBytes
                )
            } else {
                outcome = await execute(request)
            }
        } catch {
            outcome = .failure(TransportFailure(.invalidRequest, error.description))
        }
        return Exchange(
            request: request, startedAtMilliseconds: Int64(started.timeIntervalSince1970 * 1000),
            duration: clock.now - start, outcome: outcome
        )
    }

    /// Sends `request` and reads the whole answer within its timeout: connecting, writing, the
    /// response head and the body all count against it, so a target that stalls or trickles the
    /// body fails the attempt when the timeout runs out.
    private func execute(_ request: OutgoingRequest) async -> Result<ResponseSummary, TransportFailure> {
        for field in request.headers {
            if let problem = HTTP1Syntax.fieldProblem(name: field.name, value: field.value) {
                return .failure(TransportFailure(.invalidRequest, problem))
            }
        }
        let progress = ResponseProgress()
        let work = Task { await executeWithoutDeadline(request, progress: progress) }
        let outcome = await Deadline.race(work, until: ContinuousClock.now + request.timeout)
        switch outcome {
        case .finished(let result): return result
        case .cancelled:
            work.cancel()
            return .failure(TransportFailure(.cancelled, "the request was cancelled"))
        case .deadlinePassed:
            work.cancel()
        }
        let limit = DurationText.formatShort(request.timeout)
        let (headReceived, bodyBytes) = progress.state
        if headReceived {
            return .failure(
                TransportFailure(
                    .timeout,
                    "timed out reading the body after \(limit) (\(bodyBytes) bytes of it received)"))
        }
        return .failure(TransportFailure(.timeout, "no complete response within \(limit)"))
    }

    private func executeWithoutDeadline(_ request: OutgoingRequest, progress: ResponseProgress) async
        -> Result<ResponseSummary, TransportFailure>
    {
        var httpRequest = HTTPClientRequest(url: request.url)
        httpRequest.method = HTTPMethod(rawValue: request.method)
        for field in request.headers { httpRequest.headers.add(name: field.name, value: field.value) }
        switch request.mode {
        case .slow(let chunkSize, let interval):
            httpRequest.body = .stream(
                TrickleBody(bytes: request.body, chunkSize: max(1, chunkSize), interval: interval),
                length: .known(Int64(request.body.count))
            )
        default:
            if !request.body.isEmpty || request.method != "GET" {
                httpRequest.body = .bytes(ByteBuffer(bytes: request.body))
            }
        }
        do {
            let response = try await client.execute(
                httpRequest, timeout: .nanoseconds(request.timeout.nanoseconds))
            var headers = HeaderFields()
            for (name, value) in response.headers { headers.add(name, value) }
            progress.headReceived()
            var body: [UInt8] = []
            var truncated = false
            for try await buffer in response.body {
                progress.received(buffer.readableBytes)
                let room = configuration.maxResponseBytes - body.count
                if buffer.readableBytes > room {
                    body += buffer.readableBytesView.prefix(max(0, room))
                    truncated = true
                    break
                }
                body += buffer.readableBytesView
            }
            let version =
                response.version.major == 2
                ? "HTTP/2" : "HTTP/\(response.version.major).\(response.version.minor)"
            return .success(
                ResponseSummary(
                    status: Int(response.status.code), headers: headers, body: body, bodyTruncated: truncated,
                    httpVersion: version)
            )
        } catch {
            return .failure(
                TransportFailureClassifier.classify(
                    error, url: request.url, timeout: request.timeout,
                    connectTimeout: configuration.connectTimeout))
        }
    }
}

/// How far the answer to one request got, for the message when its deadline passes.
final class ResponseProgress: Sendable {
    private let storage = Mutex((head: false, bytes: 0))
    func headReceived() { storage.withLock { $0.head = true } }
    func received(_ count: Int) { storage.withLock { $0.bytes += count } }
    var state: (head: Bool, bytes: Int) { storage.withLock { $0 } }
}

/// Waiting for work with a deadline, and for cancellation, neither of which depends on the work
/// noticing that it should stop.
enum Deadline {
    enum Outcome<Value: Sendable>: Sendable {
        case finished(Value)
        case deadlinePassed
        case cancelled
    }

    /// The first of: the work's result, the deadline, the caller's cancellation. The work is left
    /// to the caller to cancel.
    static func race<Value: Sendable>(_ work: Task<Value, Never>, until deadline: ContinuousClock.Instant)
        async
        -> Outcome<Value>
    {
        let gate = Gate<Value>()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Outcome<Value>, Never>) in
                gate.install(continuation)
                let timer = Task {
                    // Cancelled once the work is done: then it must not claim the deadline.
                    guard (try? await Task.sleep(until: deadline, clock: .continuous)) != nil else { return }
                    gate.finish(.deadlinePassed)
                }
                Task {
                    let value = await work.value
                    gate.finish(.finished(value))
                    timer.cancel()
                }
            }
        } onCancel: {
            gate.finish(.cancelled)
        }
    }

    /// Resumes one continuation once, with the first outcome, whichever side comes first.
    final class Gate<Value: Sendable>: Sendable {
        private struct State {
            var continuation: CheckedContinuation<Outcome<Value>, Never>?
            var pending: Outcome<Value>?
            var done = false
        }
        private let state = Mutex(State())

        func install(_ continuation: CheckedContinuation<Outcome<Value>, Never>) {
            let ready: Outcome<Value>? = state.withLock { state in
                guard let pending = state.pending, !state.done else {
                    state.continuation = continuation
                    return nil
                }
                state.done = true
                return pending
            }
            if let ready { continuation.resume(returning: ready) }
        }

        func finish(_ outcome: Outcome<Value>) {
            let waiting: CheckedContinuation<Outcome<Value>, Never>? = state.withLock { state in
                guard !state.done else { return nil }
                guard let continuation = state.continuation else {
                    if state.pending == nil { state.pending = outcome }
                    return nil
                }
                state.done = true
                state.continuation = nil
                return continuation
            }
            waiting?.resume(returning: outcome)
        }
    }
}

/// Runs `body` with a transport and shuts the transport down afterwards, also on errors.
public func withHTTPTransport<Result: Sendable>(
    configuration: TransportConfiguration = TransportConfiguration(),
    _ body: (HTTPTransport) async throws -> Result
) async throws -> Result {
    let transport = HTTPTransport(configuration: configuration)
    do {
        let result = try await body(transport)
        await transport.shutdown()
        return result
    } catch {
        await transport.shutdown()
        throw error
    }
}

/// A request body written in chunks with a pause between them (`slow-send`).
struct TrickleBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let bytes: [UInt8]
    let chunkSize: Int
    let interval: Duration

    struct AsyncIterator: AsyncIteratorProtocol {
        let body: TrickleBody
        var offset = 0

        mutating func next() async throws -> ByteBuffer? {
            guard offset < body.bytes.count else { return nil }
            if offset > 0 { try await Task.sleep(for: body.interval) }
            let end = Swift.min(offset + body.chunkSize, body.bytes.count)
            defer { offset = end }
            return ByteBuffer(bytes: body.bytes[offset..<end])
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(body: self) }
}

/// Turns the errors of AsyncHTTPClient, NIO and the TLS stack into ``TransportFailure``s.
enum TransportFailureClassifier {
    static func classify(_ error: any Error, url: String, timeout: Duration, connectTimeout: Duration)
        -> TransportFailure
    {
        let parsed = try? TargetURL(parsing: url)
        let host = parsed?.host ?? url
        /// `host:port`, for failures that concern one port of the host.
        let address = parsed.map { "\($0.hostInURL):\($0.port)" } ?? url
        if error is CancellationError { return TransportFailure(.cancelled, "the request was cancelled") }
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout:
                return TransportFailure(
                    .connectTimeout,
                    "no connection to \(host) within \(DurationText.formatShort(connectTimeout))")
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                return TransportFailure(
                    .timeout, "no complete response within \(DurationText.formatShort(timeout))")
            case .tlsHandshakeTimeout:
                return TransportFailure(.tls, "TLS handshake with \(host) timed out")
            case .remoteConnectionClosed:
                return TransportFailure(
                    .connectionReset, "the server closed the connection before a complete response")
            case .invalidURL, .emptyHost, .emptyScheme:
                return TransportFailure(.invalidRequest, "invalid URL \"\(url)\"")
            case .cancelled:
                return TransportFailure(.cancelled, "the request was cancelled")
            case .bodyLengthMismatch:
                return TransportFailure(.invalidRequest, "the body length does not match Content-Length")
            default:
                if String(describing: error).contains("unsupportedScheme") {
                    return TransportFailure(.invalidRequest, "unsupported URL scheme in \"\(url)\"")
                }
                return TransportFailure(.other, String(describing: error))
            }
        }
        if let error = error as? NIOConnectionError {
            if error.connectionErrors.isEmpty {
                return TransportFailure(.dnsFailure, "could not resolve host \(error.host)")
            }
            for attempt in error.connectionErrors {
                if let failure = classifyIO(attempt.error, host: host, address: address) { return failure }
            }
            return TransportFailure(.other, "could not connect to \(error.host):\(error.port)")
        }
        if let failure = classifyIO(error, host: host, address: address) { return failure }
        if let error = error as? HTTPParserError {
            if case .invalidEOFState = error {
                return TransportFailure(
                    .connectionReset, "the server closed the connection in the middle of the response")
            }
            return TransportFailure(.other, "invalid HTTP response: \(error)")
        }
        if error is NIOTooManyBytesError {
            return TransportFailure(.tooLarge, "the response is larger than the configured limit")
        }
        if error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError {
            return TransportFailure(.tls, "TLS failure with \(host): \(error)")
        }
        if let error = error as? ChannelError {
            switch error {
            case .connectTimeout:
                return TransportFailure(
                    .connectTimeout,
                    "no connection to \(host) within \(DurationText.formatShort(connectTimeout))")
            case .eof, .ioOnClosedChannel, .alreadyClosed, .outputClosed, .inputClosed:
                return TransportFailure(.connectionReset, "the connection closed before a complete response")
            default:
                break
            }
        }
        let text = String(describing: error)
        if text.localizedCaseInsensitiveContains("certificate")
            || text.localizedCaseInsensitiveContains("handshake")
        {
            return TransportFailure(.tls, "TLS failure with \(host): \(text)")
        }
        if text.contains("getaddrinfo") || text.localizedCaseInsensitiveContains("resolve") {
            return TransportFailure(.dnsFailure, "could not resolve host \(host)")
        }
        return TransportFailure(.other, text)
    }

    static func classifyIO(_ error: any Error, host: String, address: String) -> TransportFailure? {
        guard let io = error as? IOError else {
            if error is SocketAddressError {
                return TransportFailure(.dnsFailure, "could not resolve host \(host)")
            }
            return nil
        }
        switch io.errnoCode {
        case ECONNREFUSED: return TransportFailure(.connectionRefused, "connection refused by \(address)")
        case ECONNRESET, EPIPE: return TransportFailure(.connectionReset, "connection reset by \(address)")
        case ETIMEDOUT: return TransportFailure(.connectTimeout, "connection to \(address) timed out")
        case EHOSTUNREACH, ENETUNREACH: return TransportFailure(.connectionRefused, "\(host) is unreachable")
        default: return TransportFailure(.other, "I/O error talking to \(host): \(io)")
        }
    }
}

extension DurationText {
    /// `DurationText.format` for messages.
    static func formatShort(_ duration: Duration) -> String { format(duration) }
}

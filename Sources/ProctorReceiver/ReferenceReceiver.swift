import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ProctorCore
import ProctorJSON
import ProctorVendors
import ServiceLifecycle

/// Request context that keeps the channel, so a chaos answer can close the connection unanswered.
struct ReceiverRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// The reference consumer: verifies signatures, de-duplicates, records events and candidate state,
/// and exposes them over HTTP. Embeddable: ``start()`` binds (port 0 = a free port) and returns a
/// handle to stop it; ``run(onRunning:)`` serves until SIGINT or SIGTERM.
public struct ReferenceReceiver: Sendable {
    public let configuration: ReceiverConfiguration
    public let state: ReceiverState
    let logger: Logger
    /// See every request before it is answered, in order (``CaptureRecorder``, ``LiveTail``).
    let observers: [any ReceiverObserver]
    /// An observer's failure, which stops ``run(onRunning:)`` with that error.
    let failures: (stream: AsyncStream<CaptureError>, continuation: AsyncStream<CaptureError>.Continuation)

    public init(
        configuration: ReceiverConfiguration = ReceiverConfiguration(), logger: Logger? = nil,
        observers: [any ReceiverObserver] = []
    ) {
        self.configuration = configuration
        self.observers = observers
        failures = AsyncStream.makeStream(bufferingPolicy: .bufferingOldest(1))
        state = ReceiverState(limits: configuration.limits, seed: configuration.chaos.seed)
        var quiet = Logger(label: "proctor.receiver")
        quiet.logLevel = .warning
        self.logger = logger ?? quiet
    }

    /// A started receiver.
    public struct Running: Sendable {
        public let host: String
        public let port: Int
        public let state: ReceiverState
        let group: ServiceGroup
        let task: Task<Void, any Error>

        /// `http://127.0.0.1:PORT`.
        public var baseURL: String { TargetURL(host: host, port: port).origin }
        public func url(vendor: String) -> String { "\(baseURL)/webhooks/\(vendor)" }

        /// Stops serving and waits until the sockets are closed: stops accepting, closes idle
        /// connections, lets requests in flight finish for ``ConnectionLimits/shutdownGrace``, then
        /// closes every connection still open.
        public func stop() async {
            await group.triggerGracefulShutdown()
            _ = try? await task.value
        }
    }

    /// Binds and starts serving in the background. Throws when the address cannot be bound.
    public func start() async throws -> Running {
        let (stream, continuation) = AsyncStream<Result<Int, any Error>>.makeStream()
        let app = makeApplication { port in continuation.yield(.success(port)) }
        var groupConfiguration = ServiceGroupConfiguration(services: [app], logger: logger)
        // Past the grace period, graceful shutdown escalates to cancellation, on which Hummingbird
        // closes each connection's input, so no client can hold a stop up.
        groupConfiguration.maximumGracefulShutdownDuration = configuration.connections.shutdownGrace
        let group = ServiceGroup(configuration: groupConfiguration)
        let task = Task {
            do {
                try await group.run()
                continuation.yield(.failure(ReceiverError("the server stopped before it was running")))
            } catch {
                continuation.yield(.failure(error))
                throw error
            }
        }
        for await result in stream {
            switch result {
            case .success(let port):
                return Running(host: configuration.host, port: port, state: state, group: group, task: task)
            case .failure(let error):
                await group.triggerGracefulShutdown()
                task.cancel()
                throw ReceiverError("cannot serve on \(configuration.host):\(configuration.port): \(error)")
            }
        }
        throw ReceiverError("cannot serve on \(configuration.host):\(configuration.port)")
    }

    /// Serves until SIGINT or SIGTERM, then stops as ``Running/stop()`` does; `onRunning` gets the
    /// bound base URL. Returns at the latest a second after the grace period, stopped or not, so
    /// a command ends however clients behave; further signals follow ``Interrupts``' grace rule.
    /// An observer that fails (a capture that cannot be written) stops it the same way, and its
    /// error is thrown.
    public func run(onRunning: @escaping @Sendable (String) -> Void) async throws {
        let running = try await start()
        onRunning(running.baseURL)
        // true: a signal arrived or an observer failed; false: the server ended.
        let (events, notify) = AsyncStream<Bool>.makeStream()
        let watch = Interrupts.watch { notify.yield(true) }
        defer { watch.cancel() }
        let task = running.task
        Task {
            _ = try? await task.value
            notify.yield(false)
        }
        let failed = Task {
            var failures = failures.stream.makeAsyncIterator()
            let failure = await failures.next()
            if failure != nil { notify.yield(true) }
            return failure
        }
        defer { failed.cancel() }
        var iterator = events.makeAsyncIterator()
        guard await iterator.next() == true else {
            // The server ended on its own: its error, if it failed.
            try await task.value
            return
        }
        let backstop = configuration.connections.shutdownGrace + .seconds(1)
        Task { await running.stop() }
        Task {
            try? await Task.sleep(for: backstop)
            notify.finish()
        }
        while let event = await iterator.next(), event {}
        failures.continuation.finish()
        if let failure = await failed.value { throw failure }
    }

    func makeApplication(onPort: @escaping @Sendable (Int) -> Void) -> some ApplicationProtocol {
        let router = Router(context: ReceiverRequestContext.self)
        let handler = WebhookHandler(
            configuration: configuration, state: state, observers: observers, failures: failures.continuation)
        router.get("/health") { _, _ in
            Self.json(200, .object(JSONObject([("status", .string("ok"))])))
        }
        router.get("/events") { request, _ in
            switch PageRequest.parse(request.uri.queryParameters, cursor: .sequence) {
            case .failure(let problem):
                return Self.json(400, .object(JSONObject([("error", .string(problem.message))])))
            case .success(let page):
                let (items, more) = await handler.state.events(
                    after: page.after.flatMap { Int($0) } ?? 0, limit: page.limit)
                let total = await handler.state.eventCounts.held
                return Self.json(
                    200,
                    page.answer(
                        "events", items: items.map(\.json), total: total,
                        nextCursor: more ? items.last.map { String($0.sequence) } : nil))
            }
        }
        router.get("/candidates") { request, _ in
            switch PageRequest.parse(request.uri.queryParameters, cursor: .text) {
            case .failure(let problem):
                return Self.json(400, .object(JSONObject([("error", .string(problem.message))])))
            case .success(let page):
                let (items, more) = await handler.state.candidates(after: page.after, limit: page.limit)
                let total = await handler.state.candidateCount
                return Self.json(
                    200,
                    page.answer(
                        "candidates", items: items.map(\.json), total: total,
                        nextCursor: more ? items.last?.id : nil))
            }
        }
        router.get("/candidates/:id") { _, context in
            let id = context.parameters.get("id") ?? ""
            guard let record = await handler.state.candidate(id) else {
                return Self.json(404, .object(JSONObject([("error", .string("no candidate \(id)"))])))
            }
            return Self.json(200, record.json)
        }
        // Talview lets a subscription deliver with POST, PUT or PATCH.
        for method in [HTTPRequest.Method.post, .put, .patch] {
            router.on("/webhooks/:vendor", method: method) { request, context in
                await handler.handle(
                    request: request, context: context, route: context.parameters.get("vendor") ?? "")
            }
        }
        if configuration.acceptAll {
            // Any other path and method, to capture what a vendor sends wherever it is pointed.
            for method in [HTTPRequest.Method.post, .put, .patch, .delete, .get, .options] {
                router.on("/**", method: method) { request, context in
                    await handler.handle(request: request, context: context, route: nil)
                }
            }
        }
        let limits = configuration.connections
        return Application(
            router: router,
            server: .receiver(limits: limits, logger: logger),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: "proctor-receiver",
                // Beyond the cap, connections wait in the backlog until one closes.
                availableConnectionsDelegate: MaximumAvailableConnections(
                    limits.maxConnections, logger: logger)),
            onServerRunning: { channel in onPort(channel.localAddress?.port ?? 0) },
            logger: logger
        )
    }

    static func json(_ status: Int, _ value: JSONValue) -> Response {
        bytes(status, value.serializedBytes(), contentType: "application/json")
    }

    /// An answer of `body` as given, under `contentType` when there is one.
    static func bytes(_ status: Int, _ body: [UInt8], contentType: String?) -> Response {
        var headers = HTTPFields()
        if let contentType { headers[.contentType] = contentType }
        headers[.contentLength] = String(body.count)
        return Response(
            status: HTTPResponse.Status(code: status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// An error starting or running the receiver.
public struct ReceiverError: UserFacingError {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

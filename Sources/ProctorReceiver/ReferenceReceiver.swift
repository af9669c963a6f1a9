import Hummingbird
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

    public init(configuration: ReceiverConfiguration = ReceiverConfiguration(), logger: Logger? = nil) {
        self.configuration = configuration
        state = ReceiverState(maxEvents: configuration.maxEvents, seed: configuration.chaos.seed)
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

        /// Stops serving (gracefully: requests in flight are answered) and waits until the socket is closed.
        public func stop() async {
            await group.triggerGracefulShutdown()
            _ = try? await task.value
        }
    }

    /// Binds and starts serving in the background. Throws when the address cannot be bound.
    public func start() async throws -> Running {
        let (stream, continuation) = AsyncStream<Result<Int, any Error>>.makeStream()
        let app = makeApplication { port in continuation.yield(.success(port)) }
        let group = ServiceGroup(
            configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
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

    /// Serves until SIGINT or SIGTERM; `onRunning` gets the bound base URL.
    public func run(onRunning: @escaping @Sendable (String) -> Void) async throws {
        let host = configuration.host
        let app = makeApplication { port in
            onRunning(TargetURL(host: host, port: port).origin)
        }
        try await app.runService()
    }

    func makeApplication(onPort: @escaping @Sendable (Int) -> Void) -> some ApplicationProtocol {
        let router = Router(context: ReceiverRequestContext.self)
        let handler = WebhookHandler(configuration: configuration, state: state)
        router.get("/health") { _, _ in
            Self.json(200, .object(JSONObject([("status", .string("ok"))])))
        }
        router.get("/events") { _, _ in
            let events = await handler.state.events
            return Self.json(200, .array(events.map(\.json)))
        }
        router.get("/candidates") { _, _ in
            let all = await handler.state.allCandidates()
            return Self.json(200, .array(all.map(\.json)))
        }
        router.get("/candidates/:id") { _, context in
            let id = context.parameters.get("id") ?? ""
            guard let record = await handler.state.candidate(id) else {
                return Self.json(404, .object(JSONObject([("error", .string("no candidate \(id)"))])))
            }
            return Self.json(200, record.json)
        }
        // Talview lets a subscription deliver with POST, PUT or PATCH.
        router.post("/webhooks/:vendor") { request, context in
            await handler.handle(request: request, context: context)
        }
        router.put("/webhooks/:vendor") { request, context in
            await handler.handle(request: request, context: context)
        }
        router.patch("/webhooks/:vendor") { request, context in
            await handler.handle(request: request, context: context)
        }
        return Application(
            router: router,
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: "proctor-receiver"),
            onServerRunning: { channel in onPort(channel.localAddress?.port ?? 0) },
            logger: logger
        )
    }

    static func json(_ status: Int, _ value: JSONValue) -> Response {
        let bytes = value.serializedBytes()
        return Response(
            status: HTTPResponse.Status(code: status),
            headers: [.contentType: "application/json", .contentLength: String(bytes.count)],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }
}

/// An error starting or running the receiver.
public struct ReceiverError: UserFacingError {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's HTTP/1.1 child channel with the timeouts of ``ConnectionLimits``: its own
/// `idleTimeout`, and ``RequestDeadlineHandler`` for the head and the body, fed by
/// ``RequestBytesSignal`` placed ahead of the HTTP decoder.
struct ReceiverChannel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    let http1: HTTP1Channel

    init(responder: @escaping HTTPChannelHandler.Responder, limits: ConnectionLimits, logger: Logger) {
        http1 = HTTP1Channel(
            responder: responder,
            configuration: .init(
                additionalChannelHandlers: [RequestDeadlineHandler(limits: limits, logger: logger)],
                idleTimeout: TimeAmount(limits.idleTimeout)))
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(RequestBytesSignal())
        }.flatMap { http1.setup(channel: channel, logger: logger) }
    }

    func handle(value: Value, logger: Logger) async {
        await http1.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 with the receiver's timeouts.
    static func receiver(limits: ConnectionLimits, logger: Logger) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in ReceiverChannel(responder: responder, limits: limits, logger: logger)
        }
    }
}

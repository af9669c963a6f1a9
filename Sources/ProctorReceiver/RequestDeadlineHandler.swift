import Logging
import NIOCore
import NIOHTTPTypes
import ProctorCore

/// The header and body timeouts of ``ConnectionLimits``, which Hummingbird does not have (its
/// `idleTimeout`, used for ``ConnectionLimits/idleTimeout``, measures time since the last request
/// part, so a client that sends a header line now and then stays within it).
///
/// Sits behind the HTTP decoder and sees request parts:
/// - the head must arrive within `headerTimeout` of the connection opening, or of the first byte
///   of a later request (``RequestBytesArrived``, from ``RequestBytesSignal`` before the decoder);
///   when it does not, the connection is closed;
/// - the body must end within `bodyTimeout` of the head; when it does not, a
///   ``RequestBodyTimeout`` error ends the request body, so the handler reading it answers 408, and
///   the connection then closes.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let limits: ConnectionLimits
    private let logger: Logger
    private var deadline: Scheduled<Void>?
    /// A head arrived and its end did not.
    private var readingRequest = false
    /// A head arrived and its response has not ended.
    private var answering = false
    /// Bytes arrived while a request was being answered: the start of the next one.
    private var nextRequestStarted = false

    init(limits: ConnectionLimits, logger: Logger) {
        self.limits = limits
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { startHeaderClock(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) { cancelDeadline() }

    func channelActive(context: ChannelHandlerContext) {
        if deadline == nil { startHeaderClock(context) }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelDeadline()
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is RequestBytesArrived else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        if answering && !readingRequest {
            nextRequestStarted = true
        } else if !answering && !readingRequest && deadline == nil {
            startHeaderClock(context)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            readingRequest = true
            answering = true
            nextRequestStarted = false
            schedule(.body, context)
        case .body:
            break
        case .end:
            readingRequest = false
            cancelDeadline()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            answering = false
            if !readingRequest && nextRequestStarted {
                nextRequestStarted = false
                startHeaderClock(context)
            }
        }
        context.write(data, promise: promise)
    }

    private func startHeaderClock(_ context: ChannelHandlerContext) { schedule(.head, context) }

    private enum Deadline {
        case head
        case body
    }

    private func schedule(_ kind: Deadline, _ context: ChannelHandlerContext) {
        cancelDeadline()
        let delay = kind == .head ? limits.headerTimeout : limits.bodyTimeout
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
        deadline = context.eventLoop.scheduleTask(in: TimeAmount(delay)) {
            let (handler, context) = bound.value
            handler.deadline = nil
            handler.expired(kind, context)
        }
    }

    private func expired(_ kind: Deadline, _ context: ChannelHandlerContext) {
        switch kind {
        case .head:
            logger.debug("request head not complete in time, closing the connection")
            context.close(promise: nil)
        case .body:
            logger.debug("request body not complete in time, answering 408")
            context.fireErrorCaught(RequestBodyTimeout(limit: limits.bodyTimeout))
        }
    }

    private func cancelDeadline() {
        deadline?.cancel()
        deadline = nil
    }
}

@available(*, unavailable)
extension RequestDeadlineHandler: Sendable {}

/// Fired by ``RequestBytesSignal`` ahead of every read, for ``RequestDeadlineHandler``.
struct RequestBytesArrived: Sendable {}

/// First in the pipeline, before the HTTP decoder: tells ``RequestDeadlineHandler`` that bytes
/// arrived, which the decoder does not show until a whole head is in.
final class RequestBytesSignal: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireUserInboundEventTriggered(RequestBytesArrived())
        context.fireChannelRead(data)
    }
}

@available(*, unavailable)
extension RequestBytesSignal: Sendable {}

/// A request body that did not arrive within ``ConnectionLimits/bodyTimeout``.
struct RequestBodyTimeout: Error, CustomStringConvertible {
    var limit: Duration
    var description: String { "the body did not arrive within \(DurationText.format(limit))" }
}

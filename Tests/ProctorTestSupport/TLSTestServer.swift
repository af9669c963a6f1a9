import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A TLS server on 127.0.0.1 with a self-signed certificate for 127.0.0.1 (valid until 2036).
public enum TestCertificate {
    public static let certificatePEM = """
        -----BEGIN CERTIFICATE-----
        MIIBjzCCATSgAwIBAgIURn0sEZAurBu6Br36k1LJe4fjc0owCgYIKoZIzj0EAwIw
        FDESMBAGA1UEAwwJMTI3LjAuMC4xMB4XDTI2MTEyMzE4MzQzN1oXDTM2MTEyMDE4
        MzQzN1owFDESMBAGA1UEAwwJMTI3LjAuMC4xMFkwEwYHKoZIzj0CAQYIKoZIzj0D
        AQcDQgAEYLdd+2i7ooo6Xhnys3STdHz6lvdUMaYOAPurwnMKkWkB3Il140IxPdub
        dzYPw/xKPQbeLWYBBnIl7ZBpeZ42nqNkMGIwHQYDVR0OBBYEFNGwp7KxH+SPRka/
        Ywbd0HQ7frlTMB8GA1UdIwQYMBaAFNGwp7KxH+SPRka/Ywbd0HQ7frlTMA8GA1Ud
        EwEB/wQFMAMBAf8wDwYDVR0RBAgwBocEfwAAATAKBggqhkjOPQQDAgNJADBGAiEA
        inGyCLwghJGQVnKh6+UHwFnr9aAUOBgdJit6x3McTmQCIQDZPBIuo0IM8xVOoQdM
        Jo/cI+nYwfeAzeoT0L9DWrAAVA==
        -----END CERTIFICATE-----
        """
    public static let keyPEM = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgrKPJKIznjq3E+IX0
        MesDX1S6pDzPgD1jgU4vZG6i42WhRANCAARgt137aLuiijpeGfKzdJN0fPqW91Qx
        pg4A+6vCcwqRaQHciXXjQjE925t3Ng/D/Eo9Bt4tZgEGciXtkGl5njae
        -----END PRIVATE KEY-----
        """
}

/// An HTTP/1.1 server over TLS on 127.0.0.1 (``TestCertificate``) that answers every request with
/// `status` and an empty body, keeping connections alive: an `https://` target for load mode.
public final class TLSTestServer: Sendable {
    public let port: Int
    private let channel: any Channel

    /// With `closeEachConnection`, every answer says `Connection: close` and its connection is
    /// closed once it is written.
    public init(status: Int = 204, closeEachConnection: Bool = false) async throws {
        let certificate = try NIOSSLCertificate(
            bytes: Array(TestCertificate.certificatePEM.utf8), format: .pem)
        let key = try NIOSSLPrivateKey(bytes: Array(TestCertificate.keyPEM.utf8), format: .pem)
        let context = try NIOSSLContext(
            configuration: .makeServerConfiguration(
                certificateChain: [.certificate(certificate)], privateKey: .privateKey(key)))
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    try child.pipeline.syncOperations.configureHTTPServerPipeline()
                    try child.pipeline.syncOperations.addHandler(
                        StatusAnswerHandler(status: status, close: closeEachConnection))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress?.port ?? 0
    }

    public func stop() async throws { try await channel.close() }
}

/// Answers each request, once its end has arrived, with a fixed status and no body.
final class StatusAnswerHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    let status: Int
    let close: Bool

    init(status: Int, close: Bool = false) {
        self.status = status
        self.close = close
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .end = unwrapInboundIn(data) else { return }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Length", value: "0")
        if close { headers.add(name: "Connection", value: "close") }
        let head = HTTPResponseHead(
            version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if close {
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil)
            }
        } else {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}

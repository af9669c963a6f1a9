import Foundation
import NIOCore
import NIOHTTP1
import NIOHTTP2
import NIOPosix
import NIOSSL
import ProctorDelivery
import ProctorTestSupport
import Testing

@Suite(.serialized) struct TLSTransportTests {
    /// Starts a TLS server that answers every request with 200 and `tls ok`.
    func startServer() async throws -> (port: Int, channel: any Channel) {
        let certificate = try NIOSSLCertificate(
            bytes: Array(TestCertificate.certificatePEM.utf8), format: .pem)
        let key = try NIOSSLPrivateKey(bytes: Array(TestCertificate.keyPEM.utf8), format: .pem)
        let context = try NIOSSLContext(
            configuration: .makeServerConfiguration(
                certificateChain: [.certificate(certificate)], privateKey: .privateKey(key)))
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    try child.pipeline.syncOperations.addHandler(FixedAnswerHandler())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return (channel.localAddress?.port ?? 0, channel)
    }

    func send(port: Int, configuration: TransportConfiguration) async throws -> Exchange {
        try await withHTTPTransport(configuration: configuration) { transport in
            await transport.send(
                OutgoingRequest(
                    url: "https://127.0.0.1:\(port)/hook", body: Array("{}".utf8), timeout: .seconds(20)))
        }
    }

    @Test func verifiesCertificatesByDefault() async throws {
        let server = try await startServer()
        let exchange = try await send(port: server.port, configuration: TransportConfiguration())
        try await server.channel.close()
        #expect(exchange.failure?.kind == .tls, "\(String(describing: exchange.outcome))")
    }

    @Test func trustsACustomCAFile() async throws {
        let server = try await startServer()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "proctor-ca-\(UUID().uuidString).pem"
        ).path
        try Data(TestCertificate.certificatePEM.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let exchange = try await send(port: server.port, configuration: TransportConfiguration(caFile: path))
        try await server.channel.close()
        #expect(exchange.response?.status == 200, "\(String(describing: exchange.outcome))")
        #expect(exchange.response?.bodyText == "tls ok")
    }

    @Test func negotiatesHTTP2WhenOffered() async throws {
        let certificate = try NIOSSLCertificate(
            bytes: Array(TestCertificate.certificatePEM.utf8), format: .pem)
        let key = try NIOSSLPrivateKey(bytes: Array(TestCertificate.keyPEM.utf8), format: .pem)
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(certificate)], privateKey: .privateKey(key))
        tls.applicationProtocols = ["h2"]
        let context = try NIOSSLContext(configuration: tls)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    _ = try child.pipeline.syncOperations.configureHTTP2Pipeline(
                        mode: .server, connectionConfiguration: .init(), streamConfiguration: .init()
                    ) { stream in
                        stream.eventLoop.makeCompletedFuture {
                            try stream.pipeline.syncOperations.addHandler(
                                HTTP2FramePayloadToHTTP1ServerCodec())
                            try stream.pipeline.syncOperations.addHandler(HTTP2AnswerHandler())
                        }
                    }
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let exchange = try await send(
            port: channel.localAddress?.port ?? 0, configuration: TransportConfiguration(insecure: true))
        try await channel.close()
        #expect(exchange.response?.httpVersion == "HTTP/2", "\(String(describing: exchange.outcome))")
        #expect(exchange.response?.bodyText == "h2 ok")
    }

    @Test func insecureSkipsVerification() async throws {
        let server = try await startServer()
        let exchange = try await send(
            port: server.port, configuration: TransportConfiguration(insecure: true))
        try await server.channel.close()
        #expect(exchange.response?.status == 200, "\(String(describing: exchange.outcome))")
    }
}

/// Answers once the request head has arrived, then closes.
final class FixedAnswerHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        guard buffer.readableBytesView.contains(UInt8(ascii: "\n")) else { return }
        let answer = "HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\ntls ok"
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: answer))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }
}

/// Answers each HTTP/2 stream with 200 and `h2 ok`.
final class HTTP2AnswerHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .end = unwrapInboundIn(data) else { return }
        let head = HTTPResponseHead(version: .http2, status: .ok, headers: ["content-length": "5"])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "h2 ok")))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}

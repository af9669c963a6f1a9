import ProctorCore
import ProctorDelivery
import ProctorReceiver
import ProctorSigning
import ProctorVendors
import Testing

@Suite(.serialized) struct HTTPTransportTests {
    static let signer = try? Signer(
        scheme: .standardWebhooks(.svix), secrets: [WebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")])

    func signed(url: String, body: String, id: String = "msg_t1", fault: FaultKind? = nil) throws
        -> [PlannedSend]
    {
        let signer = try #require(Self.signer)
        let prepared = PreparedRequest(
            vendor: "testlify", event: "candidate.completed", url: url, body: Array(body.utf8), messageId: id,
            signers: [signer], timeout: .seconds(5),
            retryPolicy: VendorCatalog.standard.profile(for: "testlify")?.retryPolicy
        )
        return try FaultInjector.plan(prepared, fault: fault, options: FaultOptions(timeScale: 0.001))
    }

    func now() -> Int64 { SystemClock().nowMilliseconds() / 1000 }

    @Test func deliversToTheReferenceReceiver() async throws {
        let receiver = try await ReferenceReceiver().start()
        let send = try signed(
            url: receiver.url(vendor: "testlify"),
            body: #"{"data":{"candidateId":"c1"},"event":"completed","type":"candidate"}"#)[0]
        let exchange = try await withHTTPTransport { transport in
            await transport.send(send.makeRequest(AttemptContext(attempt: 1, nowSeconds: now())))
        }
        await receiver.stop()
        let response = try #require(exchange.response)
        #expect(response.status == 200)
        #expect(response.bodyText == #"{"status":"accepted","id":"msg_t1"}"#)
        #expect(response.httpVersion == "HTTP/1.1")
    }

    @Test func connectionRefusedOnAClosedPort() async throws {
        let server = try await RawTestServer.start(.silent)
        let url = server.url
        let port = server.port
        await server.stop()
        let exchange = try await withHTTPTransport { transport in
            await transport.send(OutgoingRequest(url: url, body: Array("{}".utf8), timeout: .seconds(5)))
        }
        #expect(exchange.failure?.kind == .connectionRefused, "\(String(describing: exchange.failure))")
        #expect(exchange.failure?.reason == "connection refused by 127.0.0.1:\(port)")
        #expect(exchange.failure?.neverReached == true)
    }

    @Test func failuresThatNeverReachedTheTarget() {
        let never: [TransportFailure.Kind] = [.connectionRefused, .dnsFailure, .connectTimeout]
        let others: [TransportFailure.Kind] = [
            .connectionReset, .timeout, .tls, .tooLarge, .invalidRequest, .closedBySender, .cancelled, .other,
        ]
        #expect(never.allSatisfy { TransportFailure($0, "").neverReached })
        #expect(!others.contains { TransportFailure($0, "").neverReached })
        // Qualified's connection failures: the never-reached ones, a reset and TLS.
        #expect(never.allSatisfy { TransportFailure($0, "").isConnectionFailure })
        #expect(TransportFailure(.connectionReset, "").isConnectionFailure)
        #expect(TransportFailure(.tls, "").isConnectionFailure)
    }

    @Test func dnsFailure() async throws {
        let exchange = try await withHTTPTransport { transport in
            await transport.send(
                OutgoingRequest(
                    url: "http://proctor-test-host.invalid/hook", body: Array("{}".utf8), timeout: .seconds(5)
                ))
        }
        #expect(exchange.failure?.kind == .dnsFailure, "\(String(describing: exchange.outcome))")
    }

    @Test func tlsFailureAgainstAPlainServer() async throws {
        let server = try await RawTestServer.start(.greet("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))
        let exchange = try await withHTTPTransport { transport in
            await transport.send(
                OutgoingRequest(
                    url: "https://127.0.0.1:\(server.port)/hook", body: Array("{}".utf8), timeout: .seconds(5)
                ))
        }
        await server.stop()
        #expect(exchange.failure?.kind == .tls, "\(String(describing: exchange.outcome))")
    }

    @Test func invalidURL() async throws {
        let exchange = try await withHTTPTransport { transport in
            await transport.send(OutgoingRequest(url: "ftp://127.0.0.1/x", body: [], timeout: .seconds(1)))
        }
        #expect(exchange.failure?.kind == .invalidRequest, "\(String(describing: exchange.outcome))")
    }

    @Test func resetMidResponse() async throws {
        let server = try await RawTestServer.start(
            .closeAfter("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc"))
        let exchange = try await withHTTPTransport { transport in
            await transport.send(
                OutgoingRequest(url: server.url, body: Array("{}".utf8), timeout: .seconds(5)))
        }
        await server.stop()
        #expect(exchange.failure?.kind == .connectionReset, "\(String(describing: exchange.outcome))")
    }

    @Test func timeoutWhenTheServerNeverAnswers() async throws {
        let server = try await RawTestServer.start(.silent)
        let clock = ContinuousClock()
        let start = clock.now
        let exchange = try await withHTTPTransport { transport in
            await transport.send(
                OutgoingRequest(url: server.url, body: Array("{}".utf8), timeout: .milliseconds(300)))
        }
        await server.stop()
        #expect(exchange.failure?.kind == .timeout, "\(String(describing: exchange.outcome))")
        #expect(clock.now - start < .seconds(5))
    }

    /// `--timeout` bounds the whole answer: a body announced and never finished, or trickled a
    /// byte at a time, fails the attempt when the timeout runs out.
    @Test(arguments: [Duration.seconds(60), .milliseconds(200)])
    func aStalledOrTrickledBodyTimesOut(interval: Duration) async throws {
        let server = try await RawTestServer.start(
            .trickle("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{", interval: interval))
        let clock = ContinuousClock()
        let start = clock.now
        let exchange = try await withHTTPTransport { transport in
            await transport.send(
                OutgoingRequest(url: server.url, body: Array("{}".utf8), timeout: .seconds(2)))
        }
        let elapsed = clock.now - start
        await server.stop()
        #expect(exchange.failure?.kind == .timeout, "\(String(describing: exchange.outcome))")
        #expect(
            exchange.failure?.reason.hasPrefix("timed out reading the body after 2s (") == true,
            "\(String(describing: exchange.failure))")
        #expect(elapsed < .seconds(5), "\(elapsed)")
    }

    /// A quick answer is never taken for a passed deadline (the timer, cancelled once the answer
    /// is in, must not claim it).
    @Test func quickAnswersAreNeverTimeouts() async throws {
        let server = try await RawTestServer.start(
            .respond("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"))
        let failures = try await withHTTPTransport { transport in
            var failures: [String] = []
            for _ in 0..<300 {
                let exchange = await transport.send(
                    OutgoingRequest(url: server.url, body: Array("{}".utf8), timeout: .seconds(5)))
                if let failure = exchange.failure { failures.append(failure.description) }
            }
            return failures
        }
        await server.stop()
        #expect(failures.isEmpty, "\(failures.prefix(3))")
    }

    /// An interrupted run does not wait for a consumer that holds the request.
    @Test func cancellationEndsAnAttemptAtOnce() async throws {
        let server = try await RawTestServer.start(
            .trickle("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n", interval: .seconds(60)))
        let clock = ContinuousClock()
        let start = clock.now
        let exchange = try await withHTTPTransport { transport in
            let attempt = Task {
                await transport.send(
                    OutgoingRequest(url: server.url, body: Array("{}".utf8), timeout: .seconds(60)))
            }
            try await Task.sleep(for: .milliseconds(300))
            attempt.cancel()
            return await attempt.value
        }
        let elapsed = clock.now - start
        await server.stop()
        #expect(exchange.failure?.kind == .cancelled, "\(String(describing: exchange.outcome))")
        #expect(elapsed < .seconds(5), "\(elapsed)")
    }

    @Test func headersThatWouldSplitTheRequestAreNotSent() async throws {
        let server = try await RawTestServer.start(.respond("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))
        for mode in [SendMode.normal, .truncated(sentBytes: 1)] {
            let exchange = try await withHTTPTransport { transport in
                await transport.send(
                    OutgoingRequest(
                        url: server.url, headers: HeaderFields([HTTPHeader("X-A", "a\r\nInjected: 1")]),
                        body: Array("{}".utf8), mode: mode, timeout: .seconds(2)))
            }
            #expect(
                exchange.failure?.kind == .invalidRequest, "\(mode): \(String(describing: exchange.outcome))")
            #expect(exchange.failure?.reason.contains("carriage return") == true)
        }
        await server.stop()
    }

    @Test func redirectsAreNotFollowed() async throws {
        let server = try await RawTestServer.start(
            .respond(
                "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:1/elsewhere\r\nContent-Length: 0\r\n\r\n"))
        let exchange = try await withHTTPTransport { transport in
            await transport.send(
                OutgoingRequest(url: server.url, body: Array("{}".utf8), timeout: .seconds(5)))
        }
        await server.stop()
        #expect(exchange.response?.status == 302)
        if case .failed = RetryPolicy.svix.verdict(for: exchange) {
        } else {
            Issue.record("a 3xx is a failed delivery")
        }
    }

    @Test func serverErrorAndNonJSONBody() async throws {
        let server = try await RawTestServer.start(
            .respond(
                "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 9\r\nContent-Type: text/plain\r\n\r\nnot json!"
            ))
        let exchange = try await withHTTPTransport { transport in
            await transport.send(
                OutgoingRequest(url: server.url, body: Array("{}".utf8), timeout: .seconds(5)))
        }
        await server.stop()
        #expect(exchange.response?.status == 503)
        #expect(exchange.response?.bodyText == "not json!")
    }

    @Test func hugeResponseBodiesAreCapped() async throws {
        let big = String(repeating: "x", count: 200_000)
        let server = try await RawTestServer.start(
            .respond("HTTP/1.1 200 OK\r\nContent-Length: \(big.count)\r\n\r\n\(big)"))
        let exchange = try await withHTTPTransport(
            configuration: TransportConfiguration(maxResponseBytes: 1000)
        ) { transport in
            await transport.send(
                OutgoingRequest(url: server.url, body: Array("{}".utf8), timeout: .seconds(5)))
        }
        await server.stop()
        let response = try #require(exchange.response)
        #expect(response.body.count == 1000)
        #expect(response.bodyTruncated)
    }

    @Test func slowSendArrivesWhole() async throws {
        let receiver = try await ReferenceReceiver().start()
        let send = try signed(
            url: receiver.url(vendor: "testlify"),
            body: #"{"event":"completed","type":"candidate","data":{"candidateId":"slow"}}"#, id: "msg_slow",
            fault: .slowSend)[0]
        let request = send.makeRequest(AttemptContext(attempt: 1, nowSeconds: now()))
        #expect(request.mode != .normal)
        let exchange = try await withHTTPTransport { transport in await transport.send(request) }
        await receiver.stop()
        #expect(exchange.response?.status == 200)
        #expect(exchange.duration > .milliseconds(100))
    }

    @Test func truncatedBodyIsNotAccepted() async throws {
        let receiver = try await ReferenceReceiver().start()
        let send = try signed(
            url: receiver.url(vendor: "testlify"),
            body: #"{"event":"completed","type":"candidate","data":{"candidateId":"cut"}}"#, id: "msg_cut",
            fault: .truncatedBody)[0]
        let exchange = try await withHTTPTransport { transport in
            await transport.send(send.makeRequest(AttemptContext(attempt: 1, nowSeconds: now())))
        }
        let events = await receiver.state.events
        await receiver.stop()
        #expect(exchange.response?.status != 200)
        #expect(!events.contains { $0.status == 200 })
    }

    @Test func retriesArriveOnTheScaledSchedule() async throws {
        let receiver = try await ReferenceReceiver(
            configuration: ReceiverConfiguration(chaos: ChaosSettings(failFirst: 2))
        ).start()
        let send = try signed(
            url: receiver.url(vendor: "testlify"),
            body: #"{"event":"completed","type":"candidate","data":{"candidateId":"r1"}}"#, id: "msg_retry",
            fault: .vendorRetries)[0]
        let policy = try #require(send.retryPolicy)
        let result = try await withHTTPTransport { transport in
            await DeliveryLoop.deliver(policy: policy, transport: transport, makeRequest: send.makeRequest)
        }
        let events = await receiver.state.events
        await receiver.stop()
        #expect(result.outcome == .delivered)
        #expect(result.attempts.map { $0.exchange.response?.status } == [503, 503, 200])
        #expect(result.attempts.map(\.waitedBefore) == [.zero, .milliseconds(5), .milliseconds(300)])
        let gap =
            result.attempts[2].exchange.startedAtMilliseconds
            - result.attempts[1].exchange.startedAtMilliseconds
        #expect(gap >= 300)
        #expect(events.map(\.messageId) == ["msg_retry", "msg_retry", "msg_retry"])
    }
}

import ProctorCore
import ProctorDelivery
import ProctorJSON
import ProctorReceiver
import ProctorTestSupport
import Testing

/// The receiver against clients that do not play fair: slow request heads, stalled and trickled
/// bodies, idle kept-alive connections and more connections than it will hold. Short timeouts
/// keep each test to a second or two.
@Suite(.serialized) struct ReceiverTimeoutTests {
    static func start(_ limits: ConnectionLimits) async throws -> ReferenceReceiver.Running {
        try await ReferenceReceiver(configuration: ReceiverConfiguration(connections: limits)).start()
    }

    static let partialHead = "POST /webhooks/testlify HTTP/1.1\r\nHost: 127.0.0.1\r\n"

    /// Slowloris: clients that send a header line now and then never finish their head; each
    /// is closed once the header timeout passes, though bytes keep arriving.
    @Test func slowHeadsAreClosedAtTheHeaderTimeout() async throws {
        let receiver = try await Self.start(
            ConnectionLimits(headerTimeout: .milliseconds(500), idleTimeout: .seconds(30)))
        let port = receiver.port
        let clients = try await RawConnection.open(100, port: port, sending: Self.partialHead)
        let waits = await withTaskGroup(of: Duration?.self) { group in
            for client in clients {
                group.addTask {
                    await client.waitForClose(within: .seconds(4), every: .milliseconds(100)) { client in
                        await client.send("X-Slow: 1\r\n")
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        let health = try await httpGet(receiver.baseURL + "/health")
        await receiver.stop()
        #expect(waits.allSatisfy { $0 != nil }, "\(waits.filter { $0 == nil }.count) of 100 still open")
        #expect(health?.status == 200)
    }

    /// A kept-alive connection with no next request is closed at the idle timeout, and so is one
    /// whose body stops arriving.
    @Test func idleConnectionsAreClosed() async throws {
        let receiver = try await Self.start(
            ConnectionLimits(
                headerTimeout: .seconds(30), idleTimeout: .milliseconds(500), bodyTimeout: .seconds(30)))
        let keptAlive = try await RawConnection.open(port: receiver.port)
        await keptAlive.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        #expect(await keptAlive.waitFor(#"{"status":"ok"}"#, within: .seconds(2)))
        let clock = ContinuousClock()
        let answered = clock.now
        let stalled = try await RawConnection.open(port: receiver.port)
        await stalled.send(Self.partialHead + "Content-Length: 100\r\n\r\n{\"data\":")
        let keptAliveClosed = await keptAlive.waitForClose(within: .seconds(3)).map { _ in
            clock.now - answered
        }
        let stalledClosed = await stalled.waitForClose(within: .seconds(3))
        await receiver.stop()
        #expect(
            keptAliveClosed.map { $0 >= .milliseconds(250) } == true, "\(String(describing: keptAliveClosed))"
        )
        #expect(stalledClosed != nil)
    }

    /// A body trickled a byte at a time keeps the connection from being idle, but not past the
    /// body timeout: it is answered 408 and the connection closed.
    @Test func aTrickledBodyIsAnswered408() async throws {
        let receiver = try await Self.start(
            ConnectionLimits(
                headerTimeout: .seconds(30), idleTimeout: .seconds(30), bodyTimeout: .milliseconds(600)))
        let client = try await RawConnection.open(port: receiver.port)
        await client.send(Self.partialHead + "Content-Length: 1000\r\n\r\n{")
        let closed = await client.waitForClose(within: .seconds(4), every: .milliseconds(50)) { client in
            await client.send(" ")
        }
        let events = await receiver.state.events
        await receiver.stop()
        #expect(closed != nil)
        #expect(client.text.hasPrefix("HTTP/1.1 408"), "\(client.text)")
        #expect(client.text.contains(#""reason":"the body did not arrive within 600ms""#), "\(client.text)")
        #expect(events.isEmpty)
    }

    /// On a kept-alive connection the header timeout starts at the next request's first byte,
    /// not when the previous answer went out: a wait between requests is the idle timeout's.
    @Test func theHeaderTimeoutOfALaterRequestStartsAtItsFirstByte() async throws {
        let receiver = try await Self.start(
            ConnectionLimits(headerTimeout: .seconds(1), idleTimeout: .seconds(30)))
        let client = try await RawConnection.open(port: receiver.port)
        await client.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        #expect(await client.waitFor(#"{"status":"ok"}"#, within: .seconds(5)))
        try await Task.sleep(for: .milliseconds(1800))
        #expect(!client.isClosed, "closed while idle between requests, before the idle timeout")
        await client.send("GET /health HTTP/1.1\r\n")
        let closed = await client.waitForClose(within: .seconds(6), every: .milliseconds(100)) { client in
            await client.send("X-Slow: 1\r\n")
        }
        await receiver.stop()
        #expect(
            closed.map { $0 >= .milliseconds(900) && $0 < .seconds(4) } == true,
            "\(String(describing: closed))")
    }

    /// Beyond the cap, connections wait unanswered; the connections held keep being answered, and
    /// a waiting one is served once a held one closes.
    @Test func theConnectionCapKeepsHeldConnectionsAnswered() async throws {
        let receiver = try await Self.start(ConnectionLimits(maxConnections: 8))
        let probe = try await RawConnection.open(port: receiver.port)
        let health = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        await probe.send(health)
        #expect(await probe.waitFor(#"{"status":"ok"}"#, within: .seconds(2)))
        let idle = try await RawConnection.open(40, port: receiver.port)
        try await Task.sleep(for: .milliseconds(200))
        let clock = ContinuousClock()
        let start = clock.now
        await probe.send(health)
        let answered = await probe.waitFor(#"{"status":"ok"}"#, count: 2, within: .seconds(2))
        #expect(
            answered && clock.now - start < .seconds(1), "the probe on a held connection was not answered")
        let late = try await RawConnection.open(port: receiver.port)
        await late.send(health)
        #expect(
            !(await late.waitFor("HTTP/1.1", within: .milliseconds(500))),
            "a connection past the cap was served")
        for connection in idle { await connection.close() }
        #expect(await late.waitFor(#"{"status":"ok"}"#, within: .seconds(3)))
        await probe.close()
        await late.close()
        await receiver.stop()
    }

    /// Stopping does not wait for clients holding partial requests: after the grace period the
    /// connections are closed.
    @Test func stopClosesConnectionsHoldingPartialRequests() async throws {
        let receiver = try await Self.start(
            ConnectionLimits(
                headerTimeout: .seconds(60), idleTimeout: .seconds(60), bodyTimeout: .seconds(60),
                shutdownGrace: .milliseconds(300)))
        let bodies = try await RawConnection.open(
            10, port: receiver.port, sending: Self.partialHead + "Content-Length: 1000\r\n\r\n{")
        let heads = try await RawConnection.open(10, port: receiver.port, sending: Self.partialHead)
        try await Task.sleep(for: .milliseconds(200))
        let clock = ContinuousClock()
        let start = clock.now
        await receiver.stop()
        let took = clock.now - start
        #expect(took < .seconds(2), "stop took \(took)")
        for client in bodies + heads { #expect(await client.waitForClose(within: .seconds(1)) != nil) }
    }
}

/// What the receiver keeps stays within its limits, and its listings come in pages.
@Suite(.serialized) struct ReceiverBoundsAndPagesTests {
    /// A Qualified delivery (unsigned, de-duplicated by body) about candidate `id`.
    static func qualified(_ id: String, state: String = "invited") -> [UInt8] {
        Array(
            #"{"event":"team_candidate_state_changed","data":{"email":"\#(id)@example.com","state":"\#(state)","id":"\#(id)"}}"#
                .utf8)
    }

    static func deliver(_ bodies: [[UInt8]], to receiver: ReferenceReceiver.Running) async throws -> [Int] {
        try await withHTTPTransport { transport in
            var statuses: [Int] = []
            for body in bodies {
                let exchange = await transport.send(
                    OutgoingRequest(url: receiver.url(vendor: "qualified"), body: body, timeout: .seconds(5)))
                statuses.append(exchange.response?.status ?? 0)
            }
            return statuses
        }
    }

    @Test func candidatesEventsAndHistoriesAreBounded() async throws {
        let receiver = try await ReferenceReceiver(
            configuration: ReceiverConfiguration(
                limits: ReceiverStateLimits(maxEvents: 8, maxCandidates: 5, maxHistory: 3))
        ).start()
        let statuses = try await Self.deliver(
            (1...12).map { Self.qualified("c\($0)") }
                + ["started", "submitted", "reviewed", "hired", "onboarded"].map {
                    Self.qualified("c12", state: $0)
                },
            to: receiver)
        let held = await receiver.state.allCandidates().map(\.id)
        let evicted = await receiver.state.candidate("c7@example.com")
        let latest = await receiver.state.candidate("c12")
        let events = await receiver.state.events
        let page = try await getJSON(receiver.baseURL + "/candidates")
        await receiver.stop()
        #expect(statuses.allSatisfy { $0 == 200 })
        #expect(held == ["c10", "c11", "c12", "c8", "c9"])
        #expect(evicted == nil)
        #expect(latest?.status == "onboarded")
        #expect(latest?.history.map(\.status) == ["reviewed", "hired", "onboarded"])
        #expect(latest?.historyDropped == 3)
        #expect(events.map(\.sequence) == Array(10...17))
        #expect(page?["total"]?.intValue == 5)
        #expect(page?["candidates"]?[0]?["historyDropped"]?.intValue == 0)
    }

    /// The candidate updated least recently goes first, not the one seen first.
    @Test func theCandidateUpdatedLeastRecentlyIsEvicted() async throws {
        let receiver = try await ReferenceReceiver(
            configuration: ReceiverConfiguration(limits: ReceiverStateLimits(maxCandidates: 3))
        ).start()
        _ = try await Self.deliver(
            [
                Self.qualified("a"), Self.qualified("b"), Self.qualified("c"),
                Self.qualified("a", state: "started"),
                Self.qualified("d"),
            ], to: receiver)
        let held = await receiver.state.allCandidates().map(\.id)
        await receiver.stop()
        #expect(held == ["a", "c", "d"])
    }

    @Test func eventsComeInPages() async throws {
        let receiver = try await ReferenceReceiver().start()
        _ = try await Self.deliver((1...7).map { Self.qualified("p\($0)") }, to: receiver)
        var sequences: [Int] = []
        var next: String? = "/events?limit=3"
        var pages = 0
        while let path = next, pages < 10 {
            let page = try #require(try await getJSON(receiver.baseURL + path))
            #expect(page["total"]?.intValue == 7)
            #expect(page["limit"]?.intValue == 3)
            sequences += page["events"]?.arrayValue?.compactMap { $0["sequence"]?.intValue } ?? []
            next = page["next"]?.stringValue
            pages += 1
        }
        let first = try await getJSON(receiver.baseURL + "/events?limit=3")
        let whole = try await getJSON(receiver.baseURL + "/events")
        let capped = try await getJSON(receiver.baseURL + "/events?limit=5000")
        let bad = try await ["limit=0", "limit=x", "after=-1", "after=z"].asyncMap {
            try await httpGet(receiver.baseURL + "/events?" + $0)?.status
        }
        await receiver.stop()
        #expect(sequences == Array(1...7))
        #expect(pages == 3)
        #expect(first?["next"]?.stringValue == "/events?after=3&limit=3")
        #expect(whole?["events"]?.arrayValue?.count == 7)
        #expect(whole?["limit"]?.intValue == 100)
        #expect(whole?["next"]?.isNull == true)
        #expect(capped?["limit"]?.intValue == 1000)
        #expect(bad == [400, 400, 400, 400])
    }

    /// Candidate pages go by id; the cursor is percent-encoded, so ids with `&`, `+` or `@` work.
    @Test func candidatesComeInPagesByIdWhateverTheId() async throws {
        let receiver = try await ReferenceReceiver().start()
        let ids = ["a&b", "a+b", "b@c", "c d", "c#1"]
        _ = try await Self.deliver(ids.map { Self.qualified($0) }, to: receiver)
        var listed: [String] = []
        var next: String? = "/candidates?limit=2"
        while let path = next, listed.count < 10 {
            let page = try #require(try await getJSON(receiver.baseURL + path))
            listed += page["candidates"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
            next = page["next"]?.stringValue
        }
        let one = try await httpGet(receiver.baseURL + "/candidates/c1")
        await receiver.stop()
        #expect(listed == ids.sorted())
        #expect(one?.status == 404)
    }
}

func httpGet(_ url: String) async throws -> ResponseSummary? {
    try await withHTTPTransport { transport in
        await transport.send(OutgoingRequest(method: "GET", url: url, body: [], timeout: .seconds(5)))
            .response
    }
}

func getJSON(_ url: String) async throws -> JSONValue? {
    guard let response = try await httpGet(url), response.status == 200 else { return nil }
    return try JSONParser().parse(response.body)
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}

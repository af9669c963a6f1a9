import Foundation
import ProctorJSON
import ProctorSigning
import ProctorVendors
import Testing

@testable import ProctorReceiver

@Suite struct CapturedRequestVerifierTests {
    static let secretText = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    let now: Int64 = 1_700_000_000
    let compact = #"{"type":"candidate","event":"completed","data":{"b":1,"a":[1,2]}}"#

    func sign(_ body: [UInt8], timestamp: Int64) throws -> String {
        let signed = try Signer(scheme: .standardWebhooks(.svix), secrets: [WebhookSecret(Self.secretText)])
            .sign(messageId: "msg_1", timestampSeconds: timestamp, body: body)
        return try #require(signed.headers.first { $0.name == "svix-signature" }?.value)
    }

    func raw(
        body: String, signedBody: String? = nil, timestamp: Int64? = nil, signature: String? = nil,
        prefix: String = "svix"
    ) throws -> [UInt8] {
        let ts = timestamp ?? now
        let sig =
            try signature ?? sign(Array((signedBody ?? body).utf8), timestamp: ts)
        let text =
            "POST /webhooks/testlify HTTP/1.1\r\nHost: example.com\r\nContent-Type: application/json\r\n\(prefix)-id: msg_1\r\n\(prefix)-timestamp: \(ts)\r\n\(prefix)-signature: \(sig)\r\n\r\n\(body)"
        return Array(text.utf8)
    }

    func verify(_ bytes: [UInt8]) throws -> Verification {
        let captured = try CapturedRequest.parse(raw: bytes)
        return WebhookVerifier(secrets: [WebhookSecret(Self.secretText)]).verify(
            headers: captured.headers, body: captured.body, nowSeconds: now)
    }

    @Test func validRequest() throws {
        let report = try verify(try raw(body: compact))
        #expect(report.isValid)
        #expect(report.problems.isEmpty)
        #expect(!report.rendered.contains("whsec_"))
    }

    @Test func webhookHeaderNamesAndLFLineEndings() throws {
        let text = String(decoding: try raw(body: compact, prefix: "webhook"), as: UTF8.self)
            .replacingOccurrences(of: "\r\n", with: "\n")
        #expect(try verify(Array(text.utf8)).isValid)
    }

    @Test func noSignatureHeaders() throws {
        let report = try verify(Array("POST / HTTP/1.1\r\nContent-Type: application/json\r\n\r\n{}".utf8))
        #expect(!report.isValid)
        #expect(report.problems.first?.hasPrefix("no signature headers") == true)
    }

    @Test func staleTimestampSaysByHowMuch() throws {
        let report = try verify(try raw(body: compact, timestamp: now - 420))
        #expect(report.problems == ["timestamp is 420s old: 120s beyond the 300s tolerance"])
        #expect(report.notes.contains("the signature itself matches the body"))
    }

    @Test func reSerializedBodyIsExplained() throws {
        let value = try JSONParser().parse(compact)
        let pretty = value.serialized(style: .pretty)
        let report = try verify(try raw(body: pretty, signedBody: compact))
        #expect(!report.isValid)
        #expect(report.problems.first?.hasPrefix("no signature matches the body") == true)
        #expect(
            report.notes.contains {
                $0.contains("compact serialization of the body matches") && $0.contains("only in whitespace")
            })
    }

    @Test func sortedKeysAreExplained() throws {
        let sorted = #"{"data":{"a":[1,2],"b":1},"event":"completed","type":"candidate"}"#
        let report = try verify(try raw(body: compact, signedBody: sorted))
        #expect(report.notes.contains { $0.contains("sorted keys matches") })
    }

    @Test func wrongSecretFindsNoVariant() throws {
        let report = try verify(
            try raw(body: compact, signature: "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="))
        #expect(report.notes.contains { $0.contains("no re-serialization") })
    }

    @Test func malformedEntries() throws {
        let report = try verify(try raw(body: compact, signature: "v1,%%%notbase64"))
        #expect(report.problems.first?.hasPrefix("no signature entry that can be checked") == true)
        #expect(report.notes.contains { $0.hasPrefix("malformed signature entries") })
        let rotated = try verify(
            try raw(
                body: compact,
                signature: "v1,%%% " + sign(Array(compact.utf8), timestamp: now)))
        #expect(rotated.isValid)
    }

    @Test func unusableInput() {
        #expect(throws: CapturedRequestError.self) {
            try CapturedRequest.parse(raw: Array("POST / HTTP/1.1\r\nNo-Body-Separator: x".utf8))
        }
    }

    /// Found by the verify-request fuzz target: `svix-timestamp: 1\r\r\n` gave the value "1\r",
    /// which written back with LF line ends read as "1".
    @Test func bareCarriageReturnsAreRejected() {
        for raw in ["svix-timestamp: 1750000000\r\r\n\r\nbody", "X-A: a\rb\n\nbody"] {
            #expect {
                try CapturedRequest.parse(raw: Array(raw.utf8))
            } throws: { error in
                (error as? CapturedRequestError)?.message.contains("carriage return (CR) that does not end")
                    == true
            }
        }
        #expect((try? CapturedRequest.parse(raw: Array("X-A: a\r\n\r\n".utf8)))?.headers["X-A"] == "a")
    }
}

@Suite struct ChaosOptionTests {
    @Test func statuses() {
        #expect(ChaosSettings.parseStatuses("503,503,200") == [503, 503, 200])
        #expect(ChaosSettings.parseStatuses("503, 200") == [503, 200])
        #expect(ChaosSettings.parseStatuses("503,,200") == nil)
        #expect(ChaosSettings.parseStatuses("99") == nil)
        #expect(ChaosSettings.parseStatuses("ok") == nil)
    }

    @Test func rates() {
        #expect(ChaosSettings.parseRate("5%") == 0.05)
        #expect(ChaosSettings.parseRate("0.25") == 0.25)
        #expect(ChaosSettings.parseRate("100%") == 1)
        #expect(ChaosSettings.parseRate("150%") == nil)
        #expect(ChaosSettings.parseRate("-1") == nil)
        #expect(ChaosSettings.parseRate("lots") == nil)
    }
}

@Suite struct BoundedSetTests {
    @Test func forgetsTheOldest() {
        var set = BoundedSet(capacity: 2)
        #expect(set.insert("a") == (true, nil))
        #expect(set.insert("a") == (false, nil))
        #expect(set.insert("b") == (true, nil))
        #expect(set.insert("c") == (true, "a"))
        #expect(!set.contains("a"))
        #expect(set.insert("d") == (true, "b"))
        #expect(set.insert("e") == (true, "c"))
        #expect(set.contains("d") && set.contains("e"))
        #expect(set.insert("a") == (true, "d"))
    }
}

@Suite struct RecencyOrderTests {
    @Test func removesTheKeyTouchedLeastRecently() {
        var order = RecencyOrder()
        for key in ["a", "b", "c", "a", "d", "b"] { order.touch(key) }
        #expect(order.count == 4)
        #expect(order.removeOldest() == "c")
        #expect(order.removeOldest() == "a")
        #expect(order.removeOldest() == "d")
        #expect(order.removeOldest() == "b")
        #expect(order.removeOldest() == nil)
        #expect(order.count == 0)
    }

    /// Touching the same keys over and over keeps the queue compact and the order right.
    @Test func staysCompactUnderRepeatedTouches() {
        var order = RecencyOrder()
        for round in 0..<10_000 { order.touch("k\(round % 7)") }
        #expect(order.count == 7)
        #expect(order.queuedEntries <= 2 * 7 + 65)
        // The last seven touches were k4, k5, k6, k0, k1, k2, k3 (9,993 % 7 == 4).
        #expect(order.removeOldest() == "k4")
    }
}

@Suite struct ReceiverStateLimitsTests {
    /// Many candidates through a small state: the candidates, their aliases and the log all stay
    /// at their limits.
    @Test func aFloodOfCandidatesStaysWithinTheLimits() async {
        let state = ReceiverState(
            limits: ReceiverStateLimits(maxEvents: 500, maxCandidates: 1000, maxHistory: 4))
        // Every other update is about one "hot" candidate; the rest are each about a new one.
        for index in 0..<20_000 {
            let id = index.isMultiple(of: 2) ? "hot" : "cand-\(index)"
            var facts = PayloadFacts(event: "e")
            facts.candidateId = id
            facts.candidateEmail = id + "@example.com"
            facts.status = "s\(index)"
            await state.updateCandidate(vendor: "testlify", facts: facts, messageId: "m\(index)", at: 0)
            _ = await state.record(
                ReceivedEvent(
                    sequence: 0, vendor: "testlify", event: "e", messageId: "m\(index)",
                    receivedAtMilliseconds: 0,
                    verified: nil, duplicate: false, status: 200))
        }
        #expect(await state.candidateCount == 1000)
        #expect(await state.aliasCount == 2000)
        #expect(await state.events.count == 500)
        #expect(await state.eventCounts == (held: 500, dropped: 19_500))
        let hot = await state.candidate("hot@example.com")
        #expect(hot?.history.map(\.status) == ["s19992", "s19994", "s19996", "s19998"])
        #expect(hot?.historyDropped == 9996)
        #expect(await state.candidate("cand-1@example.com") == nil)
        #expect(await state.candidate("cand-19999")?.status == "s19999")
    }

    /// Load mode's pooled Testlify payloads repeat emails every 64 actors: each new candidate id
    /// with a known email joins that candidate. Its ids and history stay bounded however many.
    @Test func manyIdsSharingAnEmailStayBounded() async {
        let state = ReceiverState(limits: ReceiverStateLimits(maxHistory: 10, maxAliases: 8))
        for index in 0..<5000 {
            var facts = PayloadFacts(event: "e")
            facts.candidateId = "id-\(index)"
            facts.candidateEmail = "shared@example.com"
            await state.updateCandidate(vendor: "testlify", facts: facts, messageId: "m\(index)", at: 0)
        }
        #expect(await state.candidateCount == 1)
        #expect(await state.aliasCount == 8)
        #expect(await state.candidate("id-0")?.history.count == 10)
        #expect(await state.candidate("id-4999")?.id == "id-0")
        #expect(await state.candidate("shared@example.com")?.historyDropped == 4990)
        #expect(await state.candidate("id-4000") == nil)
    }
}

@Suite struct FileDescriptorLimitTests {
    /// A cap within the open-file limit is kept; one past any limit is lowered to what fits,
    /// after the soft limit is raised as far as the hard one allows.
    @Test func theCapFitsTheOpenFileLimit() throws {
        #expect(FileDescriptorLimit.fit(connections: 10) == 10)
        let fitted = FileDescriptorLimit.fit(connections: 100_000_000)
        let limits = try #require(FileDescriptorLimit.current())
        #expect(fitted == limits.soft - FileDescriptorLimit.reserve)
        #expect(
            limits.soft == min(limits.hard, 100_000_000 + FileDescriptorLimit.reserve)
                || limits.soft < limits.hard)
    }
}

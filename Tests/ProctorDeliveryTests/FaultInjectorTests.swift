import ProctorCore
import ProctorDelivery
import ProctorVendors
import Testing

@Suite struct FaultInjectorTests {
    static let secret = StandardWebhooksSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    let now: Int64 = 1_700_000_000
    var prepared: PreparedRequest {
        PreparedRequest(
            vendor: "testlify", event: "candidate.completed", url: "http://127.0.0.1:1/webhooks/testlify",
            body: Array(#"{"event":"completed"}"#.utf8), messageId: "msg_1",
            signing: Self.secret.map { MessageSigning(secret: $0) }
        )
    }

    func requests(_ fault: FaultKind?, options: FaultOptions = FaultOptions()) throws -> [OutgoingRequest] {
        try FaultInjector.plan(prepared, fault: fault, options: options).enumerated().map { index, send in
            send.makeRequest(AttemptContext(attempt: 1, nowSeconds: now + Int64(index)))
        }
    }

    /// Nil when the request verifies.
    func verify(_ request: OutgoingRequest, names: SignatureHeaderNames = .svix) throws
        -> StandardWebhooksVerifier.Failure?
    {
        let secret = try #require(Self.secret)
        let result = StandardWebhooksVerifier.verify(
            secret: secret, id: request.headers[names.id] ?? "",
            timestamp: request.headers[names.timestamp] ?? "",
            signatureHeader: request.headers[names.signature] ?? "", body: request.body, now: now
        )
        if case .failure(let failure) = result { return failure }
        return nil
    }

    @Test func noFaultIsValidlySigned() throws {
        let sent = try requests(nil)
        #expect(sent.count == 1)
        #expect(try verify(sent[0]) == nil)
        #expect(sent[0].headers["svix-id"] == "msg_1")
        #expect(sent[0].body == prepared.body)
    }

    @Test func duplicateKeepsIdWithFreshTimestampAndSignature() throws {
        let sent = try requests(.duplicate)
        #expect(sent.count == 2)
        #expect(sent[0].headers["svix-id"] == sent[1].headers["svix-id"])
        #expect(sent[0].headers["svix-timestamp"] != sent[1].headers["svix-timestamp"])
        #expect(sent[0].headers["svix-signature"] != sent[1].headers["svix-signature"])
        for request in sent { #expect(try verify(request) == nil) }
    }

    @Test func badSignatureDoesNotMatch() throws {
        #expect(try verify(try requests(.badSignature)[0]) == (.noMatchingSignature))
    }

    @Test func malformedSignatureIsNotBase64() throws {
        let request = try requests(.malformedSignature)[0]
        #expect(try verify(request) == (.malformedSignatures(["v1,not*base64!"])))
    }

    @Test func staleAndFutureTimestampsAreOutsideTolerance() throws {
        #expect(
            try verify(try requests(.staleTimestamp)[0]) == (.timestampOutsideTolerance(skewSeconds: 600)))
        #expect(
            try verify(try requests(.futureTimestamp)[0]) == (.timestampOutsideTolerance(skewSeconds: -600)))
    }

    @Test func rotatedSecretCarriesTwoSignaturesOneValid() throws {
        let request = try requests(.rotatedSecret)[0]
        #expect(request.headers["svix-signature"]?.split(separator: " ").count == 2)
        #expect(try verify(request) == nil)
    }

    @Test func missingSignatureKeepsIdAndTimestamp() throws {
        let request = try requests(.missingSignature)[0]
        #expect(request.headers["svix-signature"] == nil)
        #expect(request.headers["svix-id"] == "msg_1")
    }

    @Test func webhookHeadersUseStandardNames() throws {
        let request = try requests(.webhookHeaders)[0]
        #expect(request.headers["svix-id"] == nil)
        #expect(try verify(request, names: .webhook) == nil)
    }

    @Test func delayAndRetriesAreScaled() throws {
        let options = FaultOptions(delay: .seconds(5), timeScale: 0.001)
        let delayed = try FaultInjector.plan(prepared, fault: .delay, options: options)
        #expect(delayed[0].delayBefore == .milliseconds(5))
        let retries = try FaultInjector.plan(prepared, fault: .vendorRetries, options: options)
        #expect(retries[0].retryPolicy?.delays.first == .milliseconds(5))
        #expect(retries[0].retryPolicy?.name == "svix")
    }

    @Test func slowAndTruncatedSetTheSendMode() throws {
        #expect(try requests(.slowSend)[0].mode == .slow(chunkSize: 16, interval: .milliseconds(50)))
        let body = prepared.body.count
        #expect(try requests(.truncatedBody)[0].mode == .truncated(sentBytes: body / 2))
    }

    @Test func signatureFaultsNeedASignedVendor() {
        var unsigned = prepared
        unsigned.vendor = "talview"
        unsigned.signing = nil
        #expect(throws: FaultError.self) { try FaultInjector.plan(unsigned, fault: .badSignature) }
        #expect(throws: Never.self) { try FaultInjector.plan(unsigned, fault: .duplicate) }
    }

    @Test func reorderSwapsWithTheNextEvent() {
        let events = ["invited", "enrolled*", "in_progress", "completed", "scored*"]
        #expect(
            Reordering.apply(events) { $0.hasSuffix("*") } == [
                "invited", "in_progress", "enrolled*", "completed", "scored*",
            ])
        #expect(Reordering.apply(["a*", "b*", "c"]) { $0.hasSuffix("*") } == ["b*", "a*", "c"])
        #expect(Reordering.apply([String]()) { _ in true } == [])
    }

    @Test func everyFaultDocumentsTheExpectedAnswer() {
        for fault in FaultKind.allCases { #expect(!fault.expectedConsumerAnswer.isEmpty) }
    }

    @Test func secretsStayOutOfDescriptions() {
        let text = String(describing: prepared) + String(reflecting: prepared)
        #expect(!text.contains("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        #expect(text.contains("whsec_****"))
    }

    @Test func secretBearingHeadersAreMasked() {
        let headers: HeaderFields = [
            ("svix-signature", "v1,abc"), ("Authorization", "Bearer x"), ("Content-Type", "application/json"),
        ]
        #expect(headers.masked["svix-signature"] == "****")
        #expect(headers.masked["authorization"] == "****")
        #expect(headers.masked["content-type"] == "application/json")
    }
}

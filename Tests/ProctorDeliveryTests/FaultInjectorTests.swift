import ProctorCore
import ProctorDelivery
import ProctorSigning
import ProctorVendors
import Testing

@Suite struct FaultInjectorTests {
    static let secret = WebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    let now: Int64 = 1_700_000_000
    var prepared: PreparedRequest {
        PreparedRequest(
            vendor: "testlify", event: "candidate.completed", url: "http://127.0.0.1:1/webhooks/testlify",
            body: Array(#"{"event":"completed"}"#.utf8), messageId: "msg_1",
            signers: [(try? Signer(scheme: .standardWebhooks(.svix), secrets: [Self.secret]))].compactMap {
                $0
            },
            retryPolicy: .svix
        )
    }

    func requests(_ fault: FaultKind?, options: FaultOptions = FaultOptions()) throws -> [OutgoingRequest] {
        try FaultInjector.plan(prepared, fault: fault, options: options).enumerated().map { index, send in
            send.makeRequest(AttemptContext(attempt: 1, nowSeconds: now + Int64(index)))
        }
    }

    /// Nil when the request verifies, else the first problem.
    func verify(_ request: OutgoingRequest) throws -> String? {
        let result = WebhookVerifier(secrets: [Self.secret]).verify(
            headers: request.headers, body: request.body, nowSeconds: now)
        return result.isValid ? nil : (result.reason ?? "invalid")
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
        #expect(
            try verify(try requests(.badSignature)[0])?.hasPrefix("no signature matches the body") == true)
    }

    @Test func malformedSignatureIsNotBase64() throws {
        let request = try requests(.malformedSignature)[0]
        #expect(try verify(request)?.hasPrefix("no signature entry that can be checked") == true)
    }

    @Test func staleAndFutureTimestampsAreOutsideTolerance() throws {
        #expect(
            try verify(try requests(.staleTimestamp)[0])
                == "timestamp is 600s old: 300s beyond the 300s tolerance")
        #expect(
            try verify(try requests(.futureTimestamp)[0])
                == "timestamp is 600s in the future: 300s beyond the 300s tolerance")
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
        #expect(request.headers["webhook-id"] == "msg_1")
        #expect(try verify(request) == nil)
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
        unsigned.signers = []
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

    @Test(arguments: [FaultKind?.none, .rotatedSecret, .badSignature])
    func producedSignaturesAreMasked(fault: FaultKind?) throws {
        var request = try requests(fault)[0]
        request.headers.add("Authorization", "Bearer x")
        let masked = request.maskedHeaders
        let signature = try #require(masked["svix-signature"])
        #expect(signature.split(separator: " ").allSatisfy { $0 == "v1,****" }, "\(signature)")
        #expect(masked["authorization"] == "****")
        #expect(masked["content-type"] == "application/json")
    }
}

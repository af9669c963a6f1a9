import Testing

@testable import ProctorVendors

@Suite struct StandardWebhooksTests {
    @Test(arguments: [
        (
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", Int64(1_614_265_330),
            #"{"test": 2432232314}"#, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        ),
        (
            "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD", "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk", Int64(1_649_367_553),
            #"{"email":"test@example.com","username":"test_user"}"#,
            "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw="
        ),
    ])
    func publicVectors(secret: String, id: String, timestamp: Int64, body: String, signature: String) throws {
        let key = try #require(StandardWebhooksSecret(secret))
        #expect(key.sign(id: id, timestamp: timestamp, body: Array(body.utf8)) == signature)
        let verified = StandardWebhooksVerifier.verify(
            secret: key, id: id, timestamp: String(timestamp), signatureHeader: "v1,bm9wZQ== " + signature,
            body: Array(body.utf8), now: timestamp + 10)
        #expect((try? verified.get()) != nil)
    }

    @Test func verifierExplainsFailures() throws {
        let key = try #require(StandardWebhooksSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
        let body = Array(#"{"a":1}"#.utf8)
        let sig = key.sign(id: "msg_1", timestamp: 1000, body: body)
        func failure(_ r: Result<Void, StandardWebhooksVerifier.Failure>) -> StandardWebhooksVerifier.Failure?
        {
            if case .failure(let f) = r { return f }
            return nil
        }
        #expect(
            failure(
                StandardWebhooksVerifier.verify(
                    secret: key, id: "msg_1", timestamp: "1000", signatureHeader: sig, body: body, now: 1400))
                == .timestampOutsideTolerance(skewSeconds: 400))
        #expect(
            failure(
                StandardWebhooksVerifier.verify(
                    secret: key, id: "msg_1", timestamp: "1000", signatureHeader: "v1,%%%", body: body,
                    now: 1000))
                == .malformedSignatures(["v1,%%%"]))
        #expect(
            failure(
                StandardWebhooksVerifier.verify(
                    secret: key, id: "msg_2", timestamp: "1000", signatureHeader: sig, body: body, now: 1000))
                == .noMatchingSignature)
        #expect(key.description == "whsec_****")
    }
}

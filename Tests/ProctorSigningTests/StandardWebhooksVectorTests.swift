import ProctorSigning
import Testing

/// The Standard Webhooks specification's and Svix's published test vectors.
@Suite struct StandardWebhooksVectorTests {
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
        let signer = try Signer(scheme: .standardWebhooks(.webhook), secrets: [WebhookSecret(secret)])
        let signed = signer.sign(messageId: id, timestampSeconds: timestamp, body: Array(body.utf8))
        var headers = HeaderFields()
        headers.apply(signed)
        #expect(headers["webhook-signature"] == signature)
        headers.set("webhook-signature", "v1,bm9wZQ== " + signature)
        let verified = WebhookVerifier(secrets: [WebhookSecret(secret)]).verify(
            headers: headers, body: Array(body.utf8), nowSeconds: timestamp + 10)
        #expect(verified.isValid, "\(verified.rendered)")
    }

    /// The load path signs in place with the same bytes as the general signer.
    @Test func inPlaceSigningMatches() throws {
        let secrets = [
            WebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
            WebhookSecret("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"),
        ]
        let signer = try Signer(scheme: .standardWebhooks(.svix), secrets: secrets)
        let body = Array(#"{"a":1}"#.utf8)
        let expected = signer.sign(messageId: "msg_1", timestampSeconds: 1_700_000_000, body: body)
            .headers.first { $0.name == "svix-signature" }?.value
        var out = [UInt8](repeating: 0, count: signer.symmetricValueLength)
        let ok = Array("msg_1".utf8).withUnsafeBytes { id in
            Array("1700000000".utf8).withUnsafeBytes { ts in
                body.withUnsafeBytes { b in
                    out.withUnsafeMutableBytes {
                        signer.writeSymmetricSignatures(id: id, timestamp: ts, body: b, into: $0)
                    }
                }
            }
        }
        #expect(ok)
        #expect(String(decoding: out, as: UTF8.self) == expected)
    }

    @Test func keysAreMaskedAndTyped() throws {
        let pair = WebhookSecret.generateEd25519()
        #expect(pair.secret.description == "whsk_****")
        #expect(pair.publicKey.description == "whpk_****")
        #expect(WebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").description == "whsec_****")
        #expect(try pair.secret.standardWebhooksKey().version == "v1a")
        #expect(throws: SigningError.self) {
            try Signer(scheme: .standardWebhooks(.svix), secrets: [pair.publicKey])
        }
        #expect(throws: SigningError.self) { try WebhookSecret("whsk_AAAA").standardWebhooksKey() }
        #expect(throws: SigningError.self) { try WebhookSecret("whsec_%%%").standardWebhooksKey() }
    }
}

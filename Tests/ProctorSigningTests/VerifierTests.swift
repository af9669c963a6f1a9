import ProctorCore
import ProctorSigning
import Testing

/// The one verifier against what the one signer produces, and against tampered requests.
struct VerifierTests {
    static let secret = WebhookSecret(SecretRule.exampleSecret)
    static let body = Array(#"{"type":"candidate.completed","data":{"id":"1"}}"#.utf8)
    static let now: Int64 = 1_795_459_876

    static func signed(
        _ scheme: SigningScheme = .standardWebhooks(.svix), secrets: [WebhookSecret] = [secret],
        variant: SignatureVariant = .valid
    ) throws -> HeaderFields {
        var headers: HeaderFields = [("Content-Type", "application/json")]
        headers.apply(
            try Signer(scheme: scheme, secrets: secrets).sign(
                messageId: "msg_1", timestampSeconds: now, body: body, variant: variant))
        return headers
    }

    static func verify(_ headers: HeaderFields, body: [UInt8] = body, secrets: [WebhookSecret] = [secret])
        -> Verification
    {
        WebhookVerifier(secrets: secrets).verify(headers: headers, body: body, nowSeconds: now)
    }

    @Test func acceptsWhatTheSignerProduces() throws {
        let ed = WebhookSecret.generateEd25519()
        let cases: [(SigningScheme, [WebhookSecret], [WebhookSecret])] = [
            (.standardWebhooks(.svix), [Self.secret], [Self.secret]),
            (.standardWebhooks(.webhook), [Self.secret], [Self.secret]),
            (.standardWebhooks(.svix), [ed.secret], [ed.publicKey]),
            (.standardWebhooks(.svix), [ed.secret], [ed.secret]),
            (.standardWebhooks(.svix), [Self.secret, ed.secret], [ed.publicKey]),
            (
                .standardWebhooks(.webhook),
                [WebhookSecret("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"), Self.secret], [Self.secret]
            ),
        ]
        var all = cases
        for algorithm in HMACSigning.Algorithm.allCases {
            for encoding in HMACSigning.Encoding.allCases {
                for prefix in ["", "sha256=", "\(algorithm.shortName)=", "v1="] {
                    let h = HMACSigning(
                        header: "X-Sig", algorithm: algorithm, encoding: encoding, prefix: prefix)
                    all.append((.hmac(h), [WebhookSecret("s3cret")], [WebhookSecret("s3cret")]))
                }
            }
        }
        for (scheme, signing, verifying) in all {
            let result = Self.verify(try Self.signed(scheme, secrets: signing), secrets: verifying)
            #expect(result.isValid, "\(scheme): \(result.rendered)")
        }
    }

    @Test(arguments: [
        ("empty", ""), ("whitespace", "   "), ("v2 only", "v2,AAAA"), ("upper-case V1", "V1,"),
        ("no comma", "v1"), ("bad base64", "v1,not*base64!"),
    ])
    func uncheckableSignatureHeadersAreInvalid(name: String, value: String) throws {
        var headers = try Self.signed()
        let valid = try #require(headers["svix-signature"])
        // Upper-case V1 keeps the real signature bytes: the version must still match exactly.
        headers.set("svix-signature", value == "V1," ? "V1," + valid.dropFirst(3) : value)
        let result = Self.verify(headers)
        #expect(!result.isValid, "\(name)")
        #expect(result.verdict == .invalid, "\(name)")
    }

    @Test func tamperedRequestsAreInvalidWithTheReason() throws {
        var body = Self.body
        body[2] ^= 1
        #expect(
            Self.verify(try Self.signed(), body: body).reason?.hasPrefix("no signature matches the body")
                == true)

        var headers = try Self.signed()
        headers.set("svix-timestamp", String(Self.now - 301))
        let stale = Self.verify(headers)
        #expect(stale.problems.contains { $0.contains("301s old: 1s beyond the 300s tolerance") })

        let tolerant = WebhookVerifier(secrets: [Self.secret], toleranceSeconds: 30)
        var skewed = try Self.signed()
        skewed.set("svix-timestamp", String(Self.now + 31))
        #expect(
            tolerant.verify(headers: skewed, body: Self.body, nowSeconds: Self.now).problems.contains {
                $0.contains("beyond the 30s tolerance")
            })

        for variant in [SignatureVariant.wrong, .malformed, .missing] {
            #expect(!Self.verify(try Self.signed(variant: variant)).isValid, "\(variant)")
        }
        #expect(Self.verify(try Self.signed(variant: .rotated)).isValid)
        #expect(
            Self.verify(HeaderFields([HTTPHeader("Content-Type", "application/json")])).verdict == .unsigned)
    }

    /// A required body HMAC is checked besides a Standard Webhooks signature: both must hold.
    @Test func aRequiredHMACIsCheckedBesidesStandardWebhooks() throws {
        let hmac = HMACSigning(header: "X-Sig", prefix: "sha256=")
        var headers = try Self.signed()
        let verifier = WebhookVerifier(secrets: [Self.secret])
        #expect(
            verifier.verify(headers: headers, body: Self.body, nowSeconds: Self.now, hmacHeader: "X-Sig")
                .problems
                == ["missing signature header: X-Sig"])
        headers.apply(
            try Signer(scheme: .hmac(hmac), secrets: [Self.secret]).sign(
                messageId: "m", timestampSeconds: 0, body: Self.body))
        #expect(
            verifier.verify(headers: headers, body: Self.body, nowSeconds: Self.now, hmacHeader: "X-Sig")
                .isValid)
        headers.set("X-Sig", "sha256=" + String(repeating: "0", count: 64))
        #expect(
            !verifier.verify(headers: headers, body: Self.body, nowSeconds: Self.now, hmacHeader: "X-Sig")
                .isValid)
        // Not required: the Standard Webhooks signature decides.
        #expect(verifier.verify(headers: headers, body: Self.body, nowSeconds: Self.now).isValid)
    }

    @Test func masksWhatTheSignerProducedWhateverTheHeaderName() throws {
        let signer = try Signer(
            scheme: .hmac(HMACSigning(header: "X-Sig", prefix: "sha256=")), secrets: [WebhookSecret("s3cret")]
        )
        let signed = signer.sign(messageId: "m", timestampSeconds: Self.now, body: Self.body)
        var headers = HeaderFields()
        headers.apply(signed)
        #expect(headers.masked(sensitive: signed.sensitive)["X-Sig"] == "sha256=****")
        let standard = try Signer(
            scheme: .standardWebhooks(.svix), secrets: [Self.secret, WebhookSecret.generateEd25519().secret]
        )
        .sign(messageId: "m", timestampSeconds: Self.now, body: Self.body)
        var sw = HeaderFields()
        sw.apply(standard)
        #expect(sw.masked(sensitive: standard.sensitive)["svix-signature"] == "v1,**** v1a,****")
        #expect(HeaderFields([HTTPHeader("Authorization", "Bearer x")]).masked()["Authorization"] == "****")
    }

    @Test func secretRuleOrder() {
        let env = ["PROCTOR_SECRET": "whsec_ZW52"]
        #expect(
            SecretRule.resolve(flags: ["a", "b"], scenario: "s", environment: env).secrets.map(\.text) == [
                "a", "b",
            ])
        #expect(SecretRule.resolve(flags: [], scenario: "s", environment: env).source == .scenario)
        #expect(
            SecretRule.resolve(flags: [], scenario: "", environment: env).secrets.map(\.text) == [
                "whsec_ZW52"
            ])
        #expect(
            SecretRule.resolve(flags: [], scenario: nil, environment: [:]).secrets.map(\.text) == [
                SecretRule.exampleSecret
            ])
    }
}

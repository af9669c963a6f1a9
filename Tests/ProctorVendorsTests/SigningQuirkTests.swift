import Foundation
import ProctorCore
import ProctorJSON
import ProctorSigning
import Testing

@testable import ProctorVendors

let secretA = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
let secretB = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"

func verifies(_ request: SignedRequest, secret: String, style: StandardWebhooksHeaderStyle, now: Int64)
    -> Bool
{
    guard request.header(style.signatureHeader) != nil else { return false }
    return WebhookVerifier(secrets: [WebhookSecret(secret)]).verify(
        headers: request.headers, body: request.body, nowSeconds: now
    ).isValid
}

func options(_ secrets: [String], hmac: HMACSigning? = nil, extraHeaders: [HTTPHeader] = []) -> SigningOptions
{
    SigningOptions(hmac: hmac, secrets: secrets.map(WebhookSecret.init), extraHeaders: extraHeaders)
}

@Suite struct SigningTests {
    @Test func svixHeadersSignTheExactBody() throws {
        let e = try catalog.generate(
            vendor: "testlify", event: "candidate.completed", seed: 1, clock: fixedClock)
        let r = try e.request(options: options([secretA]), timestampSeconds: 1_778_491_596)
        #expect(r.body == e.bodyBytes)
        #expect(r.header("svix-id") == e.messageId)
        #expect(r.header("svix-timestamp") == "1778491596")
        #expect(r.header("content-type") == "application/json")
        #expect(r.header("user-agent")?.hasPrefix("Svix-Webhooks/1.") == true)
        #expect(verifies(r, secret: secretA, style: .svix, now: 1_778_491_600))
        #expect(!verifies(r, secret: secretB, style: .svix, now: 1_778_491_600))
    }

    @Test func rotationSendsOneSignaturePerSecret() throws {
        let e = try catalog.generate(
            vendor: "testlify", event: "candidate.invited", seed: 2, clock: fixedClock)
        let r = try e.request(options: options([secretA, secretB]), timestampSeconds: 1_000)
        let entries = try #require(r.header("svix-signature")).split(separator: " ")
        #expect(entries.count == 2)
        #expect(entries.allSatisfy { $0.hasPrefix("v1,") })
        #expect(verifies(r, secret: secretA, style: .svix, now: 1_000))
        #expect(verifies(r, secret: secretB, style: .svix, now: 1_000))
    }

    @Test func eachAttemptIsSignedAnewWithTheSameId() throws {
        let e = try catalog.generate(
            vendor: "testlify", event: "candidate.completed", seed: 5, clock: fixedClock)
        let options = options([secretA])
        let first = try e.request(options: options, timestampSeconds: 1_000)
        let retry = try e.request(options: options, timestampSeconds: 1_005)
        #expect(first.header("svix-id") == retry.header("svix-id"))
        #expect(first.body == retry.body)
        #expect(first.header("svix-timestamp") != retry.header("svix-timestamp"))
        #expect(first.header("svix-signature") != retry.header("svix-signature"))
        #expect(verifies(retry, secret: secretA, style: .svix, now: 1_005))
        #expect(!verifies(first, secret: secretA, style: .svix, now: 1_400))
    }

    @Test func missingOrBadSecretsAreErrors() throws {
        let e = try catalog.generate(
            vendor: "testlify", event: "candidate.invited", seed: 2, clock: fixedClock)
        #expect(throws: SigningError.self) { try e.request(timestampSeconds: 1) }
        do {
            _ = try e.request(options: options(["whsec_%%%"]), timestampSeconds: 1)
            Issue.record("a secret that is not base64 signed")
        } catch {
            #expect(!error.message.contains("%%%"))
        }
    }

    @Test(arguments: [
        (
            HMACSigning.Encoding.hex, "sha256=",
            "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
        ),
        (HMACSigning.Encoding.base64, "", "97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg="),
    ])
    func genericHMACHeader(encoding: HMACSigning.Encoding, prefix: String, expected: String) {
        let signing = HMACSigning(
            header: "X-Signature", algorithm: .sha256, encoding: encoding, prefix: prefix)
        #expect(
            signing.signature(
                key: Array("key".utf8), body: Array("The quick brown fox jumps over the lazy dog".utf8))
                == expected)
    }

    @Test func unsignedVendorsTakeConfiguredHeaders() throws {
        let e = try catalog.generate(
            vendor: "talview", event: "ae.test_instance.created", seed: 1, clock: fixedClock)
        let plain = try e.request(timestampSeconds: 1)
        #expect(plain.headers.map(\.name) == ["Content-Type", "User-Agent"])
        let signing = HMACSigning(header: "X-Talview-Signature", encoding: .hex, prefix: "sha256=")
        let signed = try e.request(
            options: options(
                ["s3cret"], hmac: signing,
                extraHeaders: [
                    HTTPHeader("X-Tenant", "42"),
                    HTTPHeader("user-agent", "custom"),
                ]),
            timestampSeconds: 1)
        #expect(
            signed.header("X-Talview-Signature")
                == signing.signature(key: Array("s3cret".utf8), body: e.bodyBytes))
        #expect(signed.header("X-Tenant") == "42")
        #expect(signed.header("User-Agent") == "custom")
    }

    @Test func emitOutputMasksSecretsUnlessAsked() throws {
        let e = try catalog.generate(
            vendor: "testlify", event: "candidate.invited", seed: 2, clock: fixedClock)
        let r = try e.request(options: options([secretA]), timestampSeconds: 1_000)
        for format in [EmitRendering.Format.http, .curl] {
            let masked = EmitRendering.render(
                r, event: e, format: format,
                target: TargetURL(host: "127.0.0.1", port: 3000, pathAndQuery: "/h"), showSecrets: false)
            #expect(masked.contains("v1,****"))
            #expect(!masked.contains(try #require(r.header("svix-signature"))))
            #expect(!masked.contains("whsec_"))
            let shown = EmitRendering.render(
                r, event: e, format: format,
                target: TargetURL(host: "127.0.0.1", port: 3000, pathAndQuery: "/h"), showSecrets: true)
            #expect(shown.contains(try #require(r.header("svix-signature"))))
        }
        let http = EmitRendering.render(
            r, event: e, format: .http, target: TargetURL(host: "127.0.0.1", port: 3000, pathAndQuery: "/h"),
            showSecrets: false)
        #expect(http.hasPrefix("POST /h HTTP/1.1\r\nHost: 127.0.0.1:3000\r\n"))
        #expect(WebhookSecret(secretA).description == "whsec_****")
    }
}

@Suite struct DeterminismTests {
    @Test(arguments: allEvents.map { "\($0.0) \($0.1)" })
    func sameSeedSameBytes(_ pair: String) throws {
        let parts = pair.split(separator: " ").map(String.init)
        let a = try catalog.generate(vendor: parts[0], event: parts[1], seed: 99, clock: fixedClock)
        let b = try catalog.generate(vendor: parts[0], event: parts[1], seed: 99, clock: fixedClock)
        let c = try catalog.generate(vendor: parts[0], event: parts[1], seed: 100, clock: fixedClock)
        #expect(a.bodyBytes == b.bodyBytes)
        #expect(a.messageId == b.messageId)
        #expect(a.bodyBytes != c.bodyBytes)
        let ra = try a.request(options: options([secretA]), timestampSeconds: 5)
        let rb = try b.request(options: options([secretA]), timestampSeconds: 5)
        #expect(ra.headers == rb.headers)
    }

    @Test func lifecyclesAreReproducible() throws {
        let events = [
            "candidate.invited", "candidate.enrolled", "candidate.in_progress", "candidate.completed",
        ]
        let a = try lifecycle("testlify-v1", events, seed: 8).map(\.bodyBytes)
        let b = try lifecycle("testlify-v1", events, seed: 8).map(\.bodyBytes)
        #expect(a == b)
    }
}

@Suite struct QuirkTests {
    func body(_ vendor: String, _ event: String, _ quirks: [String] = [], seed: UInt64 = 3) throws
        -> JSONValue
    {
        try catalog.generate(vendor: vendor, event: event, seed: seed, clock: fixedClock, quirks: quirks).body
    }

    @Test func legacyResultLinkVariesByEvent() throws {
        #expect(try body("testlify-v1", "candidate.invited")["data"]?["resultLink"] == .null)
        #expect(try body("testlify-v1", "candidate.enrolled")["data"]?["resultLink"] == "null")
        #expect(try body("testlify-v1", "candidate.in_progress")["data"]?["resultLink"] == "null")
        let completed = try #require(
            try body("testlify-v1", "candidate.completed")["data"]?["resultLink"]?.stringValue)
        #expect(completed.hasPrefix("https://cdn-global.net/reports/pdf/assessment-candidate-report/"))
        let relative = try #require(
            try body("testlify-v1", "candidate.score_updated")["data"]?["resultLink"]?.stringValue)
        #expect(relative.hasPrefix("reports/pdf/assessment-candidate-report/"))
        #expect(try body("testlify-v1", "candidate.disqualified")["data"]?["resultLink"] == nil)
        #expect(
            try body("testlify-v1", "candidate.invited", ["result-link-null-string"])["data"]?["resultLink"]
                == "null")
        #expect(
            try body("testlify-v1", "candidate.completed", ["result-link-absent"])["data"]?["resultLink"]
                == nil)
    }

    @Test func legacyAntiCheatingAndTimestamp() throws {
        #expect(try body("testlify-v1", "candidate.enrolled")["data"]?["antiCheatingMonitor"] == "")
        #expect(try body("testlify-v1", "candidate.invited")["data"]?["antiCheatingMonitor"] == nil)
        let monitor = try #require(
            try body("testlify-v1", "candidate.completed")["data"]?["antiCheatingMonitor"]?.objectValue)
        #expect(monitor["startIPAddress"] == "xxx.xxx.xxx.xxx")
        #expect(monitor["recentLongitude"] == "xx")
        let enrolledObject = try body("testlify-v1", "candidate.enrolled", ["anti-cheating-object"])
        #expect(enrolledObject["data"]?["antiCheatingMonitor"]?.objectValue?["_id"]?.stringValue?.count == 24)
        #expect(try body("testlify-v1", "candidate.disqualified")["timestamp"] == nil)
        #expect(
            try body("testlify-v1", "candidate.completed")["timestamp"]?.intValue
                == Int(StoryTimeline.wholeSeconds(fixedClock.milliseconds)))
        #expect(try body("testlify-v1", "candidate.completed", ["missing-timestamp"])["timestamp"] == nil)
        #expect(try body("testlify-v1", "candidate.disqualified", ["timestamp-present"])["timestamp"] != nil)
    }

    @Test func legacyEnvelopesAndEventNames() throws {
        let expired = try body("testlify-v1", "candidate.invitation_expired")
        #expect(expired.objectValue?.keys == ["success", "data"])
        #expect(expired["data"]?["expired"] == false)
        #expect(expired["data"]?["candidateStatus"] == "INVITATION_EXPIRED")
        #expect(try body("testlify-v1", "candidate.score_updated")["event"] == "candidateStatusChanged")
        #expect(try body("testlify-v1", "candidate.invited")["event"] == "candidateStatusChanged")
        #expect(try body("testlify-v1", "candidate.enrolled")["event"] == "enrolled")
        #expect(try body("testlify-v1", "candidate.enrolled")["metadata"] == false)
        #expect(try body("testlify-v1", "assessment.created")["metadata"] == .object([:]))
        #expect(try body("testlify", "candidate.rejected")["event"] == "rejected")
        #expect(try body("testlify", "assessment.created")["event"] == "created")
        #expect(try body("testlify", "assessment.created")["data"]?["status"]?["isArchived"] == false)
        #expect(try body("testlify", "assessment.archived")["data"]?["status"]?["isArchived"] == true)
    }

    @Test func legacyKeyOrderSurvivesOverrides() throws {
        let e = try catalog.generate(
            vendor: "testlify-v1", event: "candidate.enrolled", seed: 1, clock: fixedClock,
            overrides: [
                Override(path: JSONPath(parsing: "data.zz"), value: 1),
                Override(path: JSONPath(parsing: "data.email"), value: "a@b.c"),
            ])
        let keys = try #require(e.body["data"]?.objectValue?.keys)
        let sorted = keys.sorted { a, b in
            a.utf8.count == b.utf8.count
                ? Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8)) : a.utf8.count < b.utf8.count
        }
        #expect(keys == sorted)
        #expect(keys.first == "zz")
        #expect(e.body.objectValue?.keys == ["data", "type", "event", "success", "metadata", "timestamp"])
        let v2 = try catalog.generate(
            vendor: "testlify", event: "candidate.invited", seed: 1, clock: fixedClock)
        #expect(v2.body.objectValue?.keys == ["data", "event", "metadata", "success", "timestamp", "type"])
    }

    @Test func talviewNullableFields() throws {
        let created = try body("talview", "ae.test_instance.created", ["nullable-null"])
        #expect(created["candidate"]?["middle_name"] == .null)
        #expect(created["old_id"] == .null)
        #expect(created["measurement"]?["measurement_attributes"]?[0]?["ordinal"] == .null)
        #expect(
            try body("talview", "ae.test_instance.created")["candidate"]?["middle_name"]?.stringValue != nil)
    }

    @Test func overridesKeepKeyOrderAndExplainBadPaths() throws {
        let e = try catalog.generate(
            vendor: "testlify", event: "candidate.completed", seed: 1, clock: fixedClock,
            overrides: [
                Override(path: JSONPath(parsing: "data.scores.totalScore"), value: 37),
                Override(path: JSONPath(parsing: "data.customQuestions[0].score"), value: 5),
            ])
        #expect(e.body["data"]?["scores"]?["totalScore"] == 37)
        #expect(e.body["data"]?["customQuestions"]?[0]?["score"] == 5)
        #expect(try JSONValue(parsing: e.bodyBytes)["data"]?["scores"]?["totalScore"] == 37)
        let deep = Override(path: try JSONPath(parsing: "data.scores.totalScore.deep"), value: 1)
        do {
            _ = try catalog.generate(
                vendor: "testlify", event: "candidate.completed", seed: 1, clock: fixedClock,
                overrides: [deep])
            Issue.record("expected an error")
        } catch {
            #expect(
                error.message
                    == "cannot set \"data.scores.totalScore.deep\": \"data.scores.totalScore\" is integer, not an object"
            )
        }
        #expect(try Override(assignment: "data.x=[1,2]").value == [1, 2])
        #expect(try Override(assignment: "data.x=hello world").value == "hello world")
        #expect(try Override(assignment: "data.x=\"7\"").value == "7")
        #expect(throws: GenerationError.self) { try Override(assignment: "novalue") }
    }
}

@Suite struct ActorFieldTests {
    @Test func sharedKeysAreNotReplacedWholesale() throws {
        let e = try catalog.generate(
            vendor: "talview", event: "ae.test_instance.created", fields: ["id": 5, "candidate_id": 77],
            seed: 1, clock: fixedClock)
        #expect(e.body["candidate"]?["id"] == 77)
        #expect(e.body["measurement"]?["id"] != 5)
    }

    @Test func scoreUpdateCanReportRejected() throws {
        let e = try catalog.generate(
            vendor: "testlify-v1", event: "candidate.score_updated", seed: 1, clock: fixedClock,
            quirks: ["score-update-rejected"])
        #expect(e.body["data"]?["candidateStatus"] == "REJECTED")
        #expect(e.body["data"]?["status"] == "REJECTED")
        #expect(e.body["data"]?["candidateStage"] == "Rejected")
    }
}

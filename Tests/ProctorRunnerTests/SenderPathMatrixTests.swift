import NIOCore
import ProctorCore
import ProctorDelivery
import ProctorReceiver
import ProctorRunner
import ProctorSigning
import ProctorVendors
import Testing

@testable import ProctorLoad

/// Every sender path (`emit`, `send`/`run`, `load`) signs the same message with the same
/// secrets at the same time into byte-identical signature headers, for every scheme, and the
/// one verifier (what `serve` and `verify` run) accepts them.
@Suite struct SenderPathMatrixTests {
    static let timestamp: Int64 = 1_795_459_876
    static let ed25519 = WebhookSecret.generateEd25519()

    struct Case: Sendable, CustomStringConvertible {
        var vendor: String
        var event: String
        var secrets: [WebhookSecret]
        var hmac: HMACSigning?
        var verifyWith: [WebhookSecret]
        var description: String {
            "\(vendor) \(secrets.map(\.description).joined(separator: "+"))"
                + (hmac.map { " \($0.algorithm.rawValue)/\($0.encoding.rawValue)/\($0.prefix)" } ?? "")
        }
    }

    static var cases: [Case] {
        let a = WebhookSecret(SecretRule.exampleSecret)
        let b = WebhookSecret("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD")
        var out = [
            Case(vendor: "testlify", event: "candidate.invited", secrets: [a], verifyWith: [a]),
            Case(vendor: "testlify", event: "candidate.invited", secrets: [b, a], verifyWith: [a]),
            Case(
                vendor: "testlify", event: "candidate.invited", secrets: [ed25519.secret],
                verifyWith: [ed25519.publicKey]),
            Case(
                vendor: "testlify", event: "candidate.invited", secrets: [a, ed25519.secret],
                verifyWith: [ed25519.publicKey]),
            Case(
                vendor: "testlify", event: "candidate.invited", secrets: [a],
                hmac: HMACSigning(header: "X-Hub-Signature-256", prefix: "sha256="), verifyWith: [a]),
        ]
        for algorithm in HMACSigning.Algorithm.allCases {
            for encoding in HMACSigning.Encoding.allCases {
                for prefix in ["", "\(algorithm.shortName)="] {
                    out.append(
                        Case(
                            vendor: "talview", event: "ae.test_instance.created",
                            secrets: [WebhookSecret("s3cret")],
                            hmac: HMACSigning(
                                header: "X-Talview-Signature", algorithm: algorithm, encoding: encoding,
                                prefix: prefix),
                            verifyWith: [WebhookSecret("s3cret")]))
                }
            }
        }
        return out
    }

    /// The signature headers (everything the signers set) of one request.
    static func signatureHeaders(_ headers: HeaderFields) -> [String: String] {
        var out: [String: String] = [:]
        for field in headers
        where WebhookVerifier.looksLikeSignatureHeader(field.name)
            || field.name.hasSuffix("-id") || field.name.hasSuffix("-timestamp")
        {
            out[field.name.lowercased()] = field.value
        }
        return out
    }

    @Test(arguments: cases)
    func everyPathSignsAlikeAndVerifies(_ c: Case) throws {
        let clock = FixedClock(milliseconds: Self.timestamp * 1000)
        let generated = try VendorCatalog.standard.generate(
            vendor: c.vendor, event: c.event, seed: 7, clock: clock)

        // emit
        let emitted = try generated.request(
            options: SigningOptions(hmac: c.hmac, secrets: c.secrets), timestampSeconds: Self.timestamp)
        // send and run
        let prepared = try ScenarioRunner.preparedRequest(
            for: generated, url: "http://127.0.0.1:1/x", secrets: c.secrets, hmac: c.hmac,
            timeout: .seconds(1))
        let sent = prepared.request(timestamp: Self.timestamp)
        // load
        let profile = try #require(VendorCatalog.standard.profile(for: c.vendor))
        let plan = LoadPlan(
            vendor: c.vendor, events: [c.event], secrets: c.secrets, hmac: c.hmac,
            target: LoadTarget(host: "127.0.0.1", port: 1, path: "/x"))
        let encoder = try RequestEncoder(plan: plan, vendor: profile)
        var buffer = ByteBufferAllocator().buffer(capacity: 8192)
        let body = generated.bodyBytes
        Array(generated.messageId.utf8).withUnsafeBytes { id in
            Array(String(Self.timestamp).utf8).withUnsafeBytes { ts in
                encoder.encode(into: &buffer, messageId: id, timestamp: ts, bodyLength: body.count) { out in
                    body.withUnsafeBytes { out.copyMemory(from: $0) }
                }
            }
        }
        let raw = buffer.readBytes(length: buffer.readableBytes) ?? []
        let loaded = try CapturedRequest.parse(raw: raw)
        #expect(loaded.body == body)

        let fromEmit = Self.signatureHeaders(emitted.headers)
        #expect(!fromEmit.isEmpty)
        #expect(Self.signatureHeaders(sent.headers) == fromEmit, "send/run differs from emit")
        #expect(Self.signatureHeaders(loaded.headers) == fromEmit, "load differs from emit")

        let verifier = WebhookVerifier(secrets: c.verifyWith)
        for headers in [emitted.headers, sent.headers, loaded.headers] {
            let verdict = verifier.verify(headers: headers, body: body, nowSeconds: Self.timestamp + 1)
            #expect(verdict.isValid, "\(verdict.rendered)")
        }
    }
}

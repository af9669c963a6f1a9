import ProctorCore
import ProctorReceiver
import ProctorSigning
import ProctorVendors
import Testing

/// What `proctor emit --format http` prints is the request as signed: `proctor verify` accepts it
/// unchanged and rejects it once the body is touched.
@Suite struct EmitVerifyTests {
    @Test(arguments: ["candidate.invited", "candidate.completed", "assessment.archived"])
    func emittedHTTPRequestVerifies(event: String) throws {
        let secretText = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let verifier = WebhookVerifier(secrets: [WebhookSecret(secretText)])
        let clock = FixedClock(milliseconds: 1_795_459_876_000)
        let generated = try VendorCatalog.standard.generate(
            vendor: "testlify", event: event, seed: 5, clock: clock)
        let request = try generated.request(
            options: SigningOptions(secrets: [WebhookSecret(secretText)]), timestampSeconds: 1_795_459_876)
        let text = EmitRendering.render(
            request, event: generated, format: .http,
            target: try TargetURL(parsing: "http://127.0.0.1:3000/hooks"),
            showSecrets: true)
        #expect(text.hasSuffix("}"))
        let captured = try CapturedRequest.parse(raw: Array(text.utf8))
        #expect(captured.body == generated.bodyBytes)
        let report = verifier.verify(
            headers: captured.headers, body: captured.body, nowSeconds: 1_795_459_880)
        #expect(report.isValid, "\(report.rendered)")

        let touched = try CapturedRequest.parse(raw: Array((text + "\n").utf8))
        #expect(
            !verifier.verify(headers: touched.headers, body: touched.body, nowSeconds: 1_795_459_880).isValid)
    }
}

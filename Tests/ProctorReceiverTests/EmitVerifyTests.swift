import ProctorCore
import ProctorReceiver
import ProctorVendors
import Testing

/// What `proctor emit --format http` prints is the request as signed: `proctor verify` accepts it
/// unchanged and rejects it once the body is touched.
@Suite struct EmitVerifyTests {
    @Test(arguments: ["candidate.invited", "candidate.completed", "assessment.archived"])
    func emittedHTTPRequestVerifies(event: String) throws {
        let secretText = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        let secret = try #require(StandardWebhooksSecret(secretText))
        let clock = FixedClock(milliseconds: 1_795_459_876_000)
        let generated = try VendorCatalog.standard.generate(
            vendor: "testlify", event: event, seed: 5, clock: clock)
        let request = try generated.request(
            options: SigningOptions(secrets: [secretText]), timestampSeconds: 1_795_459_876)
        let text = EmitRendering.render(
            request, event: generated, format: .http, target: "http://127.0.0.1:3000/hooks", showSecrets: true
        )
        #expect(text.hasSuffix("}"))
        let captured = try CapturedRequest.parse(raw: Array(text.utf8))
        #expect(captured.body == generated.bodyBytes)
        let report = CapturedRequestVerifier.verify(captured, secret: secret, nowSeconds: 1_795_459_880)
        #expect(report.valid, "\(report.rendered)")

        let touched = try CapturedRequest.parse(raw: Array((text + "\n").utf8))
        #expect(!CapturedRequestVerifier.verify(touched, secret: secret, nowSeconds: 1_795_459_880).valid)
    }
}

import ProctorCore

extension Signer {
    /// Signs a request that was received elsewhere anew, in place: what `replay` and
    /// `serve --forward-to --resign` send. The Standard Webhooks headers are written in each style
    /// the request came with (`svix-*`, `webhook-*`), else in the vendor's (`vendorScheme`), else,
    /// for a request on no vendor's route (`vendorScheme` nil), in Svix's; each keeps the
    /// request's message id (`messageId` when it carried none) with the timestamp `nowSeconds`.
    /// Then each of `hmac` is written. Returns the texts outputs mask (signatures, secrets);
    /// throws when the secrets cannot sign what is needed (a `whsec_` or `whsk_` secret for
    /// Standard Webhooks).
    public static func resign(
        _ headers: inout HeaderFields, body: [UInt8], secrets: [WebhookSecret], vendorScheme: SigningScheme?,
        hmac: [HMACSigning] = [], messageId: String, nowSeconds: Int64
    ) throws(SigningError) -> [String] {
        var styles = StandardWebhooksHeaderStyle.allCases.filter { style in
            style.names.contains { headers.contains($0) }
        }
        if styles.isEmpty {
            switch vendorScheme {
            case .standardWebhooks(let own): styles = [own]
            case nil: styles = [.svix]
            case .some(.hmac), .some(.none): break
            }
        }
        var sensitive: [String] = []
        if !styles.isEmpty {
            let signer = try Signer(scheme: .standardWebhooks(.svix), secrets: secrets)
            for style in styles {
                let signed = signer.sign(
                    messageId: headers[style.idHeader] ?? messageId, timestampSeconds: nowSeconds, body: body,
                    style: style)
                headers.apply(signed)
                sensitive += signed.sensitive
            }
        }
        for form in hmac {
            let signed = try Signer(scheme: .hmac(form), secrets: secrets).sign(
                messageId: messageId, timestampSeconds: nowSeconds, body: body)
            headers.apply(signed)
            sensitive += signed.sensitive
        }
        return sensitive
    }
}

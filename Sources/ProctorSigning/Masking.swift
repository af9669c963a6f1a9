import Foundation

/// The one masking rule of every output and report: a value is masked where it carries a
/// signature the signer produced or a secret (decided by what the header carries, not by its
/// name), and credential headers a user adds (`Authorization`, `Cookie`, API keys) are masked
/// whole.
public enum Masking {
    public static let mask = "****"

    /// `value` with every sensitive text in it replaced by `****`.
    public static func mask(_ value: String, sensitive: [String]) -> String {
        var out = value
        for text in sensitive where text.count >= 4 && out.contains(text) {
            out = out.replacingOccurrences(of: text, with: mask)
        }
        return out
    }

    /// Names whose values are credentials whatever they hold.
    public static func isCredentialHeader(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower == "authorization" || lower == "proxy-authorization" || lower == "cookie"
            || lower == "set-cookie" || lower == "x-api-key" || lower.contains("secret")
            || lower.hasSuffix("-token")
    }
}

extension HeaderFields {
    /// The headers with signatures and secrets masked, for outputs and reports.
    public func masked(sensitive: [String] = []) -> HeaderFields {
        HeaderFields(
            map { field in
                HTTPHeader(
                    field.name,
                    Masking.isCredentialHeader(field.name)
                        ? Masking.mask : Masking.mask(field.value, sensitive: sensitive))
            })
    }
}

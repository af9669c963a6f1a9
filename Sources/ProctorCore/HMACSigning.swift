/// A generic HMAC signature header for vendors without a documented scheme, as a scenario
/// writes it: `signing: { header: X-Signature, algorithm: hmac-sha256, encoding: hex, prefix: "sha256=" }`.
/// The HMAC is computed over the exact body bytes with the UTF-8 bytes of the secret as key.
public struct HMACSigning: Sendable, Hashable {
    public enum Algorithm: String, Sendable, Hashable, CaseIterable {
        case sha1 = "hmac-sha1"
        case sha256 = "hmac-sha256"
        case sha512 = "hmac-sha512"
    }
    public enum Encoding: String, Sendable, Hashable, CaseIterable {
        case hex
        case base64
    }

    public var header: String
    public var algorithm: Algorithm
    public var encoding: Encoding
    public var prefix: String

    public init(
        header: String = "X-Signature", algorithm: Algorithm = .sha256, encoding: Encoding = .hex,
        prefix: String = ""
    ) {
        self.header = header
        self.algorithm = algorithm
        self.encoding = encoding
        self.prefix = prefix
    }
}

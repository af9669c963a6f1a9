import Crypto
import Foundation
import ProctorCore

/// A secret as users write it (`--secret`, `secret:`, `PROCTOR_SECRET`). Its prefix says what
/// it signs or verifies:
///
/// - `whsec_<base64>`: a Standard Webhooks symmetric key, `v1` (HMAC-SHA256). Bare base64 is
///   read the same way.
/// - `whsk_<base64>`: an Ed25519 secret key, `v1a` (the 32-byte seed, or the 64-byte seed and
///   public key).
/// - `whpk_<base64>`: an Ed25519 public key: verifies `v1a`, cannot sign.
///
/// Body HMAC headers (for vendors without a documented scheme) are keyed with the UTF-8 bytes
/// of the text, whatever its prefix.
public struct WebhookSecret: Sendable, Hashable, CustomStringConvertible {
    public let text: String

    public init(_ text: String) { self.text = text }

    /// Masked, so that secrets never reach logs or reports by accident.
    public var description: String { Self.masked(text) }

    /// The key of a body HMAC header.
    public var hmacKey: [UInt8] { Array(text.utf8) }

    /// The Standard Webhooks key, or why the text is not one.
    public func standardWebhooksKey() throws(SigningError) -> StandardWebhooksKey {
        if text.hasPrefix("whsk_") {
            guard let bytes = Self.keyBytes(text.dropFirst(5)), bytes.count == 32 || bytes.count == 64,
                let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: bytes.prefix(32))
            else {
                throw SigningError(
                    "a whsk_ secret is not base64 of a 32-byte Ed25519 seed (or seed and public key)")
            }
            if bytes.count == 64, Array(bytes.suffix(32)) != Array(key.publicKey.rawRepresentation) {
                throw SigningError("a whsk_ secret's public half does not belong to its seed")
            }
            return .ed25519Secret(key)
        }
        if text.hasPrefix("whpk_") {
            guard let bytes = Self.keyBytes(text.dropFirst(5)), bytes.count == 32,
                let key = try? Curve25519.Signing.PublicKey(rawRepresentation: bytes)
            else {
                throw SigningError("a whpk_ key is not base64 of a 32-byte Ed25519 public key")
            }
            return .ed25519Public(key)
        }
        guard let bytes = Self.keyBytes(text.hasPrefix("whsec_") ? text.dropFirst(6) : Substring(text)) else {
            throw SigningError("a secret (\(self)) is not whsec_, whsk_ or whpk_ followed by base64")
        }
        return .symmetric(bytes)
    }

    /// The bytes of a key's base64 text, its `=` padding restored first: keys are often copied
    /// without it, and the Standard Webhooks libraries read them either way.
    static func keyBytes(_ text: Substring) -> [UInt8]? {
        let remainder = text.utf8.count % 4
        return Base64.decode(remainder == 0 ? text : text + String(repeating: "=", count: 4 - remainder))
    }

    /// `whsec_****`, `whsk_****`, `whpk_****` or `****`.
    public static func masked(_ text: String) -> String {
        for prefix in ["whsec_", "whsk_", "whpk_"] where text.hasPrefix(prefix) { return prefix + "****" }
        return "****"
    }

    /// A new Ed25519 key pair as `whsk_` (seed and public key, 64 bytes) and `whpk_` texts.
    public static func generateEd25519() -> (secret: WebhookSecret, publicKey: WebhookSecret) {
        let key = Curve25519.Signing.PrivateKey()
        return (ed25519Secret(key), ed25519Public(key.publicKey))
    }

    /// `whsk_` + base64(seed ++ public key), the form libsodium and the Standard Webhooks
    /// libraries serialize.
    public static func ed25519Secret(_ key: Curve25519.Signing.PrivateKey) -> WebhookSecret {
        WebhookSecret(
            "whsk_" + Data(key.rawRepresentation + key.publicKey.rawRepresentation).base64EncodedString())
    }

    public static func ed25519Public(_ key: Curve25519.Signing.PublicKey) -> WebhookSecret {
        WebhookSecret("whpk_" + Data(key.rawRepresentation).base64EncodedString())
    }
}

/// A parsed Standard Webhooks key.
public enum StandardWebhooksKey: Sendable {
    case symmetric([UInt8])
    case ed25519Secret(Curve25519.Signing.PrivateKey)
    case ed25519Public(Curve25519.Signing.PublicKey)

    /// The signature version this key signs or verifies: `v1` or `v1a`.
    public var version: String {
        if case .symmetric = self { return "v1" }
        return "v1a"
    }

    /// The public key that verifies this key's `v1a` signatures.
    var verifyingKey: Curve25519.Signing.PublicKey? {
        switch self {
        case .symmetric: return nil
        case .ed25519Secret(let key): return key.publicKey
        case .ed25519Public(let key): return key
        }
    }
}

/// Where the signing secret of a command comes from: the one rule every command follows.
///
/// `--secret`, then the scenario's `secret:`, then the `PROCTOR_SECRET` environment variable,
/// then the documented example secret. `proctor serve` with no flags therefore accepts what
/// every sending command sends with no flags.
public enum SecretRule {
    /// The documented example secret.
    public static let exampleSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    public static let environmentVariable = "PROCTOR_SECRET"

    public enum Source: String, Sendable, Hashable {
        case flag = "--secret"
        case scenario = "the scenario's secret:"
        case environment = "PROCTOR_SECRET"
        case example = "the example secret"
    }

    /// The secrets to use (several for key rotation) and where they came from. Empty texts
    /// count as not given (a scenario's `${VAR:-}` that expands to nothing).
    public static func resolve(
        flags: [String], scenario: String? = nil, environment: [String: String]
    ) -> (secrets: [WebhookSecret], source: Source) {
        let given = flags.filter { !$0.isEmpty }
        if !given.isEmpty { return (given.map(WebhookSecret.init), .flag) }
        if let scenario, !scenario.isEmpty { return ([WebhookSecret(scenario)], .scenario) }
        if let value = environment[environmentVariable], !value.isEmpty {
            return ([WebhookSecret(value)], .environment)
        }
        return ([WebhookSecret(exampleSecret)], .example)
    }
}

/// A signing or key problem a person can act on.
public struct SigningError: UserFacingError, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

import Crypto
import Foundation

/// Standard Webhooks / Svix signatures: `v1,` + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")),
/// where the key is the base64-decoded part of the secret after `whsec_`.
public struct StandardWebhooksSecret: Sendable, Hashable, CustomStringConvertible {
    public let key: [UInt8]

    /// Accepts `whsec_<base64>`, or bare base64.
    public init?(_ secret: String) {
        let encoded = secret.hasPrefix("whsec_") ? String(secret.dropFirst(6)) : secret
        guard let data = Data(base64Encoded: encoded), !data.isEmpty else { return nil }
        key = [UInt8](data)
    }

    public init(key: [UInt8]) { self.key = key }

    /// The secret as users write it. Print only when explicitly asked for.
    public var revealed: String { "whsec_" + Data(key).base64EncodedString() }

    /// Masked, so that secrets never reach logs or reports by accident.
    public var description: String { "whsec_****" }

    /// The raw signature bytes over `id.timestamp.body`.
    public func signatureBytes(id: String, timestamp: Int64, body: some Collection<UInt8>) -> [UInt8] {
        var hmac = HMAC<SHA256>(key: SymmetricKey(data: key))
        hmac.update(data: Array(id.utf8))
        hmac.update(data: [UInt8(ascii: ".")])
        hmac.update(data: Array(String(timestamp).utf8))
        hmac.update(data: [UInt8(ascii: ".")])
        hmac.update(data: Array(body))
        return Array(hmac.finalize())
    }

    /// `v1,<base64>`.
    public func sign(id: String, timestamp: Int64, body: some Collection<UInt8>) -> String {
        "v1," + Data(signatureBytes(id: id, timestamp: timestamp, body: body)).base64EncodedString()
    }
}

/// Verifies a Standard Webhooks signature header the way a consumer should.
public enum StandardWebhooksVerifier {
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case missingHeaders([String])
        case badTimestamp(String)
        /// Seconds too old (positive) or too far in the future (negative).
        case timestampOutsideTolerance(skewSeconds: Int64)
        case malformedSignatures([String])
        case noMatchingSignature

        public var description: String {
            switch self {
            case .missingHeaders(let names):
                return "missing signature headers: " + names.joined(separator: ", ")
            case .badTimestamp(let t): return "timestamp \"\(t)\" is not an integer number of seconds"
            case .timestampOutsideTolerance(let skew):
                return skew > 0
                    ? "timestamp is \(skew)s old, outside the 300s tolerance"
                    : "timestamp is \(-skew)s in the future, outside the 300s tolerance"
            case .malformedSignatures(let entries):
                return "malformed signature entries: " + entries.map { "\"\($0)\"" }.joined(separator: ", ")
            case .noMatchingSignature: return "no signature matches the body"
            }
        }
    }

    /// Checks `signatureHeader` (space-separated `v1,<base64>` entries) against `body`.
    /// Passes when any well-formed `v1` entry matches; comparison is constant-time.
    public static func verify(
        secret: StandardWebhooksSecret, id: String, timestamp: String, signatureHeader: String,
        body: some Collection<UInt8>, now: Int64, toleranceSeconds: Int64 = 300
    ) -> Result<Void, Failure> {
        guard let ts = Int64(timestamp) else { return .failure(.badTimestamp(timestamp)) }
        let skew = now - ts
        if abs(skew) > toleranceSeconds { return .failure(.timestampOutsideTolerance(skewSeconds: skew)) }
        let expected = secret.signatureBytes(id: id, timestamp: ts, body: body)
        var malformed: [String] = []
        var sawValid = false
        for entry in signatureHeader.split(separator: " ", omittingEmptySubsequences: true) {
            let parts = entry.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, let decoded = Data(base64Encoded: String(parts[1]))
            else {
                malformed.append(String(entry))
                continue
            }
            guard parts[0] == "v1" else { continue }
            sawValid = true
            if constantTimeEquals([UInt8](decoded), expected) { return .success(()) }
        }
        if !sawValid && !malformed.isEmpty { return .failure(.malformedSignatures(malformed)) }
        return .failure(.noMatchingSignature)
    }

    /// Compares in time that depends only on the lengths.
    public static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<a.count { difference |= a[i] ^ b[i] }
        return difference == 0
    }
}

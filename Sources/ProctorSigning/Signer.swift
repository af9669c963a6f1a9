import Crypto
import Foundation
import ProctorCore

/// What a signature header should hold: the valid signatures, or one of the signature faults.
public enum SignatureVariant: Sendable, Hashable {
    case valid
    /// Well-formed signatures that do not match.
    case wrong
    /// An entry that is not base64 (or an HMAC value that is not a digest).
    case malformed
    /// A signature with an older key, then the valid ones.
    case rotated
    /// No signature header (Standard Webhooks id and timestamp stay).
    case missing
}

/// The headers a signer sets for one attempt.
public struct SignedHeaders: Sendable, Hashable {
    /// Headers to set, replacing any of the same name.
    public var headers: [HTTPHeader]
    /// Headers to remove (the `missing` variant).
    public var removed: [String]
    /// The signature texts produced and the secrets used: what outputs mask.
    public var sensitive: [String]
}

/// Signs requests: the one signer of `emit`, `send`, `run` and `load`. Keys are parsed once;
/// each attempt (retry, duplicate) is signed anew with its own timestamp.
public struct Signer: Sendable {
    public let scheme: SigningScheme
    public let secrets: [WebhookSecret]
    private let keys: [Key]
    private let hmacKey: [UInt8]

    enum Key: Sendable {
        case symmetric(SymmetricSigner)
        case ed25519(Curve25519.Signing.PrivateKey)
    }

    public init(scheme: SigningScheme, secrets: [WebhookSecret]) throws(SigningError) {
        self.scheme = scheme
        self.secrets = secrets
        var keys: [Key] = []
        switch scheme {
        case .standardWebhooks:
            guard !secrets.isEmpty else {
                throw SigningError("Standard Webhooks signatures need a whsec_ or whsk_ secret")
            }
            for secret in secrets {
                switch try secret.standardWebhooksKey() {
                case .symmetric(let key): keys.append(.symmetric(SymmetricSigner(key: key)))
                case .ed25519Secret(let key): keys.append(.ed25519(key))
                case .ed25519Public:
                    throw SigningError(
                        "a whpk_ public key verifies v1a signatures but cannot sign them: give the whsk_ secret key"
                    )
                }
            }
            hmacKey = []
        case .hmac(let h):
            guard let first = secrets.first else {
                throw SigningError("the \(h.header) signature needs a secret")
            }
            hmacKey = first.hmacKey
        case .none:
            hmacKey = []
        }
        self.keys = keys
    }

    /// The signers of a request: the vendor's scheme (none for `.none`), then a body HMAC header
    /// (a scenario's `signing:`, `--hmac-header`), all with the same secrets.
    public static func signers(
        scheme: SigningScheme, hmac: HMACSigning? = nil, secrets: [WebhookSecret]
    ) throws(SigningError) -> [Signer] {
        var signers: [Signer] = []
        if scheme != .none { signers.append(try Signer(scheme: scheme, secrets: secrets)) }
        if let hmac { signers.append(try Signer(scheme: .hmac(hmac), secrets: secrets)) }
        return signers
    }

    /// Signs one attempt with each of `signers` in order, into `headers`; returns what outputs
    /// mask (see ``SignedHeaders/sensitive``).
    public static func sign(
        _ signers: [Signer], into headers: inout HeaderFields, messageId: String, timestampSeconds: Int64,
        body: [UInt8], style: StandardWebhooksHeaderStyle? = nil, variant: SignatureVariant = .valid
    ) -> [String] {
        var sensitive: [String] = []
        for signer in signers {
            let signed = signer.sign(
                messageId: messageId, timestampSeconds: timestampSeconds, body: body, style: style,
                variant: variant)
            headers.apply(signed)
            sensitive += signed.sensitive
        }
        return sensitive
    }

    /// The signature headers of one attempt. `style` overrides the Standard Webhooks header
    /// names (the `webhook-headers` fault).
    public func sign(
        messageId: String, timestampSeconds: Int64, body: some Collection<UInt8>,
        style: StandardWebhooksHeaderStyle? = nil, variant: SignatureVariant = .valid
    ) -> SignedHeaders {
        let bytes = Array(body)
        var sensitive = secrets.map(\.text)
        switch scheme {
        case .standardWebhooks(let own):
            let names = style ?? own
            var headers = [
                HTTPHeader(names.idHeader, messageId),
                HTTPHeader(names.timestampHeader, String(timestampSeconds)),
            ]
            let content = Self.signedContent(id: messageId, timestamp: timestampSeconds, body: bytes)
            var entries = keys.map { Self.entry($0, content: content) }
            switch variant {
            case .valid: break
            case .wrong:
                entries = keys.map { key in
                    var (version, signature) = Self.raw(key, content: content)
                    if !signature.isEmpty { signature[0] ^= 0xFF }
                    return version + "," + Data(signature).base64EncodedString()
                }
            case .malformed: entries = ["v1,not*base64!"]
            case .rotated: entries = keys.map { Self.entry($0.older, content: content) } + entries
            case .missing:
                return SignedHeaders(headers: headers, removed: [names.signatureHeader], sensitive: sensitive)
            }
            sensitive += entries.compactMap { $0.split(separator: ",", maxSplits: 1).last.map(String.init) }
            headers.append(HTTPHeader(names.signatureHeader, entries.joined(separator: " ")))
            return SignedHeaders(headers: headers, removed: [], sensitive: sensitive)
        case .hmac(let h):
            let value: String
            switch variant {
            case .valid, .rotated: value = h.signature(key: hmacKey, body: bytes)
            case .wrong: value = h.signature(key: hmacKey.map { $0 ^ 0x5A }, body: bytes)
            case .malformed: value = h.prefix + "not*an*hmac!"
            case .missing: return SignedHeaders(headers: [], removed: [h.header], sensitive: sensitive)
            }
            sensitive.append(String(value.dropFirst(h.prefix.count)))
            return SignedHeaders(headers: [HTTPHeader(h.header, value)], removed: [], sensitive: sensitive)
        case .none:
            return SignedHeaders(headers: [], removed: [], sensitive: [])
        }
    }

    /// `{id}.{timestamp}.{body}`.
    static func signedContent(id: String, timestamp: Int64, body: [UInt8]) -> [UInt8] {
        Array(id.utf8) + [UInt8(ascii: ".")] + Array(String(timestamp).utf8) + [UInt8(ascii: ".")] + body
    }

    static func raw(_ key: Key, content: [UInt8]) -> (String, [UInt8]) {
        switch key {
        case .symmetric(let signer): return ("v1", signer.mac(content))
        case .ed25519(let privateKey):
            // Ed25519 (RFC 8032) signatures are deterministic: the same key and content give the same bytes.
            return ("v1a", (try? Array(privateKey.signature(for: content))) ?? [])
        }
    }

    static func entry(_ key: Key, content: [UInt8]) -> String {
        let (version, signature) = raw(key, content: content)
        return version + "," + Data(signature).base64EncodedString()
    }

    // MARK: Fast path for load mode

    /// Whether every key is symmetric, so ``writeSymmetricSignatures`` can sign in place.
    public var isSymmetricOnly: Bool {
        keys.allSatisfy { if case .symmetric = $0 { return true } else { return false } }
    }

    /// Length of the signature header value ``writeSymmetricSignatures`` writes.
    public var symmetricValueLength: Int {
        keys.isEmpty ? 0 : keys.count * (3 + Base64.length32) + keys.count - 1
    }

    /// Writes `v1,<base64> v1,<base64> ...` for raw byte regions into the first
    /// ``symmetricValueLength`` bytes of `output`, without allocating. Produces the same bytes as
    /// ``sign(messageId:timestampSeconds:body:style:variant:)``. Returns false (and writes
    /// nothing) when a key is not symmetric or `output` is too short.
    @discardableResult
    public func writeSymmetricSignatures(
        id: UnsafeRawBufferPointer, timestamp: UnsafeRawBufferPointer, body: UnsafeRawBufferPointer,
        into output: UnsafeMutableRawBufferPointer
    ) -> Bool {
        guard isSymmetricOnly, output.count >= symmetricValueLength else { return false }
        var offset = 0
        for (n, key) in keys.enumerated() {
            guard case .symmetric(let signer) = key else { return false }
            if n > 0 {
                output[offset] = UInt8(ascii: " ")
                offset += 1
            }
            output[offset] = UInt8(ascii: "v")
            output[offset + 1] = UInt8(ascii: "1")
            output[offset + 2] = UInt8(ascii: ",")
            offset += 3
            signer.write(
                id: id, timestamp: timestamp, body: body,
                base64Into: UnsafeMutableRawBufferPointer(
                    rebasing: output[offset..<(offset + Base64.length32)]))
            offset += Base64.length32
        }
        return true
    }
}

extension Signer.Key {
    /// A different key of the same kind, for the `rotated` variant: an older key whose
    /// signature the consumer must skip.
    var older: Signer.Key {
        switch self {
        case .symmetric(let signer): return .symmetric(SymmetricSigner(key: signer.key.map { $0 ^ 0x5A }))
        case .ed25519(let key):
            let seed = Array(key.rawRepresentation).map { $0 ^ 0x5A }
            return (try? Curve25519.Signing.PrivateKey(rawRepresentation: seed)).map { .ed25519($0) } ?? self
        }
    }
}

/// HMAC-SHA256 with the key's pads hashed once (RFC 2104): each signature continues copies of
/// the two prepared states, so signing many requests per second costs two short hashes each.
struct SymmetricSigner: Sendable {
    let key: [UInt8]
    private let inner: SHA256
    private let outer: SHA256

    init(key: [UInt8]) {
        self.key = key
        let blockSize = 64
        var padded = key
        if padded.count > blockSize { padded = Array(SHA256.hash(data: padded)) }
        padded += [UInt8](repeating: 0, count: blockSize - padded.count)
        var inner = SHA256()
        var outer = SHA256()
        inner.update(data: padded.map { $0 ^ 0x36 })
        outer.update(data: padded.map { $0 ^ 0x5c })
        self.inner = inner
        self.outer = outer
    }

    func mac(_ content: [UInt8]) -> [UInt8] {
        var hash = inner
        hash.update(data: content)
        var outerHash = outer
        outerHash.update(data: Array(hash.finalize()))
        return Array(outerHash.finalize())
    }

    func write(
        id: UnsafeRawBufferPointer, timestamp: UnsafeRawBufferPointer, body: UnsafeRawBufferPointer,
        base64Into output: UnsafeMutableRawBufferPointer
    ) {
        var hash = inner
        // `id.timestamp.` is gathered first, so the hash is fed twice rather than five times.
        let prefixLength = id.count + timestamp.count + 2
        withUnsafeTemporaryAllocation(byteCount: prefixLength, alignment: 1) { prefix in
            prefix.copyMemory(from: id)
            prefix[id.count] = UInt8(ascii: ".")
            UnsafeMutableRawBufferPointer(rebasing: prefix[(id.count + 1)...]).copyMemory(from: timestamp)
            prefix[prefixLength - 1] = UInt8(ascii: ".")
            hash.update(bufferPointer: UnsafeRawBufferPointer(prefix))
        }
        hash.update(bufferPointer: body)
        let innerDigest = hash.finalize()
        var outerHash = outer
        innerDigest.withUnsafeBytes { outerHash.update(bufferPointer: $0) }
        outerHash.finalize().withUnsafeBytes { Base64.encode32($0, into: output) }
    }
}

extension Signer: CustomStringConvertible, CustomReflectable {
    /// The scheme and masked secrets; never key material.
    public var description: String {
        "Signer(\(scheme), secrets: \(secrets.map(\.description).joined(separator: ", ")))"
    }

    public var customMirror: Mirror { Mirror(self, children: ["scheme": scheme, "secrets": secrets]) }
}

extension WebhookSecret: CustomReflectable {
    public var customMirror: Mirror { Mirror(self, children: ["masked": description]) }
}

import Crypto
import ProctorCore
import ProctorJSON

/// What the verifier found.
public struct Verification: Sendable, Hashable {
    public enum Verdict: Sendable, Hashable {
        /// A signature matched (which scheme, in words) and the timestamp is within the tolerance.
        case valid(String)
        /// The request carries no signature header at all.
        case unsigned
        case invalid
    }

    public var verdict: Verdict
    /// Why it is not valid.
    public var problems: [String]
    /// Facts that help (which headers, which entry matched, what would have matched).
    public var notes: [String]

    public init(verdict: Verdict, problems: [String], notes: [String]) {
        self.verdict = verdict
        self.problems = problems
        self.notes = notes
    }

    public var isValid: Bool {
        if case .valid = verdict { return true }
        return false
    }

    /// The first problem, for a one-line answer.
    public var reason: String? { problems.first }

    /// The report `proctor verify` prints.
    public var rendered: String {
        var lines: [String]
        switch verdict {
        case .valid(let scheme):
            lines = ["valid: the \(scheme) signature matches and the timestamp is within the tolerance"]
        case .unsigned, .invalid: lines = ["invalid"]
        }
        lines += problems.map { "  problem: \($0)" }
        lines += notes.map { "  note: \($0)" }
        return lines.joined(separator: "\n")
    }
}

/// Verifies a received request the way a careful consumer does: the one verifier of `serve`,
/// `verify` and the tests. It accepts everything ``Signer`` produces: Standard Webhooks `v1`
/// (HMAC-SHA256) and `v1a` (Ed25519) entries under `svix-*` or `webhook-*` names, with key
/// rotation, and body HMAC headers of any name, algorithm (SHA-1, SHA-256, SHA-512), encoding
/// (hex, base64) and `name=` prefix. A request whose signature header holds no entry that can
/// be checked is invalid, never valid.
public struct WebhookVerifier: Sendable {
    public let toleranceSeconds: Int64
    /// `v1` keys, their HMAC pads prepared once.
    private let symmetricSigners: [SymmetricSigner]
    /// Keys that verify `v1a` (from `whpk_` and `whsk_` secrets).
    private let publicKeys: [Curve25519.Signing.PublicKey]
    private let hmacKeys: [[UInt8]]
    private let keyProblems: [String]

    /// `secrets` as users write them; keys that are not Standard Webhooks keys still verify
    /// body HMAC headers.
    public init(secrets: [WebhookSecret], toleranceSeconds: Int64 = 300) {
        self.toleranceSeconds = toleranceSeconds
        var symmetric: [SymmetricSigner] = []
        var publicKeys: [Curve25519.Signing.PublicKey] = []
        var problems: [String] = []
        for secret in secrets {
            do {
                let key = try secret.standardWebhooksKey()
                if case .symmetric(let bytes) = key { symmetric.append(SymmetricSigner(key: bytes)) }
                if let verifying = key.verifyingKey { publicKeys.append(verifying) }
            } catch {
                problems.append(error.message)
            }
        }
        symmetricSigners = symmetric
        self.publicKeys = publicKeys
        hmacKeys = secrets.map(\.hmacKey)
        keyProblems = problems
    }

    /// Checks `headers` and `body` as of `nowSeconds`. `hmacHeader` names the header of a body
    /// HMAC the consumer requires, besides any Standard Webhooks signature (nil: without Standard
    /// Webhooks headers, any header whose name contains `sig` or `hmac` is checked). `explain` adds
    /// notes on near misses (re-serialized bodies); the receiver leaves it off.
    public func verify(
        headers: HeaderFields, body: [UInt8], nowSeconds: Int64, hmacHeader: String? = nil,
        explain: Bool = true
    ) -> Verification {
        var standard: Verification?
        for style in Self.styleOrder(headers) where style.names.contains(where: { headers.contains($0) }) {
            standard = verifyStandard(
                headers: headers, style: style, body: body, now: nowSeconds, explain: explain)
            break
        }
        let candidates: [HTTPHeader]
        if let hmacHeader {
            candidates = headers.filter { HeaderFields.same($0.name, hmacHeader) }
            if candidates.isEmpty {
                return Verification(
                    verdict: .invalid,
                    problems: (standard?.problems ?? []) + ["missing signature header: \(hmacHeader)"],
                    notes: standard?.notes ?? [])
            }
        } else if let standard {
            return standard
        } else {
            candidates = headers.filter { Self.looksLikeSignatureHeader($0.name) }
        }
        guard !candidates.isEmpty else {
            return Verification(
                verdict: .unsigned,
                problems: [
                    "no signature headers (expected svix-id, svix-timestamp and svix-signature, the webhook-* equivalents, or a body HMAC header)"
                ], notes: [])
        }
        let hmac = verifyHMAC(candidates, body: body, explain: explain)
        guard let standard else { return hmac }
        // Both must hold: the Standard Webhooks signature and the required body HMAC.
        if standard.isValid && hmac.isValid { return standard }
        return Verification(
            verdict: .invalid, problems: standard.problems + hmac.problems, notes: standard.notes + hmac.notes
        )
    }

    /// Header names a body HMAC may travel in, when the consumer was not told which.
    public static func looksLikeSignatureHeader(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.contains("sig") || lower.contains("hmac")
    }

    /// `svix` first, unless only `webhook-*` headers are present.
    static func styleOrder(_ headers: HeaderFields) -> [StandardWebhooksHeaderStyle] {
        let webhookOnly =
            StandardWebhooksHeaderStyle.webhook.names.contains { headers.contains($0) }
            && !StandardWebhooksHeaderStyle.svix.names.contains { headers.contains($0) }
        return webhookOnly ? [.webhook, .svix] : [.svix, .webhook]
    }

    // MARK: Standard Webhooks

    func verifyStandard(
        headers: HeaderFields, style: StandardWebhooksHeaderStyle, body: [UInt8], now: Int64, explain: Bool
    ) -> Verification {
        // An empty id or timestamp is as good as none: the id is part of what is signed.
        let missing = style.names.filter { name in
            (headers[name] ?? "").allSatisfy { $0 == " " || $0 == "\t" } && name != style.signatureHeader
                || !headers.contains(name)
        }
        guard missing.isEmpty else {
            return Verification(
                verdict: .invalid,
                problems: ["missing signature headers: " + missing.joined(separator: ", ")],
                notes: [])
        }
        let id = headers[style.idHeader] ?? ""
        let timestampText = (headers[style.timestampHeader] ?? "").trimmed(" \t")
        let signatureHeader = headers[style.signatureHeader] ?? ""
        var problems: [String] = []
        var notes = ["headers: \(style.names.joined(separator: ", ")); body \(body.count) bytes"]
        guard let timestamp = Int64(timestampText) else {
            return Verification(
                verdict: .invalid,
                problems: ["timestamp \"\(timestampText.prefix(40))\" is not an integer number of seconds"],
                notes: notes)
        }
        let skew = now - timestamp
        if skew > toleranceSeconds {
            problems.append(
                "timestamp is \(skew)s old: \(skew - toleranceSeconds)s beyond the \(toleranceSeconds)s tolerance"
            )
        } else if -skew > toleranceSeconds {
            problems.append(
                "timestamp is \(-skew)s in the future: \(-skew - toleranceSeconds)s beyond the \(toleranceSeconds)s tolerance"
            )
        }

        var symmetric: [[UInt8]] = []
        var asymmetric: [[UInt8]] = []
        var malformed: [String] = []
        var otherVersions: [String] = []
        for entry in signatureHeader.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
            let parts = entry.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, let decoded = Base64.decode(parts[1]) else {
                malformed.append(String(entry))
                continue
            }
            switch parts[0] {
            case "v1": symmetric.append(decoded)
            case "v1a": asymmetric.append(decoded)
            default: otherVersions.append(String(parts[0].prefix(16)))
            }
        }
        let checkable =
            (symmetricSigners.isEmpty ? 0 : symmetric.count) + (publicKeys.isEmpty ? 0 : asymmetric.count)

        if !malformed.isEmpty {
            let shown = malformed.prefix(5).map { "\"\(String($0.prefix(4)))...\"" }.joined(separator: ", ")
            notes.append("malformed signature entries (not `v1,<base64>` or `v1a,<base64>`): \(shown)")
        }
        if !otherVersions.isEmpty {
            notes.append(
                "ignored entries of versions other than v1 and v1a (versions are case-sensitive): "
                    + otherVersions.prefix(5).joined(separator: ", "))
        }
        guard checkable > 0 else {
            var problem = "no signature entry that can be checked"
            if signatureHeader.allSatisfy({ $0 == " " || $0 == "\t" }) {
                problem += ": the \(style.signatureHeader) header is empty"
            } else if !symmetric.isEmpty && symmetricSigners.isEmpty {
                problem += ": v1 entries need a whsec_ secret"
            } else if !asymmetric.isEmpty && publicKeys.isEmpty {
                problem += ": v1a entries need a whpk_ or whsk_ key"
            } else {
                problem += " (expected space-separated `v1,<base64>` or `v1a,<base64>` entries)"
            }
            return Verification(verdict: .invalid, problems: problems + [problem] + keyProblems, notes: notes)
        }

        func matches(_ candidate: [UInt8]) -> Bool {
            let content = Signer.signedContent(id: id, timestamp: timestamp, body: candidate)
            for signer in symmetricSigners {
                let expected = signer.mac(content)
                if symmetric.contains(where: { constantTimeEquals($0, expected) }) { return true }
            }
            for key in publicKeys where asymmetric.contains(where: { key.isValidSignature($0, for: content) })
            {
                return true
            }
            return false
        }
        if matches(body) {
            if symmetric.count + asymmetric.count > 1 {
                notes.append(
                    "one of \(symmetric.count + asymmetric.count) entries matches (key rotation)")
            }
            if !problems.isEmpty { notes.append("the signature itself matches the body") }
        } else {
            problems.append(
                "no signature matches the body (\(checkable) entr\(checkable == 1 ? "y" : "ies") checked)")
            if explain {
                notes.append(Self.reserializationHint(body, matches: matches) ?? Self.noVariantNote)
            }
        }
        let scheme = symmetric.isEmpty ? "Standard Webhooks v1a" : "Standard Webhooks"
        return Verification(
            verdict: problems.isEmpty ? .valid(scheme) : .invalid, problems: problems, notes: notes)
    }

    static let noVariantNote =
        "no re-serialization of the body matches either: the secret, the id or the timestamp differ from what was signed"

    // MARK: Body HMAC

    func verifyHMAC(_ candidates: [HTTPHeader], body: [UInt8], explain: Bool) -> Verification {
        var readable: [(header: String, digests: [(HMACSigning.Algorithm, [UInt8])])] = []
        for header in candidates {
            let digests = Self.digests(in: header.value)
            if !digests.isEmpty { readable.append((header.name, digests)) }
        }
        let names = candidates.map(\.name).joined(separator: ", ")
        guard !readable.isEmpty else {
            return Verification(
                verdict: .invalid,
                problems: [
                    "no signature that can be checked in \(names) (expected a hex or base64 HMAC-SHA1, -SHA256 or -SHA512 digest, optionally after a prefix such as sha256=)"
                ], notes: [])
        }
        func match(_ candidate: [UInt8]) -> String? {
            for (header, digests) in readable {
                for (algorithm, digest) in digests {
                    for key in hmacKeys
                    where constantTimeEquals(algorithm.mac(key: key, body: candidate), digest) {
                        return "\(algorithm.rawValue) in \(header)"
                    }
                }
            }
            return nil
        }
        if let found = match(body) {
            return Verification(verdict: .valid("body HMAC (\(found))"), problems: [], notes: [])
        }
        var notes: [String] = []
        if explain {
            notes.append(Self.reserializationHint(body, matches: { match($0) != nil }) ?? Self.noVariantNote)
        }
        return Verification(
            verdict: .invalid, problems: ["no signature matches the body (\(names))"], notes: notes)
    }

    /// The digests a header value may hold: the whole value or the part after a `name=` prefix
    /// (`sha256=`, `v1=`, any name), in hex or base64, of a length that names the algorithm.
    static func digests(in value: String) -> [(HMACSigning.Algorithm, [UInt8])] {
        readings(in: value).map { ($0.form.algorithm, $0.digest) }
    }

    /// Each way `value` reads as a body HMAC, in the order ``digests(in:)`` tries them: its form
    /// (prefix, encoding, algorithm) and the digest.
    static func readings(in value: String, header: String = "") -> [(form: HMACSigning, digest: [UInt8])] {
        let text = value.trimmed(" \t")
        var readings = [(prefix: Substring(), rest: Substring(text))]
        if let eq = text.firstIndex(of: "="), eq != text.startIndex {
            let rest = text[text.index(after: eq)...]
            if !rest.isEmpty { readings.append((text[...eq], rest)) }
        }
        var out: [(HMACSigning, [UInt8])] = []
        for (prefix, rest) in readings {
            for (encoding, decoded) in [
                (HMACSigning.Encoding.hex, Base64.unhex(rest)), (.base64, Base64.decode(rest)),
            ] {
                guard let bytes = decoded else { continue }
                for algorithm in HMACSigning.Algorithm.allCases where algorithm.digestLength == bytes.count {
                    out.append(
                        (
                            HMACSigning(
                                header: header, algorithm: algorithm, encoding: encoding,
                                prefix: String(prefix)), bytes
                        ))
                }
            }
        }
        return out
    }

    // MARK: Hints

    /// Tries the forms a body takes when a framework parses and re-serializes it.
    static func reserializationHint(_ body: [UInt8], matches: ([UInt8]) -> Bool) -> String? {
        var variants: [(String, [UInt8])] = []
        if body.last == UInt8(ascii: "\n") {
            variants.append(
                (
                    "the body without its trailing newline matches: a newline was added after signing",
                    Array(body.dropLast())
                ))
        }
        variants.append(
            (
                "the body with a trailing newline matches: a newline was removed after signing",
                body + [UInt8(ascii: "\n")]
            ))
        if let value = try? JSONParser().parse(body) {
            variants += [
                (
                    "the compact serialization of the body matches: it differs from the signed bytes only in whitespace (it was re-serialized); verify the raw bytes as received",
                    value.serializedBytes(style: .compact)
                ),
                (
                    "the pretty-printed body matches: it differs from the signed bytes only in whitespace (it was re-serialized); verify the raw bytes as received",
                    value.serializedBytes(style: .pretty)
                ),
                (
                    "the body with sorted keys matches: it was parsed and re-serialized with sorted keys; verify the raw bytes as received",
                    sortedKeys(value).serializedBytes(style: .compact)
                ),
                (
                    "the pretty-printed body with sorted keys matches: it was parsed and re-serialized; verify the raw bytes as received",
                    sortedKeys(value).serializedBytes(style: .pretty)
                ),
            ]
        }
        return variants.first { matches($0.1) }?.0
    }

    static func sortedKeys(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            let pairs = object.map { ($0.key, sortedKeys($0.value)) }.sorted {
                Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8))
            }
            return .object(JSONObject(pairs))
        case .array(let items): return .array(items.map(sortedKeys))
        default: return value
        }
    }
}

extension String {
    fileprivate func trimmed(_ set: String) -> String {
        let chars = Set(set)
        var s = Substring(self)
        while let f = s.first, chars.contains(f) { s.removeFirst() }
        while let l = s.last, chars.contains(l) { s.removeLast() }
        return String(s)
    }
}

extension HMACSigning {
    /// The form of a body HMAC header as received (its prefix, encoding and algorithm, read as the
    /// verifier reads it), to sign a body anew in the same form; nil when `value` holds no digest.
    public static func form(ofHeader header: String, value: String) -> HMACSigning? {
        WebhookVerifier.readings(in: value, header: header).first?.form
    }
}

import ProctorJSON
import ProctorVendors

/// A request as captured: header lines and the raw body bytes.
public struct CapturedRequest: Sendable, Hashable {
    /// Lower-cased header names.
    public var headers: [String: String]
    public var body: [UInt8]

    public init(headers: [String: String], body: [UInt8]) {
        var lowered: [String: String] = [:]
        for (name, value) in headers { lowered[name.lowercased()] = value }
        self.headers = lowered
        self.body = body
    }

    /// Parses a raw HTTP request: an optional request line, header lines, an empty line, the body.
    /// Lines may end in CRLF or LF; the body is kept byte for byte.
    public static func parse(raw: [UInt8]) throws(CapturedRequestError) -> CapturedRequest {
        guard let (headEnd, bodyStart) = headerBoundary(raw) else {
            throw CapturedRequestError("no empty line separates the headers from the body")
        }
        let headers = try parse(headerText: String(decoding: raw[..<headEnd], as: UTF8.self))
        return CapturedRequest(headers: headers, body: Array(raw[bodyStart...]))
    }

    /// Parses `Name: value` lines; a leading request line (`POST /path HTTP/1.1`) is skipped.
    public static func parse(headerText: String) throws(CapturedRequestError) -> [String: String] {
        var headers: [String: String] = [:]
        var lines = headerText.split(omittingEmptySubsequences: true) {
            $0 == "\n" || $0 == "\r\n" || $0 == "\r"
        }
        if let first = lines.first {
            let parts = first.split(separator: " ")
            if parts.count == 3, parts[2].hasPrefix("HTTP/"), parts[0].allSatisfy(\.isUppercase) {
                lines.removeFirst()
            }
        }
        for line in lines {
            let trimmed = line.trimmingWhitespace
            if trimmed.isEmpty { continue }
            guard let colon = trimmed.firstIndex(of: ":") else {
                throw CapturedRequestError("not a header line: \"\(trimmed.prefix(80))\"")
            }
            headers[String(trimmed[..<colon]).trimmingWhitespace.lowercased()] =
                String(trimmed[trimmed.index(after: colon)...]).trimmingWhitespace
        }
        return headers
    }

    static func headerBoundary(_ raw: [UInt8]) -> (Int, Int)? {
        var index = 0
        while index < raw.count {
            if raw[index] == UInt8(ascii: "\n") {
                if index + 1 < raw.count, raw[index + 1] == UInt8(ascii: "\n") { return (index, index + 2) }
                if index + 2 < raw.count, raw[index + 1] == UInt8(ascii: "\r"),
                    raw[index + 2] == UInt8(ascii: "\n")
                {
                    return (index, index + 3)
                }
            }
            index += 1
        }
        return nil
    }
}

/// Unusable input to `verify`.
public struct CapturedRequestError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// What `proctor verify` found.
public struct VerificationReport: Sendable, Hashable {
    public var valid: Bool
    /// Why it is not valid.
    public var problems: [String]
    /// Facts that help (which headers, which entry matched, what would have matched).
    public var notes: [String]

    public var rendered: String {
        var lines = [
            valid ? "valid: the signature matches and the timestamp is within the tolerance" : "invalid"
        ]
        lines += problems.map { "  problem: \($0)" }
        lines += notes.map { "  note: \($0)" }
        return lines.joined(separator: "\n")
    }
}

/// Checks a captured request the way a consumer should, and explains a failure.
public enum CapturedRequestVerifier {
    public static func verify(
        _ request: CapturedRequest, secret: StandardWebhooksSecret, nowSeconds: Int64,
        toleranceSeconds: Int64 = 300
    ) -> VerificationReport {
        var problems: [String] = []
        var notes: [String] = []
        let prefix =
            request.headers.keys.contains { $0.hasPrefix("webhook-") }
                && !request.headers.keys.contains { $0.hasPrefix("svix-") } ? "webhook" : "svix"
        let names = ["\(prefix)-id", "\(prefix)-timestamp", "\(prefix)-signature"]
        let missing = names.filter { request.headers[$0] == nil }
        if missing.count == 3 {
            return VerificationReport(
                valid: false,
                problems: [
                    "no signature headers (expected svix-id, svix-timestamp, svix-signature or the webhook-* equivalents)"
                ], notes: [])
        }
        if !missing.isEmpty {
            return VerificationReport(
                valid: false, problems: ["missing signature headers: " + missing.joined(separator: ", ")],
                notes: [])
        }
        let id = request.headers[names[0]] ?? ""
        let timestampText = request.headers[names[1]] ?? ""
        let signatureHeader = request.headers[names[2]] ?? ""
        notes.append("headers: \(names.joined(separator: ", ")); body \(request.body.count) bytes")
        guard let timestamp = Int64(timestampText) else {
            return VerificationReport(
                valid: false,
                problems: ["timestamp \"\(timestampText)\" is not an integer number of seconds"], notes: notes
            )
        }
        let skew = nowSeconds - timestamp
        if skew > toleranceSeconds {
            problems.append(
                "timestamp is \(skew)s old: \(skew - toleranceSeconds)s beyond the \(toleranceSeconds)s tolerance"
            )
        } else if -skew > toleranceSeconds {
            problems.append(
                "timestamp is \(-skew)s in the future: \(-skew - toleranceSeconds)s beyond the \(toleranceSeconds)s tolerance"
            )
        }

        var malformed: [String] = []
        var candidates: [[UInt8]] = []
        var otherVersions: [String] = []
        for entry in signatureHeader.split(separator: " ", omittingEmptySubsequences: true) {
            let parts = entry.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, let decoded = Base64Decoder.decode(String(parts[1]))
            else {
                malformed.append(String(entry))
                continue
            }
            if parts[0] != "v1" { otherVersions.append(String(parts[0])); continue }
            candidates.append(decoded)
        }
        if !malformed.isEmpty {
            let shown = malformed.map { "\"\(String($0.prefix(3)))...\"" }.joined(separator: ", ")
            let message = "malformed signature entries (not `v1,<base64>`): \(shown)"
            if candidates.isEmpty { problems.append(message) } else { notes.append(message) }
        }
        if !otherVersions.isEmpty {
            notes.append("ignored entries of unknown versions: " + otherVersions.joined(separator: ", "))
        }

        func matches(_ body: [UInt8]) -> Int? {
            let expected = secret.signatureBytes(id: id, timestamp: timestamp, body: body)
            return candidates.firstIndex { StandardWebhooksVerifier.constantTimeEquals($0, expected) }
        }
        if let index = matches(request.body) {
            if candidates.count > 1 {
                notes.append("entry \(index + 1) of \(candidates.count) matches (key rotation)")
            }
            if !problems.isEmpty { notes.append("the signature itself matches the body") }
        } else if !candidates.isEmpty {
            problems.append(
                "no signature matches the body (\(candidates.count) v1 entr\(candidates.count == 1 ? "y" : "ies") checked)"
            )
            if let variant = reserializationHint(request.body, matches: { matches($0) != nil }) {
                notes.append(variant)
            } else {
                notes.append(
                    "no re-serialization of the body matches either: the secret, the id or the timestamp differ from what was signed"
                )
            }
        }
        return VerificationReport(valid: problems.isEmpty, problems: problems, notes: notes)
    }

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

/// Strict base64 (standard alphabet, padded) without Foundation.
enum Base64Decoder {
    static func decode(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard !chars.isEmpty, chars.count % 4 == 0 else { return nil }
        var output: [UInt8] = []
        var index = 0
        while index < chars.count {
            var values: [UInt8] = []
            var padding = 0
            for offset in 0..<4 {
                let c = chars[index + offset]
                if c == UInt8(ascii: "=") {
                    guard index + 4 == chars.count, offset >= 2 else { return nil }
                    padding += 1
                    values.append(0)
                    continue
                }
                guard padding == 0, let v = value(c) else { return nil }
                values.append(v)
            }
            output.append(values[0] << 2 | values[1] >> 4)
            if padding < 2 { output.append((values[1] & 0x0F) << 4 | values[2] >> 2) }
            if padding < 1 { output.append((values[2] & 0x03) << 6 | values[3]) }
            index += 4
        }
        return output
    }

    static func value(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return c - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return c - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): return 62
        case UInt8(ascii: "/"): return 63
        default: return nil
        }
    }
}

extension StringProtocol {
    var trimmingWhitespace: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" || first == "\r" {
            scalars.removeFirst()
        }
        while let last = scalars.last, last == " " || last == "\t" || last == "\r" { scalars.removeLast() }
        return String(scalars)
    }
}

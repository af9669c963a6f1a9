import ProctorCore
import ProctorJSON
import ProctorSigning
import ProctorVendors

/// One request as the receiver got it, and what it made of it: the unit of `serve --record`, of
/// the live tail and of ``Capture``. The request is kept as received (method, path, headers in
/// order and case, the exact body bytes); the receiver's conclusions are its
/// ``ReceivedEvent`` (vendor, event, message id, duplicate, status, reason) and the verifier's
/// ``Verification``.
public struct CaptureRecord: Sendable, Hashable {
    /// Position in the capture, from 1; 0 until the recorder numbers it.
    public var sequence: Int
    public var method: String
    /// The request target as received: path and query.
    public var path: String
    /// Headers in the order and case they arrived. Read from a capture, signature values are
    /// masked unless it was recorded with `--keep-signatures` (``Capture/signaturesKept``).
    public var headers: HeaderFields
    public var body: [UInt8]
    /// False when the body was cut short: larger than `--max-body-bytes`, or not complete in time.
    public var bodyComplete: Bool
    /// What the receiver concluded. `vendor` is empty for a path that names none (`--accept-all`).
    public var event: ReceivedEvent
    /// The signature check, nil where none was made (an answer forced by a chaos flag, a body
    /// cut short).
    public var signature: Verification?
    /// The JSON the sender was answered with, under `event.status` (0: the connection was closed
    /// without an answer): the receiver's, or the consumer's (``forward``); a consumer's body
    /// that is not JSON is its text.
    public var answer: JSONValue
    /// Texts the headers carry that are signatures or secrets: what masking replaces.
    public var sensitive: [String]
    /// What became of the request's relay to a consumer (`serve --forward-to`); nil when it was
    /// not relayed. With `--answer consumer`, ``status`` and ``answer`` are the consumer's and the
    /// receiver's own status is ``ForwardOutcome/receiverStatus``.
    public var forward: ForwardOutcome?

    public init(
        sequence: Int = 0, method: String, path: String, headers: HeaderFields, body: [UInt8],
        bodyComplete: Bool = true, event: ReceivedEvent, signature: Verification? = nil,
        answer: JSONValue = .null, sensitive: [String] = [], forward: ForwardOutcome? = nil
    ) {
        self.sequence = sequence
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.bodyComplete = bodyComplete
        self.event = event
        self.signature = signature
        self.answer = answer
        self.sensitive = sensitive
        self.forward = forward
    }

    public var receivedAtMilliseconds: Int64 { event.receivedAtMilliseconds }
    /// The answer's status; 0 when the connection was closed without one.
    public var status: Int { event.status }
    public var bodySHA256: String { BodyDigest.sha256Hex(body) }

    /// The headers with signature values and secrets masked by the one masking rule.
    public var maskedHeaders: HeaderFields { headers.masked(sensitive: sensitive) }

    /// The catalog's event (`proctor events`) the request delivered, as its vendor's profile
    /// reads the body; nil for a request on no vendor's route or one it does not recognise.
    public func catalogEvent(in catalog: VendorCatalog = .standard) -> EventSpec? {
        catalog.profile(for: event.vendor)?.event(received: event.event, in: try? JSONParser().parse(body))
    }

    /// The signature verdict in one word: `valid`, `invalid`, `unsigned` or `unchecked`.
    public var signatureVerdict: String {
        switch signature?.verdict {
        case .valid: "valid"
        case .invalid: "invalid"
        case .unsigned: "unsigned"
        case nil: "unchecked"
        }
    }

    /// The answer's `status` word (`accepted`, `duplicate`, `rejected`, `captured`...), or
    /// `closed` when none was sent.
    public var answerWord: String {
        if event.status == 0 { return "closed" }
        return answer["status"]?.stringValue ?? String(event.status)
    }

    /// The signature texts and secrets a request's headers carry, for masking: the entries of
    /// Standard Webhooks signature headers (after `v1,`), the values of body HMAC headers (after a
    /// `sha256=`-style prefix), and `secrets` wherever they appear. `hmacHeaders` names headers
    /// the receiver checks besides those whose names say signature (see
    /// ``WebhookVerifier/looksLikeSignatureHeader(_:)``).
    public static func sensitiveTexts(
        in headers: HeaderFields, secrets: [String], hmacHeaders: [String] = []
    ) -> [String] {
        var texts = secrets
        let standard = StandardWebhooksHeaderStyle.allCases.map { $0.signatureHeader.lowercased() }
        let hmac = Set(hmacHeaders.map { $0.lowercased() })
        for field in headers {
            let name = field.name.lowercased()
            if standard.contains(name) {
                for entry in field.value.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
                    let parts = entry.split(separator: ",", maxSplits: 1)
                    texts.append(String(parts.count == 2 ? parts[1] : entry))
                }
            } else if hmac.contains(name) || WebhookVerifier.looksLikeSignatureHeader(name) {
                texts.append(Self.withoutPrefix(field.value))
            }
        }
        return texts.filter { $0.count >= 4 }
    }

    /// `sha256=abc...` without `sha256=`; a value with no such prefix (base64 padding is not one)
    /// whole.
    static func withoutPrefix(_ value: String) -> String {
        let trimmed = value.trimmingWhitespace
        guard let equals = trimmed.firstIndex(of: "=") else { return trimmed }
        let prefix = trimmed[..<equals]
        let rest = trimmed[trimmed.index(after: equals)...]
        let isName =
            !prefix.isEmpty && prefix.count <= 16
            && prefix.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
        guard isName, rest.count >= 4, !rest.allSatisfy({ $0 == "=" }) else { return trimmed }
        return String(rest)
    }
}

// MARK: The index line

extension CaptureRecord {
    /// The record's line in a capture index (see docs/capture.md), without the body, which is
    /// in the file `bodyFile` names. `headers` are written as given (masked or not by the caller).
    func indexLine(headers: HeaderFields, bodyFile: String) -> [UInt8] {
        var object = summary
        object.insert(
            .array(
                headers.map {
                    .object(JSONObject([("name", .string($0.name)), ("value", .string($0.value))]))
                }),
            forKey: "headers", at: 4)
        object.insert(
            .object(
                JSONObject([
                    ("file", .string(bodyFile)), ("length", .int(body.count)),
                    ("sha256", .string(bodySHA256)),
                    ("complete", .bool(bodyComplete)),
                ])), forKey: "body", at: 5)
        var bytes = JSONValue.object(object).serializedBytes()
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// The facts of the record without headers and body: the live tail's JSON line, and the
    /// index line around which headers and body are added. `forward` only when relayed.
    public var summary: JSONObject {
        var signatureObject = JSONObject()
        signatureObject["verdict"] = .string(signatureVerdict)
        if case .valid(let scheme) = signature?.verdict { signatureObject["scheme"] = .string(scheme) }
        signatureObject["problems"] = .array((signature?.problems ?? []).map(JSONValue.string))
        var object = JSONObject([
            ("sequence", .int(sequence)),
            ("receivedAt", .string(FakeData.isoTimestamp(milliseconds: event.receivedAtMilliseconds))),
            ("method", .string(method)),
            ("path", .string(path)),
            ("vendor", event.vendor.isEmpty ? .null : .string(event.vendor)),
            ("event", .string(event.event)),
            ("messageId", .string(event.messageId)),
            ("candidateId", event.candidateId.map(JSONValue.string) ?? .null),
            ("duplicate", .bool(event.duplicate)),
            ("verified", event.verified.map(JSONValue.bool) ?? .null),
            ("signature", .object(signatureObject)),
            ("status", .int(event.status)),
            ("answer", answer),
            ("reason", event.reason.map(JSONValue.string) ?? .null),
        ])
        if let forward { object["forward"] = forward.json }
        return object
    }

    /// A record from its index line, with the body read by `body` from the file the line names;
    /// nil with the problem when the line is not a record.
    static func parse(
        line: [UInt8], body: (String) throws(CaptureError) -> [UInt8]
    ) throws(CaptureError) -> CaptureRecord {
        let value: JSONValue
        do {
            value = try JSONParser().parse(line)
        } catch {
            throw CaptureError("not a JSON record: \(error.description)")
        }
        func field<T>(_ key: String, _ read: (JSONValue) -> T?) throws(CaptureError) -> T {
            guard let item = value[key], let result = read(item) else {
                throw CaptureError("the record has no valid \"\(key)\"")
            }
            return result
        }
        let received = try field("receivedAt") {
            $0.stringValue.flatMap(FakeData.milliseconds(fromISOTimestamp:))
        }
        let bodyInfo = try field("body") { $0.objectValue }
        guard let file = bodyInfo["file"]?.stringValue, let length = bodyInfo["length"]?.intValue,
            let digest = bodyInfo["sha256"]?.stringValue
        else { throw CaptureError("the record's \"body\" has no file, length or sha256") }
        let bytes = try body(file)
        guard bytes.count == length, BodyDigest.sha256Hex(bytes) == digest else {
            throw CaptureError(
                "the body file \(file) does not hold the recorded \(length) bytes (SHA-256 differs)")
        }
        var headers = HeaderFields()
        for item in try field("headers", { $0.arrayValue }) {
            guard let name = item["name"]?.stringValue, let text = item["value"]?.stringValue else {
                throw CaptureError("a header of the record has no name or value")
            }
            headers.add(name, text)
        }
        let signatureObject = value["signature"]?.objectValue ?? JSONObject()
        let problems = signatureObject["problems"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let signature: Verification? =
            switch signatureObject["verdict"]?.stringValue {
            case "valid":
                Verification(
                    verdict: .valid(signatureObject["scheme"]?.stringValue ?? ""), problems: problems,
                    notes: [])
            case "invalid": Verification(verdict: .invalid, problems: problems, notes: [])
            case "unsigned": Verification(verdict: .unsigned, problems: problems, notes: [])
            default: nil
            }
        let status = try field("status") { $0.intValue }
        var event = ReceivedEvent(
            sequence: 0, vendor: value["vendor"]?.stringValue ?? "",
            event: try field("event") { $0.stringValue },
            messageId: try field("messageId") { $0.stringValue }, receivedAtMilliseconds: received,
            verified: value["verified"]?.boolValue, duplicate: value["duplicate"]?.boolValue ?? false,
            status: status, reason: value["reason"]?.stringValue,
            candidateId: value["candidateId"]?.stringValue)
        event.bodySHA256 = digest
        event.bodyLength = length
        var forward: ForwardOutcome?
        if let item = value["forward"], item != .null {
            guard let outcome = ForwardOutcome(json: item) else {
                throw CaptureError(
                    "the record's \"forward\" has no url, status or failure, durationMs or answeredBy")
            }
            forward = outcome
        }
        return CaptureRecord(
            sequence: try field("sequence") { $0.intValue }, method: try field("method") { $0.stringValue },
            path: try field("path") { $0.stringValue }, headers: headers, body: bytes,
            bodyComplete: bodyInfo["complete"]?.boolValue ?? true, event: event, signature: signature,
            answer: value["answer"] ?? .null, forward: forward)
    }
}

/// A capture that cannot be written or read: one message a person reads.
public struct CaptureError: UserFacingError, Hashable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

import ProctorRegex
import ProctorCore
import ProctorJSON
import ProctorSchema
import Synchronization

/// What came back from a consumer for one delivery.
public struct ReceivedResponse: Sendable, Equatable {
    public struct Header: Sendable, Equatable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public var status: Int
    public var headers: [Header]
    public var body: [UInt8]
    public var latency: Duration

    public init(status: Int, headers: [Header] = [], body: [UInt8] = [], latency: Duration = .zero) {
        self.status = status
        self.headers = headers
        self.body = body
        self.latency = latency
    }

    /// The value of a header (names compared case-insensitively); repeated headers are joined
    /// with `, ` as HTTP allows.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        let values = headers.filter { $0.name.lowercased() == wanted }.map(\.value)
        return values.isEmpty ? nil : values.joined(separator: ", ")
    }
}

/// A delivery's result: a response, or a transport failure (refused, reset, timed out, TLS).
public enum DeliveryOutcome: Sendable, Equatable {
    case response(ReceivedResponse)
    case transportError(String)
}

/// One unmet part of an expectation.
public struct ContractFailure: Sendable, Equatable, CustomStringConvertible {
    public enum Aspect: String, Sendable {
        case transport, status, header, latency, body
    }

    public var aspect: Aspect
    /// What the expectation asked for, as written (`status 2xx`, `header x-request-id ~ /^req_/`).
    public var expected: String
    /// What came back (`status 500`, `header x-request-id absent`).
    public var actual: String
    /// A beginning of the response body, capped at ``ContractEvaluator/bodyExcerptLimit`` bytes.
    public var bodyExcerpt: String?
    /// Schema errors with their instance and keyword locations, for body failures.
    public var schemaErrors: [SchemaValidationError]
    /// The response's status and headers (nil and empty after a transport error).
    public var receivedStatus: Int?
    public var receivedHeaders: [ReceivedResponse.Header]

    public init(
        aspect: Aspect, expected: String, actual: String, bodyExcerpt: String? = nil,
        schemaErrors: [SchemaValidationError] = [], receivedStatus: Int? = nil,
        receivedHeaders: [ReceivedResponse.Header] = []
    ) {
        self.aspect = aspect
        self.expected = expected
        self.actual = actual
        self.bodyExcerpt = bodyExcerpt
        self.schemaErrors = schemaErrors
        self.receivedStatus = receivedStatus
        self.receivedHeaders = receivedHeaders
    }

    public var description: String {
        var lines = ["expected \(expected), got \(actual)"]
        for error in schemaErrors { lines.append("  \(error.description)") }
        if let bodyExcerpt { lines.append("  body: \(bodyExcerpt)") }
        return lines.joined(separator: "\n")
    }
}

/// The verdict on one response.
public enum ContractVerdict: Sendable, Equatable {
    case pass
    case fail([ContractFailure])

    public var passed: Bool { self == .pass }
    public var failures: [ContractFailure] {
        if case .fail(let failures) = self { return failures }
        return []
    }
}

/// Checks responses against ``Expectation``s. Safe to call from many tasks at once: compiled
/// schemas are cached per (schema, base file, format assertion) under a lock, so each is compiled
/// once however many deliveries use it.
public final class ContractEvaluator: Sendable {
    public static let bodyExcerptLimit = 512

    struct CacheKey: Hashable {
        var schema: JSONValue
        var baseFile: String?
        var assertFormat: Bool
    }

    /// One cached schema: compiled by the first caller while later callers for the same key wait,
    /// so each schema is compiled exactly once.
    final class Entry: Sendable {
        let result = Mutex<Result<JSONSchema, SchemaError>?>(nil)
    }

    private let loader: any SchemaResourceLoader
    private let cache = Mutex<[CacheKey: Entry]>([:])

    public init(loader: any SchemaResourceLoader = FileSchemaLoader()) {
        self.loader = loader
    }

    /// The compiled schema of a body expectation; relative `$ref`s resolve against its base file.
    public func schema(for body: BodyExpectation, assertFormat: Bool) throws(SchemaError) -> JSONSchema {
        let key = CacheKey(schema: body.schema, baseFile: body.baseFile, assertFormat: assertFormat)
        let entry = cache.withLock { table in
            if let existing = table[key] { return existing }
            let created = Entry()
            table[key] = created
            return created
        }
        let result = entry.result.withLock { slot in
            if let done = slot { return done }
            let compiled: Result<JSONSchema, SchemaError>
            do throws(SchemaError) {
                let base = body.baseFile.map(JSONSchema.fileURI(forPath:))
                compiled = .success(
                    try JSONSchema(
                        body.schema, baseURI: base,
                        options: SchemaOptions(assertFormat: assertFormat, loader: loader)))
            } catch {
                compiled = .failure(error)
            }
            slot = compiled
            return compiled
        }
        return try result.get()
    }

    /// Number of compiled schemas held.
    public var cachedSchemaCount: Int { cache.withLock { $0.count } }

    /// Checks `outcome` against `expectation`: every unmet part is reported, not just the first.
    public func evaluate(_ expectation: Expectation, _ outcome: DeliveryOutcome) -> ContractVerdict {
        guard case .response(let response) = outcome else {
            if case .transportError(let message) = outcome {
                return .fail([
                    ContractFailure(
                        aspect: .transport, expected: Self.summary(of: expectation),
                        actual: "no response: \(message)")
                ])
            }
            return .pass
        }
        var failures: [ContractFailure] = []
        let excerpt = Self.excerpt(response.body)
        if let status = expectation.status, !status.matches(response.status) {
            failures.append(
                ContractFailure(
                    aspect: .status, expected: "status \(status)", actual: "status \(response.status)",
                    bodyExcerpt: excerpt))
        }
        for header in expectation.headers {
            if let failure = Self.check(header, in: response) { failures.append(failure) }
        }
        if let within = expectation.within, response.latency > within {
            failures.append(
                ContractFailure(
                    aspect: .latency, expected: "response within \(Self.milliseconds(within))",
                    actual: "response after \(Self.milliseconds(response.latency))"))
        }
        if let body = expectation.body {
            if let failure = check(
                body, assertFormat: expectation.assertFormat, response: response, excerpt: excerpt)
            {
                failures.append(failure)
            }
        }
        for index in failures.indices {
            failures[index].receivedStatus = response.status
            failures[index].receivedHeaders = response.headers
        }
        return failures.isEmpty ? .pass : .fail(failures)
    }

    private func check(
        _ body: BodyExpectation, assertFormat: Bool, response: ReceivedResponse, excerpt: String?
    )
        -> ContractFailure?
    {
        let expected = "body matching " + Self.schemaSummary(body)
        let schema: JSONSchema
        do {
            schema = try self.schema(for: body, assertFormat: assertFormat)
        } catch {
            return ContractFailure(aspect: .body, expected: expected, actual: "an unusable schema: \(error)")
        }
        if response.body.isEmpty {
            return ContractFailure(aspect: .body, expected: expected, actual: "an empty body")
        }
        let value: JSONValue
        do {
            value = try JSONParser().parse(response.body)
        } catch {
            return ContractFailure(
                aspect: .body, expected: expected,
                actual: "a body that is not JSON (\(error.line):\(error.column): \(error.message))",
                bodyExcerpt: excerpt)
        }
        let result = schema.validate(value)
        if result.isValid { return nil }
        if let stopped = result.evaluationError {
            return ContractFailure(
                aspect: .body, expected: expected,
                actual: "no verdict, the schema is unusable for this body: \(stopped)", bodyExcerpt: excerpt)
        }
        return ContractFailure(
            aspect: .body, expected: expected,
            actual: "a body with \(result.errors.count) schema error\(result.errors.count == 1 ? "" : "s")",
            bodyExcerpt: excerpt, schemaErrors: result.errors)
    }

    static func check(_ header: HeaderExpectation, in response: ReceivedResponse) -> ContractFailure? {
        let value = response.header(header.name)
        let shown = value.map { "header \(header.name): \(Self.quoted($0))" } ?? "no header \(header.name)"
        switch header.matcher {
        case .present:
            if value != nil { return nil }
            return ContractFailure(aspect: .header, expected: "header \(header.name) present", actual: shown)
        case .absent:
            if value == nil { return nil }
            return ContractFailure(aspect: .header, expected: "no header \(header.name)", actual: shown)
        case .exact(let wanted):
            if value == wanted { return nil }
            return ContractFailure(
                aspect: .header, expected: "header \(header.name): \(Self.quoted(wanted))", actual: shown)
        case .regex(let pattern):
            let expected = "header \(header.name) matching /\(pattern)/"
            let regex: ECMARegex
            do {
                regex = try ECMARegex.cached(pattern)
            } catch {
                return ContractFailure(
                    aspect: .header, expected: expected, actual: "an unusable pattern: \(error.reason)")
            }
            guard let value else {
                return ContractFailure(aspect: .header, expected: expected, actual: shown)
            }
            do {
                if try regex.matches(value) { return nil }
            } catch {
                return ContractFailure(aspect: .header, expected: expected, actual: "\(shown), but \(error)")
            }
            return ContractFailure(aspect: .header, expected: expected, actual: shown)
        }
    }

    /// The body's beginning as text, capped at ``bodyExcerptLimit`` bytes; nil for an empty body.
    static func excerpt(_ body: [UInt8]) -> String? {
        guard !body.isEmpty else { return nil }
        if body.count <= bodyExcerptLimit { return String(decoding: body, as: UTF8.self) }
        var end = bodyExcerptLimit
        // Do not cut a UTF-8 sequence in half.
        while end > 0 && body[end] & 0xC0 == 0x80 { end -= 1 }
        return String(decoding: body[..<end], as: UTF8.self) + "… (\(body.count) bytes)"
    }

    static func quoted(_ text: String) -> String { JSONValue.string(text).serialized() }

    static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return "\(seconds * 1000 + attoseconds / 1_000_000_000_000_000)ms"
    }

    static func schemaSummary(_ body: BodyExpectation) -> String {
        if case .string(let reference)? = body.schema["$ref"], body.schema.objectValue?.count == 1 {
            return reference
        }
        let text = body.schema.serialized()
        return text.count > 120 ? String(text.prefix(120)) + "…" : text
    }

    static func summary(of expectation: Expectation) -> String {
        var parts: [String] = []
        if let status = expectation.status { parts.append("status \(status)") }
        if !expectation.headers.isEmpty { parts.append("\(expectation.headers.count) header check(s)") }
        if let body = expectation.body { parts.append("body matching \(schemaSummary(body))") }
        if let within = expectation.within { parts.append("within \(milliseconds(within))") }
        return parts.isEmpty ? "a response" : "a response with " + parts.joined(separator: ", ")
    }
}

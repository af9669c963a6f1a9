import ProctorJSON

/// Which HTTP statuses an expectation accepts: `200`, `2xx`, or a list of either (`[200, 202]`).
public enum StatusPattern: Sendable, Hashable, CustomStringConvertible {
    case exact(Int)
    /// A class such as `2xx`: the hundreds digit.
    case statusClass(Int)
    case anyOf([StatusPattern])

    /// Parses `200`, `2xx` (also `2XX`). Lists are built by the caller from YAML sequences.
    public init?(_ text: String) {
        let t = text.lowercased()
        if t.count == 3, t.hasSuffix("xx"), let digit = Int(t.prefix(1)), (1...5).contains(digit) {
            self = .statusClass(digit)
        } else if let code = Int(t), (100...599).contains(code) {
            self = .exact(code)
        } else {
            return nil
        }
    }

    public func matches(_ status: Int) -> Bool {
        switch self {
        case .exact(let code): return status == code
        case .statusClass(let digit): return status / 100 == digit
        case .anyOf(let patterns): return patterns.contains { $0.matches(status) }
        }
    }

    public var description: String {
        switch self {
        case .exact(let code): return String(code)
        case .statusClass(let digit): return "\(digit)xx"
        case .anyOf(let patterns): return "[" + patterns.map(\.description).joined(separator: ", ") + "]"
        }
    }
}

/// What a consumer's answer (or a probe's) must look like. Built by the scenario loader, checked by
/// the contract evaluator.
public struct Expectation: Sendable, Hashable {
    public var status: StatusPattern?
    public var headers: [HeaderExpectation]
    public var body: BodyExpectation?
    /// Latency budget: the response must complete within this time.
    public var within: Duration?
    /// Check `format` keywords as assertions (`format: assert` in a scenario).
    public var assertFormat: Bool
    /// Where the expectation was written.
    public var location: SourceLocation?

    public init(
        status: StatusPattern? = nil, headers: [HeaderExpectation] = [], body: BodyExpectation? = nil,
        within: Duration? = nil, assertFormat: Bool = false, location: SourceLocation? = nil
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.within = within
        self.assertFormat = assertFormat
        self.location = location
    }

    /// This expectation with unset fields taken from `defaults`.
    public func merged(over defaults: Expectation?) -> Expectation {
        guard let defaults else { return self }
        var merged = self
        if merged.status == nil { merged.status = defaults.status }
        if merged.body == nil { merged.body = defaults.body }
        if merged.within == nil { merged.within = defaults.within }
        let names = Set(headers.map { $0.name.lowercased() })
        merged.headers += defaults.headers.filter { !names.contains($0.name.lowercased()) }
        merged.assertFormat = assertFormat || defaults.assertFormat
        return merged
    }
}

/// A response header that must be present with a value.
public struct HeaderExpectation: Sendable, Hashable {
    public enum Matcher: Sendable, Hashable {
        case exact(String)
        /// An ECMA-262-style regular expression searched in the value (`/^abc/` in YAML).
        case regex(String)
        /// Present with any value.
        case present
        /// Must not be present.
        case absent
    }

    /// Compared case-insensitively.
    public var name: String
    public var matcher: Matcher
    public var location: SourceLocation?

    public init(name: String, matcher: Matcher, location: SourceLocation? = nil) {
        self.name = name
        self.matcher = matcher
        self.location = location
    }
}

/// A JSON Schema the response body must satisfy: inline, or `{ $ref: path }` resolved against
/// `baseFile` (the scenario file that wrote it).
public struct BodyExpectation: Sendable, Hashable {
    public var schema: JSONValue
    /// Absolute path of the file the schema was written in; relative `$ref`s resolve against it.
    public var baseFile: String?
    public var location: SourceLocation?

    public init(schema: JSONValue, baseFile: String? = nil, location: SourceLocation? = nil) {
        self.schema = schema
        self.baseFile = baseFile
        self.location = location
    }
}

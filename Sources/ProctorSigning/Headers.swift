/// One HTTP header, kept in order (order and case matter to people reading requests).
public struct HTTPHeader: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// An ordered list of header fields with case-insensitive lookup: the one header type of
/// signing, verification, delivery and reports.
public struct HeaderFields: Sendable, Hashable, Sequence, ExpressibleByArrayLiteral {
    public private(set) var fields: [HTTPHeader]

    public init(_ fields: [HTTPHeader] = []) { self.fields = fields }
    public init(arrayLiteral elements: (String, String)...) {
        fields = elements.map { HTTPHeader($0.0, $0.1) }
    }

    public func makeIterator() -> IndexingIterator<[HTTPHeader]> { fields.makeIterator() }
    public var count: Int { fields.count }
    public var isEmpty: Bool { fields.isEmpty }

    /// The first value under `name`, compared case-insensitively.
    public subscript(name: String) -> String? {
        fields.first { Self.same($0.name, name) }?.value
    }

    public func values(_ name: String) -> [String] {
        fields.filter { Self.same($0.name, name) }.map(\.value)
    }

    public func contains(_ name: String) -> Bool { self[name] != nil }

    /// Replaces every field named `name` by one field, in the position of the first.
    public mutating func set(_ name: String, _ value: String) {
        if let index = fields.firstIndex(where: { Self.same($0.name, name) }) {
            fields[index] = HTTPHeader(fields[index].name, value)
            var seen = false
            fields.removeAll { field in
                guard Self.same(field.name, name) else { return false }
                defer { seen = true }
                return seen
            }
        } else {
            fields.append(HTTPHeader(name, value))
        }
    }

    public mutating func add(_ name: String, _ value: String) { fields.append(HTTPHeader(name, value)) }

    public mutating func remove(_ name: String) {
        fields.removeAll { Self.same($0.name, name) }
    }

    /// Sets the signer's headers and removes the ones it left out (a `missing` signature).
    public mutating func apply(_ signed: SignedHeaders) {
        for name in signed.removed { remove(name) }
        for header in signed.headers { set(header.name, header.value) }
    }

    /// Fields that describe one hop (RFC 9110 section 7.6.1) or one message's framing, which
    /// a request resent or relayed elsewhere gets anew from the client that sends it.
    public static let hopByHop: Set<String> = [
        "host", "content-length", "connection", "transfer-encoding", "keep-alive", "te", "trailer",
        "upgrade", "expect",
    ]

    /// The fields without the ``hopByHop`` and `Proxy-*` ones: what `replay` and
    /// `serve --forward-to` send on.
    public var relayable: HeaderFields {
        HeaderFields(
            fields.filter { field in
                let name = field.name.lowercased()
                return !Self.hopByHop.contains(name) && !name.hasPrefix("proxy-")
            })
    }

    /// ASCII case-insensitive name comparison.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = a.utf8
        let y = b.utf8
        guard x.count == y.count else { return false }
        return zip(x, y).allSatisfy { lower($0) == lower($1) }
    }

    private static func lower(_ c: UInt8) -> UInt8 { c >= 65 && c <= 90 ? c + 32 : c }
}

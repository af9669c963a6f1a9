/// Dotted paths with indexes (`data.scores.totalScore`, `data.customQuestions[0].score`): the one
/// field-path grammar of Proctor, for overrides (`with:` in scenarios, `--set` on the command line)
/// and template references (`{{steps.s.payload.data.items[0]}}`).
///
///     path  = segment *( "." segment )
///     segment = key *( "[" index "]" )
///     key   = 1*( any character but "." "[" "]" )
///     index = 1*9DIGIT
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    public enum Component: Sendable, Hashable, CustomStringConvertible {
        case key(String)
        case index(Int)

        public var description: String {
            switch self {
            case .key(let key): return key
            case .index(let index): return "[\(index)]"
            }
        }
    }

    /// The largest index a path may hold.
    public static let maxIndex = 999_999_999

    public var components: [Component]
    public let text: String

    public init(components: [Component]) {
        self.components = components
        text = components.enumerated().map { offset, component in
            switch component {
            case .key(let key): return offset == 0 ? key : "." + key
            case .index(let index): return "[\(index)]"
            }
        }.joined()
    }

    /// Parses `a.b[2].c`. Keys are separated by dots; `[n]` selects an array element. The error
    /// names the first problem.
    public init(parsing text: String) throws(JSONPathError) {
        self.text = text
        func fail(_ message: String) -> JSONPathError { JSONPathError(path: text, message: message) }
        let dot = UInt8(ascii: "."), open = UInt8(ascii: "["), close = UInt8(ascii: "]")
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { throw fail("empty path") }
        var components: [Component] = []
        var i = 0
        while true {
            // A key, then any number of [n].
            let start = i
            while i < bytes.count, bytes[i] != dot, bytes[i] != open, bytes[i] != close { i += 1 }
            if i == start {
                if i == bytes.count { throw fail("path ends with \".\"") }
                switch (bytes[i], components.isEmpty) {
                case (close, _): throw fail("unexpected \"]\"")
                case (open, true): throw fail("a path starts with a key, not \"[\"")
                case (open, false): throw fail("expected a key after \".\", found \"[\"")
                case (_, true): throw fail("a path starts with a key, not \".\"")
                default: throw fail("empty key between two dots")
                }
            }
            components.append(.key(String(decoding: bytes[start..<i], as: UTF8.self)))
            while i < bytes.count, bytes[i] == open {
                let digitsStart = i + 1
                var end = digitsStart
                while end < bytes.count, bytes[end] != close, bytes[end] != open, bytes[end] != dot {
                    end += 1
                }
                guard end < bytes.count, bytes[end] == close else {
                    throw fail("\"[\" without a closing \"]\"")
                }
                let digits = bytes[digitsStart..<end]
                guard !digits.isEmpty,
                    digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
                else {
                    throw fail("\"[\(String(decoding: digits, as: UTF8.self))]\" is not an array index")
                }
                guard digits.count <= 9 else {
                    throw fail(
                        "index \(String(decoding: digits, as: UTF8.self)) is larger than \(Self.maxIndex)")
                }
                components.append(.index(digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }))
                i = end + 1
            }
            if i == bytes.count { break }
            switch bytes[i] {
            case dot: i += 1
            case close: throw fail("unexpected \"]\"")
            default: throw fail("expected \".\" or \"[\" after \"]\"")
            }
        }
        self.components = components
    }

    public var description: String { text }
}

public struct JSONPathError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }
    public var description: String { "cannot set \"\(path)\": \(message)" }
}

extension JSONValue {
    /// The value at `path`, or nil when it does not exist.
    public func value(at path: JSONPath) -> JSONValue? {
        var current = self
        for component in path.components {
            switch component {
            case .key(let key):
                guard let next = current.objectValue?[key] else { return nil }
                current = next
            case .index(let index):
                guard let array = current.arrayValue, index < array.count else { return nil }
                current = array[index]
            }
        }
        return current
    }

    /// Sets `value` at `path`. An existing key is replaced where it stands, a new key is appended
    /// to its object, missing intermediate objects are created, and an index may address an
    /// existing element or append one just past the end.
    public mutating func set(_ value: JSONValue, at path: JSONPath) throws(JSONPathError) {
        try set(value, at: path.components[...], path: path, walked: [])
    }

    /// Parses `path` and sets `value` there.
    public mutating func set(_ value: JSONValue, at path: String) throws(JSONPathError) {
        try set(value, at: JSONPath(parsing: path))
    }

    private mutating func set(
        _ value: JSONValue, at rest: ArraySlice<JSONPath.Component>, path: JSONPath,
        walked: [JSONPath.Component]
    ) throws(JSONPathError) {
        guard let first = rest.first else {
            self = value
            return
        }
        let here = walked.isEmpty ? "the root" : "\"\(JSONPath(components: walked).text)\""
        let remaining = rest.dropFirst()
        switch first {
        case .key(let key):
            var object: JSONObject
            switch self {
            case .object(let existing): object = existing
            case .null where !walked.isEmpty: object = JSONObject()
            default:
                throw JSONPathError(path: path.text, message: "\(here) is \(typeName), not an object")
            }
            var child = object[key] ?? .null
            try child.set(value, at: remaining, path: path, walked: walked + [first])
            object[key] = child
            self = .object(object)
        case .index(let index):
            guard case .array(var array) = self else {
                throw JSONPathError(path: path.text, message: "\(here) is \(typeName), not an array")
            }
            guard index <= array.count else {
                throw JSONPathError(
                    path: path.text,
                    message: "index \(index) is out of range: \(here) has \(array.count) elements")
            }
            var child = index < array.count ? array[index] : .null
            try child.set(value, at: remaining, path: path, walked: walked + [first])
            if index < array.count { array[index] = child } else { array.append(child) }
            self = .array(array)
        }
    }
}

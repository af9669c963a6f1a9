/// Dotted paths with indexes (`data.scores.totalScore`, `data.customQuestions[0].score`) for
/// overrides (`with:` in scenarios, `--set` on the command line).
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    public enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

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

    /// Parses `a.b[2].c`. Keys are separated by dots; `[n]` selects an array element.
    public init(parsing text: String) throws(JSONPathError) {
        self.text = text
        var components: [Component] = []
        var key = ""
        var chars = Array(text)[...]
        var expectKey = true
        func fail(_ message: String) -> JSONPathError { JSONPathError(path: text, message: message) }
        while let c = chars.popFirst() {
            switch c {
            case ".":
                if expectKey && key.isEmpty { throw fail("empty key") }
                if !key.isEmpty { components.append(.key(key)) }
                key = ""
                expectKey = true
            case "[":
                if !key.isEmpty {
                    components.append(.key(key))
                } else if components.isEmpty {
                    throw fail("a path starts with a key")
                }
                key = ""
                var digits = ""
                while let d = chars.popFirst(), d != "]" { digits.append(d) }
                guard let index = Int(digits), index >= 0 else {
                    throw fail("\"[\(digits)]\" is not an array index")
                }
                components.append(.index(index))
                expectKey = false
                if let next = chars.first, next != "." && next != "[" {
                    throw fail("expected \".\" or \"[\" after \"]\"")
                }
            default:
                key.append(c)
            }
        }
        if !key.isEmpty {
            components.append(.key(key))
        } else if expectKey {
            throw fail(text.isEmpty ? "empty path" : "path ends with \".\"")
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

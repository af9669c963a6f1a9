import ProctorCore
import ProctorJSON

/// A YAML node detached from the parser, with the position it was written at.
///
/// The loader converts the Yams tree into this `Sendable` form once (bounding alias expansion and
/// nesting), and every later stage reads it.
public struct SourceNode: Sendable, Hashable {
    public enum ScalarStyle: Sendable, Hashable {
        /// Unquoted: the YAML 1.2 core schema decides null, boolean, number or string.
        case plain
        /// Single- or double-quoted, or a block scalar: always a string.
        case quoted
    }

    public enum Kind: Sendable, Hashable {
        case scalar(String, ScalarStyle)
        case sequence([SourceNode])
        case mapping([Pair])
    }

    public struct Pair: Sendable, Hashable {
        public var key: SourceNode
        public var value: SourceNode

        public init(key: SourceNode, value: SourceNode) {
            self.key = key
            self.value = value
        }
    }

    public var kind: Kind
    /// An explicit tag (`!!str`, `!!int`, ...) in its long form, or nil.
    public var tag: String?
    public var location: SourceLocation
    /// For a scalar: its text is written as is on the line of `location` (after the opening
    /// quote), so a position in the text is a column of that line. Not so for escapes, for lines
    /// folded into spaces, or for block scalars.
    public var isVerbatim: Bool

    public init(_ kind: Kind, tag: String? = nil, at location: SourceLocation, isVerbatim: Bool = false) {
        self.kind = kind
        self.tag = tag
        self.location = location
        self.isVerbatim = isVerbatim
    }

    /// The scalar text, for scalars.
    public var scalarText: String? {
        if case .scalar(let text, _) = kind { return text }
        return nil
    }

    public var pairs: [Pair]? {
        if case .mapping(let pairs) = kind { return pairs }
        return nil
    }

    public var elements: [SourceNode]? {
        if case .sequence(let elements) = kind { return elements }
        return nil
    }

    /// The JSON value of this node under the YAML 1.2 core schema.
    public var jsonValue: JSONValue { YAMLCoreSchema.value(of: self) }

    /// A word for the node's kind, for messages: "a mapping", "a list", "a string", "a number", ...
    public var kindDescription: String {
        switch kind {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar:
            switch YAMLCoreSchema.value(of: self) {
            case .null: return "nothing"
            case .bool: return "a boolean"
            case .number: return "a number"
            default: return "a string"
            }
        }
    }
}

/// YAML 1.2 core schema resolution of scalars, and conversion of whole nodes to `JSONValue`.
///
/// `yes`, `no`, `on` and `off` are strings; `0x1F` and `0o17` are integers; `.inf` and `.nan`
/// have no JSON form and stay strings. Object keys keep their order.
public enum YAMLCoreSchema {
    static let strTag = "tag:yaml.org,2002:str"
    static let intTag = "tag:yaml.org,2002:int"
    static let floatTag = "tag:yaml.org,2002:float"
    static let boolTag = "tag:yaml.org,2002:bool"
    static let nullTag = "tag:yaml.org,2002:null"

    /// The JSON value of a node.
    public static func value(of node: SourceNode) -> JSONValue {
        switch node.kind {
        case .sequence(let elements):
            return .array(elements.map(value(of:)))
        case .mapping(let pairs):
            var object = JSONObject()
            for pair in pairs { object[pair.key.scalarText ?? ""] = value(of: pair.value) }
            return .object(object)
        case .scalar(let text, let style):
            switch node.tag {
            case strTag?: return .string(text)
            case intTag?, floatTag?: return number(text).map(JSONValue.number) ?? .string(text)
            case boolTag?: return bool(text).map(JSONValue.bool) ?? .string(text)
            case nullTag?: return .null
            case .some: return .string(text)
            case nil: break
            }
            guard style == .plain else { return .string(text) }
            return plainValue(text)
        }
    }

    /// Resolves an untagged plain scalar.
    public static func plainValue(_ text: String) -> JSONValue {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        default: break
        }
        if let b = bool(text) { return .bool(b) }
        if let first = text.utf8.first,
            first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || first == UInt8(ascii: ".")
                || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")),
            let n = number(text)
        {
            return .number(n)
        }
        return .string(text)
    }

    static func bool(_ text: String) -> Bool? {
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }

    /// Core-schema integers and floats as exact JSON numbers; nil for anything else (and for
    /// `.inf`/`.nan`, which JSON cannot hold).
    static func number(_ text: String) -> JSONNumber? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return nil }
        if bytes.count > 2, bytes[0] == UInt8(ascii: "0") {
            if bytes[1] == UInt8(ascii: "x") {
                return Int64(String(text.dropFirst(2)), radix: 16).map { JSONNumber($0) }
            }
            if bytes[1] == UInt8(ascii: "o") {
                return Int64(String(text.dropFirst(2)), radix: 8).map { JSONNumber($0) }
            }
        }
        func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
        var index = 0
        var sign = ""
        if bytes[0] == UInt8(ascii: "-") || bytes[0] == UInt8(ascii: "+") {
            if bytes[0] == UInt8(ascii: "-") { sign = "-" }
            index = 1
        }
        var integer = [UInt8]()
        while index < bytes.count, isDigit(bytes[index]) {
            integer.append(bytes[index])
            index += 1
        }
        var fraction: [UInt8]?
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var digits = [UInt8]()
            while index < bytes.count, isDigit(bytes[index]) {
                digits.append(bytes[index])
                index += 1
            }
            fraction = digits
        }
        guard !integer.isEmpty || !(fraction ?? []).isEmpty else { return nil }
        var exponent: [UInt8]?
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            var digits = [UInt8]()
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
                digits.append(bytes[index])
                index += 1
            }
            var count = 0
            while index < bytes.count, isDigit(bytes[index]) {
                digits.append(bytes[index])
                index += 1
                count += 1
            }
            guard count > 0 else { return nil }
            exponent = digits
        }
        guard index == bytes.count else { return nil }
        // A JSON literal: no leading zeros, digits on both sides of the point.
        var intText = String(decoding: integer.drop(while: { $0 == UInt8(ascii: "0") }), as: UTF8.self)
        if intText.isEmpty { intText = "0" }
        var literal = sign + intText
        if let fraction {
            literal += "." + (fraction.isEmpty ? "0" : String(decoding: fraction, as: UTF8.self))
        }
        if let exponent { literal += "e" + String(decoding: exponent, as: UTF8.self) }
        return JSONNumber(literal: literal)
    }
}

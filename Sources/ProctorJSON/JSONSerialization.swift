extension JSONValue {
    /// How ``serialized(style:)`` lays out the text. Both keep key order and number literals.
    public enum Style: Sendable {
        /// No whitespace: `{"a":1,"b":[true,null]}`. The form sent on the wire.
        case compact
        /// Two-space indentation with `": "` separators, as the vendors' documented examples.
        case pretty
    }

    /// The JSON text as UTF-8 bytes. Deterministic: the same value always gives the same bytes.
    public func serializedBytes(style: Style = .compact) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        write(into: &output, style: style, indent: 0)
        return output
    }

    /// The JSON text. Deterministic: the same value always gives the same text.
    public func serialized(style: Style = .compact) -> String {
        String(decoding: serializedBytes(style: style), as: UTF8.self)
    }

    /// Appends the JSON text to `output`.
    public func write(into output: inout [UInt8], style: Style = .compact) {
        write(into: &output, style: style, indent: 0)
    }

    private func write(into output: inout [UInt8], style: Style, indent: Int) {
        switch self {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let b): output.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let n): output.append(contentsOf: n.description.utf8)
        case .string(let s): JSONValue.writeString(s, into: &output)
        case .array(let elements):
            if elements.isEmpty {
                output.append(contentsOf: "[]".utf8)
                return
            }
            output.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { output.append(UInt8(ascii: ",")) }
                if style == .pretty { JSONValue.newline(&output, indent: indent + 1) }
                element.write(into: &output, style: style, indent: indent + 1)
            }
            if style == .pretty { JSONValue.newline(&output, indent: indent) }
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            if object.isEmpty {
                output.append(contentsOf: "{}".utf8)
                return
            }
            output.append(UInt8(ascii: "{"))
            var first = true
            for (key, value) in object.storage {
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                if style == .pretty { JSONValue.newline(&output, indent: indent + 1) }
                JSONValue.writeString(key, into: &output)
                output.append(UInt8(ascii: ":"))
                if style == .pretty { output.append(UInt8(ascii: " ")) }
                value.write(into: &output, style: style, indent: indent + 1)
            }
            if style == .pretty { JSONValue.newline(&output, indent: indent) }
            output.append(UInt8(ascii: "}"))
        }
    }

    private static func newline(_ output: inout [UInt8], indent: Int) {
        output.append(0x0A)
        for _ in 0..<(indent * 2) { output.append(0x20) }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Writes a JSON string literal: `"` and `\` escaped, control characters as short escapes or
    /// `\u00XX`, everything else (including non-ASCII) as raw UTF-8.
    public static func writeString(_ string: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case 0x22: output.append(0x5C); output.append(0x22)
            case 0x5C: output.append(0x5C); output.append(0x5C)
            case 0x0A: output.append(0x5C); output.append(UInt8(ascii: "n"))
            case 0x0D: output.append(0x5C); output.append(UInt8(ascii: "r"))
            case 0x09: output.append(0x5C); output.append(UInt8(ascii: "t"))
            case 0x08: output.append(0x5C); output.append(UInt8(ascii: "b"))
            case 0x0C: output.append(0x5C); output.append(UInt8(ascii: "f"))
            case 0x00..<0x20:
                output.append(contentsOf: "\\u00".utf8)
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0x0F)])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}

extension JSONValue: CustomStringConvertible {
    public var description: String { serialized() }
}

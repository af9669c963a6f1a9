import OrderedCollections

/// A JSON text that could not be parsed, with the position of the first problem.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line and column (columns count Unicode scalars from the line start), 0-based byte offset.
    public var line: Int
    public var column: Int
    public var offset: Int
    public var message: String

    public var description: String { "\(line):\(column): \(message)" }
}

/// Strict RFC 8259 parser producing ``JSONValue``.
public struct JSONParser: Sendable {
    public enum DuplicateKeys: Sendable {
        /// The last value wins and keeps the first occurrence's position (what most parsers do).
        case lastWins
        /// A duplicate key is an error.
        case reject
    }

    public var maxDepth: Int
    public var duplicateKeys: DuplicateKeys

    public init(maxDepth: Int = 512, duplicateKeys: DuplicateKeys = .lastWins) {
        self.maxDepth = maxDepth
        self.duplicateKeys = duplicateKeys
    }

    public func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        var copy = text
        let result = copy.withUTF8 { buffer in
            Result { () throws(JSONParseError) in try parse(bytes: buffer) }
        }
        return try result.get()
    }

    public func parse<Bytes: Sequence>(_ bytes: Bytes) throws(JSONParseError) -> JSONValue
    where Bytes.Element == UInt8 {
        let contiguous = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONParseError) in try parse(bytes: buffer) }
        }
        if let contiguous { return try contiguous.get() }
        let array = Array(bytes)
        let result = array.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONParseError) in try parse(bytes: buffer) }
        }
        return try result.get()
    }

    public func parse(bytes: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONValue {
        var reader = Reader(bytes: bytes, options: self)
        reader.skipWhitespace()
        var start = bytes.startIndex
        // A UTF-8 byte order mark is tolerated at the very start.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            start = 3
            reader.position = start
            reader.skipWhitespace()
        }
        let value = try reader.parseValue(depth: 0)
        reader.skipWhitespace()
        if reader.position < bytes.count {
            throw reader.error("unexpected content after the JSON value")
        }
        return value
    }
}

extension JSONValue {
    /// Parses JSON text with the default parser.
    public init(parsing text: String) throws(JSONParseError) {
        self = try JSONParser().parse(text)
    }

    public init<Bytes: Sequence>(parsing bytes: Bytes) throws(JSONParseError) where Bytes.Element == UInt8 {
        self = try JSONParser().parse(bytes)
    }
}

private struct Reader {
    let bytes: UnsafeBufferPointer<UInt8>
    let options: JSONParser
    var position = 0
    /// Where the keys of the objects being read start, innermost last (kept only when duplicate
    /// keys are rejected, for the error's position).
    var keyOffsets: [Int] = []
    /// Whether the string read last was plain ASCII (so that byte length decides inequality).
    var lastStringWasASCII = true

    init(bytes: UnsafeBufferPointer<UInt8>, options: JSONParser) {
        self.bytes = bytes
        self.options = options
    }

    func error(_ message: String, at offset: Int? = nil) -> JSONParseError {
        let target = min(offset ?? position, bytes.count)
        var line = 1
        var lineStart = 0
        var i = 0
        while i < target {
            if bytes[i] == 0x0A {
                line += 1
                lineStart = i + 1
            }
            i += 1
        }
        // Columns count scalars: skip UTF-8 continuation bytes.
        var column = 1
        i = lineStart
        while i < target {
            if bytes[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return JSONParseError(line: line, column: column, offset: target, message: message)
    }

    mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    func describeByte(at offset: Int) -> String {
        guard offset < bytes.count else { return "end of input" }
        let b = bytes[offset]
        if b >= 0x20 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        return "byte 0x" + String(b, radix: 16, uppercase: true)
    }

    mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        guard position < bytes.count else { throw error("unexpected end of input, expected a value") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error("unexpected \(describeByte(at: position)), expected a value")
        }
    }

    mutating func expectLiteral(_ word: StaticString) throws(JSONParseError) {
        let length = word.utf8CodeUnitCount
        guard position + length <= bytes.count else { throw error("invalid literal, expected '\(word)'") }
        let pointer = word.utf8Start
        for k in 0..<length where bytes[position + k] != pointer[k] {
            throw error("invalid literal, expected '\(word)'")
        }
        position += length
    }

    mutating func parseNumber() throws(JSONParseError) -> JSONNumber {
        let start = position
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count, isDigit(bytes[position]) else {
            throw error("invalid number: expected a digit")
        }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
            if position < bytes.count, isDigit(bytes[position]) {
                throw error("invalid number: leading zeros are not allowed")
            }
        } else {
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard position < bytes.count, isDigit(bytes[position]) else {
                throw error("invalid number: expected a digit after '.'")
            }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count,
            bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E")
        {
            position += 1
            if position < bytes.count,
                bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-")
            {
                position += 1
            }
            guard position < bytes.count, isDigit(bytes[position]) else {
                throw error("invalid number: expected a digit in the exponent")
            }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        let slice = UnsafeBufferPointer(rebasing: bytes[start..<position])
        // Fast path for plain integers that fit in Int64.
        if position - start <= 18 {
            var value: Int64 = 0
            var negative = false
            var plain = true
            for b in slice {
                if b == UInt8(ascii: "-") { negative = true; continue }
                guard isDigit(b) else { plain = false; break }
                value = value * 10 + Int64(b - 0x30)
            }
            if plain, !(negative && value == 0) { return JSONNumber(negative ? -value : value) }
        }
        return JSONNumber(validatedLiteral: String(decoding: slice, as: UTF8.self))
    }

    mutating func parseString() throws(JSONParseError) -> String {
        let quote = position
        position += 1
        let start = position
        var ascii = true
        position = Self.plainASCIIRun(bytes, from: position)
        // Fast path: no escapes.
        while position < bytes.count {
            let b = bytes[position]
            if b == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<position])
                // ASCII needs no validation.
                lastStringWasASCII = ascii
                if ascii {
                    position += 1
                    return String(decoding: slice, as: UTF8.self)
                }
                guard let string = String(validating: slice, as: UTF8.self) else {
                    throw error("invalid UTF-8 in string", at: firstInvalidUTF8(from: start, to: position))
                }
                position += 1
                return string
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw error("unescaped control character in string") }
            if b >= 0x80 { ascii = false }
            position += 1
        }
        guard position < bytes.count else { throw error("unterminated string", at: quote) }
        // Slow path: decode escapes into a byte buffer.
        lastStringWasASCII = false
        var buffer = [UInt8](UnsafeBufferPointer(rebasing: bytes[start..<position]))
        while position < bytes.count {
            let b = bytes[position]
            if b == UInt8(ascii: "\"") {
                position += 1
                guard let string = String(validating: buffer, as: UTF8.self) else {
                    throw error(
                        "invalid UTF-8 in string", at: firstInvalidUTF8(from: start, to: position - 1))
                }
                return string
            }
            if b < 0x20 { throw error("unescaped control character in string") }
            if b != UInt8(ascii: "\\") {
                buffer.append(b)
                position += 1
                continue
            }
            position += 1
            guard position < bytes.count else { break }
            let escape = bytes[position]
            position += 1
            switch escape {
            case UInt8(ascii: "\""): buffer.append(0x22)
            case UInt8(ascii: "\\"): buffer.append(0x5C)
            case UInt8(ascii: "/"): buffer.append(0x2F)
            case UInt8(ascii: "b"): buffer.append(0x08)
            case UInt8(ascii: "f"): buffer.append(0x0C)
            case UInt8(ascii: "n"): buffer.append(0x0A)
            case UInt8(ascii: "r"): buffer.append(0x0D)
            case UInt8(ascii: "t"): buffer.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try parseHex4()
                if (0xD800...0xDBFF).contains(scalar) {
                    // A high surrogate must be followed by an escaped low surrogate.
                    guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                        bytes[position + 1] == UInt8(ascii: "u")
                    else { throw error("unpaired surrogate in \\u escape") }
                    position += 2
                    let low = try parseHex4()
                    guard (0xDC00...0xDFFF).contains(low) else {
                        throw error("unpaired surrogate in \\u escape")
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw error("unpaired surrogate in \\u escape")
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
                buffer.append(contentsOf: UTF8.encode(unicode).map { Array($0) } ?? [])
            default:
                throw error(
                    "invalid escape '\\\(Character(Unicode.Scalar(escape)))' in string", at: position - 2)
            }
        }
        throw error("unterminated string", at: quote)
    }

    /// The end of the run of printable ASCII bytes other than `"` and `\\` that starts at
    /// `start`, found eight bytes at a time; the run may stop early (the caller goes on byte by byte).
    @inline(__always)
    static func plainASCIIRun(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let base = bytes.baseAddress else { return start }
        let end = bytes.count
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var p = start
        while p + 8 <= end {
            let word = UnsafeRawPointer(base + p).loadUnaligned(as: UInt64.self)
            let quote = word ^ (ones &* 0x22)
            let backslash = word ^ (ones &* 0x5C)
            // A byte of a word is zero (or below 0x20) when subtracting 0x01 (0x20) borrows into
            // its high bit; bytes with the high bit set stop the run as well.
            let stop =
                (word | ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)
                    | ((word &- ones &* 0x20) & ~word)) & highs
            if stop != 0 { break }
            p += 8
        }
        return p
    }

    func firstInvalidUTF8(from start: Int, to end: Int) -> Int {
        var i = start
        while i < end {
            let slice = UnsafeBufferPointer(rebasing: bytes[start..<(i + 1)])
            if String(validating: slice, as: UTF8.self) == nil {
                // Could be an incomplete sequence; check whether more bytes fix it.
                let longer = UnsafeBufferPointer(rebasing: bytes[start..<min(end, i + 4)])
                if String(validating: longer, as: UTF8.self) == nil, bytes[i] & 0xC0 != 0x80 || i == start {
                    return i
                }
            }
            i += 1
        }
        return start
    }

    mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw error("invalid \\u escape: expected 4 hex digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[position]
            let digit: UInt32
            switch b {
            case 0x30...0x39: digit = UInt32(b - 0x30)
            case 0x41...0x46: digit = UInt32(b - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(b - 0x61 + 10)
            default: throw error("invalid \\u escape: expected 4 hex digits")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= options.maxDepth else { throw error("nesting deeper than \(options.maxDepth) levels") }
        position += 1
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return .array([])
        }
        var elements: [JSONValue] = []
        elements.reserveCapacity(4)
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            guard position < bytes.count else { throw error("unexpected end of input, expected ',' or ']'") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
                continue
            }
            if bytes[position] == UInt8(ascii: "]") {
                position += 1
                return .array(elements)
            }
            throw error("unexpected \(describeByte(at: position)), expected ',' or ']'")
        }
    }

    mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= options.maxDepth else { throw error("nesting deeper than \(options.maxDepth) levels") }
        position += 1
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return .object(JSONObject())
        }
        var keys: [String] = []
        var values: [JSONValue] = []
        keys.reserveCapacity(8)
        values.reserveCapacity(8)
        let offsetBase = keyOffsets.count
        var asciiKeys = true
        while true {
            skipWhitespace()
            guard position < bytes.count else { throw error("unexpected end of input, expected a key") }
            guard bytes[position] == UInt8(ascii: "\"") else {
                throw error("unexpected \(describeByte(at: position)), expected a string key")
            }
            if options.duplicateKeys == .reject { keyOffsets.append(position) }
            keys.append(try parseString())
            asciiKeys = asciiKeys && lastStringWasASCII
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
                throw error("expected ':' after object key")
            }
            position += 1
            skipWhitespace()
            values.append(try parseValue(depth: depth))
            skipWhitespace()
            guard position < bytes.count else { throw error("unexpected end of input, expected ',' or '}'") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
                continue
            }
            if bytes[position] == UInt8(ascii: "}") {
                position += 1
                defer { if keyOffsets.count > offsetBase { keyOffsets.removeSubrange(offsetBase...) } }
                guard let repeated = Self.firstRepeatedKey(keys, ascii: asciiKeys) else {
                    return .object(
                        JSONObject(storage: OrderedDictionary(uncheckedUniqueKeys: keys, values: values)))
                }
                if options.duplicateKeys == .reject {
                    throw error("duplicate key \"\(keys[repeated])\"", at: keyOffsets[offsetBase + repeated])
                }
                // A repeated key keeps its first position and takes the last value.
                var storage = OrderedDictionary<String, JSONValue>(minimumCapacity: keys.count)
                for (key, value) in zip(keys, values) { storage.updateValue(value, forKey: key) }
                return .object(JSONObject(storage: storage))
            }
            throw error("unexpected \(describeByte(at: position)), expected ',' or '}'")
        }
    }

    /// The index of the first key that repeats an earlier one, nil when all are distinct. With
    /// `ascii` (every key plain ASCII) keys of different byte lengths cannot be equal.
    static func firstRepeatedKey(_ keys: [String], ascii: Bool) -> Int? {
        // Pairwise for small objects (cheaper than hashing); a set beyond, so that hostile input
        // cannot make it quadratic.
        if keys.count <= (ascii ? 32 : 8) {
            for i in keys.indices.dropFirst() {
                let length = keys[i].utf8.count
                for j in 0..<i where (!ascii || keys[j].utf8.count == length) && keys[j] == keys[i] {
                    return i
                }
            }
            return nil
        }
        var seen = Set<String>(minimumCapacity: keys.count)
        for (i, key) in keys.enumerated() where !seen.insert(key).inserted { return i }
        return nil
    }
}

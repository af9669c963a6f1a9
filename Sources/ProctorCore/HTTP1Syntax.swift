/// The line-level grammar of an HTTP/1.x message head (RFC 9112), on raw bytes, shared by every
/// reader of HTTP/1 in Proctor: the response parser of load mode and of the raw sender
/// (``HTTPResponseParser``) and `verify`'s reader of captured requests.
///
/// Lines end in CRLF or a bare LF. A header line is `name ":" OWS value OWS`; a line that starts
/// with a space or tab (obsolete line folding), whitespace before the colon, a name that is not
/// an RFC 9110 token, and a carriage return that does not end the line (RFC 9112 section 2.2) are
/// rejected.
public enum HTTP1Syntax {
    /// Where the head ends: `headEnd` is the index of the line feed that ends the last head line,
    /// `bodyStart` the first index after the empty line. Nil when there is no empty line.
    public static func headBoundary(_ bytes: UnsafeRawBufferPointer) -> (headEnd: Int, bodyStart: Int)? {
        var index = 0
        while index < bytes.count {
            if bytes[index] == lf {
                if index + 1 < bytes.count, bytes[index + 1] == lf { return (index, index + 2) }
                if index + 2 < bytes.count, bytes[index + 1] == cr, bytes[index + 2] == lf {
                    return (index, index + 3)
                }
            }
            index += 1
        }
        return nil
    }

    /// Calls `body` with each line of `bytes` (without its CRLF or LF), the last one also when it
    /// has no line end.
    public static func forEachLine<E: Error>(
        _ bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws(E) -> Void
    ) throws(E) {
        var start = 0
        var index = 0
        while index <= bytes.count {
            if index == bytes.count || bytes[index] == lf {
                if index == bytes.count && start == index { return }
                var end = index
                if end > start && bytes[end - 1] == cr { end -= 1 }
                try body(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
                start = index + 1
            }
            index += 1
        }
    }

    /// A header line split into name and value (the value without surrounding spaces and tabs),
    /// as index ranges of the line.
    public struct HeaderLine: Sendable, Hashable {
        public var name: Range<Int>
        public var value: Range<Int>
    }

    /// Why a line is not a header line.
    public enum HeaderLineProblem: Error, Sendable, Hashable, CustomStringConvertible {
        /// The line starts with a space or tab: obsolete line folding (RFC 9112 section 5.2).
        case folded
        case noColon
        case emptyName
        /// Space or tab between the name and the colon (RFC 9112 section 5.1).
        case spaceBeforeColon
        /// A byte that is not allowed in a field name.
        case badNameCharacter
        /// A carriage return inside the line, not before its line feed (RFC 9112 section 2.2): a
        /// file whose CRLF line ends were converted once more has them at the end of every line.
        case bareCarriageReturn

        public var description: String {
            switch self {
            case .folded:
                return "it starts with whitespace (obsolete line folding); join it to the line before"
            case .noColon: return "it has no \":\""
            case .emptyName: return "it has no name before \":\""
            case .spaceBeforeColon: return "it has whitespace between the name and \":\""
            case .badNameCharacter: return "its name has a character that is not allowed in a header name"
            case .bareCarriageReturn:
                return "it has a carriage return (CR) that does not end the line (CR CR LF line ends?)"
            }
        }
    }

    /// Splits `name: value`.
    public static func headerLine(_ line: UnsafeRawBufferPointer) -> Result<HeaderLine, HeaderLineProblem> {
        guard let first = line.first else { return .failure(.noColon) }
        if first == space || first == tab { return .failure(.folded) }
        var colon = 0
        while colon < line.count && line[colon] != colonByte {
            guard isTokenByte(line[colon]) else {
                if line[colon] == space || line[colon] == tab {
                    var next = colon
                    while next < line.count && (line[next] == space || line[next] == tab) { next += 1 }
                    return .failure(
                        next < line.count && line[next] == colonByte ? .spaceBeforeColon : .noColon)
                }
                return .failure(.badNameCharacter)
            }
            colon += 1
        }
        guard colon < line.count else { return .failure(.noColon) }
        guard colon > 0 else { return .failure(.emptyName) }
        var valueStart = colon + 1
        while valueStart < line.count && (line[valueStart] == space || line[valueStart] == tab) {
            valueStart += 1
        }
        var valueEnd = line.count
        while valueEnd > valueStart && (line[valueEnd - 1] == space || line[valueEnd - 1] == tab) {
            valueEnd -= 1
        }
        for index in valueStart..<valueEnd where line[index] == cr { return .failure(.bareCarriageReturn) }
        return .success(HeaderLine(name: 0..<colon, value: valueStart..<valueEnd))
    }

    /// Whether `line` is a request line, `METHOD SP target SP HTTP/x.y`, with an uppercase method.
    public static func isRequestLine(_ line: UnsafeRawBufferPointer) -> Bool {
        guard let firstSpace = line.firstIndex(of: space), firstSpace > 0,
            let lastSpace = line.lastIndex(of: space), lastSpace > firstSpace + 1
        else { return false }
        for i in 0..<firstSpace where !(65...90).contains(line[i]) { return false }
        for i in (firstSpace + 1)..<lastSpace where line[i] == space { return false }
        let version = UnsafeRawBufferPointer(rebasing: line[(lastSpace + 1)...])
        return version.count >= 5 && version[0] == 72 && version[1] == 84 && version[2] == 84
            && version[3] == 80
            && version[4] == 47
    }

    /// Why `name: value` cannot be written as an HTTP/1 header field, or nil when it can: the
    /// name must be a token (RFC 9110), the value must not hold CR, LF, NUL or another control
    /// character but tab. Every path that writes headers (scenario, flags, senders) applies it,
    /// so nothing can split a request or inject a header.
    public static func fieldProblem(name: String, value: String) -> String? {
        if name.isEmpty { return "a header name is empty" }
        if !name.utf8.allSatisfy(isTokenByte) {
            return
                "header name '\(name)' has a character a header name cannot hold (letters, digits and !#$%&'*+-.^_`|~ only)"
        }
        if let bad = value.utf8.first(where: { ($0 < 0x20 && $0 != tab) || $0 == 0x7F }) {
            let what =
                bad == cr
                ? "a carriage return"
                : bad == lf ? "a line break" : bad == 0 ? "a NUL" : "a control character"
            return "header '\(name)' has \(what) in its value; a header value is one line of text"
        }
        return nil
    }

    /// RFC 9110 `tchar`: letters, digits and ``!#$%&'*+-.^_`|~``.
    @inline(__always)
    public static func isTokenByte(_ b: UInt8) -> Bool {
        // Bit n of the mask is set when byte n (or n - 64) is a tchar.
        // 0-63: ! # $ % & ' * + - . and the digits; 64-127: letters, ^ _ ` | ~.
        let low: UInt64 = 0x03FF_6CFA_0000_0000
        let high: UInt64 = 0x57FF_FFFF_C7FF_FFFE
        switch b {
        case 0..<64: return (low >> UInt64(b)) & 1 == 1
        case 64..<128: return (high >> UInt64(b - 64)) & 1 == 1
        default: return false
        }
    }

    /// Whether `bytes` equal the lowercase ASCII `text`, ignoring case.
    public static func equalsIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ text: StaticString) -> Bool {
        guard bytes.count == text.utf8CodeUnitCount else { return false }
        let p = text.utf8Start
        var i = 0
        for b in bytes {
            if lowercased(b) != p[i] { return false }
            i += 1
        }
        return true
    }

    /// Whether the comma-separated list `bytes` has the lowercase ASCII `token` as an element,
    /// ignoring case and surrounding whitespace.
    public static func listContains(_ bytes: UnsafeRawBufferPointer, _ token: StaticString) -> Bool {
        var start = 0
        while start <= bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != comma { end += 1 }
            if equalsIgnoringCase(trimmed(bytes, start..<end), token) { return true }
            start = end + 1
        }
        return false
    }

    /// Whether a `Connection` value lists `close` and `keep-alive`, ignoring case, in one pass.
    public static func connectionOptions(_ bytes: UnsafeRawBufferPointer) -> (close: Bool, keepAlive: Bool) {
        var close = false
        var keepAlive = false
        var start = 0
        while start <= bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != comma { end += 1 }
            let token = trimmed(bytes, start..<end)
            if token.count == 5 {
                close = close || equalsIgnoringCase(token, "close")
            } else if token.count == 10 {
                keepAlive = keepAlive || equalsIgnoringCase(token, "keep-alive")
            }
            start = end + 1
        }
        return (close, keepAlive)
    }

    /// Whether the last element of the comma-separated list `bytes` is `token`, ignoring case
    /// (a `Transfer-Encoding` whose final coding is `chunked`).
    public static func listEndsWith(_ bytes: UnsafeRawBufferPointer, _ token: StaticString) -> Bool {
        var start = bytes.count
        while start > 0 && bytes[start - 1] != comma { start -= 1 }
        return equalsIgnoringCase(trimmed(bytes, start..<bytes.count), token)
    }

    /// A `Content-Length` value: digits, or a comma-separated list of the same digits (RFC 9110
    /// section 8.6). Nil when malformed or when the list's values differ.
    public static func contentLength(_ bytes: UnsafeRawBufferPointer) -> Int? {
        var result: Int?
        var start = 0
        while start <= bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != comma { end += 1 }
            let element = trimmed(bytes, start..<end)
            guard !element.isEmpty else { return nil }
            var n = 0
            for b in element {
                guard (48...57).contains(b), n < 1 << 50 else { return nil }
                n = n * 10 + Int(b) - 48
            }
            if let result, result != n { return nil }
            result = n
            start = end + 1
        }
        return result
    }

    @inline(__always)
    static func lowercased(_ b: UInt8) -> UInt8 { (65...90).contains(b) ? b | 0x20 : b }

    static func trimmed(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> UnsafeRawBufferPointer {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper && (bytes[lower] == space || bytes[lower] == tab) { lower += 1 }
        while upper > lower && (bytes[upper - 1] == space || bytes[upper - 1] == tab) { upper -= 1 }
        return UnsafeRawBufferPointer(rebasing: bytes[lower..<upper])
    }

    @inline(__always) static var cr: UInt8 { 13 }
    @inline(__always) static var lf: UInt8 { 10 }
    @inline(__always) static var space: UInt8 { 32 }
    @inline(__always) static var tab: UInt8 { 9 }
    @inline(__always) static var colonByte: UInt8 { 58 }
    @inline(__always) static var comma: UInt8 { 44 }
}

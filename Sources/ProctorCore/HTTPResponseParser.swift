#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An incremental HTTP/1.x response parser on raw bytes: the status line, the header lines (in
/// ``HTTP1Syntax``'s grammar), the framing (`Content-Length`, `chunked` with extensions and
/// trailers, or the end of the connection), interim 1xx responses and whether the connection stays
/// open.
///
/// Load mode's socket loop reads every response through it with ``init()``, which skips bodies and
/// keeps no headers, and allocates nothing per response. The raw sender keeps the last response's
/// headers and body with ``init(keepingBodyUpTo:)``.
///
/// Rejected as ``Outcome/malformed`` (with the reason in ``problem``): a status line that is not
/// `HTTP/1.x NNN`, header lines in obsolete folding or without a colon, `Content-Length` values
/// that are not digits or that disagree, chunk sizes that are not hex, and lines over 16 KiB.
public struct HTTPResponseParser: Sendable {
    public enum Outcome: Sendable, Equatable {
        /// More bytes are needed.
        case incomplete
        /// A whole response was read.
        case response(status: Int, keepAlive: Bool)
        /// The bytes are not an HTTP/1.x response.
        case malformed
    }

    /// Why the bytes were ``Outcome/malformed``.
    public enum Problem: Sendable, Hashable, CustomStringConvertible {
        case statusLine
        case headerLine(HTTP1Syntax.HeaderLineProblem)
        case contentLength
        case chunkSize
        case chunkEnd
        case lineTooLong
        /// The connection closed before the response ended.
        case closedEarly

        public var description: String {
            switch self {
            case .statusLine: return "the status line is not HTTP/1.x followed by a three-digit status"
            case .headerLine(let problem): return "a header line is malformed: \(problem)"
            case .contentLength: return "Content-Length is not a number, or two values disagree"
            case .chunkSize: return "a chunk size is not a hexadecimal number"
            case .chunkEnd: return "a chunk is longer than its size"
            case .lineTooLong: return "a line is longer than \(HTTPResponseParser.maxLine) bytes"
            case .closedEarly: return "the connection closed before the response ended"
            }
        }
    }

    /// A header as kept by ``init(keepingBodyUpTo:)``.
    public struct Field: Sendable, Hashable {
        public var name: String
        public var value: String
    }

    private enum State {
        case statusLine
        case headers
        case body(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        /// Body delimited by the connection closing.
        case untilClose
    }

    public static let maxLine = 16 * 1024

    private var state = State.statusLine
    private var line: [UInt8] = []
    private var status = 0
    private var minorVersion = 1
    private var contentLength: Int?
    private var transferEncoding = false
    private var chunked = false
    private var keepAlive = true
    /// `Connection: close` was given: it wins over `keep-alive`.
    private var connectionClose = false
    /// True for responses that never carry a body (HEAD is not sent: 1xx, 204, 304).
    private var bodyless = false
    /// Nil: headers and body are not kept (load mode).
    private let bodyLimit: Int?

    /// The reason of the last ``Outcome/malformed``.
    public private(set) var problem: Problem?
    /// The headers of the response being read or just read, when kept.
    public private(set) var fields: [Field] = []
    /// The body (chunked bodies decoded), when kept, at most the limit given.
    public private(set) var body: [UInt8] = []
    /// Whether the body was longer than the limit.
    public private(set) var bodyTruncated = false

    /// A parser that skips bodies and keeps no headers.
    public init() {
        bodyLimit = nil
        line.reserveCapacity(256)
    }

    /// A parser that keeps the headers and the first `limit` bytes of the body of each response.
    public init(keepingBodyUpTo limit: Int) {
        bodyLimit = max(0, limit)
        line.reserveCapacity(256)
    }

    /// Whether the current response ends when the connection closes (no length given).
    public var endsAtClose: Bool {
        if case .untilClose = state { return true }
        return false
    }

    /// Whether the head of a final (not 1xx) response has been read.
    public var hasFinalHead: Bool {
        switch state {
        case .statusLine, .headers: return false
        default: return true
        }
    }

    /// The status of the response being read (after its status line), or of the last one read.
    public var currentStatus: Int { status }

    /// `HTTP/1.1` or `HTTP/1.0`: the version of the response being read.
    public var httpVersion: String { minorVersion == 1 ? "HTTP/1.1" : "HTTP/1.\(minorVersion)" }

    /// Reads from `bytes[index...]`, advancing `index`, until a response ends or the bytes run out.
    public mutating func parse(_ bytes: UnsafeRawBufferPointer, index: inout Int) -> Outcome {
        while index < bytes.count {
            switch state {
            case .statusLine, .headers, .chunkSize, .chunkDataEnd, .trailers:
                let end = Self.lineFeed(in: bytes, from: index)
                guard end < bytes.count else {
                    // A partial line: keep it for the next bytes.
                    guard line.count + (end - index) <= Self.maxLine else { return malformed(.lineTooLong) }
                    line.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<end]))
                    index = end
                    return .incomplete
                }
                let outcome: Outcome
                if line.isEmpty {
                    // The whole line is in this read: parse it in place.
                    guard end - index <= Self.maxLine else { return malformed(.lineTooLong) }
                    var lineEnd = end
                    if lineEnd > index && bytes[lineEnd - 1] == 13 { lineEnd -= 1 }
                    outcome = endLine(UnsafeRawBufferPointer(rebasing: bytes[index..<lineEnd]))
                } else {
                    guard line.count + (end - index) <= Self.maxLine else { return malformed(.lineTooLong) }
                    var taken = line
                    line = []
                    taken.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<end]))
                    if taken.last == 13 { taken.removeLast() }
                    outcome = taken.withUnsafeBytes { endLine($0) }
                    taken.removeAll(keepingCapacity: true)
                    line = taken
                }
                index = end + 1
                if outcome != .incomplete { return outcome }
            case .body(let remaining):
                let take = min(remaining, bytes.count - index)
                if bodyLimit != nil { keep(UnsafeRawBufferPointer(rebasing: bytes[index..<(index + take)])) }
                index += take
                if take == remaining { return finish() }
                state = .body(remaining: remaining - take)
            case .chunkData(let remaining):
                let take = min(remaining, bytes.count - index)
                if bodyLimit != nil { keep(UnsafeRawBufferPointer(rebasing: bytes[index..<(index + take)])) }
                index += take
                state = take == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - take)
            case .untilClose:
                if bodyLimit != nil { keep(UnsafeRawBufferPointer(rebasing: bytes[index...])) }
                index = bytes.count
            }
        }
        return .incomplete
    }

    /// The index of the first line feed in `bytes[start...]`, or `bytes.count` (memchr: lines are
    /// found a word at a time, not a byte at a time).
    @inline(__always)
    private static func lineFeed(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        guard let base = bytes.baseAddress, start < bytes.count else { return bytes.count }
        guard let found = memchr(base + start, 10, bytes.count - start) else { return bytes.count }
        return UnsafeRawPointer(found) - base
    }

    /// Call when the connection closed: completes a close-delimited response.
    public mutating func connectionClosed() -> Outcome {
        if case .untilClose = state {
            keepAlive = false
            return finish()
        }
        return malformed(.closedEarly)
    }

    private mutating func keep(_ bytes: UnsafeRawBufferPointer) {
        guard let limit = bodyLimit else { return }
        let room = limit - body.count
        if bytes.count > room {
            body.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[..<max(0, room)]))
            bodyTruncated = true
        } else {
            body.append(contentsOf: bytes)
        }
    }

    private mutating func malformed(_ problem: Problem) -> Outcome {
        self.problem = problem
        return .malformed
    }

    private mutating func finish() -> Outcome {
        let outcome = Outcome.response(status: status, keepAlive: keepAlive)
        state = .statusLine
        return outcome
    }

    private mutating func endLine(_ line: UnsafeRawBufferPointer) -> Outcome {
        switch state {
        case .statusLine:
            if line.isEmpty { return .incomplete }  // stray CRLF between responses
            return parseStatusLine(line)
        case .headers:
            if line.isEmpty { return headersEnded() }
            return parseHeader(line)
        case .chunkSize:
            return parseChunkSize(line)
        case .chunkDataEnd:
            guard line.isEmpty else { return malformed(.chunkEnd) }
            state = .chunkSize
            return .incomplete
        case .trailers:
            return line.isEmpty ? finish() : .incomplete
        case .body, .chunkData, .untilClose:
            return .incomplete
        }
    }

    /// `HTTP/1.x SSS[ reason]`.
    private mutating func parseStatusLine(_ line: UnsafeRawBufferPointer) -> Outcome {
        guard line.count >= 12, line[0] == 72, line[1] == 84, line[2] == 84, line[3] == 80, line[4] == 47,
            line[5] == 49, line[6] == 46, (48...57).contains(line[7]), line[8] == 32,
            line.count == 12 || line[12] == 32
        else { return malformed(.statusLine) }
        var code = 0
        for i in 9..<12 {
            guard (48...57).contains(line[i]) else { return malformed(.statusLine) }
            code = code * 10 + Int(line[i]) - 48
        }
        guard code >= 100 else { return malformed(.statusLine) }
        status = code
        minorVersion = Int(line[7]) - 48
        contentLength = nil
        transferEncoding = false
        chunked = false
        keepAlive = minorVersion >= 1  // HTTP/1.1 keeps alive by default, 1.0 does not
        connectionClose = false
        bodyless = (100..<200).contains(code) || code == 204 || code == 304
        if bodyLimit != nil {
            fields.removeAll(keepingCapacity: true)
            body.removeAll(keepingCapacity: true)
            bodyTruncated = false
        }
        state = .headers
        return .incomplete
    }

    private mutating func parseHeader(_ line: UnsafeRawBufferPointer) -> Outcome {
        let header: HTTP1Syntax.HeaderLine
        switch HTTP1Syntax.headerLine(line) {
        case .success(let h): header = h
        case .failure(let problem): return malformed(.headerLine(problem))
        }
        let name = UnsafeRawBufferPointer(rebasing: line[header.name])
        let value = UnsafeRawBufferPointer(rebasing: line[header.value])
        if bodyLimit != nil {
            fields.append(
                Field(
                    name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self)
                ))
        }
        switch name.count {
        case 14 where HTTP1Syntax.equalsIgnoringCase(name, "content-length"):
            guard let n = HTTP1Syntax.contentLength(value), contentLength == nil || contentLength == n else {
                return malformed(.contentLength)
            }
            contentLength = n
        case 17 where HTTP1Syntax.equalsIgnoringCase(name, "transfer-encoding"):
            // The codings of several headers add up: the last one decides.
            transferEncoding = true
            chunked = HTTP1Syntax.listEndsWith(value, "chunked")
        case 10 where HTTP1Syntax.equalsIgnoringCase(name, "connection"):
            let options = HTTP1Syntax.connectionOptions(value)
            if options.close {
                connectionClose = true
            } else if options.keepAlive {
                keepAlive = true
            }
        default:
            break
        }
        return .incomplete
    }

    /// `hex-size [ OWS ";" extension ]`: extensions are skipped.
    private mutating func parseChunkSize(_ line: UnsafeRawBufferPointer) -> Outcome {
        var size = 0
        var digits = 0
        var i = 0
        while i < line.count {
            let b = line[i]
            let v: Int
            switch b {
            case 48...57: v = Int(b) - 48
            case 65...70: v = Int(b) - 55
            case 97...102: v = Int(b) - 87
            default: v = -1
            }
            if v < 0 { break }
            digits += 1
            size = size * 16 + v
            if size > 1 << 40 { return malformed(.chunkSize) }
            i += 1
        }
        guard digits > 0 else { return malformed(.chunkSize) }
        while i < line.count && (line[i] == 32 || line[i] == 9) { i += 1 }
        guard i == line.count || line[i] == 59 else { return malformed(.chunkSize) }
        state = size == 0 ? .trailers : .chunkData(remaining: size)
        return .incomplete
    }

    private mutating func headersEnded() -> Outcome {
        if connectionClose { keepAlive = false }
        if (100..<200).contains(status) && status != 101 {
            // An interim response: the real one follows.
            state = .statusLine
            return .incomplete
        }
        if bodyless { return finish() }
        if chunked {
            state = .chunkSize
            return .incomplete
        }
        if !transferEncoding, let length = contentLength {
            if length == 0 { return finish() }
            state = .body(remaining: length)
            return .incomplete
        }
        // No length, or a transfer coding other than chunked last: the body ends with the connection.
        keepAlive = false
        state = .untilClose
        return .incomplete
    }
}

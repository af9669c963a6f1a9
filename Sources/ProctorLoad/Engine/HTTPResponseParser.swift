/// An incremental HTTP/1.1 response parser that keeps only what load mode needs: the status,
/// whether the connection stays open, and where the response ends. Bodies are skipped, never
/// stored; header lines are bounded.
struct HTTPResponseParser {
    enum Outcome: Equatable {
        /// More bytes are needed.
        case incomplete
        /// A whole response was read.
        case response(status: Int, keepAlive: Bool)
        /// The bytes are not an HTTP/1.x response.
        case malformed
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

    static let maxLine = 16 * 1024

    private var state = State.statusLine
    private var line: [UInt8] = []
    private var status = 0
    private var contentLength: Int?
    private var chunked = false
    private var keepAlive = true
    /// True for responses that never carry a body (HEAD not used: 1xx, 204, 304).
    private var bodyless = false

    init() { line.reserveCapacity(256) }

    /// Whether a response has started but not ended.
    var inResponse: Bool {
        if case .statusLine = state { return !line.isEmpty }
        return true
    }

    /// Whether the current response ends when the connection closes (no length given).
    var endsAtClose: Bool {
        if case .untilClose = state { return true }
        return false
    }

    /// The status of the response being read (after its status line).
    var currentStatus: Int { status }

    /// Reads from `bytes[index...]`, advancing `index`, until a response ends or the bytes run out.
    mutating func parse(_ bytes: UnsafeRawBufferPointer, index: inout Int) -> Outcome {
        while index < bytes.count {
            switch state {
            case .statusLine, .headers, .chunkSize, .chunkDataEnd, .trailers:
                var end = index
                while end < bytes.count && bytes[end] != 10 { end += 1 }
                guard end < bytes.count else {
                    // A partial line: keep it for the next bytes.
                    guard line.count + (end - index) <= Self.maxLine else { return .malformed }
                    line.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<end]))
                    index = end
                    return .incomplete
                }
                let outcome: Outcome
                if line.isEmpty {
                    // The whole line is in this read: parse it in place.
                    var lineEnd = end
                    if lineEnd > index && bytes[lineEnd - 1] == 13 { lineEnd -= 1 }
                    outcome = endLine(UnsafeRawBufferPointer(rebasing: bytes[index..<lineEnd]))
                } else {
                    guard line.count + (end - index) <= Self.maxLine else { return .malformed }
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
                index += take
                if take == remaining { return finish() }
                state = .body(remaining: remaining - take)
            case .chunkData(let remaining):
                let take = min(remaining, bytes.count - index)
                index += take
                state = take == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - take)
            case .untilClose:
                index = bytes.count
            }
        }
        return .incomplete
    }

    /// Call when the connection closed: completes a close-delimited response.
    mutating func connectionClosed() -> Outcome {
        if case .untilClose = state {
            keepAlive = false
            return finish()
        }
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
            var size = 0
            var sawDigit = false
            for b in line {
                let v: Int
                switch b {
                case 48...57: v = Int(b) - 48
                case 65...70: v = Int(b) - 55
                case 97...102: v = Int(b) - 87
                default: v = -1
                }
                if v < 0 { break }
                sawDigit = true
                size = size * 16 + v
                if size > 1 << 40 { return .malformed }
            }
            guard sawDigit else { return .malformed }
            state = size == 0 ? .trailers : .chunkData(remaining: size)
            return .incomplete
        case .chunkDataEnd:
            guard line.isEmpty else { return .malformed }
            state = .chunkSize
            return .incomplete
        case .trailers:
            return line.isEmpty ? finish() : .incomplete
        case .body, .chunkData, .untilClose:
            return .incomplete
        }
    }

    private mutating func parseStatusLine(_ line: UnsafeRawBufferPointer) -> Outcome {
        // HTTP/1.x SSS reason
        guard line.count >= 12, line[0] == 72, line[1] == 84, line[2] == 84, line[3] == 80, line[4] == 47,
            line[5] == 49, line[6] == 46, line[8] == 32
        else { return .malformed }
        var code = 0
        for i in 9..<12 {
            guard (48...57).contains(line[i]) else { return .malformed }
            code = code * 10 + Int(line[i]) - 48
        }
        status = code
        contentLength = nil
        chunked = false
        keepAlive = line[7] == 49  // HTTP/1.1 keeps alive by default, 1.0 does not
        bodyless = (100..<200).contains(code) || code == 204 || code == 304
        state = .headers
        return .incomplete
    }

    private mutating func parseHeader(_ line: UnsafeRawBufferPointer) -> Outcome {
        guard let colon = line.firstIndex(of: 58) else { return .malformed }
        let name = UnsafeRawBufferPointer(rebasing: line[..<colon])
        var valueStart = colon + 1
        while valueStart < line.count && (line[valueStart] == 32 || line[valueStart] == 9) { valueStart += 1 }
        var valueEnd = line.count
        while valueEnd > valueStart && (line[valueEnd - 1] == 32 || line[valueEnd - 1] == 9) { valueEnd -= 1 }
        let value = UnsafeRawBufferPointer(rebasing: line[valueStart..<valueEnd])
        if Self.equalsLowercased(name, "content-length") {
            var n = 0
            guard !value.isEmpty else { return .malformed }
            for b in value {
                guard (48...57).contains(b), n < 1 << 50 else { return .malformed }
                n = n * 10 + Int(b) - 48
            }
            contentLength = n
        } else if Self.equalsLowercased(name, "transfer-encoding") {
            chunked = Self.containsLowercased(value, "chunked")
        } else if Self.equalsLowercased(name, "connection") {
            if Self.containsLowercased(value, "close") { keepAlive = false }
            if Self.containsLowercased(value, "keep-alive") { keepAlive = true }
        }
        return .incomplete
    }

    private mutating func headersEnded() -> Outcome {
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
        if let length = contentLength {
            if length == 0 { return finish() }
            state = .body(remaining: length)
            return .incomplete
        }
        keepAlive = false
        state = .untilClose
        return .incomplete
    }

    private static func equalsLowercased(_ bytes: UnsafeRawBufferPointer, _ text: StaticString) -> Bool {
        guard bytes.count == text.utf8CodeUnitCount else { return false }
        var i = 0
        let p = text.utf8Start
        for b in bytes {
            let lower = (65...90).contains(b) ? b | 0x20 : b
            if lower != p[i] { return false }
            i += 1
        }
        return true
    }

    private static func containsLowercased(_ bytes: UnsafeRawBufferPointer, _ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard bytes.count >= n else { return false }
        let p = word.utf8Start
        for offset in 0...(bytes.count - n) {
            var match = true
            for k in 0..<n {
                let b = bytes[offset + k]
                let lower = (65...90).contains(b) ? b | 0x20 : b
                if lower != p[k] {
                    match = false
                    break
                }
            }
            if match { return true }
        }
        return false
    }
}

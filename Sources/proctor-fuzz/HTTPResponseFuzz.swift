import ProctorCore

extension FuzzTarget {
    static let httpResponse = FuzzTarget(
        name: "http-response",
        summary: "HTTPResponseParser (load mode and raw sender): whole, split and byte by byte agree",
        check: HTTPResponseFuzz.check)
}

/// The HTTP/1 response parser of load mode (``HTTPResponseParser/init()``, nothing kept) and of
/// the raw sender (``HTTPResponseParser/init(keepingBodyUpTo:)``), reading the input as the bytes
/// a connection delivered before it closed.
///
/// - `parse` never moves `index` backwards or past the end, and returns `.incomplete` only when
///   it has used every byte.
/// - The outcomes (each response's status and keep-alive, then malformed or the end) are the same
///   whether the bytes arrive at once, in pieces split at points taken from the input, or one at
///   a time; and the same for both kinds of parser.
/// - Statuses are three digits and not interim (1xx other than 101); a malformed outcome has a
///   problem.
/// - A kept body is at most the limit (truncated exactly when more arrived), a body framed by
///   `Content-Length` is the bytes that followed the head, and kept header names are tokens and
///   values have no CR or LF and no surrounding spaces or tabs.
///
/// Each piece is a separate allocation of its exact size, so that AddressSanitizer reports a read
/// past a piece's end.
enum HTTPResponseFuzz {
    enum Event: Equatable, CustomStringConvertible {
        case response(status: Int, keepAlive: Bool)
        case malformed(HTTPResponseParser.Problem?)
        /// The connection closed outside a response (nothing, or part of a status line, after the
        /// last one).
        case closedBetweenResponses

        var description: String {
            switch self {
            case .response(let status, let keepAlive): return "response \(status) keepAlive \(keepAlive)"
            case .malformed(let problem): return "malformed (\(problem.map { "\($0)" } ?? "no problem"))"
            case .closedBetweenResponses: return "closed between responses"
            }
        }
    }

    /// What a keeping parser kept of the last response.
    struct Kept: Equatable {
        var fields: [HTTPResponseParser.Field]
        var body: [UInt8]
        var truncated: Bool
    }

    static let bodyLimit = 64

    static func check(_ input: UnsafeRawBufferPointer) {
        let whole = feed(HTTPResponseParser(), pieces: [input])
        for event in whole.events {
            switch event {
            case .response(let status, _):
                Invariant.require(
                    (100...999).contains(status) && !((100..<200).contains(status) && status != 101),
                    "status \(status)")
            case .malformed(let problem):
                Invariant.require(problem != nil, "malformed without a problem")
            case .closedBetweenResponses:
                break
            }
        }
        let splits = splitPoints(input)
        let byteByByte = Array(0...input.count)
        for points in [splits, byteByByte] {
            let pieces = copies(of: input, splitAt: points)
            defer { pieces.forEach { $0.deallocate() } }
            let readonly = pieces.map { UnsafeRawBufferPointer($0) }
            let split = feed(HTTPResponseParser(), pieces: readonly)
            Invariant.require(
                split.events == whole.events,
                "read in \(pieces.count) pieces: \(split.events), at once: \(whole.events)")
            let keeping = feed(HTTPResponseParser(keepingBodyUpTo: bodyLimit), pieces: readonly)
            Invariant.require(
                keeping.events == whole.events,
                "a keeping parser read \(keeping.events), the load mode parser \(whole.events)")
            let keptAtOnce = feed(HTTPResponseParser(keepingBodyUpTo: bodyLimit), pieces: [input])
            Invariant.require(
                keeping.kept == keptAtOnce.kept, "what was kept depends on how the bytes arrived")
        }
        let kept = feed(HTTPResponseParser(keepingBodyUpTo: bodyLimit), pieces: [input])
        if let last = kept.kept { checkKept(last) }
        // Byte by byte, the head of a response ends at the byte after which it has a final head.
        let bytes = copies(of: input, splitAt: byteByByte)
        defer { bytes.forEach { $0.deallocate() } }
        let unlimited = feed(
            HTTPResponseParser(keepingBodyUpTo: Int.max), pieces: bytes.map { UnsafeRawBufferPointer($0) })
        Invariant.require(unlimited.events == whole.events, "an unlimited keeping parser reads otherwise")
        if let last = unlimited.kept, case .response(let status, _)? = unlimited.events.last,
            ![101, 204, 304].contains(status), let start = unlimited.lastBodyStart,
            let length = contentLength(last.fields), !isChunked(last.fields)
        {
            Invariant.require(
                start + length <= input.count && last.body.elementsEqual(input[start..<(start + length)]),
                "the Content-Length body is not the \(length) bytes after the head")
        }
    }

    struct Reading {
        var events: [Event] = []
        var kept: Kept?
        /// Where the head of the last response ended (exact when the pieces are single bytes).
        var lastBodyStart: Int?
    }

    /// Feeds the pieces in order, then closes the connection.
    static func feed(_ start: HTTPResponseParser, pieces: [UnsafeRawBufferPointer]) -> Reading {
        var parser = start
        var reading = Reading()
        var consumed = 0
        var bodyStart: Int?
        for piece in pieces {
            var index = 0
            while index < piece.count {
                let before = index
                let hadHead = parser.hasFinalHead
                let outcome = parser.parse(piece, index: &index)
                Invariant.require(
                    index >= before && index <= piece.count,
                    "index went from \(before) to \(index) of \(piece.count)")
                if !hadHead && parser.hasFinalHead { bodyStart = consumed + index }
                switch outcome {
                case .incomplete:
                    Invariant.require(
                        index == piece.count, "incomplete with \(piece.count - index) bytes left")
                case .response(let status, let keepAlive):
                    reading.events.append(.response(status: status, keepAlive: keepAlive))
                    reading.kept = kept(parser)
                    reading.lastBodyStart = bodyStart
                    bodyStart = nil
                case .malformed:
                    reading.events.append(.malformed(parser.problem))
                    return reading
                }
            }
            consumed += piece.count
        }
        if parser.endsAtClose || parser.hasFinalHead {
            switch parser.connectionClosed() {
            case .response(let status, let keepAlive):
                reading.events.append(.response(status: status, keepAlive: keepAlive))
                reading.kept = kept(parser)
                reading.lastBodyStart = bodyStart
            case .malformed:
                reading.events.append(.malformed(parser.problem))
            case .incomplete:
                Invariant.fail("connectionClosed() returned incomplete")
            }
        } else {
            reading.events.append(.closedBetweenResponses)
        }
        return reading
    }

    static func kept(_ parser: HTTPResponseParser) -> Kept {
        Kept(fields: parser.fields, body: parser.body, truncated: parser.bodyTruncated)
    }

    static func checkKept(_ kept: Kept) {
        Invariant.require(
            kept.body.count <= bodyLimit, "kept \(kept.body.count) body bytes, limit \(bodyLimit)")
        if kept.truncated { Invariant.require(kept.body.count == bodyLimit, "truncated below the limit") }
        for field in kept.fields {
            Invariant.require(
                !field.name.isEmpty && field.name.utf8.allSatisfy(HTTP1Syntax.isTokenByte),
                "header name \(Invariant.show(field.name)) is not a token")
            let value = Array(field.value.utf8)
            Invariant.require(
                !value.contains(10) && !value.contains(13),
                "header value \(Invariant.show(field.value)) has a line break")
            Invariant.require(
                value.first != 32 && value.first != 9 && value.last != 32 && value.last != 9,
                "header value \(Invariant.show(field.value)) has surrounding whitespace")
        }
    }

    static func contentLength(_ fields: [HTTPResponseParser.Field]) -> Int? {
        let values = fields.filter { $0.name.lowercased() == "content-length" }.map(\.value)
        guard let first = values.first, values.allSatisfy({ $0 == first }), let n = Int(first) else {
            return nil
        }
        return n
    }

    static func isChunked(_ fields: [HTTPResponseParser.Field]) -> Bool {
        fields.contains { $0.name.lowercased() == "transfer-encoding" }
    }

    /// Up to eight split points derived from the input's bytes, so the same input splits the same way.
    static func splitPoints(_ input: UnsafeRawBufferPointer) -> [Int] {
        guard input.count > 1 else { return [0, input.count] }
        var state: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in input {
            state = (state ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        var points = [0, input.count]
        for _ in 0..<8 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            points.append(Int((state >> 33) % UInt64(input.count)))
        }
        return Array(Set(points)).sorted()
    }

    /// Copies of `input[points[i]..<points[i+1]]`, each in its own allocation.
    static func copies(of input: UnsafeRawBufferPointer, splitAt points: [Int])
        -> [UnsafeMutableRawBufferPointer]
    {
        zip(points, points.dropFirst()).compactMap { start, end in
            guard end > start else { return nil }
            let piece = UnsafeMutableRawBufferPointer.allocate(byteCount: end - start, alignment: 1)
            piece.copyMemory(from: UnsafeRawBufferPointer(rebasing: input[start..<end]))
            return piece
        }
    }
}

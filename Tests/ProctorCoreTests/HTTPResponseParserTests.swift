import Testing

@testable import ProctorCore

/// Feeds `chunks` to one parser and collects every outcome but `.incomplete`.
private func outcomes(
    _ chunks: [String], parser: inout HTTPResponseParser
) -> [HTTPResponseParser.Outcome] {
    var outcomes: [HTTPResponseParser.Outcome] = []
    for chunk in chunks {
        Array(chunk.utf8).withUnsafeBytes { raw in
            var index = 0
            while index < raw.count {
                let o = parser.parse(raw, index: &index)
                if o == .incomplete { break }
                outcomes.append(o)
                if o == .malformed { return }
            }
        }
    }
    return outcomes
}

private func outcomes(_ chunks: [String]) -> [HTTPResponseParser.Outcome] {
    var parser = HTTPResponseParser()
    return outcomes(chunks, parser: &parser)
}

/// Every way of cutting `text` in two gives the same outcomes as the whole.
private func sameInEverySplit(_ text: String) -> Bool {
    let whole = outcomes([text])
    let bytes = Array(text.utf8)
    for cut in 1..<bytes.count {
        let a = String(decoding: bytes[..<cut], as: UTF8.self)
        let b = String(decoding: bytes[cut...], as: UTF8.self)
        if outcomes([a, b]) != whole { return false }
    }
    return true
}

@Suite struct HTTPResponseParserEdgeCaseTests {
    @Test(
        arguments: [
            // CRLF and bare LF line ends, alone and mixed.
            ("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 200, true),
            ("HTTP/1.1 200 OK\nContent-Length: 2\n\nok", 200, true),
            ("HTTP/1.1 200 OK\r\nContent-Length: 2\n\r\nok", 200, true),
            // No reason phrase; an empty one.
            ("HTTP/1.1 204\r\n\r\n", 204, true),
            ("HTTP/1.1 204 \r\n\r\n", 204, true),
            // The same Content-Length twice, and as a list of one value.
            ("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc", 200, true),
            ("HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\n\r\nabc", 200, true),
            // Chunked with extensions, trailers, uppercase hex.
            (
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;name=value\r\nabc\r\n0\r\n\r\n", 200,
                true
            ),
            (
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3 ;a;b=\"c\"\r\nabc\r\n0;last\r\n\r\n",
                200, true
            ),
            (
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nA\r\n0123456789\r\n0\r\nX-Sum: 1\r\n\r\n",
                200, true
            ),
            // Transfer-Encoding wins over Content-Length.
            (
                "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n",
                200, true
            ),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n1\r\na\r\n0\r\n\r\n", 200, true),
            // 1xx interim responses come before the real one; 101 is final.
            ("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n", 202, true),
            (
                "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>; rel=preload\r\n\r\n"
                    + "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 200, true
            ),
            (
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n", 101,
                true
            ),
            // Keep-alive: the Connection list, HTTP/1.0 defaults.
            ("HTTP/1.1 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 0\r\n\r\n", 200, false),
            ("HTTP/1.1 200 OK\r\nConnection: Upgrade, Close\r\nContent-Length: 0\r\n\r\n", 200, false),
            ("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", 200, true),
            ("HTTP/1.1 200 OK\r\nConnection: closed-captions\r\nContent-Length: 0\r\n\r\n", 200, true),
            // Whitespace around values; a header with an empty value.
            ("HTTP/1.1 200 OK\r\nContent-Length:\t 1 \t\r\nX-Empty:\r\n\r\nz", 200, true),
        ] as [(String, Int, Bool)])
    func accepted(text: String, status: Int, keepAlive: Bool) {
        #expect(outcomes([text]) == [.response(status: status, keepAlive: keepAlive)])
        #expect(sameInEverySplit(text))
    }

    @Test(arguments: [
        (
            "HTTP/1.1 200 OK\r\nX-A: 1\r\n continued\r\nContent-Length: 0\r\n\r\n",
            "a header line is malformed: it starts with whitespace (obsolete line folding); join it to the line before"
        ),
        (
            "HTTP/1.1 200 OK\r\nX-A: 1\r\n\tcontinued\r\n\r\n",
            "a header line is malformed: it starts with whitespace (obsolete line folding); join it to the line before"
        ),
        (
            "HTTP/1.1 200 OK\r\n Content-Length: 0\r\n\r\n",
            "a header line is malformed: it starts with whitespace (obsolete line folding); join it to the line before"
        ),
        (
            "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
            "Content-Length is not a number, or two values disagree"
        ),
        (
            "HTTP/1.1 200 OK\r\nContent-Length: 3, 4\r\n\r\nabcd",
            "Content-Length is not a number, or two values disagree"
        ),
        (
            "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
            "Content-Length is not a number, or two values disagree"
        ),
        (
            "HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n",
            "Content-Length is not a number, or two values disagree"
        ),
        (
            "HTTP/1.1 200 OK\r\nContent-Length : 0\r\n\r\n",
            "a header line is malformed: it has whitespace between the name and \":\""
        ),
        ("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "a header line is malformed: it has no \":\""),
        (
            "HTTP/1.1 200 OK\r\n: empty name\r\n\r\n",
            "a header line is malformed: it has no name before \":\""
        ),
        (
            "HTTP/1.1 200 OK\r\nX(A): 1\r\n\r\n",
            "a header line is malformed: its name has a character that is not allowed in a header name"
        ),
        (
            // Found by the http-response fuzz target: a bare CR stayed in the value.
            "HTTP/1.1 200 OK\r\nX-A: a\rb\r\n\r\n",
            "a header line is malformed: it has a carriage return (CR) that does not end the line (CR CR LF line ends?)"
        ),
        (
            "HTTP/1.1 200 OK\r\nContent-Length: 0\r\r\n\r\n",
            "a header line is malformed: it has a carriage return (CR) that does not end the line (CR CR LF line ends?)"
        ),
        (
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nxyz\r\n",
            "a chunk size is not a hexadecimal number"
        ),
        (
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3x\r\nabc\r\n0\r\n\r\n",
            "a chunk size is not a hexadecimal number"
        ),
        (
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n",
            "a chunk is longer than its size"
        ),
        ("HTTP/2 200\r\n\r\n", "the status line is not HTTP/1.x followed by a three-digit status"),
        ("HTTP/1.1 20 OK\r\n\r\n", "the status line is not HTTP/1.x followed by a three-digit status"),
        ("HTTP/1.1 2000 OK\r\n\r\n", "the status line is not HTTP/1.x followed by a three-digit status"),
        ("HTTP/1.1 099 X\r\n\r\n", "the status line is not HTTP/1.x followed by a three-digit status"),
        ("HTTP/1.x 200 OK\r\n\r\n", "the status line is not HTTP/1.x followed by a three-digit status"),
        ("SSH-2.0-OpenSSH\r\n", "the status line is not HTTP/1.x followed by a three-digit status"),
    ])
    func rejected(text: String, reason: String) {
        var parser = HTTPResponseParser()
        #expect(outcomes([text], parser: &parser) == [.malformed])
        #expect(parser.problem?.description == reason)
    }

    @Test func longLinesAreRejected() {
        var parser = HTTPResponseParser()
        let long =
            "HTTP/1.1 200 OK\r\nX-Long: " + String(repeating: "a", count: HTTPResponseParser.maxLine)
            + "\r\n\r\n"
        #expect(outcomes([long], parser: &parser) == [.malformed])
        #expect(parser.problem == .lineTooLong)
    }

    @Test func pipelinedResponsesEachEnd() {
        let two =
            "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 503 X\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
        #expect(
            outcomes([two]) == [
                .response(status: 200, keepAlive: true), .response(status: 503, keepAlive: true),
            ])
    }

    @Test func anUnknownCodingEndsAtClose() {
        var parser = HTTPResponseParser()
        #expect(
            outcomes(
                ["HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 3\r\n\r\nabcdef"],
                parser: &parser
            ).isEmpty)
        #expect(parser.endsAtClose)
        #expect(parser.connectionClosed() == .response(status: 200, keepAlive: false))
    }

    @Test func aConnectionClosedMidBodyIsMalformed() {
        var parser = HTTPResponseParser()
        #expect(outcomes(["HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"], parser: &parser).isEmpty)
        #expect(parser.connectionClosed() == .malformed)
        #expect(parser.problem == .closedEarly)
    }

    @Test func keepsHeadersAndDecodedBodyWhenAsked() {
        var parser = HTTPResponseParser(keepingBodyUpTo: 5)
        let text =
            "HTTP/1.1 100 Continue\r\nX-Interim: 1\r\n\r\n"
            + "HTTP/1.0 400 Bad Request\nTransfer-Encoding: chunked\nX-Reason:  bad body \n\n"
            + "4;ext=1\nabcd\n3\nefg\n0\nX-Trailer: t\n\n"
        #expect(outcomes([text], parser: &parser) == [.response(status: 400, keepAlive: false)])
        #expect(
            parser.fields == [
                .init(name: "Transfer-Encoding", value: "chunked"),
                .init(name: "X-Reason", value: "bad body"),
            ])
        #expect(parser.body == Array("abcde".utf8))
        #expect(parser.bodyTruncated)
        #expect(parser.httpVersion == "HTTP/1.0")
    }
}

@Suite struct HTTP1SyntaxTests {
    private func withBytes<R>(_ text: String, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        Array(text.utf8).withUnsafeBytes(body)
    }

    @Test(arguments: [
        ("POST /x HTTP/1.1\r\nA: 1\r\n\r\nbody", 23, 26),
        ("POST /x HTTP/1.1\nA: 1\n\nbody", 21, 23),
        ("A: 1\n\r\n", 4, 7),
    ])
    func headBoundary(text: String, headEnd: Int, bodyStart: Int) {
        let boundary = withBytes(text) { HTTP1Syntax.headBoundary($0) }
        #expect(boundary?.headEnd == headEnd)
        #expect(boundary?.bodyStart == bodyStart)
    }

    @Test func noBoundaryWithoutAnEmptyLine() {
        #expect(withBytes("POST / HTTP/1.1\r\nA: 1\r\n") { HTTP1Syntax.headBoundary($0) } == nil)
    }

    @Test func linesEndInCRLFOrLF() {
        let lines = withBytes("a\r\nb\nc\r\n\r\nd") { bytes in
            var lines: [String] = []
            HTTP1Syntax.forEachLine(bytes) { lines.append(String(decoding: $0, as: UTF8.self)) }
            return lines
        }
        #expect(lines == ["a", "b", "c", "", "d"])
    }

    @Test(arguments: [
        ("POST /webhooks HTTP/1.1", true), ("GET / HTTP/1.0", true), ("post / HTTP/1.1", false),
        ("POST /a b HTTP/1.1", false), ("Host: x", false), ("POST /x", false),
    ])
    func requestLines(text: String, isRequestLine: Bool) {
        #expect(withBytes(text) { HTTP1Syntax.isRequestLine($0) } == isRequestLine)
    }

    @Test(arguments: [
        ("5", 5), ("0", 0), ("5, 5", 5), (" 7 ,7", 7),
    ])
    func contentLengths(text: String, value: Int) {
        #expect(withBytes(text) { HTTP1Syntax.contentLength($0) } == value)
    }

    @Test(arguments: ["", "5,", "5, 6", "0x5", "+5", "5 5", "99999999999999999999"])
    func badContentLengths(text: String) {
        #expect(withBytes(text) { HTTP1Syntax.contentLength($0) } == nil)
    }
}

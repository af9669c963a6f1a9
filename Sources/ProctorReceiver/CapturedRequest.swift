import ProctorCore
import ProctorSigning

/// A request as captured (`proctor verify`'s input): header lines and the raw body bytes.
public struct CapturedRequest: Sendable, Hashable {
    public var headers: HeaderFields
    public var body: [UInt8]

    public init(headers: HeaderFields, body: [UInt8]) {
        self.headers = headers
        self.body = body
    }

    /// Parses a raw HTTP request: an optional request line, header lines, an empty line, the body.
    /// Lines may end in CRLF or LF (``HTTP1Syntax``); the body is kept byte for byte.
    public static func parse(raw: [UInt8]) throws(CapturedRequestError) -> CapturedRequest {
        let result = raw.withUnsafeBytes { bytes in
            Result { () throws(CapturedRequestError) -> CapturedRequest in
                guard let (headEnd, bodyStart) = HTTP1Syntax.headBoundary(bytes) else {
                    throw CapturedRequestError("no empty line separates the headers from the body")
                }
                let headers = try parseHead(UnsafeRawBufferPointer(rebasing: bytes[..<headEnd]))
                return CapturedRequest(headers: headers, body: Array(bytes[bodyStart...]))
            }
        }
        return try result.get()
    }

    /// Parses `Name: value` lines; a leading request line (`POST /path HTTP/1.1`) is skipped, and
    /// so are empty lines.
    public static func parse(headerText: String) throws(CapturedRequestError) -> HeaderFields {
        let result = Array(headerText.utf8).withUnsafeBytes { bytes in
            Result { () throws(CapturedRequestError) -> HeaderFields in try parseHead(bytes) }
        }
        return try result.get()
    }

    /// Header lines in ``HTTP1Syntax``'s grammar: obsolete line folding and whitespace before the
    /// colon are rejected.
    static func parseHead(_ bytes: UnsafeRawBufferPointer) throws(CapturedRequestError) -> HeaderFields {
        var headers = HeaderFields()
        var first = true
        try HTTP1Syntax.forEachLine(bytes) { line throws(CapturedRequestError) in
            if line.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { return }
            defer { first = false }
            if first && HTTP1Syntax.isRequestLine(line) { return }
            switch HTTP1Syntax.headerLine(line) {
            case .success(let header):
                headers.add(
                    String(decoding: line[header.name], as: UTF8.self),
                    String(decoding: line[header.value], as: UTF8.self))
            case .failure(let problem):
                let text = String(decoding: line, as: UTF8.self)
                throw CapturedRequestError("not a header line: \"\(text.prefix(80))\": \(problem)")
            }
        }
        return headers
    }
}

/// Unusable input to `verify`.
public struct CapturedRequestError: UserFacingError, Hashable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension StringProtocol {
    var trimmingWhitespace: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" || first == "\r" {
            scalars.removeFirst()
        }
        while let last = scalars.last, last == " " || last == "\t" || last == "\r" { scalars.removeLast() }
        return String(scalars)
    }
}

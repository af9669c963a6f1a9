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
    /// Lines may end in CRLF or LF; the body is kept byte for byte.
    public static func parse(raw: [UInt8]) throws(CapturedRequestError) -> CapturedRequest {
        guard let (headEnd, bodyStart) = headerBoundary(raw) else {
            throw CapturedRequestError("no empty line separates the headers from the body")
        }
        let headers = try parse(headerText: String(decoding: raw[..<headEnd], as: UTF8.self))
        return CapturedRequest(headers: headers, body: Array(raw[bodyStart...]))
    }

    /// Parses `Name: value` lines; a leading request line (`POST /path HTTP/1.1`) is skipped.
    public static func parse(headerText: String) throws(CapturedRequestError) -> HeaderFields {
        var headers = HeaderFields()
        var lines = headerText.split(omittingEmptySubsequences: true) {
            $0 == "\n" || $0 == "\r\n" || $0 == "\r"
        }
        if let first = lines.first {
            let parts = first.split(separator: " ")
            if parts.count == 3, parts[2].hasPrefix("HTTP/"), parts[0].allSatisfy(\.isUppercase) {
                lines.removeFirst()
            }
        }
        for line in lines {
            let trimmed = line.trimmingWhitespace
            if trimmed.isEmpty { continue }
            guard let colon = trimmed.firstIndex(of: ":") else {
                throw CapturedRequestError("not a header line: \"\(trimmed.prefix(80))\"")
            }
            headers.add(
                String(trimmed[..<colon]).trimmingWhitespace,
                String(trimmed[trimmed.index(after: colon)...]).trimmingWhitespace)
        }
        return headers
    }

    static func headerBoundary(_ raw: [UInt8]) -> (Int, Int)? {
        var index = 0
        while index < raw.count {
            if raw[index] == UInt8(ascii: "\n") {
                if index + 1 < raw.count, raw[index + 1] == UInt8(ascii: "\n") { return (index, index + 2) }
                if index + 2 < raw.count, raw[index + 1] == UInt8(ascii: "\r"),
                    raw[index + 2] == UInt8(ascii: "\n")
                {
                    return (index, index + 3)
                }
            }
            index += 1
        }
        return nil
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

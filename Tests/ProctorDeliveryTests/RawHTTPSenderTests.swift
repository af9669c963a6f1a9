import ProctorSigning
import Testing

@testable import ProctorDelivery

/// The raw sender reads early answers with the shared ``HTTPResponseParser``.
@Suite struct RawHTTPSenderResponseTests {
    private func parse(_ text: String, limit: Int = 1 << 20) -> ResponseSummary? {
        RawHTTPSender.parseResponse(Array(text.utf8), limit: limit)
    }

    @Test func theFinalResponseAfterInterimOnes() throws {
        let response = try #require(
            parse(
                "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n"
                    + "Content-Length: 9\r\n\r\ntoo short"))
        #expect(response.status == 400)
        #expect(response.headers["content-type"] == "text/plain")
        #expect(response.bodyText == "too short")
        #expect(response.httpVersion == "HTTP/1.1")
    }

    @Test func chunkedBodiesAreDecodedAndCapped() throws {
        let response = try #require(
            parse(
                "HTTP/1.1 422 X\r\nTransfer-Encoding: chunked\r\n\r\n5;x=1\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
                limit: 8))
        #expect(response.status == 422)
        #expect(response.bodyText == "hello wo")
        #expect(response.bodyTruncated)
    }

    @Test func aResponseCutShortKeepsWhatArrived() throws {
        let response = try #require(parse("HTTP/1.0 408 Request Timeout\nContent-Length: 100\n\npartial"))
        #expect(response.status == 408)
        #expect(response.bodyText == "partial")
        #expect(response.httpVersion == "HTTP/1.0")
        let closeDelimited = try #require(parse("HTTP/1.1 400 X\r\n\r\nuntil close"))
        #expect(closeDelimited.bodyText == "until close")
    }

    @Test(arguments: [
        "", "HTTP/1.1 100 Continue\r\n\r\n", "HTTP/1.1 400 Bad", "garbage\r\n\r\n",
        "HTTP/1.1 400 X\r\n folded: header\r\n\r\n",
        "HTTP/1.1 400 X\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
    ])
    func noResponse(text: String) {
        #expect(parse(text) == nil)
    }
}

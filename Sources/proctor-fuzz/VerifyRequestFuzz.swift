import ProctorCore
import ProctorReceiver
import ProctorSigning

extension FuzzTarget {
    static let verifyRequest = FuzzTarget(
        name: "verify-request",
        summary: "`proctor verify`'s request parser and the verifier: round trips, signing then verifying",
        check: VerifyRequestFuzz.check)
}

/// `proctor verify`'s reader of captured requests (``CapturedRequest/parse(raw:)``), and the
/// verifier it feeds.
///
/// - A request that parses has the bytes after the first empty line as its body, header names
///   that are tokens and values without CR, LF or surrounding spaces and tabs.
/// - Writing the headers back (CRLF or LF lines, with or without a request line) and the body
///   gives the same request; the head read with ``CapturedRequest/parse(headerText:)`` gives the
///   same headers.
/// - An input that does not parse has a message, and so has its head through `parse(headerText:)`
///   unless the only problem was the missing empty line.
/// - The verifier's report is the same twice, says why when it is not valid, and a request
///   signed with the example secret (a non-empty message id taken from the input, its body)
///   verifies.
enum VerifyRequestFuzz {
    static let secret = WebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    static let now: Int64 = 1_750_000_000

    static func check(_ input: UnsafeRawBufferPointer) {
        let raw = Array(input)
        let request: CapturedRequest
        do {
            request = try CapturedRequest.parse(raw: raw)
        } catch {
            Invariant.require(!error.message.isEmpty, "a parse error without a message")
            return
        }
        guard let bodyStart = bodyStart(raw) else {
            Invariant.fail("parsed without an empty line after the head")
        }
        Invariant.require(
            request.body == Array(raw[bodyStart...]), "the body is not the bytes after the head")
        for header in request.headers {
            Invariant.require(
                !header.name.isEmpty && header.name.utf8.allSatisfy(HTTP1Syntax.isTokenByte),
                "header name \(Invariant.show(header.name)) is not a token")
            let value = Array(header.value.utf8)
            Invariant.require(!value.contains(10) && !value.contains(13), "a header value has a CR or LF")
            Invariant.require(
                value.first != 32 && value.first != 9 && value.last != 32 && value.last != 9,
                "header value \(Invariant.show(header.value)) has surrounding whitespace")
        }
        checkRoundTrips(request)
        if let head = String(validating: raw[..<bodyStart], as: UTF8.self) {
            do {
                let headers = try CapturedRequest.parse(headerText: head)
                Invariant.require(headers == request.headers, "parse(headerText:) reads other headers")
            } catch {
                Invariant.fail("parse(headerText:) rejects a head parse(raw:) accepts: \(error)")
            }
        }
        checkVerifier(request)
    }

    /// The index after the first empty line (LF LF or LF CR LF), found independently of the parser.
    static func bodyStart(_ raw: [UInt8]) -> Int? {
        var index = 0
        while index < raw.count {
            if raw[index] == 10 {
                if index + 1 < raw.count, raw[index + 1] == 10 { return index + 2 }
                if index + 2 < raw.count, raw[index + 1] == 13, raw[index + 2] == 10 { return index + 3 }
            }
            index += 1
        }
        return nil
    }

    static func checkRoundTrips(_ request: CapturedRequest) {
        let forms: [(String, String)] = [("", "\r\n"), ("", "\n"), ("POST /hook HTTP/1.1", "\r\n")]
        for (requestLine, lineEnd) in forms {
            var text = requestLine.isEmpty ? "" : requestLine + lineEnd
            for header in request.headers { text += "\(header.name): \(header.value)\(lineEnd)" }
            // With no headers and no request line the head is empty: the first line must be empty.
            text += lineEnd
            if request.headers.fields.isEmpty && requestLine.isEmpty { text = lineEnd + lineEnd }
            let written = Array(text.utf8) + request.body
            do {
                let again = try CapturedRequest.parse(raw: written)
                Invariant.require(
                    again == request, "written back with \(lineEnd.debugDescription) it reads otherwise")
            } catch {
                Invariant.fail("written back with \(lineEnd.debugDescription) it does not parse: \(error)")
            }
        }
    }

    static func checkVerifier(_ request: CapturedRequest) {
        let verifier = WebhookVerifier(secrets: [secret])
        let report = verifier.verify(headers: request.headers, body: request.body, nowSeconds: now)
        Invariant.require(
            verifier.verify(headers: request.headers, body: request.body, nowSeconds: now) == report,
            "verifying twice gave different reports")
        if !report.isValid { Invariant.require(!report.problems.isEmpty, "invalid without a problem") }
        _ = report.rendered

        // The verifier takes an empty id header for a missing one.
        let messageId = request.headers.fields.first { !$0.value.isEmpty }?.value ?? "msg_fuzz"
        guard let signer = try? Signer(scheme: .standardWebhooks(.svix), secrets: [secret]) else {
            Invariant.fail("the example secret does not make a signer")
        }
        var headers = request.headers
        headers.apply(signer.sign(messageId: messageId, timestampSeconds: now, body: request.body))
        let signed = verifier.verify(headers: headers, body: request.body, nowSeconds: now)
        Invariant.require(
            signed.isValid, "a request signed with the example secret does not verify: \(signed.rendered)")
    }
}

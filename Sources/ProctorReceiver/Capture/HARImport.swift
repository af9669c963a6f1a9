import Foundation
import ProctorCore
import ProctorJSON
import ProctorSigning
import ProctorVendors

/// HTTP Archive (HAR 1.2) files, as browsers, ngrok's inspector and many proxies export them,
/// read as a ``Capture``: each entry whose request has a body is one record, in the file's order,
/// with its arrival time (`startedDateTime`), method, path, headers, body (`postData.text`, or
/// base64 when `encoding` or `_encoding` says so) and the answer the server gave. The vendor is
/// told by the path (a segment naming a vendor, as in `/webhooks/testlify`), else by the payload
/// (see ``recognise(headers:body:)``). Signatures were not checked: the verdict reads `unchecked`.
enum HARImport {
    static func capture(path: String, bytes: [UInt8]) throws(CaptureError) -> Capture {
        let document: JSONValue
        do {
            document = try JSONParser().parse(bytes)
        } catch {
            throw CaptureError(
                "\(path) is neither a capture folder nor a HAR file: not JSON (\(error.description))")
        }
        guard let entries = document["log"]?["entries"]?.arrayValue else {
            throw CaptureError("\(path) is not a HAR file: it has no log.entries list")
        }
        var records: [CaptureRecord] = []
        var skipped = 0
        for (number, entry) in entries.enumerated() {
            let place = "\(path): log.entries[\(number)]"
            guard let request = entry["request"], let method = request["method"]?.stringValue,
                let url = request["url"]?.stringValue
            else {
                throw CaptureError("\(place) has no request with a method and url")
            }
            guard let postData = request["postData"], let text = postData["text"]?.stringValue else {
                // A page load, an image, a preflight: not a delivery.
                skipped += 1
                continue
            }
            let body: [UInt8]
            if (postData["encoding"] ?? postData["_encoding"])?.stringValue == "base64" {
                guard let decoded = Data(base64Encoded: text).map(Array.init) else {
                    throw CaptureError("\(place): postData.text is marked base64 and is not")
                }
                body = decoded
            } else {
                body = Array(text.utf8)
            }
            guard let started = entry["startedDateTime"]?.stringValue,
                let milliseconds = FakeData.milliseconds(fromISOTimestamp: started)
            else {
                throw CaptureError("\(place) has no startedDateTime in ISO 8601")
            }
            var headers = HeaderFields()
            for field in request["headers"]?.arrayValue ?? [] {
                guard let name = field["name"]?.stringValue, let value = field["value"]?.stringValue else {
                    throw CaptureError("\(place): a request header has no name or value")
                }
                // HTTP/2 pseudo-headers (`:authority`, `:path`) are not fields of the request.
                if name.hasPrefix(":") { continue }
                headers.add(name, value)
            }
            let pathAndQuery = (try? TargetURL(parsing: url))?.pathAndQuery ?? url
            let response = entry["response"]
            let status = response?["status"]?.intValue ?? 0
            let answerText = response?["content"]?["text"]?.stringValue
            let answer: JSONValue =
                answerText.flatMap { try? JSONParser().parse(Array($0.utf8)) } ?? answerText.map(
                    JSONValue.string)
                ?? .null
            let vendor =
                vendorNamed(inPath: pathAndQuery) ?? recognise(headers: headers, body: body) ?? ""
            let payload = try? JSONParser().parse(body)
            let facts = payload.flatMap { payload in
                VendorCatalog.standard.profile(for: vendor).map { $0.inspect(payload) }
            }
            let headerId = StandardWebhooksHeaderStyle.allCases.lazy.compactMap { headers[$0.idHeader] }.first
            var event = ReceivedEvent(
                sequence: 0, vendor: vendor, event: facts?.event ?? "unknown",
                messageId: headerId ?? "body-" + BodyDigest.fnv1a(body),
                receivedAtMilliseconds: milliseconds, verified: nil, duplicate: false,
                status: status, reason: nil, candidateId: facts?.candidateId)
            event.bodySHA256 = BodyDigest.sha256Hex(body)
            event.bodyLength = body.count
            records.append(
                CaptureRecord(
                    sequence: records.count + 1, method: method, path: pathAndQuery, headers: headers,
                    body: body, event: event, answer: answer))
        }
        // A duplicate is a message id seen before, as the receiver counts it.
        var seen: Set<String> = []
        for index in records.indices {
            let key = records[index].event.vendor + ":" + records[index].event.messageId
            records[index].event.duplicate = !seen.insert(key).inserted
        }
        var notes: [String] = []
        if skipped > 0 {
            notes.append(
                "\(path): left out \(skipped) entr\(skipped == 1 ? "y" : "ies") without a request body")
        }
        return Capture(
            directory: path, startedAtMilliseconds: records.first?.receivedAtMilliseconds ?? 0,
            signaturesKept: true, acceptAll: false, records: records, dropped: 0, notes: notes)
    }

    /// The vendor a path names in one of its segments (`/webhooks/testlify-v1`).
    static func vendorNamed(inPath path: String) -> String? {
        let segments = path.split(separator: "?").first?.split(separator: "/").map(String.init) ?? []
        let names = VendorCatalog.standard.vendorNames
        return segments.reversed().first { names.contains($0) }
    }

    /// The vendor a request looks like it came from: Standard Webhooks headers are Testlify's;
    /// an `event` one vendor's catalog names is that vendor's (Testlify's unsigned v1 for a
    /// Testlify event without them); a test-instance record with `candidate` and `measurement`
    /// or `instance_status` is Talview's. Nil for anything else.
    static func recognise(headers: HeaderFields, body: [UInt8]) -> String? {
        guard let payload = try? JSONParser().parse(body) else { return nil }
        let catalog = VendorCatalog.standard
        let signed = StandardWebhooksHeaderStyle.allCases.contains { headers.contains($0.idHeader) }
        if let event = payload["event"]?.stringValue {
            if catalog.profile(for: "qualified")?.acceptedEventNames.contains(event) == true {
                return "qualified"
            }
            if catalog.profile(for: "testlify")?.acceptedEventNames.contains(event) == true {
                return signed ? "testlify" : "testlify-v1"
            }
        }
        if payload["candidate"] != nil,
            payload["measurement"] != nil || payload["instance_status"] != nil
                || payload["catalog_assessment"] != nil
        {
            return "talview"
        }
        return signed ? "testlify" : nil
    }
}

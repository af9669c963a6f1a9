import ProctorCore
import ProctorDelivery

/// An exchange as text, for `proctor send`: the request line and headers, the body, then the
/// response (or the failure) with its latency. Secret-bearing headers are masked unless
/// `showSecrets` is set.
public enum ExchangeText {
    public static func render(
        _ exchange: Exchange, showSecrets: Bool = false, includeRequestBody: Bool = true
    ) -> String {
        let request = exchange.request
        var lines = ["> \(request.method) \(request.url)"]
        for field in showSecrets ? request.headers : request.maskedHeaders {
            lines.append("> \(field.name): \(field.value)")
        }
        if includeRequestBody, !request.body.isEmpty {
            lines.append(">")
            lines.append(String(decoding: request.body, as: UTF8.self))
        }
        lines.append("")
        switch exchange.outcome {
        case .success(let response):
            lines.append(
                "< \(response.httpVersion) \(response.status)  (\(DurationText.format(exchange.duration)))")
            for field in showSecrets
                ? response.headers : response.headers.masked(sensitive: request.sensitive)
            {
                lines.append("< \(field.name): \(field.value)")
            }
            if !response.body.isEmpty {
                lines.append("<")
                lines.append(
                    response.bodyText
                        + (response.bodyTruncated ? "\n[truncated at \(response.body.count) bytes]" : ""))
            }
        case .failure(let failure):
            lines.append("! no response after \(DurationText.format(exchange.duration)): \(failure)")
        }
        return lines.joined(separator: "\n")
    }
}

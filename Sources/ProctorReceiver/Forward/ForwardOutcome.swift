import ProctorCore
import ProctorJSON

/// What became of one request relayed by `serve --forward-to`: part of its ``CaptureRecord``,
/// written in the capture's index line as `"forward"` and shown by the live tail.
public struct ForwardOutcome: Sendable, Hashable {
    public enum Result: Sendable, Hashable {
        /// The consumer answered with this status.
        case answered(status: Int)
        /// No answer: a ``TransportFailure`` kind (`connection-refused`, `connection-reset`...,
        /// or `timeout` when none came within the forward timeout) and why.
        case failed(kind: String, reason: String)
    }

    /// The failure kind of a relay the consumer did not answer in time.
    public static let timeoutKind = "timeout"

    /// The consumer's URL.
    public var url: String
    public var result: Result
    /// From sending to the consumer's complete answer (or the failure).
    public var durationMilliseconds: Int64
    /// Whether the relayed request was signed anew (`--resign`).
    public var resigned: Bool
    /// Whose answer the vendor got (`--answer`).
    public var answeredBy: ForwardAnswer
    /// The receiver's own status for the request, whoever answered the vendor.
    public var receiverStatus: Int

    public init(
        url: String, result: Result, durationMilliseconds: Int64, resigned: Bool, answeredBy: ForwardAnswer,
        receiverStatus: Int
    ) {
        self.url = url
        self.result = result
        self.durationMilliseconds = durationMilliseconds
        self.resigned = resigned
        self.answeredBy = answeredBy
        self.receiverStatus = receiverStatus
    }

    /// The consumer's status; nil when it did not answer.
    public var status: Int? {
        if case .answered(let status) = result { return status }
        return nil
    }

    public var failureKind: String? {
        if case .failed(let kind, _) = result { return kind }
        return nil
    }

    public var failureReason: String? {
        if case .failed(_, let reason) = result { return reason }
        return nil
    }

    /// The live tail's words: `200 in 12ms`, `timed out after 5s`, `unreachable: connection
    /// refused by 127.0.0.1:9000`, or the failure kind and reason.
    public var summary: String {
        switch result {
        case .answered(let status): return "\(status) in \(durationMilliseconds)ms"
        case .failed(let kind, let reason) where kind == Self.timeoutKind: return reason
        case .failed(let kind, let reason) where Self.unreachableKinds.contains(kind):
            return "unreachable: \(reason)"
        case .failed(let kind, let reason): return "\(kind): \(reason)"
        }
    }

    /// Failure kinds of a consumer that was never reached.
    static let unreachableKinds: Set<String> = ["connection-refused", "dns-failure"]

    /// The `"forward"` object of an index line and of the tail's JSON lines.
    public var json: JSONValue {
        .object(
            JSONObject([
                ("url", .string(url)),
                ("status", status.map(JSONValue.int) ?? .null),
                ("failure", failureKind.map(JSONValue.string) ?? .null),
                ("reason", failureReason.map(JSONValue.string) ?? .null),
                ("durationMs", .int(Int(durationMilliseconds))),
                ("resigned", .bool(resigned)),
                ("answeredBy", .string(answeredBy.rawValue)),
                ("receiverStatus", .int(receiverStatus)),
            ]))
    }

    /// The outcome an index line's `"forward"` object holds; nil when it is not one.
    init?(json value: JSONValue) {
        guard let url = value["url"]?.stringValue, let duration = value["durationMs"]?.intValue,
            let answeredBy = value["answeredBy"]?.stringValue.flatMap(ForwardAnswer.init(rawValue:)),
            let receiverStatus = value["receiverStatus"]?.intValue
        else { return nil }
        let result: Result
        if let status = value["status"]?.intValue {
            result = .answered(status: status)
        } else if let kind = value["failure"]?.stringValue {
            result = .failed(kind: kind, reason: value["reason"]?.stringValue ?? "")
        } else {
            return nil
        }
        self.init(
            url: url, result: result, durationMilliseconds: Int64(duration),
            resigned: value["resigned"]?.boolValue ?? false, answeredBy: answeredBy,
            receiverStatus: receiverStatus)
    }
}

import Dispatch
import ProctorCore
import ProctorJSON
import Synchronization

/// `serve`'s line per request as it arrives (unless `--quiet`): time, vendor, event, message
/// id, signature verdict and answer, as text or as JSON lines (`--format json`).
public struct LiveTail: ReceiverObserver {
    public enum Format: String, Sendable, CaseIterable {
        case text
        case json
    }

    public let format: Format
    let writer: LineWriter

    /// `write` gets each line with its newline, on a thread of its own: a terminal or pipe that is
    /// not read never holds the receiver up (lines beyond `capacity` waiting are dropped and
    /// counted).
    public init(format: Format, capacity: Int = 10_000, write: @escaping @Sendable (String) -> Void) {
        self.format = format
        writer = LineWriter(capacity: capacity, write: write) { dropped in
            switch format {
            case .text: "proctor serve: \(dropped) lines left out (the output was not read fast enough)"
            case .json: JSONValue.object(JSONObject([("linesLeftOut", .int(dropped))])).serialized()
            }
        }
    }

    public func observe(_ record: CaptureRecord) -> CaptureRecord {
        writer.line(Self.line(record, format: format))
        return record
    }

    /// Waits until the lines so far are written, or `limit` passed (an output nobody reads).
    public func flush(within limit: Duration = .seconds(1)) { writer.flush(within: limit) }

    /// The first line: where the receiver listens.
    public func listening(_ url: String, routes: [String]) {
        let webhooks = "\(url)/webhooks/{\(routes.joined(separator: ","))}"
        switch format {
        case .text:
            writer.line("proctor serve: listening on \(url) (webhooks at \(webhooks))")
        case .json:
            writer.line(
                JSONValue.object(JSONObject([("listening", .string(url)), ("webhooks", .string(webhooks))]))
                    .serialized())
        }
        writer.flush()
    }

    /// One request's line: `12:03:04.123  testlify  invited  msg_2x...  signature valid  200 accepted`
    /// (time in UTC; a path that names no vendor stands in its place; the reason follows a
    /// refusal; the relay's outcome, `→ 200 in 12ms`, ends it with `--forward-to`), or the
    /// record's summary as one JSON object.
    public static func line(_ record: CaptureRecord, format: Format) -> String {
        switch format {
        case .json:
            var summary = record.summary
            if record.sequence == 0 { _ = summary.removeValue(forKey: "sequence") }
            return JSONValue.object(summary).serialized()
        case .text:
            let time = String(
                FakeData.isoTimestamp(milliseconds: record.receivedAtMilliseconds).dropFirst(11).prefix(12))
            let source = record.event.vendor.isEmpty ? "\(record.method) \(record.path)" : record.event.vendor
            var line = [
                time, source, record.event.event, record.event.messageId,
                "signature " + record.signatureVerdict,
            ]
            .joined(separator: "  ")
            line += "  \(record.status) \(record.answerWord)"
            if let reason = record.event.reason, !record.event.duplicate { line += ": " + reason }
            if let forward = record.forward { line += "  → " + forward.summary }
            return line
        }
    }
}

/// Writes lines in order on a queue of its own, holding at most `capacity` unwritten: beyond
/// that, lines are dropped and a count of them written once the output catches up.
final class LineWriter: Sendable {
    private let queue = DispatchQueue(label: "proctor.receiver.tail")
    private let state = Mutex<(waiting: Int, dropped: Int)>((0, 0))
    private let capacity: Int
    private let write: @Sendable (String) -> Void
    private let notice: @Sendable (Int) -> String

    init(
        capacity: Int, write: @escaping @Sendable (String) -> Void,
        notice: @escaping @Sendable (Int) -> String
    ) {
        self.capacity = max(1, capacity)
        self.write = write
        self.notice = notice
    }

    func line(_ text: String) {
        let taken = state.withLock { state in
            guard state.waiting < capacity else {
                state.dropped += 1
                return false
            }
            state.waiting += 1
            return true
        }
        guard taken else { return }
        queue.async { self.drain(text) }
    }

    private func drain(_ text: String) {
        write(text + "\n")
        let dropped = state.withLock { state in
            state.waiting -= 1
            defer { state.dropped = 0 }
            return state.dropped
        }
        if dropped > 0 { write(notice(dropped) + "\n") }
    }

    /// Waits until the lines so far are written, at most `limit`.
    func flush(within limit: Duration = .seconds(1)) {
        let done = DispatchSemaphore(value: 0)
        queue.async { done.signal() }
        let nanoseconds =
            limit.components.seconds * 1_000_000_000 + limit.components.attoseconds / 1_000_000_000
        _ = done.wait(timeout: .now() + .nanoseconds(Int(nanoseconds)))
    }
}

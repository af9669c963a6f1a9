import ProctorCore
import ProctorJSON

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Sees every request the receiver answers, after the answer is decided and before it is sent
/// (`serve --record`, the live tail). An observer that throws stops the receiver: that request
/// is answered 503, so its sender retries it later.
public protocol ReceiverObserver: Sendable {
    /// Returns the record as later observers see it (the recorder numbers it).
    func observe(_ record: CaptureRecord) async throws(CaptureError) -> CaptureRecord
}

/// How `serve --record` writes.
public struct CaptureOptions: Sendable, Hashable {
    /// Store signature header values and secrets as received; otherwise they are masked.
    public var keepSignatures: Bool
    /// The run's files (indexes and bodies) stay within this many bytes: the oldest quarter is
    /// deleted to make room (see ``segmentBytes``).
    public var maxBytes: Int
    /// Recorded in the run's `run.json`, for readers: every request was answered 200.
    public var acceptAll: Bool

    public static let defaultMaxBytes = 1 << 30

    public init(keepSignatures: Bool = false, maxBytes: Int = defaultMaxBytes, acceptAll: Bool = false) {
        self.keepSignatures = keepSignatures
        self.maxBytes = maxBytes
        self.acceptAll = acceptAll
    }

    /// A segment (one index file and its bodies) is closed once it holds this much: a run keeps
    /// at most four.
    public var segmentBytes: Int { maxBytes / 4 }

    /// The smallest `maxBytes` that holds four segments of one largest request each.
    public static func smallestMaxBytes(maxBodyBytes: Int) -> Int { 4 * (maxBodyBytes + 64 * 1024) }

    /// `1073741824`, `500k`, `100MB`, `1GiB` (K, M, G are powers of 1024); nil for anything else.
    public static func parseBytes(_ text: String) -> Int? {
        let lower = text.trimmingWhitespace.lowercased()
        let digits = lower.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let number = Int(digits) else { return nil }
        let unit = lower.dropFirst(digits.count)
        let shift: Int
        switch unit {
        case "", "b": shift = 0
        case "k", "kb", "kib": shift = 10
        case "m", "mb", "mib": shift = 20
        case "g", "gb", "gib": shift = 30
        default: return nil
        }
        let (value, overflow) = number.multipliedReportingOverflow(by: 1 << shift)
        return overflow ? nil : value
    }
}

/// Writes a capture (`serve --record DIR`): one folder per run under DIR, holding `run.json`,
/// then segments `index-00001.jsonl` (one JSON line per request) with their bodies in
/// `bodies-00001/` (one file per request, the bytes as received). Each body file is written and
/// closed before its index line is appended in one write, so a process killed at any moment
/// leaves every indexed request complete; ``Capture`` ignores a torn last line. Requests are
/// written one at a time, in the order the recorder gets them. The format: docs/capture.md.
public actor CaptureRecorder: ReceiverObserver {
    /// The run's folder.
    public nonisolated let runDirectory: String
    public nonisolated let options: CaptureOptions
    private var segment = 0
    private var segmentSize = 0
    /// Segments on disk, oldest first, with their sizes.
    private var segments: [(number: Int, bytes: Int)] = []
    private var index: Int32 = -1
    private var nextSequence = 1
    private var failure: CaptureError?

    /// Creates the run's folder under `directory` (created if missing), named after `startedAt`
    /// and the process id, and writes its `run.json`.
    public init(directory: String, options: CaptureOptions, startedAtMilliseconds: Int64) throws(CaptureError)
    {
        self.options = options
        let stamp = FakeData.isoTimestampSeconds(milliseconds: startedAtMilliseconds)
            .filter { $0 != "-" && $0 != ":" }
        let trimmed =
            directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        if CaptureFiles.exists(trimmed) && !CaptureFiles.isDirectory(trimmed) {
            throw CaptureError("cannot record to \(directory): it is not a directory")
        }
        try CaptureFiles.makeDirectories(trimmed)
        var name = "\(stamp)-\(getpid())"
        var attempt = 1
        while CaptureFiles.exists(trimmed + "/" + name) {
            attempt += 1
            name = "\(stamp)-\(getpid())-\(attempt)"
        }
        runDirectory = trimmed + "/" + name
        try CaptureFiles.makeDirectory(runDirectory)
        let run = JSONValue.object(
            JSONObject([
                ("format", .string(Capture.formatName)), ("version", .int(Capture.formatVersion)),
                ("startedAt", .string(FakeData.isoTimestamp(milliseconds: startedAtMilliseconds))),
                ("signatures", .string(options.keepSignatures ? "kept" : "masked")),
                ("acceptAll", .bool(options.acceptAll)), ("maxBytes", .int(options.maxBytes)),
            ]))
        try CaptureFiles.writeNew(runDirectory + "/run.json", run.serializedBytes(style: .pretty) + [10])
    }

    /// Numbers `record` and writes it: the body file, then its index line.
    public func observe(_ record: CaptureRecord) throws(CaptureError) -> CaptureRecord {
        if let failure { throw failure }
        do {
            return try write(record)
        } catch {
            failure = error
            closeIndex()
            throw error
        }
    }

    private func write(_ record: CaptureRecord) throws(CaptureError) -> CaptureRecord {
        var record = record
        record.sequence = nextSequence
        if segment == 0 || (segmentSize > 0 && segmentSize + record.body.count > options.segmentBytes) {
            try startSegment()
        }
        let bodyName =
            Capture.bodyFolder(segment: segment) + "/" + Capture.bodyFile(sequence: record.sequence)
        let line = record.indexLine(
            headers: options.keepSignatures ? record.headers : record.maskedHeaders, bodyFile: bodyName)
        let size = line.count + record.body.count
        let bodyPath = runDirectory + "/" + bodyName
        try CaptureFiles.writeNew(bodyPath, record.body)
        try CaptureFiles.write(index, line, path: runDirectory + "/" + Capture.indexFile(segment: segment))
        nextSequence += 1
        segmentSize += size
        segments[segments.count - 1].bytes = segmentSize
        return record
    }

    /// Closes the current segment and opens the next; deletes the oldest ones beyond the limit.
    private func startSegment() throws(CaptureError) {
        closeIndex()
        segment += 1
        segmentSize = 0
        try CaptureFiles.makeDirectory(runDirectory + "/" + Capture.bodyFolder(segment: segment))
        index = try CaptureFiles.open(
            runDirectory + "/" + Capture.indexFile(segment: segment), exclusive: false)
        segments.append((segment, 0))
        // Whole segments, oldest first, so that the new one fits.
        while segments.count > 1,
            segments.reduce(0, { $0 + $1.bytes }) + options.segmentBytes > options.maxBytes
        {
            let oldest = segments.removeFirst().number
            CaptureFiles.remove(runDirectory + "/" + Capture.indexFile(segment: oldest))
            CaptureFiles.remove(runDirectory + "/" + Capture.bodyFolder(segment: oldest))
        }
    }

    private func closeIndex() {
        if index >= 0 { _ = close(index) }
        index = -1
    }

    /// Closes the index file; later records are refused.
    public func finish() {
        closeIndex()
        if failure == nil { failure = CaptureError("the capture is finished") }
    }
}

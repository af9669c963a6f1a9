import ProctorCore
import ProctorJSON

/// A capture as `serve --record` wrote it, read back: the requests of one run in the order they
/// were recorded, each with its exact body, its headers and the receiver's verdict and answer.
/// What `replay` and `capture to-scenario` build on. A torn last index line (the process was
/// killed while writing it) is left out and noted; anything else that does not read is an error.
public struct Capture: Sendable {
    public static let formatName = "proctor-capture"
    public static let formatVersion = 1

    /// The run's folder.
    public let directory: String
    public let startedAtMilliseconds: Int64
    /// Whether signature values are stored as received (`--keep-signatures`); otherwise they
    /// read `****`.
    public let signaturesKept: Bool
    /// Whether the run answered every request 200 (`--accept-all`).
    public let acceptAll: Bool
    /// The requests held, in recorded order.
    public let records: [CaptureRecord]
    /// Requests recorded earlier and deleted by rotation (`--max-bytes`): the sequence numbers
    /// before the first record.
    public let dropped: Int
    /// What the reader left out, for a person: a torn last line.
    public let notes: [String]

    init(
        directory: String, startedAtMilliseconds: Int64, signaturesKept: Bool, acceptAll: Bool,
        records: [CaptureRecord], dropped: Int, notes: [String]
    ) {
        self.directory = directory
        self.startedAtMilliseconds = startedAtMilliseconds
        self.signaturesKept = signaturesKept
        self.acceptAll = acceptAll
        self.records = records
        self.dropped = dropped
        self.notes = notes
    }

    /// Reads `path`: a run's folder (holding `run.json`), a `--record` directory, of which it
    /// reads the latest run, or a HAR file (see ``HARImport``).
    public init(reading path: String) throws(CaptureError) {
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        if CaptureFiles.exists(trimmed) && !CaptureFiles.isDirectory(trimmed) {
            self = try HARImport.capture(path: trimmed, bytes: try CaptureFiles.read(trimmed))
            return
        }
        if CaptureFiles.exists(trimmed + "/run.json") {
            directory = trimmed
        } else if let latest = Self.runs(in: trimmed).last {
            directory = latest
        } else {
            throw CaptureError("\(path) holds no capture (no run.json, and no run folder with one)")
        }
        let run: JSONValue
        do {
            run = try JSONParser().parse(try CaptureFiles.read(directory + "/run.json"))
        } catch let error as CaptureError {
            throw error
        } catch {
            throw CaptureError("\(directory)/run.json is not JSON: \(error)")
        }
        guard run["format"]?.stringValue == Self.formatName else {
            throw CaptureError("\(directory)/run.json is not a \(Self.formatName) file")
        }
        guard let version = run["version"]?.intValue, version <= Self.formatVersion else {
            throw CaptureError(
                "\(directory) is a capture of format version \(run["version"]?.intValue ?? 0); this proctor reads up to \(Self.formatVersion)"
            )
        }
        startedAtMilliseconds =
            run["startedAt"]?.stringValue.flatMap(FakeData.milliseconds(fromISOTimestamp:)) ?? 0
        signaturesKept = run["signatures"]?.stringValue == "kept"
        acceptAll = run["acceptAll"]?.boolValue ?? false

        let indexes = (CaptureFiles.list(directory) ?? []).filter { Self.segment(ofIndex: $0) != nil }
        var records: [CaptureRecord] = []
        var notes: [String] = []
        let folder = directory
        for (position, name) in indexes.enumerated() {
            let path = directory + "/" + name
            let bytes = try CaptureFiles.read(path)
            var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            if let last = lines.last, last.isEmpty {
                lines.removeLast()
            } else if !lines.isEmpty {
                // No newline after the last line: its write was cut short.
                lines.removeLast()
                if position == indexes.count - 1 {
                    notes.append(
                        "\(path): left out a torn last line (the recording stopped while writing it)")
                } else {
                    throw CaptureError("\(path): line \(lines.count + 1) is torn, and later segments follow")
                }
            }
            for (number, line) in lines.enumerated() {
                do {
                    records.append(
                        try CaptureRecord.parse(line: Array(line)) { file throws(CaptureError) in
                            guard !file.hasPrefix("/"), !file.split(separator: "/").contains("..") else {
                                throw CaptureError("the body file \(file) is outside the capture")
                            }
                            return try CaptureFiles.read(folder + "/" + file)
                        })
                } catch {
                    throw CaptureError("\(path):\(number + 1): \(error.message)")
                }
            }
        }
        self.records = records
        self.notes = notes
        dropped = max(0, (records.first?.sequence ?? 1) - 1)
    }

    /// The run folders under a `--record` directory, oldest first.
    public static func runs(in directory: String) -> [String] {
        (CaptureFiles.list(directory) ?? []).map { directory + "/" + $0 }
            .filter { CaptureFiles.exists($0 + "/run.json") }
    }

    // MARK: File names

    static func indexFile(segment: Int) -> String { "index-\(padded(segment, 5)).jsonl" }
    static func bodyFolder(segment: Int) -> String { "bodies-\(padded(segment, 5))" }
    static func bodyFile(sequence: Int) -> String { "\(padded(sequence, 8)).bin" }

    static func segment(ofIndex name: String) -> Int? {
        guard name.hasPrefix("index-"), name.hasSuffix(".jsonl") else { return nil }
        return Int(name.dropFirst(6).dropLast(6))
    }

    private static func padded(_ number: Int, _ width: Int) -> String {
        let text = String(number)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

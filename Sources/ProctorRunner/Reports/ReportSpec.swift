import Foundation

/// One `--report FORMAT=PATH` option.
public struct ReportSpec: Sendable, Hashable {
    public enum Format: String, Sendable, Hashable, CaseIterable {
        case json
        case junit
    }

    public var format: Format
    public var path: String

    public init(format: Format, path: String) {
        self.format = format
        self.path = path
    }

    /// Parses `json=out/run.json` or `junit=report.xml`.
    public init?(_ text: String) {
        let parts = text.split(separator: "=", maxSplits: 1)
        guard parts.count == 2, let format = Format(rawValue: String(parts[0])), !parts[1].isEmpty else {
            return nil
        }
        self.init(format: format, path: String(parts[1]))
    }

    /// Writes the report, creating missing directories.
    public func write(_ run: RunResult) throws {
        let bytes: [UInt8] =
            switch format {
            case .json: JSONReport.render(run)
            case .junit: Array(JUnitReport.render(run).utf8)
            }
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url, options: .atomic)
    }
}

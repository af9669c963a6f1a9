import Foundation

/// One `--report FORMAT=PATH` option.
public struct ReportSpec: Sendable, Hashable {
    public enum Format: String, Sendable, Hashable, CaseIterable {
        case json
        case junit
        /// A self-contained page a person reads (``HTMLReport``).
        case html
    }

    public var format: Format
    public var path: String

    public init(format: Format, path: String) {
        self.format = format
        self.path = path
    }

    /// Parses `json=out/run.json`, `junit=report.xml` or `html=report.html`.
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
            case .html: Array(HTMLReport.render(run).utf8)
            }
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url, options: .atomic)
    }
}

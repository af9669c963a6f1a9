import Foundation
import ProctorCore

/// Where `--report` writes.
public enum ReportOutputs {
    public enum Output: Sendable {
        case json(String)
        case html(String)
    }

    /// Parses `json=PATH` or `html=PATH`.
    public static func parse(_ value: String) throws(LoadError) -> Output {
        if value.hasPrefix("json="), value.count > 5 { return .json(String(value.dropFirst(5))) }
        if value.hasPrefix("html="), value.count > 5 { return .html(String(value.dropFirst(5))) }
        throw LoadError("--report must be json=PATH or html=PATH, not \"\(value)\"")
    }

    public static func write(_ report: LoadReport, to outputs: [Output]) throws(LoadError) {
        for output in outputs {
            let path: String
            let data: Data
            do {
                switch output {
                case .json(let p):
                    path = p
                    data = try report.jsonData()
                case .html(let p):
                    path = p
                    data = Data(try report.html().utf8)
                }
            } catch let error as LoadError {
                throw error
            } catch {
                throw LoadError("cannot encode the report: \(error)")
            }
            do {
                let url = URL(fileURLWithPath: path)
                try FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try data.write(to: url)
            } catch {
                throw LoadError("cannot write \(path): \(error.localizedDescription)")
            }
        }
    }
}

/// Progress on stderr: a line rewritten in place on a terminal, a plain line every few seconds otherwise.
public final class ProgressPrinter: Sendable {
    private let live: Bool
    private let enabled: Bool
    private let plainEvery: Double = 5
    private let state = LockedCounter()

    public init(mode: ProgressMode) {
        let tty = StandardStreams.isTerminal(2)
        switch mode {
        case .none:
            enabled = false
            live = false
        case .live:
            enabled = true
            live = true
        case .plain:
            enabled = true
            live = false
        case .auto:
            enabled = true
            live = tty
        }
    }

    public func show(_ p: LoadProgress) {
        guard enabled else { return }
        let line = LoadSummaryText.progressLine(p)
        if live {
            StandardStreams.writeError("\r\u{1B}[2K" + line)
            state.set(1)
        } else if p.elapsedSeconds >= state.nextPlain {
            StandardStreams.writeError(line + "\n")
            state.nextPlain = (p.elapsedSeconds / plainEvery).rounded(.down) * plainEvery + plainEvery
        }
    }

    public func finish() {
        if live && state.value == 1 { StandardStreams.writeError("\n") }
    }
}

/// The progress printer's small mutable state.
final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var _value = 0
    private var _nextPlain = 0.0

    var value: Int { lock.withLock { _value } }
    func set(_ v: Int) { lock.withLock { _value = v } }
    var nextPlain: Double {
        get { lock.withLock { _nextPlain } }
        set { lock.withLock { _nextPlain = newValue } }
    }
}

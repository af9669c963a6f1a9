import Foundation
import ProctorCore

/// `include` steps: files of steps, resolved against the including file, without cycles.
extension LoadSession {
    mutating func include(_ path: Located<String>, from file: String, inheritedActor: Located<String>?)
        -> [Step]
    {
        let directory = (file as NSString).deletingLastPathComponent
        let absolute = URL(
            fileURLWithPath: path.value.hasPrefix("/") ? path.value : directory + "/" + path.value
        )
        .standardizedFileURL.path
        let displayDirectory = (path.location.file as NSString).deletingLastPathComponent
        let display =
            path.value.hasPrefix("/")
            ? path.value
            : Self.normalize(displayDirectory.isEmpty ? path.value : displayDirectory + "/" + path.value)
        if includeStack.contains(absolute) {
            let chain = (includeStack + [absolute]).map { ($0 as NSString).lastPathComponent }.joined(
                separator: " -> ")
            error("include cycle: \(chain)", at: path.location)
            return []
        }
        guard includeStack.count < loader.maxIncludeDepth else {
            error("includes nest deeper than \(loader.maxIncludeDepth) files", at: path.location)
            return []
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory),
            !isDirectory.boolValue
        else {
            error("included file '\(path.value)' not found", at: path.location)
            return []
        }
        let root: SourceNode?
        do {
            root = try loader.reader.read(path: absolute, displayPath: display)
        } catch {
            diagnostics.append(error)
            return []
        }
        guard let rawRoot = root else {
            error("included file '\(path.value)' is empty; it should hold a list of steps", at: path.location)
            return []
        }
        let interpolation = EnvironmentInterpolation(environment: loader.environment)
        var node = interpolation.interpolate(rawRoot, into: &diagnostics, failed: &interpolationFailures)
        if node.pairs != nil {
            // A mapping form: `steps:` and nothing else (other keys are reported by `keyed`).
            guard let fields = keyed(node, allowed: ["steps"], what: "an included file") else { return [] }
            guard let steps = fields["steps"] else {
                // Keys other than `steps` were reported as unknown; an empty mapping is not.
                if fields.isEmpty && node.pairs?.isEmpty == true {
                    error(
                        "an included file holds a list of steps, or a mapping with 'steps'", at: node.location
                    )
                }
                return []
            }
            node = steps.value
        }
        includeStack.append(absolute)
        defer { includeStack.removeLast() }
        return stepList(node, key: "steps", file: absolute, inheritedActor: inheritedActor)
    }

    /// Removes `.` and `a/..` segments from a relative or absolute path, keeping leading `..`.
    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
                continue
            }
            parts.append(part)
        }
        return (path.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
    }
}

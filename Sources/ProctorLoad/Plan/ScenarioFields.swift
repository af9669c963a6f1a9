import Foundation
import ProctorVendors

/// The few scenario-file fields load mode reads: `vendor`, `target`, `secret`, `seed`, and the
/// events of the `send:` steps (and of `lifecycle:` lists) in file order. Other keys (actors,
/// expectations, probes, faults, `with:` overrides) do not apply to load mode and are skipped.
///
/// This is a line reader for the common block-style layout, not a YAML parser; the scenario
/// loader replaces it where it is available (see ``LoadPlan``: any loader that yields a vendor
/// and the ordered event names can build a plan).
public struct ScenarioFields: Sendable, Equatable {
    public var vendor: String?
    public var target: String?
    public var secret: String?
    public var seed: UInt64?
    public var events: [String] = []

    public init() {}

    /// Reads `path`, interpolating `${NAME}` and `${NAME:-default}` from `environment`.
    public static func read(path: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(LoadError) -> ScenarioFields
    {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw LoadError("cannot read \(path): \(error.localizedDescription)")
        }
        return try parse(text, file: path, environment: environment)
    }

    public static func parse(_ text: String, file: String = "scenario", environment: [String: String] = [:])
        throws(LoadError) -> ScenarioFields
    {
        var fields = ScenarioFields()
        var lifecycleStages: [(index: Int, stages: [String])] = []
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = stripComment(String(raw))
            let indent = line.prefix { $0 == " " }.count
            var content = line.dropFirst(indent)
            let listItem = content.hasPrefix("- ")
            if listItem { content = content.dropFirst(2).drop { $0 == " " } }
            guard let colon = content.firstIndex(of: ":") else { continue }
            let key = content[..<colon].trimmingCharacters(in: .whitespaces)
            let value = unquote(content[content.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            let interpolated = try interpolate(value, environment: environment, at: "\(file):\(n + 1)")
            switch (listItem ? 1 : indent, key) {
            case (0, "vendor"): fields.vendor = interpolated
            case (0, "target"): fields.target = interpolated.isEmpty ? nil : interpolated
            case (0, "secret"): fields.secret = interpolated.isEmpty ? nil : interpolated
            case (0, "seed"):
                guard let seed = UInt64(interpolated) else {
                    throw LoadError("\(file):\(n + 1): error: seed must be a non-negative integer")
                }
                fields.seed = seed
            case (let level, "send") where level > 0:
                fields.events.append(interpolated)
            case (_, "lifecycle"):
                guard interpolated.hasPrefix("["), interpolated.hasSuffix("]") else {
                    throw LoadError("\(file):\(n + 1): error: lifecycle must be a list such as [invited, completed]")
                }
                let stages = interpolated.dropFirst().dropLast().split(separator: ",")
                    .map { unquote($0.trimmingCharacters(in: .whitespaces)) }
                lifecycleStages.append((fields.events.count, stages))
            default: continue
            }
        }
        // Lifecycle stages become events once the vendor is known.
        for entry in lifecycleStages.reversed() {
            guard let vendor = fields.vendor else { break }
            var events: [String] = []
            for stage in entry.stages {
                guard let event = VendorCatalog.standard.lifecycleEvent(vendor: vendor, stage: stage) else {
                    throw LoadError("\(file): error: unknown \(vendor) lifecycle stage \"\(stage)\"; stages: "
                        + VendorCatalog.standard.lifecycleStages(vendor: vendor).joined(separator: ", "))
                }
                events.append(event)
            }
            fields.events.insert(contentsOf: events, at: entry.index)
        }
        return fields
    }

    private static func stripComment(_ line: String) -> String {
        var quote: Character?
        var previous: Character = " "
        var out = ""
        for ch in line {
            if let q = quote {
                if ch == q { quote = nil }
            } else if ch == "\"" || ch == "'" {
                quote = ch
            } else if ch == "#" && (previous == " " || previous == "\t") {
                break
            }
            out.append(ch)
            previous = ch
        }
        while out.last == " " || out.last == "\t" || out.last == "\r" { out.removeLast() }
        return out
    }

    private static func unquote(_ s: String) -> String {
        if s.count >= 2, let f = s.first, let l = s.last, f == l, f == "\"" || f == "'" {
            return String(s.dropFirst().dropLast())
        }
        return s
    }

    /// `${NAME}` and `${NAME:-default}`.
    static func interpolate(_ s: String, environment: [String: String], at location: String) throws(LoadError) -> String {
        var out = ""
        var rest = Substring(s)
        while let open = rest.range(of: "${") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                throw LoadError("\(location): error: unterminated ${ in \"\(s)\"")
            }
            let expression = rest[open.upperBound..<close]
            if let dash = expression.range(of: ":-") {
                let name = String(expression[..<dash.lowerBound])
                let value = environment[name] ?? ""
                out += value.isEmpty ? String(expression[dash.upperBound...]) : value
            } else {
                let name = String(expression)
                guard let value = environment[name] else {
                    throw LoadError("\(location): error: environment variable \(name) is not set")
                }
                out += value
            }
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }
}

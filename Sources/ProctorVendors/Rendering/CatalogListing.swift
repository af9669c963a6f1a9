import Foundation
import ProctorCore
import ProctorJSON

/// What `proctor events` prints.
public enum CatalogListing {
    public enum Format: String, Sendable, CaseIterable {
        case table
        case json
    }

    /// The catalog (or one vendor of it) as a table or JSON; with `quirks`, the quirks instead.
    public static func render(
        _ catalog: VendorCatalog, vendor: String?, format: Format, quirks: Bool
    ) throws(GenerationError) -> String {
        let profiles =
            try vendor.map { v throws(GenerationError) in [try catalog.requireProfile(v)] }
            ?? catalog.profiles
        if quirks { return renderQuirks(profiles, format: format) }
        switch format {
        case .json:
            let rows: [JSONValue] = profiles.flatMap { p in
                p.events.map { e in
                    var row: JSONObject = [
                        "vendor": .string(p.name), "event": .string(e.name), "wireName": .string(e.wireName),
                        "aliases": .array(e.aliases.map { .string($0) }), "envelope": .string(e.envelope),
                        "signing": .string(p.signing.description), "method": .string(p.method),
                        "example": .string(e.example),
                    ]
                    if let note = e.exampleNote { row["exampleNote"] = .string(note) }
                    if !p.versions.isEmpty { row["versions"] = .array(p.versions.map { .string($0.name) }) }
                    return .object(row)
                }
            }
            return JSONValue.array(rows).serialized(style: .pretty)
        case .table:
            var rows = [["VENDOR", "EVENT", "WIRE NAME", "ENVELOPE", "SIGNING"]]
            for p in profiles {
                for e in p.events {
                    let signing: String
                    switch p.signing {
                    case .standardWebhooks(let style): signing = "standard-webhooks (\(style.rawValue)-*)"
                    case .hmac: signing = "hmac"
                    case .none: signing = "none (configurable)"
                    }
                    rows.append([p.name, e.name, e.wireName, e.envelope, signing])
                }
            }
            var text = table(rows)
            for p in profiles where !p.versions.isEmpty {
                text += "\n\(p.name) payload versions (`version:` in a scenario, --vendor-version):\n"
                var versionRows: [[String]] = []
                for (index, v) in p.versions.enumerated() {
                    versionRows.append(["  " + v.name, index == 0 ? "(default)" : "", v.summary])
                }
                text += table(versionRows)
            }
            return text
        }
    }

    static func renderQuirks(_ profiles: [VendorProfile], format: Format) -> String {
        switch format {
        case .json:
            let rows: [JSONValue] = profiles.flatMap { p in
                p.quirks.map { q in
                    .object([
                        "vendor": .string(p.name), "quirk": .string(q.name), "always": .bool(q.always),
                        "summary": .string(q.summary), "events": .array(q.events.map { .string($0) }),
                        "defaultOn": .array(q.defaultOn.map { .string($0) }),
                    ])
                }
            }
            return JSONValue.array(rows).serialized(style: .pretty)
        case .table:
            var rows = [["VENDOR", "QUIRK", "WHEN", "WHAT"]]
            for p in profiles {
                for q in p.quirks {
                    let when =
                        q.always
                        ? "always"
                        : (q.defaultOn.isEmpty
                            ? "selectable" : "default on " + q.defaultOn.joined(separator: ", "))
                    rows.append([p.name, q.name, when, q.summary])
                }
            }
            return table(rows)
        }
    }

    /// Left-aligned columns separated by two spaces; the last column is not padded.
    static func table(_ rows: [[String]]) -> String {
        guard let columns = rows.first?.count else { return "" }
        var widths = [Int](repeating: 0, count: columns)
        for row in rows {
            for (i, cell) in row.enumerated() where i < columns - 1 { widths[i] = max(widths[i], cell.count) }
        }
        return rows.map { row in
            row.enumerated().map { i, cell in
                i == columns - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}

/// What `proctor emit` prints.
public enum EmitRendering {
    public enum Format: String, Sendable, CaseIterable {
        case json
        case http
        case curl
    }

    /// The body (pretty JSON), the full HTTP request, or a curl command. Signatures and secrets
    /// are masked unless `showSecrets`.
    public static func render(
        _ request: SignedRequest, event: GeneratedEvent, format: Format, target: TargetURL, showSecrets: Bool
    ) -> String {
        let headers = request.displayHeaders(showSecrets: showSecrets)
        let bodyText = String(decoding: request.body, as: UTF8.self)
        switch format {
        case .json:
            return event.body.serialized(style: .pretty) + "\n"
        case .http:
            var lines = ["\(request.method) \(target.pathAndQuery) HTTP/1.1", "Host: \(target.hostHeader)"]
            lines += headers.map { "\($0.name): \($0.value)" }
            lines.append("Content-Length: \(request.body.count)")
            // The body exactly as signed: no newline after it, so the output can be replayed or
            // checked with `proctor verify` as it is.
            return lines.joined(separator: "\r\n") + "\r\n\r\n" + bodyText
        case .curl:
            var parts = ["curl -X \(request.method) \(shellQuote(target.description))"]
            parts += headers.map { "  -H \(shellQuote("\($0.name): \($0.value)"))" }
            parts.append("  --data-binary \(shellQuote(bodyText))")
            return parts.joined(separator: " \\\n") + "\n"
        }
    }

    static func shellQuote(_ s: String) -> String {
        "'" + s.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }
}

extension VendorCatalog {
    /// Parses `--set PATH=VALUE` arguments.
    public static func overrides(_ assignments: [String]) throws(GenerationError) -> [Override] {
        var out: [Override] = []
        for a in assignments { out.append(try Override(assignment: a)) }
        return out
    }
}

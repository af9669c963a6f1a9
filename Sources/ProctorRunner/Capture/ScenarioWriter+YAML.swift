import ProctorCore
import ProctorJSON
import ProctorReceiver
import ProctorScenario
import ProctorSigning
import ProctorVendors

/// The written scenario's text: values in YAML flow style that the scenario loader reads back as
/// the same JSON.
extension ScenarioWriter {
    func render(
        name: String, vendor: String, version: String?, capture: Capture, records: [CaptureRecord],
        planned: [PlannedStep], skipped: [(sequence: Int, reason: String)], actors: [String],
        profile: VendorProfile, hmac: HMACSigning?, seed: UInt64
    ) -> String {
        var lines: [String] = [
            "# yaml-language-server: $schema=../Schemas/scenario.schema.json",
            "# Written by proctor capture to-scenario from \(Self.comment(capture.directory)):",
            "# \(records.count) \(vendor) request\(records.count == 1 ? "" : "s"), \(planned.count) step\(planned.count == 1 ? "" : "s"). The secret is not in the capture:",
            "# it comes from --secret, PROCTOR_SECRET or the example secret, as for any scenario.",
            "scenario: \(Self.quoted(name))",
            "vendor: \(vendor)",
        ]
        if let version { lines.append("version: \(version)") }
        lines.append("target: ${PROCTOR_TARGET:-}")
        lines.append("seed: \(seed)")
        if let method = Self.method(of: planned, profile: profile) { lines.append("method: \(method)") }
        if let signing = hmac {
            lines.append("# The requests carried this HMAC header; its algorithm and encoding are a guess.")
            lines.append(
                "signing: { header: \(Self.quoted(signing.header)), algorithm: \(signing.algorithm.rawValue), encoding: \(signing.encoding.rawValue), prefix: \(Self.quoted(signing.prefix)) }"
            )
        }
        lines.append("actors:")
        for actor in actors {
            if let candidate = planned.first(where: { $0.actor == actor })?.record.event.candidateId {
                lines.append("  \(actor): {}   # \(Self.comment(candidate))")
            } else {
                lines.append("  \(actor): {}   # requests about no candidate")
            }
        }
        lines.append("steps:")
        var skips = skipped[...]
        for step in planned {
            while let skip = skips.first, skip.sequence < step.record.sequence {
                lines.append("  # r\(skip.sequence) left out: \(Self.comment(skip.reason))")
                skips = skips.dropFirst()
            }
            for comment in step.comments { lines.append("  # \(Self.comment(comment))") }
            lines.append("  - send: \(step.event)")
            lines.append("    id: r\(step.record.sequence)")
            lines.append("    as: \(step.actor)")
            if let after = step.after { lines.append("    after: \(after)ms") }
            if let fault = step.fault { lines.append("    fault: \(fault.rawValue)") }
            if let overrides = step.overrides {
                if !overrides.isEmpty {
                    lines.append("    with:")
                    for entry in overrides {
                        lines.append("      \(Self.pathKey(entry.path.text)): \(Self.flow(entry.value))")
                    }
                }
            } else {
                lines.append("    body: \(Self.quoted(step.fixture ?? ""))")
            }
            let statuses = step.statuses.reduce(into: [Int]()) { if !$0.contains($1) { $0.append($1) } }
            if statuses.contains(0) {
                lines.append("    expect: {}")
            } else if statuses.count == 1, let status = statuses.first {
                lines.append("    expect: { status: \(status) }")
            } else {
                lines.append("    expect: { status: [\(statuses.map(String.init).joined(separator: ", "))] }")
            }
        }
        for skip in skips { lines.append("  # r\(skip.sequence) left out: \(Self.comment(skip.reason))") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The `method:` when the requests used one other than the vendor's (and one a scenario may
    /// give).
    static func method(of planned: [PlannedStep], profile: VendorProfile) -> String? {
        guard let method = planned.first?.record.method.uppercased(), method != profile.method.uppercased(),
            RequestMethod(rawValue: method) != nil
        else { return nil }
        return method
    }

    /// A `signing:` HMAC header for a vendor without a scheme of its own, when the requests carried
    /// one: the header's name, its `sha256=`-style prefix, and from kept values the encoding and
    /// algorithm (by length); masked values leave hex SHA-256.
    static func signing(of records: [CaptureRecord], profile: VendorProfile, kept: Bool) -> HMACSigning? {
        guard profile.signing == .none else { return nil }
        let found = records.lazy.compactMap { record in
            record.headers.first {
                WebhookVerifier.looksLikeSignatureHeader($0.name) && !$0.name.lowercased().hasPrefix("svix-")
                    && !$0.name.lowercased().hasPrefix("webhook-")
            }
        }.first
        guard let header = found else { return nil }
        var signing = HMACSigning(header: header.name)
        let value = header.value
        if let equals = value.firstIndex(of: "=") {
            let prefix = String(value[...equals])
            if prefix.dropLast().allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) {
                signing.prefix = prefix
            }
        }
        let digest = value.dropFirst(signing.prefix.count)
        if kept {
            let isHex = digest.allSatisfy(\.isHexDigit)
            signing.encoding = isHex ? .hex : .base64
            let bytes = isHex ? digest.count / 2 : digest.count * 3 / 4
            if bytes <= 20 { signing.algorithm = .sha1 } else if bytes > 40 { signing.algorithm = .sha512 }
        }
        return signing
    }

    /// A YAML flow value that reads back as `value`: strings double-quoted (with `$` doubled,
    /// since values are read for `${VAR}`), numbers as their JSON literal, objects and lists in
    /// braces and brackets.
    static func flow(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number): return number.description
        case .string(let text): return quoted(text, doublingDollars: true)
        case .array(let elements): return "[" + elements.map(flow).joined(separator: ", ") + "]"
        case .object(let object):
            return "{" + object.map { "\(quoted($0.key)): \(flow($0.value))" }.joined(separator: ", ") + "}"
        }
    }

    /// A `with:` path as a block mapping key: plain when it is letters, digits, `_`, `-`, dots and
    /// `[n]` after a first letter (what YAML reads back as the same text), quoted otherwise.
    static func pathKey(_ path: String) -> String {
        let plain =
            path.first.map { $0.isASCII && $0.isLetter } == true
            && path.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_-.[]".contains($0)) }
            && !["true", "false", "null", "yes", "no", "on", "off", "y", "n"].contains(path.lowercased())
        return plain ? path : quoted(path)
    }

    /// A double-quoted YAML scalar.
    static func quoted(_ text: String, doublingDollars: Bool = false) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "$" where doublingDollars: out += "$$"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
                    || scalar.value == 0xFEFF || scalar.value == 0x2028 || scalar.value == 0x2029
                {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// Text for a one-line comment: control characters and line breaks as spaces.
    static func comment(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
    }
}

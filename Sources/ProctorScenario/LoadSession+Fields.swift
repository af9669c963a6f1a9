import ProctorCore
import ProctorJSON

/// Reading mappings with known keys and typed scalars, reporting what does not fit.
extension LoadSession {
    /// The mapping's pairs by key, reporting keys not in `allowed` (with suggestions). Nil when
    /// the node is not a mapping (nothing reported: callers say what was expected).
    mutating func keyed(_ node: SourceNode, allowed: [String], what: String) -> [String: SourceNode.Pair]? {
        guard let pairs = node.pairs else { return nil }
        var result: [String: SourceNode.Pair] = [:]
        for pair in pairs {
            guard let key = pair.key.scalarText else {
                error("keys in \(what) are names; found \(pair.key.kindDescription)", at: pair.key.location)
                continue
            }
            guard allowed.contains(key) else {
                error(
                    "unknown key '\(key)' in \(what)\(Suggestions.didYouMean(key, in: allowed))",
                    at: pair.key.location)
                continue
            }
            result[key] = pair
        }
        return result
    }

    mutating func string(_ node: SourceNode, key: String) -> Located<String>? {
        guard case .string(let s) = node.jsonValue else {
            error("'\(key)' must be a string; found \(node.kindDescription)", at: node.location)
            return nil
        }
        return Located(s, at: node.location)
    }

    /// A string, or nothing for null / an empty string (e.g. `${VAR:-}`).
    mutating func optionalString(_ node: SourceNode, key: String) -> Located<String>? {
        switch node.jsonValue {
        case .null: return nil
        case .string(let s): return s.isEmpty ? nil : Located(s, at: node.location)
        default:
            error("'\(key)' must be a string; found \(node.kindDescription)", at: node.location)
            return nil
        }
    }

    /// A `version:` must be one of the vendor's payload versions.
    mutating func checkVersion(_ node: Located<String>, vendor: String) {
        let versions = vocabulary.versionNames(vendor: vendor)
        // A vocabulary that knows nothing of the vendor's events knows nothing of its versions.
        if versions.contains(node.value) || !vendorKnown {
            version = node.value
        } else if versions.isEmpty {
            error("\(vendor) has one payload version; remove 'version'", at: node.location)
        } else {
            let hint = Suggestions.didYouMean(node.value, in: versions)
            error(
                "unknown \(vendor) version '\(node.value)'"
                    + (hint.isEmpty ? "; versions are \(versions.joined(separator: ", "))" : hint),
                at: node.location)
        }
    }

    /// A `mirror:` must be the vendor's migration partner.
    mutating func checkMirror(_ node: Located<String>, vendor: String) {
        guard vendorKnown else { return }
        let partner = vocabulary.mirrorVendor(vendor: vendor)
        if node.value == partner { return }
        if let partner {
            error(
                "'mirror' of \(vendor) can only be \(partner), which received \(vendor)'s events during its migration; found '\(node.value)'",
                at: node.location)
        } else {
            error(
                "\(vendor) has no migration partner to mirror its events to; remove 'mirror'",
                at: node.location)
        }
    }

    /// A `target:` must be an http(s) URL as ``TargetURL`` reads it.
    mutating func checkTarget(_ target: Located<String>) {
        do throws(TargetURLError) {
            _ = try TargetURL(parsing: target.value)
        } catch {
            if error.problem.isScheme {
                self.error(
                    "'target' must be an http:// or https:// URL; found '\(target.value)'",
                    at: target.location)
            } else {
                self.error("'target' '\(target.value)' \(error.problem.reason)", at: target.location)
            }
        }
    }

    mutating func seedValue(_ node: SourceNode) -> Located<UInt64>? {
        guard case .number(let n) = node.jsonValue, n.isIntegerLiteral, let v = n.int64Value, v >= 0 else {
            error(
                "'seed' must be a whole number from 0 to \(Int64.max); found \(describe(node))",
                at: node.location)
            return nil
        }
        return Located(UInt64(v), at: node.location)
    }

    mutating func positiveInt(_ node: SourceNode, key: String) -> Located<Int>? {
        guard case .number(let n) = node.jsonValue, n.isIntegerLiteral, let v = n.intValue, v >= 1 else {
            error("'\(key)' must be a whole number of at least 1; found \(describe(node))", at: node.location)
            return nil
        }
        return Located(v, at: node.location)
    }

    /// A duration of more than zero: every duration a scenario gives is a wait, a timeout or a
    /// time limit, and none of them means anything at zero (leave `after:` out for no wait).
    mutating func duration(_ node: SourceNode, key: String) -> Located<Duration>? {
        var parsed: Duration?
        if case .string(let text) = node.jsonValue {
            let trimmed = text.trimmingCharacters(in: " ")
            parsed =
                trimmed.hasPrefix("-")
                ? DurationText.parse(String(trimmed.dropFirst())).map { .zero - $0 }
                : DurationText.parse(text)
        }
        guard let parsed else {
            error(
                "'\(key)' must be a duration, \(DurationText.acceptedForms); found \(describe(node))",
                at: node.location)
            return nil
        }
        guard parsed > .zero else {
            error("'\(key)' must be more than 0s; found \(describe(node))", at: node.location)
            return nil
        }
        return Located(parsed, at: node.location)
    }

    mutating func enumValue<E: RawRepresentable & CaseIterable & Sendable & Hashable>(
        _ node: SourceNode, key: String, _ type: E.Type
    ) -> Located<E>? where E.RawValue == String {
        let names = E.allCases.map(\.rawValue)
        guard case .string(let text) = node.jsonValue, let value = E(rawValue: text) else {
            let hint = node.jsonValue.stringValue.map { Suggestions.didYouMean($0, in: names) } ?? ""
            error(
                "'\(key)' must be one of \(names.joined(separator: ", ")); found \(describe(node))\(hint)",
                at: node.location)
            return nil
        }
        return Located(value, at: node.location)
    }

    /// `'abc'` for a scalar, "a list"/"a mapping" otherwise.
    func describe(_ node: SourceNode) -> String {
        switch node.jsonValue {
        case .string(let s): return "'\(s)'"
        case .number(let n): return n.description
        case .bool(let b): return b ? "true" : "false"
        case .null: return "nothing"
        default: return node.kindDescription
        }
    }
}

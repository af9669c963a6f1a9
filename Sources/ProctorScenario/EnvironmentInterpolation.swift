import ProctorCore

/// `${VAR}` and `${VAR:-default}` substitution in scalar values, from an environment passed in.
///
/// `$$` is a literal `$`; a `$` not followed by `{` or `$` is kept. A variable that is not set
/// and has no default is an error naming it; `${VAR:-}` defaults to the empty string.
public struct EnvironmentInterpolation: Sendable {
    public var environment: [String: String]

    public init(environment: [String: String]) { self.environment = environment }

    /// Substitutes in `text`; `location` is where the text starts, used to place errors: at the
    /// column of the `$` when `text` is written as is from there (after `columnOffset` more
    /// columns), otherwise at `location`.
    public func interpolate(
        _ text: String, at location: SourceLocation, columnOffset: Int = 0, verbatim: Bool = true
    ) throws(Diagnostic) -> String {
        guard text.utf8.contains(UInt8(ascii: "$")) else { return text }
        let scalars = Array(text.unicodeScalars)
        var output = String.UnicodeScalarView()
        var i = 0
        func place(_ index: Int) -> SourceLocation {
            // Columns are exact while the text stays on its first line as written.
            let before = scalars[..<index]
            guard verbatim, !before.contains("\n") else { return location }
            return SourceLocation(
                file: location.file, line: location.line, column: location.column + columnOffset + index)
        }
        while i < scalars.count {
            let c = scalars[i]
            guard c == "$", i + 1 < scalars.count else {
                output.append(c)
                i += 1
                continue
            }
            let next = scalars[i + 1]
            if next == "$" {
                output.append("$")
                i += 2
                continue
            }
            guard next == "{" else {
                output.append(c)
                i += 1
                continue
            }
            guard let close = scalars[(i + 2)...].firstIndex(of: "}") else {
                throw .error(
                    "unterminated '${' (close it with '}', or write '$$' for a dollar sign)", at: place(i))
            }
            let body = String(String.UnicodeScalarView(scalars[(i + 2)..<close]))
            let name: String
            let fallback: String?
            if let range = body.range(of: ":-") {
                name = String(body[..<range.lowerBound])
                fallback = String(body[range.upperBound...])
            } else {
                name = body
                fallback = nil
            }
            guard Self.isVariableName(name) else {
                throw .error(
                    "'${\(body)}' is not a variable reference; names are letters, digits and '_'",
                    at: place(i))
            }
            if let value = environment[name], !(value.isEmpty && fallback != nil) {
                output.append(contentsOf: value.unicodeScalars)
            } else if let fallback {
                output.append(contentsOf: fallback.unicodeScalars)
            } else {
                throw .error(
                    "environment variable '\(name)' is not set (give a default with '${\(name):-value}')",
                    at: place(i))
            }
            i = close + 1
        }
        return String(output)
    }

    static func isVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first,
            first == "_" || (first.isASCII && first.properties.isAlphabetic)
        else { return false }
        return name.unicodeScalars.allSatisfy {
            $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)))
        }
    }

    /// Substitutes in every scalar value of a tree (mapping keys are left as written).
    /// Errors are collected; a scalar with an error keeps its text and its location is added to
    /// `failed`, so later checks do not report the same value again.
    public func interpolate(
        _ node: SourceNode, into diagnostics: inout Diagnostics, failed: inout Set<SourceLocation>
    )
        -> SourceNode
    {
        switch node.kind {
        case .scalar(let text, let style):
            guard text.utf8.contains(UInt8(ascii: "$")) else { return node }
            do {
                let offset = style == .quoted ? 1 : 0
                let result = try interpolate(
                    text, at: node.location, columnOffset: offset, verbatim: node.isVerbatim)
                var copy = node
                copy.kind = .scalar(result, style)
                return copy
            } catch {
                diagnostics.append(error)
                failed.insert(node.location)
                return node
            }
        case .sequence(let elements):
            var copy = node
            copy.kind = .sequence(elements.map { interpolate($0, into: &diagnostics, failed: &failed) })
            return copy
        case .mapping(let pairs):
            var copy = node
            copy.kind = .mapping(
                pairs.map {
                    SourceNode.Pair(
                        key: $0.key, value: interpolate($0.value, into: &diagnostics, failed: &failed))
                })
            return copy
        }
    }
}

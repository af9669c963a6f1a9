/// A position in a source file: 1-based line and column (columns count Unicode scalars).
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
    }
}

/// One problem a person reads, rendered `path:line:col: error: message`.
public struct Diagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Comparable {
        case note, warning, error

        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            let order: [Severity] = [.note, .warning, .error]
            return (order.firstIndex(of: lhs) ?? 0) < (order.firstIndex(of: rhs) ?? 0)
        }
    }

    public var severity: Severity
    public var message: String
    /// Where the problem is; nil for problems with no file (a bad flag, say).
    public var location: SourceLocation?

    public init(_ severity: Severity = .error, _ message: String, at location: SourceLocation? = nil) {
        self.severity = severity
        self.message = message
        self.location = location
    }

    public static func error(_ message: String, at location: SourceLocation? = nil) -> Diagnostic {
        Diagnostic(.error, message, at: location)
    }

    public static func warning(_ message: String, at location: SourceLocation? = nil) -> Diagnostic {
        Diagnostic(.warning, message, at: location)
    }

    /// One line, whatever the message quotes from the file: control characters and line breaks
    /// are escaped (`\n`, `\u{1B}`), so a quoted value cannot forge another diagnostic or send
    /// terminal escapes, and a message is cut at ``maxMessageLength`` characters.
    public var description: String {
        let text = Self.displayable(message)
        if let location { return "\(Self.displayable(location.description)): \(severity.rawValue): \(text)" }
        return "\(severity.rawValue): \(text)"
    }

    /// The longest message shown; the rest is replaced by a count.
    public static let maxMessageLength = 1_000

    /// `text` on one line: control characters escaped, cut at ``maxMessageLength``.
    public static func displayable(_ text: String) -> String {
        var out = ""
        var count = 0
        var scalars = text.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            if count == maxMessageLength {
                var rest = 1
                while scalars.next() != nil { rest += 1 }
                out += "… (\(rest) more characters)"
                break
            }
            count += 1
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _
            where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
                || scalar.value == 0x2028 || scalar.value == 0x2029:
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// Collects recoverable problems; only fatal ones are thrown.
public struct Diagnostics: Sendable, Error, CustomStringConvertible {
    public private(set) var items: [Diagnostic] = []

    public init(_ items: [Diagnostic] = []) { self.items = items }

    public mutating func append(_ diagnostic: Diagnostic) { items.append(diagnostic) }
    public mutating func append(contentsOf other: Diagnostics) { items.append(contentsOf: other.items) }

    public mutating func error(_ message: String, at location: SourceLocation? = nil) {
        items.append(.error(message, at: location))
    }

    public mutating func warning(_ message: String, at location: SourceLocation? = nil) {
        items.append(.warning(message, at: location))
    }

    public var hasErrors: Bool { items.contains { $0.severity == .error } }
    public var isEmpty: Bool { items.isEmpty }

    /// Sorted by file, line and column; unlocated ones first, in the order they came.
    public var sorted: [Diagnostic] {
        items.enumerated().sorted { a, b in
            switch (a.element.location, b.element.location) {
            case (nil, nil): return a.offset < b.offset
            case (nil, _): return true
            case (_, nil): return false
            case (let l?, let r?): return l == r ? a.offset < b.offset : l < r
            }
        }.map(\.element)
    }

    public var description: String { sorted.map(\.description).joined(separator: "\n") }
}

/// Suggestions for misspelt names: the candidates within a small edit distance, closest first.
public enum Suggestions {
    /// Damerau-Levenshtein (optimal string alignment) distance, case-insensitive.
    public static func distance(_ a: String, _ b: String) -> Int {
        let s = Array(a.lowercased().unicodeScalars)
        let t = Array(b.lowercased().unicodeScalars)
        if s.isEmpty { return t.count }
        if t.isEmpty { return s.count }
        var previousPrevious = [Int](repeating: 0, count: t.count + 1)
        var previous = Array(0...t.count)
        var current = [Int](repeating: 0, count: t.count + 1)
        for i in 1...s.count {
            current[0] = i
            for j in 1...t.count {
                let cost = s[i - 1] == t[j - 1] ? 0 : 1
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, s[i - 1] == t[j - 2], s[i - 2] == t[j - 1] {
                    current[j] = Swift.min(current[j], previousPrevious[j - 2] + 1)
                }
            }
            (previousPrevious, previous, current) = (previous, current, previousPrevious)
        }
        return previous[t.count]
    }

    /// The longest name suggestions are looked for.
    public static let maxNameLength = 100

    /// Candidates close to `name`, closest first (at most `limit`).
    public static func closest(to name: String, in candidates: some Sequence<String>, limit: Int = 3)
        -> [String]
    {
        // Names this long are not typos; comparing them would cost length squared per candidate.
        let length = name.unicodeScalars.count
        guard length <= maxNameLength else { return [] }
        let threshold = Swift.max(2, name.count / 3)
        var scored: [(name: String, distance: Int)] = []
        for candidate in candidates where candidate != name {
            // The distance is at least the difference in length.
            guard abs(candidate.unicodeScalars.count - length) <= threshold else { continue }
            let d = distance(name, candidate)
            if d <= threshold { scored.append((candidate, d)) }
        }
        scored.sort { a, b in a.distance == b.distance ? a.name < b.name : a.distance < b.distance }
        return scored.prefix(limit).map { $0.name }
    }

    /// "; did you mean 'x'?" or "; did you mean 'x', 'y' or 'z'?", or "" when nothing is close.
    public static func didYouMean(_ name: String, in candidates: some Sequence<String>) -> String {
        didYouMean(close: closest(to: name, in: candidates))
    }

    /// The same phrase for suggestions found otherwise (closest first), or "" when there are none.
    public static func didYouMean(close: [String]) -> String {
        guard let last = close.last else { return "" }
        if close.count == 1 { return "; did you mean '\(last)'?" }
        let head = close.dropLast().map { "'\($0)'" }.joined(separator: ", ")
        return "; did you mean \(head) or '\(last)'?"
    }
}

/// An error a person can act on, with one message: every command prints it as
/// `error: message` on stderr and exits 2 (bad input).
public protocol UserFacingError: Error, Sendable, CustomStringConvertible {
    var message: String { get }
}

import Foundation
import ProctorCore
import Yams

/// Reads one YAML document into a ``SourceNode`` tree with every input bounded: file size,
/// nesting depth and alias expansion. Every failure is a located ``Diagnostic``, never a crash.
public struct YAMLReader: Sendable {
    /// Largest file read, in bytes (checked before reading).
    public var maxFileSize: Int
    /// Deepest nesting of collections accepted.
    public var maxDepth: Int
    /// Most nodes a document may expand to (aliases count every time they are used).
    public var maxNodes: Int

    public init(maxFileSize: Int = 8 << 20, maxDepth: Int = 256, maxNodes: Int = 400_000) {
        self.maxFileSize = maxFileSize
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
    }

    /// Reads the file at `path`; locations name the file `displayPath`.
    ///
    /// Returns nil for an empty document (only comments or blank lines).
    public func read(path: String, displayPath: String) throws(Diagnostic) -> SourceNode? {
        let start = SourceLocation(file: displayPath, line: 1, column: 1)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .error("no such file", at: start)
        }
        guard !isDirectory.boolValue else { throw .error("is a directory, not a scenario file", at: start) }
        // Only regular files: a FIFO or a device could block or never end.
        var status = stat()
        guard stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
            throw .error("not a regular file", at: start)
        }
        let size = Int(status.st_size)
        guard size <= maxFileSize else {
            throw .error("file is too large (\(size) bytes; the limit is \(maxFileSize) bytes)", at: start)
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .error("cannot read the file", at: start)
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: maxFileSize + 1) ?? Data()
        } catch {
            throw .error("cannot read the file", at: start)
        }
        guard data.count <= maxFileSize else {
            throw .error("file is too large (more than \(maxFileSize) bytes)", at: start)
        }
        return try read(bytes: [UInt8](data), displayPath: displayPath)
    }

    /// Reads YAML from bytes; locations name the file `displayPath`.
    public func read(bytes: [UInt8], displayPath: String) throws(Diagnostic) -> SourceNode? {
        var bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if let offset = Self.firstInvalidUTF8(bytes) {
            let (line, column) = Self.position(ofByte: offset, in: bytes)
            throw .error(
                "file is not valid UTF-8 (byte 0x\(String(bytes[offset], radix: 16, uppercase: true)) at offset \(offset))",
                at: SourceLocation(file: displayPath, line: line, column: column))
        }
        if let offset = bytes.firstIndex(of: 0) {
            let (line, column) = Self.position(ofByte: offset, in: bytes)
            throw .error(
                "file holds a NUL byte; a scenario is text",
                at: SourceLocation(file: displayPath, line: line, column: column))
        }
        let text = String(decoding: bytes, as: UTF8.self)
        if let (line, column) = NestingScanner.firstLine(deeperThan: maxDepth, in: bytes) {
            throw .error(
                "nesting is deeper than \(maxDepth) levels",
                at: SourceLocation(file: displayPath, line: line, column: column))
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text, .basic, .default, .utf8)
        } catch let error as YamlError {
            throw Self.diagnostic(for: error, text: text, bytes: bytes, displayPath: displayPath)
        } catch {
            throw .error("invalid YAML: \(error)", at: SourceLocation(file: displayPath, line: 1, column: 1))
        }
        guard let node else { return nil }
        var converter = Converter(
            file: displayPath, maxDepth: maxDepth, budget: maxNodes,
            hasAnchors: bytes.contains(UInt8(ascii: "&")), bytes: bytes)
        return try converter.convert(node, depth: 0)
    }

    // MARK: - Conversion from Yams

    struct Converter {
        let file: String
        let maxDepth: Int
        var budget: Int
        let maxNodes: Int
        /// Whether the text may define anchors, which aliases repeat.
        let hasAnchors: Bool
        let bytes: [UInt8]
        /// Offsets where each line starts (index 0: line 1).
        let lineStarts: [Int]

        init(file: String, maxDepth: Int, budget: Int, hasAnchors: Bool, bytes: [UInt8] = []) {
            self.hasAnchors = hasAnchors
            self.file = file
            self.maxDepth = maxDepth
            self.budget = budget
            self.maxNodes = budget
            self.bytes = bytes
            var starts = [0]
            for index in bytes.indices where bytes[index] == UInt8(ascii: "\n") { starts.append(index + 1) }
            lineStarts = starts
        }

        /// Whether `text` is written as is at `mark` (after the opening quote), closed on that
        /// line by the quote when quoted. Columns past 1,024 are not looked at (the answer is no),
        /// so that a long one-line document is not read again for each of its scalars.
        func isVerbatim(_ text: String, style: Node.Scalar.Style, at mark: Mark?) -> Bool {
            guard let mark, mark.line >= 1, mark.line <= lineStarts.count, mark.column <= 1024 else {
                return false
            }
            let quote: UInt8?
            switch style {
            case .plain, .any: quote = nil
            case .singleQuoted: quote = UInt8(ascii: "'")
            case .doubleQuoted: quote = UInt8(ascii: "\"")
            case .literal, .folded: return false
            }
            let lineEnd = mark.line < lineStarts.count ? lineStarts[mark.line] - 1 : bytes.count
            // Columns count Unicode scalars: skip continuation bytes.
            var index = lineStarts[mark.line - 1]
            var column = 1
            while column < mark.column && index < lineEnd {
                index += 1
                while index < lineEnd && bytes[index] & 0xC0 == 0x80 { index += 1 }
                column += 1
            }
            if let quote {
                guard index < lineEnd, bytes[index] == quote else { return false }
                index += 1
            }
            let count = text.utf8.count
            guard index + count <= lineEnd, text.utf8.elementsEqual(bytes[index..<(index + count)]) else {
                return false
            }
            guard let quote else { return true }
            return index + count < lineEnd && bytes[index + count] == quote
        }

        func location(_ mark: Mark?) -> SourceLocation {
            SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
        }

        mutating func convert(_ node: Node, depth: Int) throws(Diagnostic) -> SourceNode {
            budget -= 1
            guard budget >= 0 else {
                throw .error(
                    "document has more than \(maxNodes) nodes"
                        + (hasAnchors
                            ? " once its aliases are expanded (each use repeats what it refers to)" : ""),
                    at: location(node.mark))
            }
            guard depth <= maxDepth else {
                throw .error("nesting is deeper than \(maxDepth) levels", at: location(node.mark))
            }
            switch node {
            case .scalar(let scalar):
                let style: SourceNode.ScalarStyle =
                    scalar.style == .plain || scalar.style == .any ? .plain : .quoted
                return SourceNode(
                    .scalar(scalar.string, style), tag: Self.explicitTag(scalar.tag),
                    at: location(scalar.mark),
                    isVerbatim: isVerbatim(scalar.string, style: scalar.style, at: scalar.mark))
            case .sequence(let sequence):
                var elements: [SourceNode] = []
                elements.reserveCapacity(sequence.count)
                for element in sequence { elements.append(try convert(element, depth: depth + 1)) }
                return SourceNode(.sequence(elements), at: location(sequence.mark))
            case .mapping(let mapping):
                var pairs: [SourceNode.Pair] = []
                pairs.reserveCapacity(mapping.count)
                for (key, value) in mapping {
                    let k = try convert(key, depth: depth + 1)
                    let v = try convert(value, depth: depth + 1)
                    pairs.append(SourceNode.Pair(key: k, value: v))
                }
                return SourceNode(.mapping(pairs), at: location(mapping.mark))
            case .alias(let alias):
                throw .error("undefined alias '\(alias.anchor.rawValue)'", at: location(alias.mark))
            }
        }

        static func explicitTag(_ tag: Tag) -> String? {
            let raw = tag.rawValue
            if raw.isEmpty || raw == "?" || raw == "!" { return nil }
            return raw
        }
    }

    // MARK: - Errors from libyaml

    static func diagnostic(for error: YamlError, text: String, bytes: [UInt8], displayPath: String)
        -> Diagnostic
    {
        // libyaml ends a last line that has no line break itself, so a problem at the end of such
        // a file is placed on the line after it: point at the end of the text instead.
        let end = position(ofByte: bytes.count, in: bytes)
        func at(_ mark: Mark) -> SourceLocation {
            if mark.line > end.line {
                return SourceLocation(file: displayPath, line: end.line, column: end.column)
            }
            return SourceLocation(file: displayPath, line: max(mark.line, 1), column: max(mark.column, 1))
        }
        func describe(_ problem: String, _ context: YamlError.Context?) -> String {
            let described = Self.describe(problem: problem)
            guard let context, described.hasSuffix(problem) else { return described }
            return
                "\(described) (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
        }
        switch error {
        case .scanner(let context, let problem, let mark, _):
            if let tab = tabInIndentation(line: mark.line, bytes: bytes) {
                return .error(
                    "tabs are not allowed in indentation; indent with spaces",
                    at: SourceLocation(file: displayPath, line: mark.line, column: tab))
            }
            return .error(describe(problem, context), at: at(mark))
        case .parser(let context, let problem, let mark, _):
            if let tab = tabInIndentation(line: mark.line, bytes: bytes) {
                return .error(
                    "tabs are not allowed in indentation; indent with spaces",
                    at: SourceLocation(file: displayPath, line: mark.line, column: tab))
            }
            return .error(describe(problem, context), at: at(mark))
        case .composer(_, let problem, let mark, _):
            if problem.contains("another document") {
                return .error("a scenario file holds one YAML document; found a second one", at: at(mark))
            }
            if problem == "found undefined alias", let name = aliasName(at: mark, bytes: bytes) {
                return .error(
                    "invalid YAML: alias '*\(name)' refers to no anchor '&\(name)' before it", at: at(mark))
            }
            return .error("invalid YAML: \(problem)", at: at(mark))
        case .reader(let problem, let offset, _, _):
            var location = SourceLocation(file: displayPath, line: 1, column: 1)
            if let offset {
                let index =
                    text.index(text.startIndex, offsetBy: offset, limitedBy: text.endIndex) ?? text.endIndex
                let utf8Offset = text.utf8.distance(from: text.utf8.startIndex, to: index)
                let (line, column) = position(ofByte: utf8Offset, in: bytes)
                location = SourceLocation(file: displayPath, line: line, column: column)
            }
            return .error("invalid YAML: \(problem)", at: location)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let key = duplicates.first ?? ""
            if let second = secondOccurrence(of: key, after: context.mark, bytes: bytes) {
                return .error(
                    "duplicate key '\(key)' (first at line \(context.mark.line))",
                    at: SourceLocation(file: displayPath, line: second.line, column: second.column))
            }
            return .error("duplicate key '\(key)'", at: at(context.mark))
        default:
            return .error("invalid YAML: \(error)", at: SourceLocation(file: displayPath, line: 1, column: 1))
        }
    }

    /// A problem libyaml reports, in Proctor's words where libyaml's would confuse.
    static func describe(problem: String) -> String {
        // libyaml's own limit (1,000 levels), for nesting the pre-scan does not count; its
        // message names a C function.
        if problem.hasPrefix("Maximum nesting level reached") {
            return "nesting is too deep (more than 1000 levels)"
        }
        if problem == "mapping values are not allowed in this context" {
            return
                "invalid YAML: a key is not allowed here (check the indentation, or quote a value that holds ': ')"
        }
        return "invalid YAML: \(problem)"
    }

    /// The name of the alias (`*name`) that starts at `mark`.
    static func aliasName(at mark: Mark, bytes: [UInt8]) -> String? {
        guard let range = lineRange(mark.line, in: bytes) else { return nil }
        let line = Array(bytes[range])
        let start = utf8Offset(ofColumn: mark.column, in: line)
        guard start < line.count, line[start] == UInt8(ascii: "*") else { return nil }
        let name = line[(start + 1)...].prefix {
            ![UInt8(ascii: " "), UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), UInt8(ascii: "\r")]
                .contains($0)
        }
        return name.isEmpty ? nil : String(decoding: name, as: UTF8.self)
    }

    /// The 1-based column of a tab in the leading whitespace of `line`, if any.
    static func tabInIndentation(line: Int, bytes: [UInt8]) -> Int? {
        guard let range = lineRange(line, in: bytes) else { return nil }
        var column = 1
        for index in range {
            switch bytes[index] {
            case UInt8(ascii: " "): column += 1
            case UInt8(ascii: "\t"): return column
            default: return nil
            }
        }
        return nil
    }

    static func lineRange(_ line: Int, in bytes: [UInt8]) -> Range<Int>? {
        var current = 1
        var start = 0
        var index = 0
        while current < line {
            guard let newline = bytes[index...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
            index = newline + 1
            start = index
            current += 1
        }
        let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
        return start..<end
    }

    /// Finds the second key `key` in the mapping whose first such key is at `first`: the next line
    /// with the same indentation that starts with the key, or the next `key:` on the same line
    /// (flow mappings).
    static func secondOccurrence(of key: String, after first: Mark, bytes: [UInt8]) -> (
        line: Int, column: Int
    )? {
        let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        guard first.line >= 1, first.line <= lines.count else { return nil }
        let keyBytes = Array(key.utf8)
        let firstLine = Array(lines[first.line - 1])
        // Flow mapping on the same line: look after the first key.
        let startByte = utf8Offset(ofColumn: first.column, in: firstLine) + keyBytes.count
        if startByte < firstLine.count {
            var i = startByte
            while i + keyBytes.count <= firstLine.count {
                if Array(firstLine[i..<(i + keyBytes.count)]) == keyBytes, i > 0,
                    [UInt8(ascii: " "), UInt8(ascii: ","), UInt8(ascii: "{"), UInt8(ascii: "\"")].contains(
                        firstLine[i - 1])
                {
                    let rest = firstLine[(i + keyBytes.count)...].drop(while: {
                        $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: " ")
                    })
                    if rest.first == UInt8(ascii: ":") {
                        return (
                            first.line,
                            String(decoding: firstLine[..<i], as: UTF8.self).unicodeScalars.count + 1
                        )
                    }
                }
                i += 1
            }
        }
        let indent = first.column - 1
        var lineNumber = first.line + 1
        while lineNumber <= lines.count {
            let line = Array(lines[lineNumber - 1])
            let leading = line.prefix(while: { $0 == UInt8(ascii: " ") }).count
            let content = line[leading...]
            if content.isEmpty || content.first == UInt8(ascii: "#") {
                lineNumber += 1
                continue
            }
            if leading < indent { return nil }
            if leading == indent {
                var body = Array(content)
                if body.first == UInt8(ascii: "\"") || body.first == UInt8(ascii: "'") { body.removeFirst() }
                if body.starts(with: keyBytes) {
                    let rest = body[keyBytes.count...].drop(while: {
                        $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") || $0 == UInt8(ascii: " ")
                    })
                    if rest.first == UInt8(ascii: ":") { return (lineNumber, indent + 1) }
                }
            }
            lineNumber += 1
        }
        return nil
    }

    static func utf8Offset(ofColumn column: Int, in line: [UInt8]) -> Int {
        let text = String(decoding: line, as: UTF8.self)
        var offset = 0
        for (i, scalar) in text.unicodeScalars.enumerated() {
            if i >= column - 1 { break }
            offset += String(scalar).utf8.count
        }
        return offset
    }

    // MARK: - Bytes

    /// Offset of the first byte that is not part of well-formed UTF-8, or nil.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 {
                i += 1
                continue
            }
            let length: Int
            var minSecond: UInt8 = 0x80
            var maxSecond: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: length = 2
            case 0xE0:
                length = 3
                minSecond = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED:
                length = 3
                maxSecond = 0x9F
            case 0xF0:
                length = 4
                minSecond = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4:
                length = 4
                maxSecond = 0x8F
            default: return i
            }
            guard i + length <= n else { return i }
            guard bytes[i + 1] >= minSecond, bytes[i + 1] <= maxSecond else { return i }
            for k in 2..<length where bytes[i + k] & 0xC0 != 0x80 { return i }
            i += length
        }
        return nil
    }

    /// 1-based line and column (in Unicode scalars of the valid prefix) of a byte offset.
    static func position(ofByte offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
        var line = 1
        var lineStart = 0
        for index in 0..<min(offset, bytes.count) where bytes[index] == UInt8(ascii: "\n") {
            line += 1
            lineStart = index + 1
        }
        // Count scalar starts (bytes that are not continuation bytes) between line start and offset.
        var column = 1
        for index in lineStart..<min(offset, bytes.count) where bytes[index] & 0xC0 != 0x80 { column += 1 }
        return (line, column)
    }
}

/// A cheap upper bound of the nesting depth of a YAML text, line by line, so deep documents are
/// rejected before a recursive parser sees them.
///
/// Block nesting counts the open indentation levels and the `- ` indicators that start a line;
/// flow nesting counts open brackets outside quotes and comments. Block scalar bodies are skipped.
enum NestingScanner {
    static func firstLine(deeperThan limit: Int, in bytes: [UInt8]) -> (line: Int, column: Int)? {
        var indents: [Int] = []
        var flowDepth = 0
        var lineNumber = 0
        var blockScalarIndent: Int?
        var start = 0
        let n = bytes.count
        while start <= n {
            lineNumber += 1
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? n
            var i = start
            while i < end, bytes[i] == UInt8(ascii: " ") { i += 1 }
            let indent = i - start
            let blank = i == end || bytes[i] == UInt8(ascii: "#") || bytes[i] == UInt8(ascii: "\r")
            if let scalarIndent = blockScalarIndent {
                if blank || indent > scalarIndent {
                    start = end + 1
                    continue
                }
                blockScalarIndent = nil
            }
            if blank {
                start = end + 1
                continue
            }
            var depth = flowDepth
            if flowDepth == 0 {
                while let last = indents.last, last >= indent { indents.removeLast() }
                indents.append(indent)
                depth = indents.count
                // Compact nested sequences and complex keys: `- - - x`, `? ? x`.
                while i + 1 < end, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "?"),
                    bytes[i + 1] == UInt8(ascii: " ")
                {
                    depth += 1
                    if depth > limit { return (lineNumber, i - start + 1) }
                    i += 2
                    while i < end, bytes[i] == UInt8(ascii: " ") { i += 1 }
                }
            }
            if depth > limit { return (lineNumber, i - start + 1) }
            var quote: UInt8?
            var last: UInt8 = UInt8(ascii: " ")
            // The last character that was not a space; nil at the start of the content. Outside
            // flow context a bracket opens a collection only where a value starts; elsewhere it is
            // part of a plain scalar (`note: see [1`).
            var lastNonSpace: UInt8?
            var j = i
            while j < end {
                let c = bytes[j]
                let previous = lastNonSpace
                if c != UInt8(ascii: " ") { lastNonSpace = c }
                if let q = quote {
                    if c == q { quote = nil }
                } else {
                    switch c {
                    case UInt8(ascii: "\""), UInt8(ascii: "'"):
                        if last == UInt8(ascii: " ") || last == UInt8(ascii: "[") || last == UInt8(ascii: "{")
                            || last == UInt8(ascii: ",") || last == UInt8(ascii: ":")
                        {
                            quote = c
                        }
                    case UInt8(ascii: "["), UInt8(ascii: "{"):
                        if flowDepth == 0, let previous,
                            ![UInt8(ascii: ":"), UInt8(ascii: "-"), UInt8(ascii: "?")].contains(previous)
                        {
                            break
                        }
                        flowDepth += 1
                        if depth + flowDepth > limit {
                            return (
                                lineNumber,
                                String(decoding: bytes[start..<j], as: UTF8.self).unicodeScalars.count + 1
                            )
                        }
                    case UInt8(ascii: "]"), UInt8(ascii: "}"):
                        flowDepth = max(0, flowDepth - 1)
                    case UInt8(ascii: "#") where last == UInt8(ascii: " "):
                        j = end
                        continue
                    default: break
                    }
                }
                last = c
                j += 1
            }
            // A block scalar header (`key: |`, `- >-`) makes the following deeper lines opaque.
            if flowDepth == 0, quote == nil {
                var k = end
                while k > i, bytes[k - 1] == UInt8(ascii: " ") || bytes[k - 1] == UInt8(ascii: "\r") {
                    k -= 1
                }
                var h = k
                while h > i,
                    [UInt8(ascii: "-"), UInt8(ascii: "+")].contains(bytes[h - 1])
                        || (bytes[h - 1] >= UInt8(ascii: "1") && bytes[h - 1] <= UInt8(ascii: "9"))
                { h -= 1 }
                if h > i, bytes[h - 1] == UInt8(ascii: "|") || bytes[h - 1] == UInt8(ascii: ">"),
                    h - 1 == i || bytes[h - 2] == UInt8(ascii: " ")
                {
                    blockScalarIndent = indent
                }
            }
            start = end + 1
        }
        return nil
    }
}

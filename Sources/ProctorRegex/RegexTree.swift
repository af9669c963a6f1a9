import Synchronization

/// A parsed ECMA-262 pattern, as ``ECMARegexSyntax`` reads it: what the matching engines compile.
indirect enum RegexNode: Sendable {
    /// Matches the empty string.
    case empty
    /// One code point from a set: a literal, `.`, a class or a class escape.
    case scalar(ScalarSet)
    case sequence([RegexNode])
    case alternation([RegexNode])
    /// `max` nil: no upper bound.
    case repetition(RegexNode, min: Int, max: Int?, greedy: Bool)
    /// A group; `index` is the capture number (from 1) of a capturing group.
    case group(RegexNode, index: Int?)
    case assertion(RegexAssertion)
    /// `(?=…)`, `(?!…)`, `(?<=…)`, `(?<!…)`.
    case lookaround(RegexNode, behind: Bool, negated: Bool)
    /// `\1` or `\k<name>`, by capture number.
    case backreference(Int)
    /// An ES2025 modifier group `(?ims-ims:…)`.
    case modified(RegexNode, flags: String)

    /// True when the node needs the backtracking engine: backreferences, lookarounds.
    var needsBacktracking: Bool {
        switch self {
        case .empty, .scalar, .assertion: return false
        case .backreference, .lookaround: return true
        case .sequence(let nodes), .alternation(let nodes): return nodes.contains { $0.needsBacktracking }
        case .repetition(let node, _, _, _), .group(let node, _), .modified(let node, _):
            return node.needsBacktracking
        }
    }

    /// The first modifier group, if any (modifiers are checked by the syntax, not run).
    var modifierFlags: String? {
        switch self {
        case .empty, .scalar, .assertion, .backreference: return nil
        case .modified(_, let flags): return flags
        case .sequence(let nodes), .alternation(let nodes):
            for node in nodes { if let flags = node.modifierFlags { return flags } }
            return nil
        case .repetition(let node, _, _, _), .group(let node, _), .lookaround(let node, _, _):
            return node.modifierFlags
        }
    }

    /// True when every way of matching starts with `^` (the search then tries position 0 only).
    var isAnchoredAtStart: Bool {
        switch self {
        case .assertion(.start): return true
        case .sequence(let nodes):
            for node in nodes {
                if node.isAnchoredAtStart { return true }
                if !node.isZeroWidthWithoutStart { return false }
            }
            return false
        case .alternation(let nodes): return !nodes.isEmpty && nodes.allSatisfy(\.isAnchoredAtStart)
        case .group(let node, _), .modified(let node, _): return node.isAnchoredAtStart
        case .repetition(let node, let min, _, _): return min > 0 && node.isAnchoredAtStart
        default: return false
        }
    }

    /// Zero-width nodes that can stand before a `^` without making the pattern unanchored.
    private var isZeroWidthWithoutStart: Bool {
        switch self {
        case .empty, .assertion(.wordBoundary), .assertion(.notWordBoundary), .lookaround: return true
        default: return false
        }
    }
}

/// `^`, `$`, `\b`, `\B` (no `m` flag: `^` and `$` are the ends of the input).
enum RegexAssertion: Sendable, Hashable {
    case start
    case end
    case wordBoundary
    case notWordBoundary

    /// Whether the assertion holds between `previous` and `next` (nil at the ends of the input).
    @inline(__always)
    func holds(previous: UInt32?, next: UInt32?) -> Bool {
        switch self {
        case .start: return previous == nil
        case .end: return next == nil
        case .wordBoundary, .notWordBoundary:
            let before = previous.map(ScalarSet.isWordCharacter) ?? false
            let after = next.map(ScalarSet.isWordCharacter) ?? false
            return (before != after) == (self == .wordBoundary)
        }
    }
}

/// A set of Unicode code points: sorted, disjoint ranges, plus Unicode property tests that are
/// not kept as ranges (those Swift's regex engine resolves, such as scripts).
struct ScalarSet: Sendable, Hashable {
    /// Sorted, disjoint, non-adjacent.
    private(set) var ranges: [ClosedRange<UInt32>]
    /// Property tests, each possibly negated (`\P{…}`), united with the ranges.
    private(set) var properties: [PropertyTest]
    /// Complements the whole (ranges and properties); only set when there are properties.
    private(set) var inverted: Bool

    static let maximum: UInt32 = 0x10FFFF

    init(ranges: [ClosedRange<UInt32>] = []) {
        self.ranges = ScalarSet.normalized(ranges)
        properties = []
        inverted = false
    }

    static func scalar(_ value: UInt32) -> ScalarSet { ScalarSet(ranges: [value...value]) }

    /// `\d`.
    static let digits = ScalarSet(ranges: [0x30...0x39])
    /// `\w` without the `i` flag: ASCII letters, digits and `_`.
    static let word = ScalarSet(ranges: [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A])
    /// `\s`: ECMA-262 WhiteSpace (tab, VT, FF, U+FEFF and the Zs category) and LineTerminator.
    static let space = ScalarSet(ranges: [
        0x09...0x0D, 0x20...0x20, 0xA0...0xA0, 0x1680...0x1680, 0x2000...0x200A, 0x2028...0x2029,
        0x202F...0x202F, 0x205F...0x205F, 0x3000...0x3000, 0xFEFF...0xFEFF,
    ])
    /// `.` without the `s` flag: anything but a line terminator.
    static let dot = ScalarSet(ranges: [0x0A...0x0A, 0x0D...0x0D, 0x2028...0x2029]).complemented()

    static func isWordCharacter(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x30...0x39, 0x41...0x5A, 0x5F, 0x61...0x7A: return true
        default: return false
        }
    }

    /// True when the set is ranges only (a finite automaton can split the alphabet on them).
    var isRangesOnly: Bool { properties.isEmpty }

    func contains(_ scalar: UInt32) -> Bool {
        var inside = rangesContain(scalar)
        if !inside {
            for term in properties where term.contains(scalar) {
                inside = true
                break
            }
        }
        return inside != inverted
    }

    @inline(__always)
    func rangesContain(_ scalar: UInt32) -> Bool {
        var low = 0
        var high = ranges.count
        while low < high {
            let middle = (low + high) / 2
            let range = ranges[middle]
            if scalar < range.lowerBound {
                high = middle
            } else if scalar > range.upperBound {
                low = middle + 1
            } else {
                return true
            }
        }
        return false
    }

    func union(_ other: ScalarSet) -> ScalarSet {
        if inverted || other.inverted {
            // (¬A) ∪ B = ¬(A ∖ B): keep it as a property-style term so nothing is lost.
            var result = ScalarSet()
            result.properties = [PropertyTest(set: self), PropertyTest(set: other)]
            return result
        }
        var result = ScalarSet(ranges: ranges + other.ranges)
        result.properties = properties + other.properties.filter { !properties.contains($0) }
        return result
    }

    func complemented() -> ScalarSet {
        if !properties.isEmpty {
            var result = self
            result.inverted.toggle()
            return result
        }
        var result: [ClosedRange<UInt32>] = []
        var next: UInt32 = 0
        for range in ranges {
            if range.lowerBound > next { result.append(next...(range.lowerBound - 1)) }
            if range.upperBound == ScalarSet.maximum { return ScalarSet(ranges: result) }
            next = range.upperBound + 1
        }
        result.append(next...ScalarSet.maximum)
        return ScalarSet(ranges: result)
    }

    static func normalized(_ input: [ClosedRange<UInt32>]) -> [ClosedRange<UInt32>] {
        let sorted = input.sorted { $0.lowerBound < $1.lowerBound }
        var result: [ClosedRange<UInt32>] = []
        for range in sorted {
            if let last = result.last, range.lowerBound <= last.upperBound &+ 1 {
                result[result.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                result.append(range)
            }
        }
        return result
    }
}

/// A Unicode property test that is not kept as ranges: a property only Swift's regex engine
/// resolves (scripts, the looser names it accepts), or a complemented set inside a union.
final class PropertyTest: Sendable, Hashable {
    private enum Test: @unchecked Sendable {
        // `Regex` holds no mutable state after construction; it is shared read-only between threads.
        case regex(Regex<AnyRegexOutput>)
        case set(ScalarSet)
    }

    let name: String
    let negated: Bool
    private let test: Test
    /// Answers for ASCII, computed once.
    private let ascii: (UInt64, UInt64)
    /// Answers Swift's engine gave for other code points (asking it takes about a microsecond).
    private let memo = Mutex<[UInt32: Bool]>([:])

    init?(swiftProperty body: String, negated: Bool) {
        guard let regex = try? Regex("\\p{" + body + "}").matchingSemantics(.unicodeScalar) else {
            return nil
        }
        name = body
        self.negated = negated
        test = .regex(regex)
        ascii = PropertyTest.asciiTable { scalar in
            (try? regex.wholeMatch(in: String(Character(scalar)))) != nil
        }
    }

    init(set: ScalarSet) {
        name = "\(set)"
        negated = false
        test = .set(set)
        ascii = PropertyTest.asciiTable { set.contains($0.value) }
    }

    private static func asciiTable(_ test: (Unicode.Scalar) -> Bool) -> (UInt64, UInt64) {
        var table: (UInt64, UInt64) = (0, 0)
        for value in UInt8(0)..<128 where test(Unicode.Scalar(value)) {
            if value < 64 { table.0 |= 1 << UInt64(value) } else { table.1 |= 1 << UInt64(value - 64) }
        }
        return table
    }

    func contains(_ value: UInt32) -> Bool {
        let inside: Bool
        if value < 64 {
            inside = ascii.0 & (1 << UInt64(value)) != 0
        } else if value < 128 {
            inside = ascii.1 & (1 << UInt64(value - 64)) != 0
        } else {
            switch test {
            case .set(let set): inside = set.contains(value)
            case .regex(let regex):
                if let known = memo.withLock({ $0[value] }) {
                    inside = known
                } else {
                    guard let scalar = Unicode.Scalar(value) else { return negated }
                    inside = (try? regex.wholeMatch(in: String(Character(scalar)))) != nil
                    memo.withLock { table in
                        if table.count >= 4096 { table.removeAll(keepingCapacity: true) }
                        table[value] = inside
                    }
                }
            }
        }
        return inside != negated
    }

    static func == (a: PropertyTest, b: PropertyTest) -> Bool { a.name == b.name && a.negated == b.negated }
    func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(negated)
    }
}

extension ScalarSet: CustomStringConvertible {
    var description: String {
        let parts = ranges.map { range in
            range.lowerBound == range.upperBound
                ? String(range.lowerBound, radix: 16)
                : "\(String(range.lowerBound, radix: 16))-\(String(range.upperBound, radix: 16))"
        }
        let terms = properties.map { ($0.negated ? "\\P{" : "\\p{") + $0.name + "}" }
        return (inverted ? "[^" : "[") + (parts + terms).joined(separator: " ") + "]"
    }
}

extension ScalarSet {
    /// `\p{body}` (or `\P{body}` when `negated`), nil when no engine knows the property.
    ///
    /// ECMA-262's General_Category names (`L`, `Letter`, `gc=Lu`, `General_Category=Nd`, the
    /// aliases `digit`, `punct`, `cntrl`, `Combining_Mark`) and `Any`, `ASCII`, `Assigned` become
    /// ranges; any other name Swift's regex engine accepts (scripts, binary properties) is tested
    /// by that engine one code point at a time.
    static func property(_ body: String, negated: Bool) -> ScalarSet? {
        if let ranges = UnicodeCategories.ranges(for: body) {
            let set = ScalarSet(ranges: ranges)
            return negated ? set.complemented() : set
        }
        guard let test = PropertyTest(swiftProperty: body, negated: negated) else { return nil }
        var set = ScalarSet()
        set.properties = [test]
        return set
    }
}

/// General_Category values and a few binary properties as code point ranges, computed from the
/// standard library's Unicode data once per process and name.
enum UnicodeCategories {
    typealias Category = Unicode.GeneralCategory

    static let groups: [String: [Category]] = {
        let letter: [Category] = [
            .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
        ]
        let mark: [Category] = [.nonspacingMark, .spacingMark, .enclosingMark]
        let number: [Category] = [.decimalNumber, .letterNumber, .otherNumber]
        let punctuation: [Category] = [
            .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
            .initialPunctuation, .finalPunctuation, .otherPunctuation,
        ]
        let symbol: [Category] = [.mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol]
        let separator: [Category] = [.spaceSeparator, .lineSeparator, .paragraphSeparator]
        let other: [Category] = [.control, .format, .surrogate, .privateUse, .unassigned]
        let table: [([String], [Category])] = [
            (["L", "Letter"], letter),
            (["LC", "Cased_Letter"], [.uppercaseLetter, .lowercaseLetter, .titlecaseLetter]),
            (["Lu", "Uppercase_Letter"], [.uppercaseLetter]),
            (["Ll", "Lowercase_Letter"], [.lowercaseLetter]),
            (["Lt", "Titlecase_Letter"], [.titlecaseLetter]), (["Lm", "Modifier_Letter"], [.modifierLetter]),
            (["Lo", "Other_Letter"], [.otherLetter]),
            (["M", "Mark", "Combining_Mark"], mark), (["Mn", "Nonspacing_Mark"], [.nonspacingMark]),
            (["Mc", "Spacing_Mark"], [.spacingMark]), (["Me", "Enclosing_Mark"], [.enclosingMark]),
            (["N", "Number"], number), (["Nd", "Decimal_Number", "digit"], [.decimalNumber]),
            (["Nl", "Letter_Number"], [.letterNumber]), (["No", "Other_Number"], [.otherNumber]),
            (["P", "Punctuation", "punct"], punctuation),
            (["Pc", "Connector_Punctuation"], [.connectorPunctuation]),
            (["Pd", "Dash_Punctuation"], [.dashPunctuation]),
            (["Ps", "Open_Punctuation"], [.openPunctuation]),
            (["Pe", "Close_Punctuation"], [.closePunctuation]),
            (["Pi", "Initial_Punctuation"], [.initialPunctuation]),
            (["Pf", "Final_Punctuation"], [.finalPunctuation]),
            (["Po", "Other_Punctuation"], [.otherPunctuation]),
            (["S", "Symbol"], symbol), (["Sm", "Math_Symbol"], [.mathSymbol]),
            (["Sc", "Currency_Symbol"], [.currencySymbol]), (["Sk", "Modifier_Symbol"], [.modifierSymbol]),
            (["So", "Other_Symbol"], [.otherSymbol]),
            (["Z", "Separator"], separator), (["Zs", "Space_Separator"], [.spaceSeparator]),
            (["Zl", "Line_Separator"], [.lineSeparator]),
            (["Zp", "Paragraph_Separator"], [.paragraphSeparator]),
            (["C", "Other"], other), (["Cc", "Control", "cntrl"], [.control]), (["Cf", "Format"], [.format]),
            (["Cs", "Surrogate"], [.surrogate]), (["Co", "Private_Use"], [.privateUse]),
            (["Cn", "Unassigned"], [.unassigned]),
        ]
        var groups: [String: [Category]] = [:]
        for (names, categories) in table {
            for name in names { groups[name] = categories }
        }
        return groups
    }()

    /// The ranges of `body` when it is a General_Category value (bare, `gc=` or
    /// `General_Category=`) or `Any`, `ASCII`, `Assigned`; nil otherwise.
    static func ranges(for body: String) -> [ClosedRange<UInt32>]? {
        switch body {
        case "Any": return [0...ScalarSet.maximum]
        case "ASCII": return [0...0x7F]
        case "Assigned": return ranges(for: "Cn").map { ScalarSet(ranges: $0).complemented().ranges }
        default: break
        }
        var name = Substring(body)
        for prefix in ["gc=", "General_Category="] where body.hasPrefix(prefix) {
            name = body.dropFirst(prefix.count)
        }
        guard let categories = groups[String(name)] else { return nil }
        let key = categories.map { "\($0)" }.joined(separator: ",")
        if let cached = cache.withLock({ $0[key] }) { return cached }
        let computed = scan(Set(categories))
        cache.withLock { $0[key] = computed }
        return computed
    }

    private static let cache = Mutex<[String: [ClosedRange<UInt32>]]>([:])
    /// The category of every code point, as runs: computed once (about 1.1 million lookups).
    private static let runs: [(ClosedRange<UInt32>, Category)] = {
        var runs: [(ClosedRange<UInt32>, Category)] = []
        var start: UInt32 = 0
        var current = Category.control
        for value in UInt32(0)...ScalarSet.maximum {
            let category = Unicode.Scalar(value)?.properties.generalCategory ?? .surrogate
            if value == 0 {
                current = category
            } else if category != current {
                runs.append((start...(value - 1), current))
                start = value
                current = category
            }
        }
        runs.append((start...ScalarSet.maximum, current))
        return runs
    }()

    private static func scan(_ categories: Set<Category>) -> [ClosedRange<UInt32>] {
        ScalarSet.normalized(runs.filter { categories.contains($0.1) }.map(\.0))
    }
}

import Synchronization

/// A regular expression with ECMA-262 (JavaScript, `u` flag) semantics, as JSON Schema's
/// `pattern`, `patternProperties` and header expectations use it. Matching is an unanchored
/// search on Unicode code points (not grapheme clusters): `\d`, `\w` and `\b` are ASCII-only,
/// `\s` is ECMA-262's WhiteSpace and LineTerminator (U+FEFF included, U+0085 not), `.` is anything
/// but a line terminator, `$` is only the end of the input, `\cX` is a control character,
/// `\p{…}` / `\P{…}` are Unicode properties.
///
/// Patterns without backreferences or lookarounds, nearly all of them, run on an automaton
/// (``RegexDFA`` when it stays small, else ``PikeVM``): time linear in the input times the
/// pattern's size, whatever the pattern (`^(a+)+$` included). Backreferences and lookarounds need
/// backtracking (``Backtracker``), which runs under a budget of steps, so no pattern can hang:
/// past the budget, ``matches(_:)`` throws ``RegexMatchLimitExceeded``.
public struct ECMARegex: Sendable {
    enum Engine: Sendable {
        case literal(LiteralMatcher)
        case dfa(RegexDFA)
        case automaton(RegexProgram)
        case backtracking(BacktrackingProgram)
    }

    /// The compiled form, behind one reference so that copies cost a single retain.
    private final class Storage: Sendable {
        let engine: Engine
        /// The DFA again when that is the engine, reached without unpacking `engine` (which would
        /// retain it on every match).
        let dfa: RegexDFA?

        init(_ engine: Engine) {
            self.engine = engine
            if case .dfa(let dfa) = engine { self.dfa = dfa } else { dfa = nil }
        }
    }

    private let storage: Storage
    public let source: String
    /// Steps a backtracking match may take before it gives up.
    public let stepLimit: Int

    /// Steps a backtracking match may take by default: 0.05 to 0.1 s of a current CPU core.
    public static let defaultStepLimit = 10_000_000

    /// Compiles `pattern`; throws ``RegexSyntaxError`` when it is not a valid ECMA-262 pattern, or
    /// uses what the matchers do not run (modifier groups such as `(?i:…)`), or when its counted
    /// repetitions expand past what an automaton may hold.
    public init(_ pattern: String, stepLimit: Int = ECMARegex.defaultStepLimit) throws(RegexSyntaxError) {
        source = pattern
        self.stepLimit = stepLimit
        let tree: (node: RegexNode, groups: Int)
        do {
            tree = try ECMARegexSyntax.parse(pattern)
        } catch {
            // A lone brace or bracket, `\-`, `[\d-z]`: what browsers accept without the `u` flag.
            guard let lenient = try? ECMARegexSyntax.parse(pattern, lenient: true) else {
                throw RegexSyntaxError(pattern: pattern, reason: error.reason)
            }
            tree = lenient
        }
        if let flags = tree.node.modifierFlags {
            throw RegexSyntaxError(
                pattern: pattern, reason: "modifier groups (?\(flags):...) are not supported")
        }
        if let literal = LiteralMatcher(pattern) {
            storage = Storage(.literal(literal))
            return
        }
        if tree.node.needsBacktracking {
            do {
                storage = Storage(.backtracking(try BacktrackingProgram(tree.node, groups: tree.groups)))
            } catch {
                throw RegexSyntaxError(
                    pattern: pattern, reason: Self.tooLarge(BacktrackingProgram.maximumSize))
            }
            return
        }
        let program: RegexProgram
        do {
            program = try RegexProgram(tree.node)
        } catch {
            throw RegexSyntaxError(pattern: pattern, reason: Self.tooLarge(RegexProgram.maximumSize))
        }
        storage = Storage(RegexDFA(program).map(Engine.dfa) ?? .automaton(program))
    }

    private static func tooLarge(_ size: Int) -> String {
        "too large: its counted repetitions expand to more than \(size) instructions"
    }

    /// True when matching takes time linear in the input (no backreferences or lookarounds);
    /// otherwise ``matches(_:)`` may throw ``RegexMatchLimitExceeded``.
    public var isLinear: Bool {
        if case .backtracking = storage.engine { return false }
        return true
    }

    /// Which engine runs the pattern, for tests and diagnostics.
    var engine: Engine { storage.engine }

    /// True when the pattern matches somewhere in `text`. Throws only for patterns with
    /// backreferences or lookarounds, when matching takes more than ``stepLimit`` steps.
    public func matches(_ text: String) throws(RegexMatchLimitExceeded) -> Bool {
        if let answer = storage.dfa?.matches(text) { return answer }
        switch storage.engine {
        case .literal(let literal):
            return literal.matches(text)
        case .dfa(let dfa):
            return dfa.matches(text)
        case .automaton(let program):
            let scalars = text.unicodeScalars.map(\.value)
            return scalars.withUnsafeBufferPointer { PikeVM.matches(program, $0) }
        case .backtracking(let program):
            let scalars = text.unicodeScalars.map(\.value)
            let limit = stepLimit
            let outcome = scalars.withUnsafeBufferPointer { input in
                var backtracker = Backtracker(program, input, limit: limit)
                return Result { () throws(Backtracker.OutOfSteps) in try backtracker.search() }
            }
            guard case .success(let found) = outcome else {
                throw RegexMatchLimitExceeded(pattern: source, steps: limit)
            }
            return found
        }
    }

    /// Process-wide cache of compiled patterns: schemas and header expectations reuse the same few.
    public static func cached(_ pattern: String) throws(RegexSyntaxError) -> ECMARegex {
        if let hit = cache.withLock({ $0[pattern] }) { return hit }
        let compiled = try ECMARegex(pattern)
        cache.withLock { table in
            if table.count > 4096 { table.removeAll() }
            table[pattern] = compiled
        }
        return compiled
    }

    private static let cache = Mutex<[String: ECMARegex]>([:])
}

/// Why a pattern is not a valid ECMA-262 regular expression.
public struct RegexSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var pattern: String
    public var reason: String
    public var description: String { "invalid regular expression /\(pattern)/: \(reason)" }
}

/// Matches patterns without metacharacters (or anchored at one or both ends) by plain comparison.
struct LiteralMatcher: Sendable {
    let text: String
    let anchoredStart: Bool
    let anchoredEnd: Bool

    init?(_ pattern: String) {
        var body = Substring(pattern)
        anchoredStart = body.hasPrefix("^")
        if anchoredStart { body = body.dropFirst() }
        anchoredEnd = body.hasSuffix("$")
        if anchoredEnd { body = body.dropLast() }
        guard !body.contains(where: { "\\^$.|?*+()[]{}".contains($0) }) else { return nil }
        text = String(body)
    }

    func matches(_ candidate: String) -> Bool {
        switch (anchoredStart, anchoredEnd) {
        case (true, true): return candidate.unicodeScalars.elementsEqual(text.unicodeScalars)
        case (true, false): return candidate.unicodeScalars.starts(with: text.unicodeScalars)
        case (false, true):
            return candidate.unicodeScalars.reversed().starts(with: text.unicodeScalars.reversed())
        case (false, false):
            if text.isEmpty { return true }
            let hay = Array(candidate.unicodeScalars)
            let needle = Array(text.unicodeScalars)
            guard hay.count >= needle.count else { return false }
            for start in 0...(hay.count - needle.count)
            where hay[start..<(start + needle.count)].elementsEqual(needle) {
                return true
            }
            return false
        }
    }
}

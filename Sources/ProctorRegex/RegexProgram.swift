/// A Thompson automaton for a pattern without backreferences or lookarounds: the program that
/// ``PikeVM`` simulates and ``RegexDFA`` determinizes. Counted repetition is expanded (`a{2,4}` is
/// `aa(a(a)?)?`), so the program's size is bounded by ``maximumSize``.
struct RegexProgram: Sendable {
    enum Instruction: Sendable {
        /// Consume one code point of `sets[set]`, continue at `next`.
        case scalar(set: Int, next: Int)
        /// Continue at both (the first is preferred; the answer here is only whether a match exists).
        case split(Int, Int)
        case jump(Int)
        case assert(RegexAssertion, next: Int)
        case match
    }

    /// Beyond this many instructions a pattern is too large for the automaton.
    static let maximumSize = 50_000

    let instructions: [Instruction]
    let sets: [MatchSet]
    let start: Int
    /// Every match begins at position 0 (the search does not restart further on).
    let anchoredAtStart: Bool
    let usesWordBoundaries: Bool

    struct TooLarge: Error {}

    /// Compiles `node`; throws ``TooLarge`` past ``maximumSize`` instructions. The tree must be
    /// free of backreferences, lookarounds and modifier groups.
    init(_ node: RegexNode) throws(TooLarge) {
        var builder = Builder()
        try builder.compile(node)
        _ = try builder.emit(.match)
        instructions = builder.code
        sets = builder.sets.map(MatchSet.init)
        start = 0
        anchoredAtStart = node.isAnchoredAtStart
        usesWordBoundaries = builder.usesWordBoundaries
    }

    private struct Builder {
        var code: [Instruction] = []
        var sets: [ScalarSet] = []
        var setIndex: [ScalarSet: Int] = [:]
        var usesWordBoundaries = false

        mutating func emit(_ instruction: Instruction) throws(TooLarge) -> Int {
            guard code.count < RegexProgram.maximumSize else { throw TooLarge() }
            code.append(instruction)
            return code.count - 1
        }

        mutating func set(_ set: ScalarSet) -> Int {
            if let index = setIndex[set] { return index }
            sets.append(set)
            setIndex[set] = sets.count - 1
            return sets.count - 1
        }

        /// Emits `node` so that a match of it continues at the instruction emitted next.
        mutating func compile(_ node: RegexNode) throws(TooLarge) {
            switch node {
            case .empty:
                return
            case .scalar(let scalars):
                let index = set(scalars)
                _ = try emit(.scalar(set: index, next: code.count + 1))
            case .sequence(let nodes):
                for node in nodes { try compile(node) }
            case .alternation(let nodes):
                var exits: [Int] = []
                for (position, alternative) in nodes.enumerated() {
                    if position == nodes.count - 1 {
                        try compile(alternative)
                    } else {
                        let split = try emit(.jump(0))
                        try compile(alternative)
                        exits.append(try emit(.jump(0)))
                        code[split] = .split(split + 1, code.count)
                    }
                }
                for exit in exits { code[exit] = .jump(code.count) }
            case .repetition(let body, let min, let max, _):
                for _ in 0..<min { try compile(body) }
                if let max {
                    // (body (body (…)?)?)?: each optional copy may skip to the end.
                    var skips: [Int] = []
                    for _ in min..<max {
                        skips.append(try emit(.jump(0)))
                        try compile(body)
                    }
                    for skip in skips { code[skip] = .split(skip + 1, code.count) }
                } else {
                    let loop = try emit(.jump(0))
                    try compile(body)
                    _ = try emit(.jump(loop))
                    code[loop] = .split(loop + 1, code.count)
                }
            case .group(let body, _):
                try compile(body)
            case .assertion(let assertion):
                if assertion == .wordBoundary || assertion == .notWordBoundary { usesWordBoundaries = true }
                _ = try emit(.assert(assertion, next: code.count + 1))
            case .lookaround, .backreference, .modified:
                // Callers route these patterns to the backtracking engine.
                throw TooLarge()
            }
        }
    }
}

/// A ``ScalarSet`` with its ASCII part as a bitmap, for the matchers' inner loops.
struct MatchSet: Sendable {
    let set: ScalarSet
    let low: UInt64
    let high: UInt64

    init(_ set: ScalarSet) {
        self.set = set
        var low: UInt64 = 0
        var high: UInt64 = 0
        func insert(_ value: UInt32) {
            if value < 64 { low |= 1 << UInt64(value) } else { high |= 1 << UInt64(value - 64) }
        }
        if set.isRangesOnly {
            for range in set.ranges where range.lowerBound < 128 {
                for value in range.lowerBound...min(range.upperBound, 127) { insert(value) }
            }
        } else {
            for value in UInt32(0)..<128 where set.contains(value) { insert(value) }
        }
        self.low = low
        self.high = high
    }

    @inline(__always)
    func contains(_ scalar: UInt32) -> Bool {
        if scalar < 64 { return low & (1 << UInt64(scalar)) != 0 }
        if scalar < 128 { return high & (1 << UInt64(scalar - 64)) != 0 }
        return set.contains(scalar)
    }
}

/// Simulates a ``RegexProgram`` on all its states at once (Pike's VM without captures): each
/// code point of the input is read once and advances every live state, so the time is
/// proportional to the input's length times the program's size, whatever the pattern.
enum PikeVM {
    /// True when the program matches somewhere in `input` (code points).
    static func matches(_ program: RegexProgram, _ input: UnsafeBufferPointer<UInt32>) -> Bool {
        let size = program.instructions.count
        var current = SparseSet(capacity: size)
        var next = SparseSet(capacity: size)
        var stack: [Int] = []
        stack.reserveCapacity(16)
        let count = input.count
        if addThread(program, program.start, &current, &stack, input, 0) { return true }
        var position = 0
        while position < count {
            let scalar = input[position]
            next.clear()
            for index in 0..<current.count {
                let pc = current.dense[index]
                if case .scalar(let set, let target) = program.instructions[pc],
                    program.sets[set].contains(scalar),
                    addThread(program, target, &next, &stack, input, position + 1)
                {
                    return true
                }
            }
            position += 1
            if !program.anchoredAtStart,
                addThread(program, program.start, &next, &stack, input, position)
            {
                return true
            }
            swap(&current, &next)
            if current.count == 0 && program.anchoredAtStart { return false }
        }
        return false
    }

    /// Adds `pc` and everything reachable from it without consuming input (assertions checked at
    /// `position`) to `list`; true when that reaches a match.
    private static func addThread(
        _ program: RegexProgram, _ pc: Int, _ list: inout SparseSet, _ stack: inout [Int],
        _ input: UnsafeBufferPointer<UInt32>, _ position: Int
    ) -> Bool {
        stack.append(pc)
        while let pc = stack.popLast() {
            guard list.insert(pc) else { continue }
            switch program.instructions[pc] {
            case .match:
                stack.removeAll(keepingCapacity: true)
                return true
            case .scalar:
                continue
            case .jump(let target):
                stack.append(target)
            case .split(let first, let second):
                stack.append(second)
                stack.append(first)
            case .assert(let assertion, let target):
                let previous = position > 0 ? input[position - 1] : nil
                let following = position < input.count ? input[position] : nil
                if assertion.holds(previous: previous, next: following) { stack.append(target) }
            }
        }
        return false
    }
}

/// A set of small integers with constant-time insert, membership and clear (Briggs and Torczon).
struct SparseSet {
    private(set) var dense: [Int]
    private var sparse: [Int]
    private(set) var count = 0

    init(capacity: Int) {
        dense = [Int](repeating: 0, count: capacity)
        sparse = [Int](repeating: 0, count: capacity)
    }

    func contains(_ value: Int) -> Bool {
        let index = sparse[value]
        return index < count && dense[index] == value
    }

    /// Inserts `value`; false when it was already there.
    mutating func insert(_ value: Int) -> Bool {
        if contains(value) { return false }
        dense[count] = value
        sparse[value] = count
        count += 1
        return true
    }

    mutating func clear() { count = 0 }
}

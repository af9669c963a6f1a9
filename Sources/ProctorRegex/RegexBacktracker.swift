/// A backtracking matcher for the patterns an automaton cannot run: backreferences (`\1`,
/// `\k<name>`) and lookarounds (`(?=…)`, `(?!…)`, `(?<=…)`, `(?<!…)`).
///
/// It follows ECMA-262's matcher semantics: alternatives and quantifiers are tried in order,
/// lookarounds are atomic, lookbehinds match right to left, captures inside a quantified atom are
/// reset at each iteration, an iteration that matches the empty string ends the loop, and a
/// backreference to a group that has not participated matches the empty string.
///
/// Backtracking can take exponential time, so every run has a budget of steps (instructions
/// executed); past it the match throws ``RegexMatchLimitExceeded`` instead of running on.
struct BacktrackingProgram: Sendable {
    enum Instruction: Sendable {
        /// Consume one code point of `sets[set]`, reading left of the position when `backward`.
        case scalar(set: Int, backward: Bool)
        /// Try `first`, then `second` on backtracking.
        case split(first: Int, second: Int)
        case jump(Int)
        case assert(RegexAssertion)
        /// `captures[slot] = position`.
        case save(Int)
        /// Captures `slots` become undefined (a new iteration of a quantified atom).
        case clear(Range<Int>)
        case backreference(group: Int, backward: Bool)
        /// The lookaround's body starts at the next instruction and ends with `.match`; then
        /// continue at `resume`.
        case lookaround(negated: Bool, resume: Int)
        /// `registers[register] = position`, where an iteration of a loop starts.
        case mark(Int)
        /// Fail when the iteration begun at `registers[register]` consumed nothing.
        case progress(Int)
        case match
    }

    static let maximumSize = 50_000

    let instructions: [Instruction]
    let sets: [MatchSet]
    let groupCount: Int
    let registerCount: Int
    let anchoredAtStart: Bool

    struct TooLarge: Error {}

    init(_ node: RegexNode, groups: Int) throws(TooLarge) {
        var builder = Builder()
        try builder.compile(node, backward: false)
        _ = try builder.emit(.match)
        instructions = builder.code
        sets = builder.sets.map(MatchSet.init)
        groupCount = groups
        registerCount = builder.registers
        anchoredAtStart = node.isAnchoredAtStart
    }

    private struct Builder {
        var code: [Instruction] = []
        var sets: [ScalarSet] = []
        var setIndex: [ScalarSet: Int] = [:]
        var registers = 0

        mutating func emit(_ instruction: Instruction) throws(TooLarge) -> Int {
            guard code.count < BacktrackingProgram.maximumSize else { throw TooLarge() }
            code.append(instruction)
            return code.count - 1
        }

        mutating func compile(_ node: RegexNode, backward: Bool) throws(TooLarge) {
            switch node {
            case .empty:
                return
            case .scalar(let scalars):
                let index: Int
                if let known = setIndex[scalars] {
                    index = known
                } else {
                    sets.append(scalars)
                    index = sets.count - 1
                    setIndex[scalars] = index
                }
                _ = try emit(.scalar(set: index, backward: backward))
            case .sequence(let nodes):
                for node in backward ? nodes.reversed() : nodes { try compile(node, backward: backward) }
            case .alternation(let nodes):
                var exits: [Int] = []
                for (position, alternative) in nodes.enumerated() {
                    if position == nodes.count - 1 {
                        try compile(alternative, backward: backward)
                    } else {
                        let split = try emit(.jump(0))
                        try compile(alternative, backward: backward)
                        exits.append(try emit(.jump(0)))
                        code[split] = .split(first: split + 1, second: code.count)
                    }
                }
                for exit in exits { code[exit] = .jump(code.count) }
            case .repetition(let body, let min, let max, let greedy):
                let groups = Self.captureSlots(body)
                for _ in 0..<min {
                    if !groups.isEmpty { _ = try emit(.clear(groups)) }
                    try compile(body, backward: backward)
                }
                if let max, max == min { return }
                let register = registers
                registers += 1
                // loop: split(iteration, exit); iteration: mark, clear, body, progress, (jump loop)
                var skips: [Int] = []
                let loop = code.count
                let remaining = max.map { $0 - min } ?? 1
                for _ in 0..<remaining {
                    skips.append(try emit(.jump(0)))
                    _ = try emit(.mark(register))
                    if !groups.isEmpty { _ = try emit(.clear(groups)) }
                    try compile(body, backward: backward)
                    _ = try emit(.progress(register))
                }
                if max == nil { _ = try emit(.jump(loop)) }
                let exit = code.count
                for skip in skips {
                    code[skip] =
                        greedy ? .split(first: skip + 1, second: exit) : .split(first: exit, second: skip + 1)
                }
            case .group(let body, let index):
                guard let index else { return try compile(body, backward: backward) }
                // Forward, the start is saved first; backward (in a lookbehind), the end.
                _ = try emit(.save(2 * index + (backward ? 1 : 0)))
                try compile(body, backward: backward)
                _ = try emit(.save(2 * index + (backward ? 0 : 1)))
            case .assertion(let assertion):
                _ = try emit(.assert(assertion))
            case .lookaround(let body, let behind, let negated):
                let look = try emit(.jump(0))
                try compile(body, backward: behind)
                _ = try emit(.match)
                code[look] = .lookaround(negated: negated, resume: code.count)
            case .backreference(let group):
                _ = try emit(.backreference(group: group, backward: backward))
            case .modified(let body, _):
                // Callers reject modifier groups before compiling.
                try compile(body, backward: backward)
            }
        }

        /// The capture slots of the groups inside `node`.
        static func captureSlots(_ node: RegexNode) -> Range<Int> {
            var low = Int.max
            var high = Int.min
            func visit(_ node: RegexNode) {
                switch node {
                case .group(let body, let index):
                    if let index {
                        low = Swift.min(low, index)
                        high = Swift.max(high, index)
                    }
                    visit(body)
                case .sequence(let nodes), .alternation(let nodes): nodes.forEach(visit)
                case .repetition(let body, _, _, _), .lookaround(let body, _, _), .modified(let body, _):
                    visit(body)
                default: break
                }
            }
            visit(node)
            return low <= high ? (2 * low)..<(2 * high + 2) : 0..<0
        }
    }
}

/// A backtracking match that ran past its budget of steps.
public struct RegexMatchLimitExceeded: Error, Sendable, Equatable, CustomStringConvertible {
    /// The pattern as written.
    public var pattern: String
    /// The budget that ran out.
    public var steps: Int

    public var description: String { described(as: "pattern") }

    /// The description with `name` (a keyword such as `patternProperties`) for "pattern".
    public func described(as name: String) -> String {
        "\(name) /\(pattern)/ is too expensive to match: it needs backtracking (backreferences or "
            + "lookaround) and gave up after \(steps) steps on this input"
    }
}

/// One run of a ``BacktrackingProgram`` on one input.
struct Backtracker {
    let program: BacktrackingProgram
    let input: UnsafeBufferPointer<UInt32>
    let limit: Int
    var steps = 0
    var registers: [Int]

    struct OutOfSteps: Error {}

    private enum Undo {
        case branch(pc: Int, position: Int)
        case capture(slot: Int, value: Int)
        case register(Int, value: Int)
    }

    init(_ program: BacktrackingProgram, _ input: UnsafeBufferPointer<UInt32>, limit: Int) {
        self.program = program
        self.input = input
        self.limit = limit
        registers = [Int](repeating: -1, count: program.registerCount)
    }

    /// True when the program matches somewhere in the input.
    mutating func search() throws(OutOfSteps) -> Bool {
        let last = program.anchoredAtStart ? 0 : input.count
        for start in 0...last {
            var captures = [Int](repeating: -1, count: 2 * program.groupCount + 2)
            if try run(from: 0, at: start, captures: &captures) { return true }
        }
        return false
    }

    /// Runs from `pc` at `position` until `.match` (true) or every alternative failed (false).
    /// `captures` holds the state at the match.
    private mutating func run(from pc: Int, at position: Int, captures: inout [Int]) throws(OutOfSteps)
        -> Bool
    {
        var pc = pc
        var position = position
        var trail: [Undo] = []
        while true {
            steps += 1
            if steps > limit { throw OutOfSteps() }
            var failed = false
            switch program.instructions[pc] {
            case .scalar(let set, let backward):
                if backward {
                    if position > 0, program.sets[set].contains(input[position - 1]) {
                        position -= 1
                        pc += 1
                    } else {
                        failed = true
                    }
                } else if position < input.count, program.sets[set].contains(input[position]) {
                    position += 1
                    pc += 1
                } else {
                    failed = true
                }
            case .split(let first, let second):
                trail.append(.branch(pc: second, position: position))
                pc = first
            case .jump(let target):
                pc = target
            case .assert(let assertion):
                let previous = position > 0 ? input[position - 1] : nil
                let next = position < input.count ? input[position] : nil
                if assertion.holds(previous: previous, next: next) { pc += 1 } else { failed = true }
            case .save(let slot):
                trail.append(.capture(slot: slot, value: captures[slot]))
                captures[slot] = position
                pc += 1
            case .clear(let slots):
                for slot in slots where captures[slot] != -1 {
                    trail.append(.capture(slot: slot, value: captures[slot]))
                    captures[slot] = -1
                }
                pc += 1
            case .backreference(let group, let backward):
                let start = captures[2 * group]
                let end = captures[2 * group + 1]
                if start < 0 || end < 0 || end < start {
                    pc += 1
                    break
                }
                let length = end - start
                steps += length
                let from = backward ? position - length : position
                if from >= 0, from + length <= input.count,
                    (0..<length).allSatisfy({ input[start + $0] == input[from + $0] })
                {
                    position = backward ? from : position + length
                    pc += 1
                } else {
                    failed = true
                }
            case .lookaround(let negated, let resume):
                var inner = captures
                let found = try run(from: pc + 1, at: position, captures: &inner)
                if found == negated {
                    failed = true
                } else {
                    if !negated {
                        for slot in inner.indices where inner[slot] != captures[slot] {
                            trail.append(.capture(slot: slot, value: captures[slot]))
                            captures[slot] = inner[slot]
                        }
                    }
                    pc = resume
                }
            case .mark(let register):
                trail.append(.register(register, value: registers[register]))
                registers[register] = position
                pc += 1
            case .progress(let register):
                if registers[register] == position { failed = true } else { pc += 1 }
            case .match:
                return true
            }
            guard failed else { continue }
            // Undo back to the most recent branch point and take it.
            var resumed = false
            while let undo = trail.popLast() {
                switch undo {
                case .capture(let slot, let value):
                    captures[slot] = value
                case .register(let register, let value):
                    registers[register] = value
                case .branch(let target, let at):
                    pc = target
                    position = at
                    resumed = true
                }
                if resumed { break }
            }
            if !resumed { return false }
        }
    }
}

/// A deterministic automaton built ahead of time from a ``RegexProgram``: one table lookup per
/// code point of the input. The alphabet is split into classes at the boundaries of the program's
/// sets (`[a-z]` and `\d` give the classes `0-9`, `a-z` and everything else), and each state is
/// the set of program states live after the input read so far, with the search restarting at every
/// position unless the pattern is anchored with `^`.
///
/// Built only when the program has no word boundaries (which look at two code points) and every
/// set is a list of ranges, and when it stays small (``maximumStates``, ``maximumTableSize``);
/// otherwise matching uses ``PikeVM``.
///
/// An ASCII character costs one table load: each state has a row of 128 next states (as row
/// offsets), and the states that end the search (a match, or no match possible) are numbered last,
/// so one comparison finds them. Other code points go through their class. The tables live in one
/// allocation, written by `init` and only read afterwards (hence `@unchecked Sendable`), so that
/// matching touches no reference counts.
final class RegexDFA: @unchecked Sendable {
    static let maximumStates = 2_000
    static let maximumTableSize = 1 << 20
    /// Program instructions visited while building, past which the automaton is not built.
    static let maximumConstructionWork = 4_000_000

    private static let accepting: UInt8 = 1
    private static let acceptingAtEnd: UInt8 = 2
    private static let dead: UInt8 = 4

    /// `table[state * 128 + byte]`: the next state's row offset (`next * 128`) after an ASCII
    /// character; then, from `classRows`, `table[classRows + state * classCount + class]`: the
    /// next state after a code point of that class.
    private let table: UnsafeMutablePointer<Int32>
    private let classRows: Int
    /// Per state: accepting, accepting at the end, dead.
    private let flags: UnsafeMutablePointer<UInt8>
    /// States from this one on are accepting or dead: the search ends on reaching them.
    private let firstFinal: Int
    let stateCount: Int
    /// Range `k` of the alphabet is `boundaries[k - 1] ..< boundaries[k]` (range 0 starts at 0).
    private let boundaries: [UInt32]
    /// The class of each range.
    private let classOfRange: [Int32]
    private let classCount: Int
    private let start: Int

    init?(_ program: RegexProgram) {
        guard !program.usesWordBoundaries, program.sets.allSatisfy(\.set.isRangesOnly) else { return nil }
        var points = Set<UInt32>()
        for matchSet in program.sets {
            for range in matchSet.set.ranges {
                if range.lowerBound > 0 { points.insert(range.lowerBound) }
                if range.upperBound < ScalarSet.maximum { points.insert(range.upperBound + 1) }
            }
        }
        let boundaries = points.sorted()
        // The code points between two boundaries lie inside or outside each set alike; ranges with
        // the same memberships in every set (all letters for `\p{L}`) form one class.
        var signatures: [[Bool]: Int32] = [:]
        var classOfRange: [Int32] = []
        var membership: [[Bool]] = []  // membership[class][set]
        for range in 0...boundaries.count {
            let representative = range == 0 ? 0 : boundaries[range - 1]
            let signature = program.sets.map { $0.set.rangesContain(representative) }
            if let known = signatures[signature] {
                classOfRange.append(known)
            } else {
                signatures[signature] = Int32(membership.count)
                classOfRange.append(Int32(membership.count))
                membership.append(signature)
            }
        }
        let classCount = membership.count

        var closure = Closure(program)
        var states: [Closure.State] = []
        var index: [Closure.State: Int] = [:]
        var pending: [Int] = []
        func intern(_ state: Closure.State) -> Int? {
            if let existing = index[state] { return existing }
            guard states.count < Self.maximumStates,
                (states.count + 1) * (classCount + 128) <= Self.maximumTableSize
            else { return nil }
            states.append(state)
            index[state] = states.count - 1
            pending.append(states.count - 1)
            return states.count - 1
        }
        guard let start = intern(closure.compute([program.start], atStart: true)) else { return nil }
        var work = 0
        var rows: [Int: [Int32]] = [:]
        while let state = pending.popLast() {
            let current = states[state]
            var row = [Int32](repeating: Int32(state), count: classCount)
            if !current.accepting {
                var byTargets: [[Int]: Int32] = [:]
                for symbol in 0..<classCount {
                    work += current.scalars.count + closure.visited
                    closure.visited = 0
                    if work > Self.maximumConstructionWork { return nil }
                    var targets: [Int] = []
                    for pc in current.scalars {
                        if case .scalar(let set, let next) = program.instructions[pc], membership[symbol][set]
                        {
                            targets.append(next)
                        }
                    }
                    if !program.anchoredAtStart { targets.append(program.start) }
                    if let known = byTargets[targets] {
                        row[symbol] = known
                        continue
                    }
                    guard let target = intern(closure.compute(targets, atStart: false)) else { return nil }
                    byTargets[targets] = Int32(target)
                    row[symbol] = Int32(target)
                }
            }
            rows[state] = row
        }
        // Number the states that end the search last.
        let order =
            states.indices.filter { !states[$0].isFinal } + states.indices.filter { states[$0].isFinal }
        var renumbered = [Int32](repeating: 0, count: states.count)
        for (new, old) in order.enumerated() { renumbered[old] = Int32(new) }
        let asciiClasses = (UInt32(0)..<128).map { Int(classOfRange[Self.rangeIndex($0, boundaries)]) }
        var transitions: [Int32] = []
        transitions.reserveCapacity(states.count * (128 + classCount))
        for old in order {
            let row = rows[old] ?? []
            for symbol in asciiClasses { transitions.append(renumbered[Int(row[symbol])] * 128) }
        }
        let classRows = transitions.count
        for old in order {
            transitions.append(contentsOf: (rows[old] ?? []).map { renumbered[Int($0)] })
        }
        table = .allocate(capacity: transitions.count)
        table.initialize(from: transitions, count: transitions.count)
        flags = .allocate(capacity: states.count)
        for (new, old) in order.enumerated() {
            let state = states[old]
            var value: UInt8 = state.acceptingAtEnd ? Self.acceptingAtEnd : 0
            if state.accepting { value = Self.accepting }
            if state.isDead { value |= Self.dead }
            flags[new] = value
        }
        firstFinal = states.indices.filter { !states[$0].isFinal }.count
        stateCount = states.count
        self.classRows = classRows
        self.boundaries = boundaries
        self.classOfRange = classOfRange
        self.classCount = classCount
        self.start = Int(renumbered[start])
    }

    deinit {
        table.deallocate()
        flags.deallocate()
    }

    @inline(__always)
    private static func rangeIndex(_ scalar: UInt32, _ boundaries: [UInt32]) -> Int {
        var low = 0
        var high = boundaries.count
        while low < high {
            let middle = (low + high) / 2
            if boundaries[middle] <= scalar { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// True when the pattern matches somewhere in `text`.
    func matches(_ text: String) -> Bool {
        if let answer = text.utf8.withContiguousStorageIfAvailable({ run($0) }) { return answer }
        var text = text
        return text.withUTF8 { run($0) }
    }

    private func run(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if start >= firstFinal { return flags[start] & Self.accepting != 0 }
        let finalOffset = firstFinal &* 128
        let classTable = table + classRows
        let classCount = self.classCount
        var offset = start &* 128
        var i = 0
        let count = bytes.count
        while i < count {
            let lead = UInt32(bytes[i])
            if lead < 0x80 {
                offset = Int(table[offset &+ Int(lead)])
                i += 1
            } else {
                // The string is valid UTF-8: decode without checks.
                var scalar: UInt32
                if lead < 0xE0 {
                    scalar = (lead & 0x1F) << 6 | (UInt32(bytes[i + 1]) & 0x3F)
                    i += 2
                } else if lead < 0xF0 {
                    scalar = (lead & 0x0F) << 12 | (UInt32(bytes[i + 1]) & 0x3F) << 6
                    scalar |= UInt32(bytes[i + 2]) & 0x3F
                    i += 3
                } else {
                    scalar = (lead & 0x07) << 18 | (UInt32(bytes[i + 1]) & 0x3F) << 12
                    scalar |= (UInt32(bytes[i + 2]) & 0x3F) << 6 | (UInt32(bytes[i + 3]) & 0x3F)
                    i += 4
                }
                offset = Int(classTable[(offset >> 7) &* classCount &+ classOf(scalar)]) &* 128
            }
            if offset >= finalOffset { return flags[offset >> 7] & Self.accepting != 0 }
        }
        return flags[offset >> 7] & Self.acceptingAtEnd != 0
    }

    /// The class of a code point above ASCII.
    private func classOf(_ scalar: UInt32) -> Int {
        Int(classOfRange[Self.rangeIndex(scalar, boundaries)])
    }

    /// The epsilon closure of program states, as a DFA state.
    private struct Closure {
        struct State: Hashable {
            /// The `.scalar` instructions live, sorted.
            var scalars: [Int]
            /// A match is reached without reading more (the search stops here).
            var accepting: Bool
            /// A match is reached if the input ends here (through `$`).
            var acceptingAtEnd: Bool

            /// No match can follow: nothing live, and the input may not end here either.
            var isDead: Bool { scalars.isEmpty && !acceptingAtEnd }
            /// The search ends on reaching this state.
            var isFinal: Bool { accepting || isDead }
        }

        let program: RegexProgram
        var seen: [Int]
        /// Instructions visited since the caller last reset it.
        var visited = 0
        var generation = 0
        var stack: [Int] = []

        init(_ program: RegexProgram) {
            self.program = program
            seen = [Int](repeating: -1, count: program.instructions.count)
        }

        mutating func compute(_ seeds: [Int], atStart: Bool) -> State {
            var scalars: [Int] = []
            let accepting = walk(seeds, atStart: atStart, atEnd: false, scalars: &scalars)
            var ignored: [Int] = []
            let acceptingAtEnd = accepting || walk(seeds, atStart: atStart, atEnd: true, scalars: &ignored)
            scalars.sort()
            return State(
                scalars: accepting ? [] : scalars, accepting: accepting, acceptingAtEnd: acceptingAtEnd)
        }

        /// Follows the non-consuming instructions from `seeds`; true when a match is reached.
        private mutating func walk(_ seeds: [Int], atStart: Bool, atEnd: Bool, scalars: inout [Int]) -> Bool {
            generation += 1
            stack.append(contentsOf: seeds.reversed())
            var matched = false
            while let pc = stack.popLast() {
                guard seen[pc] != generation else { continue }
                seen[pc] = generation
                visited += 1
                switch program.instructions[pc] {
                case .match:
                    matched = true
                case .scalar:
                    scalars.append(pc)
                case .jump(let target):
                    stack.append(target)
                case .split(let first, let second):
                    stack.append(second)
                    stack.append(first)
                case .assert(let assertion, let next):
                    switch assertion {
                    case .start: if atStart { stack.append(next) }
                    case .end: if atEnd { stack.append(next) }
                    case .wordBoundary, .notWordBoundary: break
                    }
                }
            }
            return matched
        }
    }
}

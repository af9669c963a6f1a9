import CProctorStack

/// How far down its thread's stack an evaluation may recurse. A schema whose references lead
/// through deep nests of `if`/`else`/`allOf` on every hop can exhaust the stack in fewer hops than
/// ``Evaluation/maximumDepth``; the guard stops the run with an error first, leaving at least
/// 256 KiB (an eighth of the stack when that is more) for the way back.
struct StackGuard {
    /// The lowest address the evaluation may reach; 0 when the stack's bounds are unknown.
    let floor: UInt

    /// The guard for the calling thread.
    init() {
        var address: UnsafeMutableRawPointer?
        var size = 0
        let low = proctor_stack_bounds(&address, &size) == 0 ? UInt(bitPattern: address) : 0
        guard low != 0, size > 0 else {
            floor = 0
            return
        }
        floor = low + UInt(max(256 * 1024, size / 8))
    }

    /// Whether the stack has grown past the floor.
    @inline(never)
    func isExhausted() -> Bool {
        var marker: UInt8 = 0
        let here = withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
        return here < floor
    }
}

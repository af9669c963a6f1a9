/// When each actor of the open model is due, counted from the start of the run. The rate grows
/// linearly from zero over the ramp, then stays at `actorsPerSecond`; arrival `i` (0-based,
/// over all shards) is due when the expected number of arrivals reaches `i`. Every shard
/// computes the same global schedule and takes its own actors from it.
struct ArrivalSchedule: Sendable {
    let actorsPerSecond: Double
    let rampSeconds: Double

    /// Seconds from the start at which arrival `i` is due.
    func offsetSeconds(_ i: Int) -> Double {
        let n = Double(i)
        guard rampSeconds > 0 else { return n / actorsPerSecond }
        let duringRamp = actorsPerSecond * rampSeconds / 2
        if n < duringRamp { return (2 * rampSeconds * n / actorsPerSecond).squareRoot() }
        return rampSeconds + (n - duringRamp) / actorsPerSecond
    }

    func offsetNanoseconds(_ i: Int) -> UInt64 {
        let s = offsetSeconds(i)
        return s >= 9.2e9 ? UInt64(Int64.max) : UInt64(s * 1e9)
    }
}

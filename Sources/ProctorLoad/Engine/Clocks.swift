import NIOCore
import ProctorCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Monotonic nanoseconds, for latency and pacing.
@inline(__always)
func monotonicNanoseconds() -> UInt64 { NIODeadline.now().uptimeNanoseconds }

/// Wall-clock milliseconds since the Unix epoch.
func wallMilliseconds() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
}

/// Wall-clock whole seconds since the Unix epoch.
func wallSeconds() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Int64(ts.tv_sec)
}

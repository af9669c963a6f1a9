#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process's open-file limit (`RLIMIT_NOFILE`), which bounds the connections the receiver can
/// hold: each is one descriptor. Accepting past the limit fails with `EMFILE` over and over, and
/// the server spins answering no one; ``ConnectionLimits/maxConnections`` stays below it.
public enum FileDescriptorLimit {
    /// Descriptors kept for everything but connections: the standard streams, the listening
    /// socket, the event loops' epoll, event and timer descriptors, the signal sources.
    public static let reserve = 64

    /// The soft and hard limits; nil when they cannot be read.
    public static func current() -> (soft: Int, hard: Int)? {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return nil }
        return (clamped(limit.rlim_cur), clamped(limit.rlim_max))
    }

    /// Makes room for `connections`: raises the soft limit toward the hard one when it is too
    /// low, then returns how many connections fit (`connections` when they all do).
    public static func fit(connections: Int) -> Int {
        guard var (soft, hard) = current() else { return connections }
        let wanted = connections + reserve
        if soft < wanted && soft < hard {
            var raised = rlimit()
            raised.rlim_cur = rlim_t(min(wanted, hard))
            raised.rlim_max = rlim_t(hard)
            if setrlimit(resource, &raised) == 0, let now = current() { (soft, hard) = now }
        }
        return max(1, min(connections, soft - reserve))
    }

    private static func clamped(_ value: rlim_t) -> Int { value > rlim_t(Int.max) ? Int.max : Int(value) }

    #if canImport(Glibc)
        private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
        private static let resource = RLIMIT_NOFILE
    #endif
}

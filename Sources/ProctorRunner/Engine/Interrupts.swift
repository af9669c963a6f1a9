import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Ctrl-C handling for `proctor run`: the first SIGINT or SIGTERM cancels the run, which then
/// returns what it has (steps not reached are reported as not sent), so the partial report can be
/// written and the process can exit 130.
public enum Interrupts {
    /// Runs `operation` as a task that SIGINT and SIGTERM cancel. Returns its value and whether a
    /// signal arrived. The default signal handling is restored afterwards.
    public static func cancellingOnSignals<T: Sendable>(
        _ operation: @escaping @Sendable () async -> T
    ) async -> (value: T, interrupted: Bool) {
        let signals = [SIGINT, SIGTERM]
        for signalNumber in signals { signal(signalNumber, SIG_IGN) }
        let task = Task { await operation() }
        let interrupted = Mutex(false)
        let sources = signals.map { signalNumber in
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                interrupted.withLock { $0 = true }
                task.cancel()
            }
            source.resume()
            return source
        }
        let value = await task.value
        for source in sources { source.cancel() }
        for signalNumber in signals { signal(signalNumber, SIG_DFL) }
        return (value, interrupted.withLock { $0 })
    }
}

import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one interrupt handler of every command: the first SIGINT or SIGTERM asks the work to
/// stop (it then returns what it has, so reports are still written and the process exits 130);
/// a second one exits at once with 130.
public enum Interrupts {
    /// A watch on SIGINT and SIGTERM; ``cancel()`` restores the default handling.
    public final class Watch: @unchecked Sendable {
        // Guarded by `lock`.
        private let lock = NSLock()
        private var sources: [DispatchSourceSignal] = []
        private var seen = false

        init(action: @escaping @Sendable () -> Void) {
            let signals = [SIGINT, SIGTERM]
            for signalNumber in signals { signal(signalNumber, SIG_IGN) }
            var made: [DispatchSourceSignal] = []
            for signalNumber in signals {
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
                source.setEventHandler { [weak self] in
                    guard let self else { return }
                    if self.markSeen() { exit(130) }
                    action()
                }
                source.resume()
                made.append(source)
            }
            lock.withLock { sources = made }
        }

        /// Records a signal; true when one had arrived before.
        private func markSeen() -> Bool {
            lock.withLock {
                defer { seen = true }
                return seen
            }
        }

        /// Whether a signal arrived.
        public var interrupted: Bool { lock.withLock { seen } }

        public func cancel() {
            let all = lock.withLock {
                defer { sources = [] }
                return sources
            }
            guard !all.isEmpty else { return }
            for source in all { source.cancel() }
            for signalNumber in [SIGINT, SIGTERM] { signal(signalNumber, SIG_DFL) }
        }
    }

    /// Calls `action` on the first SIGINT or SIGTERM until the watch is cancelled.
    public static func watch(_ action: @escaping @Sendable () -> Void) -> Watch { Watch(action: action) }

    /// Runs `operation` as a task that SIGINT and SIGTERM cancel. Returns its value and whether a
    /// signal arrived. The default signal handling is restored afterwards.
    public static func cancellingOnSignals<T: Sendable>(
        _ operation: @escaping @Sendable () async -> T
    ) async -> (value: T, interrupted: Bool) {
        let task = Task { await operation() }
        let watch = watch { task.cancel() }
        let value = await task.value
        watch.cancel()
        return (value, watch.interrupted)
    }
}

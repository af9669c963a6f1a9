import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one interrupt handler of every command: the first SIGINT or SIGTERM asks the work to
/// stop (it then returns what it has, so reports are still written and the process exits 130).
/// Another signal within ``grace`` of the first (an impatient double Ctrl-C) is noted and
/// ignored, so the reports are not lost; one after that exits at once with 130.
public enum Interrupts {
    /// A watch on SIGINT and SIGTERM; ``cancel()`` restores the default handling.
    public final class Watch: @unchecked Sendable {
        // Guarded by `lock`.
        private let lock = NSLock()
        private var sources: [DispatchSourceSignal] = []
        private var seen = false
        private var firstAt: ContinuousClock.Instant?

        init(action: @escaping @Sendable () -> Void) {
            let signals = [SIGINT, SIGTERM]
            for signalNumber in signals { signal(signalNumber, SIG_IGN) }
            var made: [DispatchSourceSignal] = []
            for signalNumber in signals {
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
                source.setEventHandler { [weak self] in
                    guard let self else { return }
                    switch self.markSeen() {
                    case .first: action()
                    case .withinGrace:
                        StandardStreams.error(
                            "stopping: finishing the reports (interrupt again after \(Int(Interrupts.grace.components.seconds))s to quit at once)"
                        )
                    case .afterGrace: exit(130)
                    }
                }
                source.resume()
                made.append(source)
            }
            lock.withLock { sources = made }
        }

        /// Records a signal and says how it stands to the first one.
        private func markSeen() -> Arrival {
            lock.withLock {
                let now = ContinuousClock.now
                let arrival = Interrupts.arrival(at: now, first: firstAt)
                if arrival == .first {
                    seen = true
                    firstAt = now
                }
                return arrival
            }
        }

        /// Whether a signal arrived.
        public var interrupted: Bool { lock.withLock { seen } }

        /// Restores the default handling, unless a signal already arrived: then the process is
        /// winding down (writing its reports), and further signals keep following the grace rule
        /// instead of killing it halfway.
        public func cancel() {
            let all: [DispatchSourceSignal] = lock.withLock {
                guard !seen else { return [] }
                defer { sources = [] }
                return sources
            }
            guard !all.isEmpty else { return }
            for source in all { source.cancel() }
            for signalNumber in [SIGINT, SIGTERM] { signal(signalNumber, SIG_DFL) }
        }
    }

    /// How long after the first signal further ones are ignored.
    public static let grace: Duration = .seconds(3)

    /// How a signal stands to the first one.
    public enum Arrival: Sendable, Equatable { case first, withinGrace, afterGrace }

    /// A signal at `now`, given when the first one came (nil: none yet).
    public static func arrival(at now: ContinuousClock.Instant, first: ContinuousClock.Instant?) -> Arrival {
        guard let first else { return .first }
        return now - first < grace ? .withinGrace : .afterGrace
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

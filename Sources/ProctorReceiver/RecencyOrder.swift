import DequeModule

/// Keys in the order they were last touched, so the one touched least recently can be removed in
/// amortised constant time: the limit of ``ReceiverState``'s candidates.
///
/// Each touch appends `(key, stamp)` to a queue and records the key's latest stamp; an entry
/// whose stamp is no longer the key's latest is stale and skipped when the oldest is taken. The
/// queue is compacted when stale entries outnumber live ones.
struct RecencyOrder: Sendable {
    private var stamps: [String: Int] = [:]
    private var queue: Deque<(key: String, stamp: Int)> = []
    private var clock = 0

    /// How many keys are held.
    var count: Int { stamps.count }

    /// Makes `key` the most recently touched, adding it when new.
    mutating func touch(_ key: String) {
        clock += 1
        stamps[key] = clock
        queue.append((key, clock))
        if queue.count > 2 * stamps.count + 64 {
            queue = Deque(queue.filter { stamps[$0.key] == $0.stamp })
        }
    }

    /// Removes and returns the key touched least recently; nil when empty.
    mutating func removeOldest() -> String? {
        while let entry = queue.popFirst() {
            if stamps[entry.key] == entry.stamp {
                stamps[entry.key] = nil
                return entry.key
            }
        }
        return nil
    }

    func contains(_ key: String) -> Bool { stamps[key] != nil }

    /// Entries in the queue, stale ones included (for tests of the compaction).
    var queuedEntries: Int { queue.count }
}

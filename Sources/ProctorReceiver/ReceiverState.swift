import DequeModule
import ProctorCore
import ProctorJSON
import ProctorVendors

/// One delivery the receiver answered.
public struct ReceivedEvent: Sendable, Hashable {
    public var sequence: Int
    public var vendor: String
    public var event: String
    public var messageId: String
    public var receivedAtMilliseconds: Int64
    /// Nil when the vendor's requests are not checked.
    public var verified: Bool?
    public var duplicate: Bool
    /// The status the receiver answered.
    public var status: Int
    /// Why the delivery was not accepted, if it was not.
    public var reason: String?
    public var candidateId: String?
    /// SHA-256 (hex) of the body bytes as received.
    public var bodySHA256: String = ""
    /// Length of the body as received.
    public var bodyLength: Int = 0

    public var json: JSONValue {
        var object = JSONObject()
        object["sequence"] = .int(sequence)
        object["vendor"] = .string(vendor)
        object["event"] = .string(event)
        object["messageId"] = .string(messageId)
        object["receivedAt"] = .string(FakeData.isoTimestamp(milliseconds: receivedAtMilliseconds))
        object["verified"] = verified.map(JSONValue.bool) ?? .null
        object["duplicate"] = .bool(duplicate)
        object["status"] = .int(status)
        object["reason"] = reason.map(JSONValue.string) ?? .null
        object["candidateId"] = candidateId.map(JSONValue.string) ?? .null
        object["bodyLength"] = .int(bodyLength)
        object["bodySha256"] = .string(bodySHA256)
        return .object(object)
    }
}

/// What the receiver knows about one candidate, from the events about them.
public struct CandidateRecord: Sendable, Hashable {
    public var id: String
    public var vendor: String
    public var email: String?
    public var status: String?
    public var stage: String?
    public var lastEvent: String
    /// The payload time of the event the status comes from: an older event arriving later
    /// (a reordered or retried delivery) does not roll the status back.
    public var statusAtMilliseconds: Int64?
    /// Event names in arrival order: the last ``ReceiverStateLimits/maxHistory`` of them.
    public var history: [HistoryEntry]
    /// History entries dropped to keep the history within its limit.
    public var historyDropped = 0

    public struct HistoryEntry: Sendable, Hashable {
        public var event: String
        public var messageId: String
        public var status: String?
        public var receivedAtMilliseconds: Int64
        /// False for an event older than the state already known (kept in the history only).
        public var applied: Bool = true
    }

    public var json: JSONValue {
        var object = JSONObject()
        object["id"] = .string(id)
        object["vendor"] = .string(vendor)
        object["email"] = email.map(JSONValue.string) ?? .null
        object["status"] = status.map(JSONValue.string) ?? .null
        object["stage"] = stage.map(JSONValue.string) ?? .null
        object["lastEvent"] = .string(lastEvent)
        object["statusAt"] =
            statusAtMilliseconds.map { .string(FakeData.isoTimestamp(milliseconds: $0)) } ?? .null
        object["history"] = .array(
            history.map { entry in
                var item = JSONObject()
                item["event"] = .string(entry.event)
                item["messageId"] = .string(entry.messageId)
                item["status"] = entry.status.map(JSONValue.string) ?? .null
                item["receivedAt"] = .string(
                    FakeData.isoTimestamp(milliseconds: entry.receivedAtMilliseconds))
                item["applied"] = .bool(entry.applied)
                return .object(item)
            })
        object["historyDropped"] = .int(historyDropped)
        return .object(object)
    }
}

/// The receiver's memory: event log, seen message ids, candidates and the chaos counters. Every
/// part of it is bounded (``ReceiverStateLimits``), so memory stays flat however many deliveries
/// arrive.
public actor ReceiverState {
    private var log: Deque<ReceivedEvent> = []
    private var nextSequence = 1
    private var seenMessageIds = BoundedSet(capacity: 100_000)
    private var deliveriesById: [String: Int] = [:]
    private var deliveryOrder = BoundedSet(capacity: 100_000)
    private var statusSequenceIndex = 0
    private var random: SeededRandom
    private var candidates: [String: CandidateRecord] = [:]
    /// Candidate keys, least recently updated first: the first is evicted beyond the limit.
    private var candidateOrder = RecencyOrder()
    /// Candidate id or email -> candidate key.
    private var aliases: [String: String] = [:]
    /// Candidate key -> the aliases that point at it, least recently seen first, removed with it.
    private var aliasesByKey: [String: [String]] = [:]
    public let limits: ReceiverStateLimits

    public init(limits: ReceiverStateLimits = ReceiverStateLimits(), seed: UInt64 = 1) {
        self.limits = limits
        random = SeededRandom(seed: seed)
    }

    /// The event log, oldest first: the last ``ReceiverStateLimits/maxEvents`` deliveries.
    public var events: [ReceivedEvent] { Array(log) }

    /// Up to `limit` events with a sequence number above `after`, oldest first, and whether more follow.
    public func events(after: Int, limit: Int) -> (items: [ReceivedEvent], more: Bool) {
        // The log is in sequence order: find the first entry past the cursor by bisection.
        var low = 0
        var high = log.count
        while low < high {
            let middle = (low + high) / 2
            if log[middle].sequence <= after { low = middle + 1 } else { high = middle }
        }
        let end = min(log.count, low + max(0, limit))
        return (Array(log[low..<end]), end < log.count)
    }

    /// How many entries the event log holds, and how many deliveries were dropped from it.
    public var eventCounts: (held: Int, dropped: Int) { (log.count, nextSequence - 1 - log.count) }

    /// The chaos answer for the next delivery of `messageId`, if any: `.drop`, or a forced status.
    enum ChaosAnswer: Sendable, Equatable {
        case drop
        case status(Int)
    }

    func chaosAnswer(messageId: String, settings: ChaosSettings) -> ChaosAnswer? {
        let count = (deliveriesById[messageId] ?? 0) + 1
        if let evicted = deliveryOrder.insert(messageId).evicted { deliveriesById[evicted] = nil }
        deliveriesById[messageId] = count
        if settings.dropConnectionRate > 0, random.chance(settings.dropConnectionRate) { return .drop }
        if count <= settings.failFirst { return .status(503) }
        if statusSequenceIndex < settings.statusSequence.count {
            let status = settings.statusSequence[statusSequenceIndex]
            statusSequenceIndex += 1
            if !(200..<300).contains(status) { return .status(status) }
        }
        return nil
    }

    /// Records that `messageId` was processed; false when it had been already.
    func markProcessed(_ key: String) -> Bool { seenMessageIds.insert(key).inserted }

    func record(_ event: ReceivedEvent) -> ReceivedEvent {
        var event = event
        event.sequence = nextSequence
        nextSequence += 1
        log.append(event)
        while log.count > limits.maxEvents { log.removeFirst() }
        return event
    }

    func updateCandidate(vendor: String, facts: PayloadFacts, messageId: String, at milliseconds: Int64) {
        guard let id = facts.candidateId else { return }
        let key = aliases[id] ?? facts.candidateEmail.flatMap { aliases[$0] } ?? id
        var record =
            candidates[key]
            ?? CandidateRecord(
                id: key, vendor: vendor, email: nil, status: nil, stage: nil, lastEvent: facts.event,
                history: [])
        record.email = facts.candidateEmail ?? record.email
        // The newer state wins: an event dated before the one the status came from changes nothing.
        let isOlder =
            facts.occurredAtMilliseconds.map { time in record.statusAtMilliseconds.map { time < $0 } ?? false
            }
            ?? false
        if !isOlder {
            record.status = facts.status ?? record.status
            record.stage = facts.stage ?? record.stage
            record.lastEvent = facts.event
            record.statusAtMilliseconds = facts.occurredAtMilliseconds ?? record.statusAtMilliseconds
        }
        record.history.append(
            .init(
                event: facts.event, messageId: messageId, status: facts.status,
                receivedAtMilliseconds: milliseconds, applied: !isOlder))
        if record.history.count > limits.maxHistory {
            let excess = record.history.count - limits.maxHistory
            record.history.removeFirst(excess)
            record.historyDropped += excess
        }
        candidates[key] = record
        candidateOrder.touch(key)
        addAlias(id, for: key)
        if let email = facts.candidateEmail { addAlias(email, for: key) }
        while candidateOrder.count > limits.maxCandidates, let oldest = candidateOrder.removeOldest() {
            evictCandidate(oldest)
        }
    }

    /// Points `alias` (an id or email) at `key`, as its most recent; beyond
    /// ``ReceiverStateLimits/maxAliases`` the candidate's oldest alias other than its own id goes.
    private func addAlias(_ alias: String, for key: String) {
        if let previous = aliases[alias], previous != key {
            aliasesByKey[previous]?.removeAll { $0 == alias }
        }
        aliases[alias] = key
        var list = aliasesByKey[key] ?? []
        list.removeAll { $0 == alias }
        list.append(alias)
        if list.count > limits.maxAliases, let oldest = list.firstIndex(where: { $0 != key }) {
            aliases[list.remove(at: oldest)] = nil
        }
        aliasesByKey[key] = list
    }

    private func evictCandidate(_ key: String) {
        candidates[key] = nil
        for alias in aliasesByKey.removeValue(forKey: key) ?? [] where aliases[alias] == key {
            aliases[alias] = nil
        }
    }

    /// A candidate by id or email.
    public func candidate(_ idOrEmail: String) -> CandidateRecord? {
        candidates[aliases[idOrEmail] ?? idOrEmail]
    }

    /// Every candidate held, by id.
    public func allCandidates() -> [CandidateRecord] { candidates.values.sorted { $0.id < $1.id } }

    /// How many candidates are held.
    public var candidateCount: Int { candidates.count }

    /// How many ids and emails lead to a candidate (for tests: none outlive their candidate).
    var aliasCount: Int { aliases.count }

    /// Up to `limit` candidates whose id sorts after `after` (nil: from the first), by id, and
    /// whether more follow.
    public func candidates(after: String?, limit: Int) -> (items: [CandidateRecord], more: Bool) {
        let keys = (after.map { cursor in candidates.keys.filter { $0 > cursor } } ?? Array(candidates.keys))
            .sorted()
        let page = keys.prefix(max(0, limit)).compactMap { candidates[$0] }
        return (page, keys.count > page.count)
    }
}

/// How much ``ReceiverState`` keeps; the oldest entries go first beyond each limit.
public struct ReceiverStateLimits: Sendable, Hashable {
    /// Entries of the event log.
    public var maxEvents: Int
    /// Candidates; beyond it the one updated least recently is forgotten, with its aliases.
    public var maxCandidates: Int
    /// History entries of one candidate; older ones are dropped and counted in `historyDropped`.
    public var maxHistory: Int
    /// Ids and emails one candidate is found by (a new id with a known email joins that
    /// candidate); beyond it the one seen least recently is forgotten.
    public var maxAliases: Int

    public init(
        maxEvents: Int = 10_000, maxCandidates: Int = 10_000, maxHistory: Int = 50, maxAliases: Int = 32
    ) {
        self.maxEvents = max(1, maxEvents)
        self.maxCandidates = max(1, maxCandidates)
        self.maxHistory = max(1, maxHistory)
        self.maxAliases = max(2, maxAliases)
    }
}

/// A set that forgets its oldest members beyond `capacity`, so memory stays flat however many
/// messages arrive.
struct BoundedSet: Sendable {
    let capacity: Int
    private var members: Set<String> = []
    /// Members, oldest first.
    private var order: Deque<String> = []

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Inserts `member`; returns whether it was new and which member was forgotten to make room.
    mutating func insert(_ member: String) -> (inserted: Bool, evicted: String?) {
        guard members.insert(member).inserted else { return (false, nil) }
        order.append(member)
        guard members.count > capacity, let oldest = order.popFirst() else { return (true, nil) }
        members.remove(oldest)
        return (true, oldest)
    }

    func contains(_ member: String) -> Bool { members.contains(member) }
}

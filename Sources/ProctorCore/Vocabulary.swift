/// Faults a step can inject (`fault:`) or a scenario can apply at seeded rates (`faults:`).
public enum FaultKind: String, Sendable, Hashable, CaseIterable {
    /// Whether a step with this fault still delivers an event a correct consumer accepts (and
    /// answers 2xx), or one it must reject (4xx): a forged, unsigned, stale or cut request.
    public var deliversAcceptedEvent: Bool {
        switch self {
        case .duplicate, .reorder, .delay, .rotatedSecret, .webhookHeaders, .vendorRetries, .slowSend:
            return true
        case .badSignature, .malformedSignature, .staleTimestamp, .futureTimestamp,
            .missingSignature,
            .truncatedBody:
            return false
        }
    }

    case duplicate
    case reorder
    case delay
    case badSignature = "bad-signature"
    case malformedSignature = "malformed-signature"
    case staleTimestamp = "stale-timestamp"
    case futureTimestamp = "future-timestamp"
    case rotatedSecret = "rotated-secret"
    case missingSignature = "missing-signature"
    case webhookHeaders = "webhook-headers"
    case vendorRetries = "vendor-retries"
    case slowSend = "slow-send"
    case truncatedBody = "truncated-body"

    public static var names: [String] { allCases.map(\.rawValue) }
}

/// What the scenario checker needs to know about vendors' events, supplied by the vendor catalog.
///
/// `proctor check` validates event names, lifecycle stages, quirks, event order, actor fields and
/// payload paths through this protocol, so the scenario loader does not depend on the catalog.
public protocol EventVocabulary: Sendable {
    /// Vendor names the catalog serves.
    var vendorNames: [String] { get }
    /// Canonical event names of a vendor (what `send:` accepts besides aliases); empty if unknown.
    func eventNames(vendor: String) -> [String]
    /// The canonical name for an accepted spelling (canonical, wire name or alias), or nil.
    func resolveEvent(vendor: String, name: String) -> String?
    /// Stage names `lifecycle:` accepts for a vendor, in their natural order.
    func lifecycleStages(vendor: String) -> [String]
    /// The canonical events a lifecycle stage stands for, in the order the vendor sends them
    /// (`invited` -> `[candidate.invited]`; a Qualified `started` -> the result's start, its state
    /// change and the team candidate's). Empty for an unknown stage.
    func lifecycleEvents(vendor: String, stage: String) -> [String]
    /// Quirk names a step may select with `quirks:`.
    func quirkNames(vendor: String) -> [String]
    /// The canonical events a quirk applies to; nil when that is not known (any event).
    func quirkEvents(vendor: String, quirk: String) -> [String]?
    /// Checks one actor's sequence of canonical events against the vendor's state machine.
    /// Gaps are allowed (an endpoint may not be subscribed to every event); a regression is not.
    /// Returns the first event that cannot follow the ones before it, the earlier event it
    /// conflicts with, and why.
    func orderProblem(vendor: String, events: [String]) -> OrderProblem?
    /// The fields every actor of the vendor has for templates (`{{jane.candidateId}}`) besides
    /// those the scenario gives it: names, email and the ids the vendor's payloads carry. Nil when
    /// not known: every field is then accepted.
    func actorFieldNames(vendor: String) -> [String]?
    /// A payload of a canonical event with `quirks` selected, for checking the paths of
    /// `{{steps.ID.payload.PATH}}` references. Nil when not known: every path is then accepted.
    func examplePayload(vendor: String, event: String, quirks: [String]) -> PayloadExample?
    /// ``examplePayload(vendor:event:quirks:)`` in one of the vendor's ``versionNames(vendor:)``.
    func examplePayload(vendor: String, version: String?, event: String, quirks: [String]) -> PayloadExample?
    /// The payload versions a vendor can send (`version:`), the default first; empty when the
    /// vendor has one shape.
    func versionNames(vendor: String) -> [String]
    /// The vendor that received every event of `vendor` too during a migration (`mirror:`), if any.
    func mirrorVendor(vendor: String) -> String?
}

extension EventVocabulary {
    /// The first event a lifecycle stage stands for: the one that reports its state.
    @available(
        *, deprecated, message: "a stage may stand for several events; use lifecycleEvents(vendor:stage:)"
    )
    public func lifecycleEvent(vendor: String, stage: String) -> String? {
        lifecycleEvents(vendor: vendor, stage: stage).first
    }
    public func quirkEvents(vendor: String, quirk: String) -> [String]? { nil }
    public func versionNames(vendor: String) -> [String] { [] }
    public func mirrorVendor(vendor: String) -> String? { nil }
    public func examplePayload(vendor: String, version: String?, event: String, quirks: [String])
        -> PayloadExample?
    {
        examplePayload(vendor: vendor, event: event, quirks: quirks)
    }
}

/// An event that cannot follow an earlier one for the same actor.
public struct OrderProblem: Sendable, Hashable {
    /// The event that cannot come where it is.
    public var index: Int
    /// The earlier event it conflicts with, when there is one.
    public var earlierIndex: Int?
    public var reason: String

    public init(index: Int, earlierIndex: Int? = nil, reason: String) {
        self.index = index
        self.earlierIndex = earlierIndex
        self.reason = reason
    }
}

/// A vocabulary that knows the vendor names only: every event name, actor field and payload path
/// is accepted.
public struct VendorNamesOnlyVocabulary: EventVocabulary {
    public let vendorNames: [String]
    public init(vendorNames: [String]) { self.vendorNames = vendorNames }
    public func eventNames(vendor: String) -> [String] { [] }
    public func resolveEvent(vendor: String, name: String) -> String? { name }
    public func lifecycleStages(vendor: String) -> [String] { [] }
    public func lifecycleEvents(vendor: String, stage: String) -> [String] { [] }
    public func quirkNames(vendor: String) -> [String] { [] }
    public func orderProblem(vendor: String, events: [String]) -> OrderProblem? { nil }
    public func actorFieldNames(vendor: String) -> [String]? { nil }
    public func examplePayload(vendor: String, event: String, quirks: [String]) -> PayloadExample? { nil }
}

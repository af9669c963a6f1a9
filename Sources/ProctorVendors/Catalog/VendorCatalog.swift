import ProctorCore
import ProctorJSON
import ProctorSigning

/// A vendor's identity: the name scenarios, routes and flags use (`testlify`, `talview`, ...).
/// Only the catalog turns a name into a profile; code outside the vendor folder asks the
/// profile, never compares names.
public struct VendorID: RawRepresentable, Sendable, Hashable, Comparable, Codable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }
    public var description: String { rawValue }
    public static func < (a: VendorID, b: VendorID) -> Bool { a.rawValue < b.rawValue }
}

/// One event a vendor sends.
public struct EventSpec: Sendable, Hashable {
    public let vendor: VendorID
    /// The name scenarios use (`candidate.completed`, `ae.test_instance.updated`, `assessment_result_submitted`).
    public let name: String
    /// What identifies the event on the wire (body `event`, Talview event type, Svix event type).
    public let wireName: String
    /// Other accepted spellings (Qualified's dotted seed names, wire names).
    public let aliases: [String]
    /// The body's envelope, in words.
    public let envelope: String
    /// The reference example (`vendor__event`) whose shape the payload follows.
    public let example: String
    /// Set when the event has no example of its own: why the named example is the nearest one.
    public let exampleNote: String?
    /// Events after which this one can no longer happen for the same actor.
    public let notAfter: [String]
    /// True when the event is about an organisation's records rather than a candidate
    /// (assessments, challenges): such events do not move the candidate's state.
    public let organisational: Bool
    /// Events the vendor fires this one together with, for the same change: sent right after one
    /// of them, it follows at once (a seeded gap under a second) and shows the same moment.
    public let firesWith: [String]

    init(
        vendor: VendorID, name: String, wireName: String, aliases: [String] = [], envelope: String,
        example: String? = nil, exampleNote: String? = nil,
        notAfter: [String] = [],
        organisational: Bool = false, firesWith: [String] = []
    ) {
        self.firesWith = firesWith
        self.vendor = vendor
        self.name = name
        self.wireName = wireName
        self.aliases = aliases
        self.envelope = envelope
        self.example = example ?? "\(vendor)__\(name)"
        self.exampleNote = exampleNote
        self.notAfter = notAfter
        self.organisational = organisational
    }

    /// Whether this event is modelled on its own reference example.
    public var hasOwnExample: Bool { exampleNote == nil }
}

/// A vendor payload quirk. `always` quirks are how the vendor always sends; the others are
/// selected per step (`quirks:` in a scenario, `--quirk` on the command line).
public struct QuirkSpec: Sendable, Hashable {
    public let name: String
    public let summary: String
    /// Events the quirk applies to.
    public let events: [String]
    /// Events on which the vendor shows it by default (as in its examples).
    public let defaultOn: [String]
    public let always: Bool
    /// Quirks that cannot be combined with this one (alternative values of the same field).
    public let group: String?

    init(
        _ name: String, _ summary: String, events: [String], defaultOn: [String] = [], always: Bool = false,
        group: String? = nil
    ) {
        self.name = name
        self.summary = summary
        self.events = events
        self.defaultOn = always ? events : defaultOn
        self.always = always
        self.group = group
    }
}

/// One shape of a vendor's payloads (`version:` in a scenario, `--vendor-version` on the command
/// line), for vendors whose documents show more than one.
public struct VendorVersion: Sendable, Hashable {
    public let name: String
    public let summary: String
    /// Where the vendor documents this shape.
    public let source: String

    init(_ name: String, _ summary: String, source: String) {
        self.name = name
        self.summary = summary
        self.source = source
    }
}

/// A period when a vendor delivered each event both as this profile and as `partner`, from one
/// record: Testlify sent every event to v1 and v2 endpoints until v1 was retired.
public struct VendorMigration: Sendable, Hashable {
    public let partner: VendorID
    public let note: String
}

/// Everything Proctor knows about one vendor: the one place a vendor lives. Adding a vendor
/// means adding its profile (under Profiles/), its builder and its templates, and listing the
/// profile in ``VendorCatalog/standard``.
public struct VendorProfile: Sendable {
    public let id: VendorID
    public let displayName: String
    public let events: [EventSpec]
    public let method: String
    public let defaultHeaders: [HTTPHeader]
    public let signing: SigningScheme
    public let quirks: [QuirkSpec]
    /// `lifecycle:` stage names and the events each stands for, in order: the event that reports
    /// the stage's state first, then the ones the vendor fires with it for the same change.
    public let lifecycle: [(stage: String, events: [String])]
    /// How the vendor resends a message that was not accepted.
    public let retryPolicy: RetryPolicy
    /// The vendor's own reading of a body (event as sent, candidate, status); see ``inspect(_:)``.
    let readPayload: @Sendable (JSONValue) -> PayloadFacts
    /// The actor fields that make each load actor a different candidate.
    public let loadIdentity: [LoadIdentityField]
    let builder: PayloadBuilder
    /// The payload shapes the vendor sends, the default first; empty for a vendor with one.
    public var versions: [VendorVersion] = []
    /// A migration during which the vendor sent every event to the endpoints of another profile
    /// too, with the same data (`mirror:` in a scenario).
    public var migration: VendorMigration?

    /// The vendor's name (`testlify`).
    public var name: String { id.rawValue }

    public func event(named name: String) -> EventSpec? {
        events.first { $0.name == name } ?? events.first { $0.wireName == name || $0.aliases.contains(name) }
    }

    /// The catalog event of a received payload whose inspected event name (``PayloadFacts/event``)
    /// is `name`, trying the most specific spelling first: a named state change
    /// (`assessment_result_state_changed.started` for a Qualified change to `started`), the
    /// `type` and `event` of an envelope that splits them (Testlify's `candidate` and `invited`),
    /// then the name itself. Nil for a name the vendor's catalog does not hold.
    public func event(received name: String, in payload: JSONValue?) -> EventSpec? {
        guard !name.isEmpty, name != "unknown" else { return nil }
        var spellings: [String] = []
        if let state = payload?["data"]?["state"]?.stringValue { spellings.append(name + "." + state) }
        if let type = payload?["type"]?.stringValue { spellings.append(type + "." + name) }
        spellings.append(name)
        return spellings.lazy.compactMap { event(named: $0) }.first
    }

    /// What the reference receiver reads out of a body: event, candidate, status. The event is
    /// named as in the catalog when the catalog holds it (``event(received:in:)``: Testlify's
    /// `type` `candidate` and `event` `invited` are `candidate.invited`), so that the receiver's
    /// tail, `/events`, captures and `replay --event` all use the names `send` and scenarios
    /// use; otherwise as the vendor sent it.
    public func inspect(_ payload: JSONValue) -> PayloadFacts {
        var facts = readPayload(payload)
        if let spec = event(received: facts.event, in: payload) { facts.event = spec.name }
        return facts
    }

    public func quirk(named name: String) -> QuirkSpec? { quirks.first { $0.name == name } }

    /// All accepted event spellings.
    public var acceptedEventNames: [String] {
        var names: [String] = []
        for e in events {
            for n in [e.name, e.wireName] + e.aliases where !names.contains(n) { names.append(n) }
        }
        return names
    }
}

/// The four vendor profiles. Implements ``EventVocabulary`` so `proctor check` can validate
/// event names, lifecycle stages, quirks and event order without depending on this module.
public struct VendorCatalog: Sendable, EventVocabulary {
    public let profiles: [VendorProfile]

    public init(profiles: [VendorProfile]) { self.profiles = profiles }

    /// Talview, Testlify (Svix), Testlify v1 (legacy) and Qualified.
    public static let standard = VendorCatalog(profiles: [
        VendorProfiles.talview, VendorProfiles.testlify, VendorProfiles.testlifyV1, VendorProfiles.qualified,
    ])

    public func profile(for vendor: String) -> VendorProfile? { profiles.first { $0.id.rawValue == vendor } }

    public func profile(for vendor: VendorID) -> VendorProfile? { profiles.first { $0.id == vendor } }

    /// The profile, or an error naming the close vendor names.
    public func requireProfile(_ vendor: String) throws(GenerationError) -> VendorProfile {
        guard let p = profile(for: vendor) else {
            throw GenerationError(
                "unknown vendor \"\(vendor)\"" + Suggestions.didYouMean(vendor, in: vendorNames)
                    + "; vendors: " + vendorNames.joined(separator: ", "))
        }
        return p
    }

    /// The event, or an error naming the close event names.
    public func requireEvent(vendor: String, event: String) throws(GenerationError) -> (
        VendorProfile, EventSpec
    ) {
        let p = try requireProfile(vendor)
        guard let e = p.event(named: event) else {
            throw GenerationError(
                "unknown \(vendor) event \"\(event)\""
                    + Suggestions.didYouMean(event, in: p.acceptedEventNames)
                    + "; run `proctor events \(vendor)` for the list")
        }
        return (p, e)
    }

    // MARK: EventVocabulary

    public var vendorNames: [String] { profiles.map(\.name) }

    /// `Talview, Testlify, Testlify (legacy v1) and Qualified`.
    public var displayNames: String {
        let names = profiles.map(\.displayName)
        guard names.count > 1, let last = names.last else { return names.first ?? "" }
        return names.dropLast().joined(separator: ", ") + " and " + last
    }

    public func eventNames(vendor: String) -> [String] { profile(for: vendor)?.events.map(\.name) ?? [] }

    public func resolveEvent(vendor: String, name: String) -> String? {
        profile(for: vendor)?.event(named: name)?.name
    }

    public func mirrorVendor(vendor: String) -> String? {
        profile(for: vendor)?.migration?.partner.rawValue
    }

    public func versionNames(vendor: String) -> [String] {
        profile(for: vendor)?.versions.map(\.name) ?? []
    }

    /// The version `name` of `vendor` (nil: the default), or why there is none.
    public func requireVersion(_ name: String?, vendor: String) throws(GenerationError) -> VendorVersion? {
        let profile = try requireProfile(vendor)
        guard let name else { return profile.versions.first }
        if let version = profile.versions.first(where: { $0.name == name }) { return version }
        if profile.versions.isEmpty {
            throw GenerationError("\(vendor) has one payload version; '\(name)' is not one of its versions")
        }
        throw GenerationError(
            "unknown \(vendor) version '\(name)' (one of \(profile.versions.map(\.name).joined(separator: ", ")))"
        )
    }

    public func lifecycleStages(vendor: String) -> [String] {
        profile(for: vendor)?.lifecycle.map(\.stage) ?? []
    }

    public func lifecycleEvents(vendor: String, stage: String) -> [String] {
        profile(for: vendor)?.lifecycle.first { $0.stage == stage }?.events ?? []
    }

    public func quirkNames(vendor: String) -> [String] {
        profile(for: vendor)?.quirks.filter { !$0.always }.map(\.name) ?? []
    }

    public func quirkEvents(vendor: String, quirk: String) -> [String]? {
        profile(for: vendor)?.quirk(named: quirk)?.events
    }

    public func orderProblem(vendor: String, events: [String]) -> OrderProblem? {
        guard let p = profile(for: vendor) else { return nil }
        // Where each event was last seen: constant-time checks however long the lifecycle. Events
        // the endpoint may not be subscribed to can be missing (gaps); an event the vendor can no
        // longer send after an earlier one is an error.
        var lastSeen: [String: Int] = [:]
        for (index, raw) in events.enumerated() {
            guard let spec = p.event(named: raw) else { continue }
            let blockers = spec.notAfter.compactMap { name in lastSeen[name].map { (name, $0) } }
            if let blocker = blockers.max(by: { $0.1 < $1.1 }) {
                return OrderProblem(
                    index: index, earlierIndex: blocker.1, reason: "\(spec.name) cannot follow \(blocker.0)")
            }
            lastSeen[spec.name] = index
        }
        return nil
    }
}

// MARK: EventVocabulary: actor fields and payload paths

extension VendorCatalog {
    /// When example payloads happen (a fixed instant, so examples are the same on every check).
    static let exampleMilliseconds: Int64 = 1_750_000_000_000

    /// The actor's ``ActorIdentity/references``: what the runner gives templates besides the
    /// scenario's own fields.
    public func actorFieldNames(vendor: String) -> [String]? {
        guard profile(for: vendor) != nil else { return nil }
        return ActorIdentity.referenceNames(vendor: vendor)
    }

    /// The event generated for a fresh actor with seed 0, plus the objects whose keys the
    /// vendor's builder varies with the actor's history. Nil when the event or a quirk does not
    /// apply (generation fails, so there is no payload to look into).
    public func examplePayload(vendor: String, event: String, quirks: [String]) -> PayloadExample? {
        examplePayload(vendor: vendor, version: nil, event: event, quirks: quirks)
    }

    public func examplePayload(vendor: String, version: String?, event: String, quirks: [String])
        -> PayloadExample?
    {
        guard let profile = profile(for: vendor), let spec = profile.event(named: event),
            let generated = try? generate(
                vendor: vendor, version: version, event: event, seed: 0,
                clock: FixedClock(milliseconds: Self.exampleMilliseconds),
                quirks: quirks)
        else { return nil }
        return PayloadExample(payload: generated.body, openObjects: profile.builder.openObjects(for: spec))
    }
}

/// One actor field load mode rewrites per actor, and how its values are drawn.
public struct LoadIdentityField: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// A 24-hex ObjectId.
        case objectId
        /// A 6-digit integer id, a bijection of the actor index modulo 900,000.
        case sixDigits(stride: Int)
        /// The prototype's email with `+NNNNNNNNNN` (the actor index) before the `@`.
        case emailTag
    }

    /// The actor field the vendor builder reads (`candidateId`, `candidate_id`, `email`).
    public let name: String
    public let kind: Kind

    public static func objectId(_ name: String) -> LoadIdentityField {
        LoadIdentityField(name: name, kind: .objectId)
    }
    public static func sixDigits(_ name: String, stride: Int) -> LoadIdentityField {
        LoadIdentityField(name: name, kind: .sixDigits(stride: stride))
    }
    public static func emailTag(_ name: String) -> LoadIdentityField {
        LoadIdentityField(name: name, kind: .emailTag)
    }
}

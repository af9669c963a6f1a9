import ProctorCore
import ProctorJSON

/// The values that stay the same across every event of one actor: names, email, ids, the
/// organisation and the assessment. Each is drawn from its own labelled sub-stream of the actor's
/// seed, so it does not depend on which events were generated before.
public struct ActorIdentity: Sendable {
    public let vendor: String
    /// The vendor's payload version (``VendorVersion``) the actor's events take; nil for the default.
    public let version: String?
    public let name: String
    /// Fields given by the scenario (`first_name`, `email`, or any vendor field name).
    public let fields: JSONObject
    let base: SeededRandom
    /// The instant the actor's records (ids that embed a time, creation dates) are placed
    /// before: ``identityEpochMilliseconds``, or the story's start when that is earlier. It never
    /// depends on the wall clock, so the same seed and actor give the same ids on every call.
    public let originMilliseconds: Int64

    /// 2026-01-01T00:00:00Z: records are created before it unless a story starts earlier.
    public static let identityEpochMilliseconds: Int64 = 1_767_225_600_000

    /// An actor of `vendor` whose story starts at `storyStartMilliseconds` (only a start before
    /// ``identityEpochMilliseconds`` changes its records).
    public init(
        vendor: String, version: String? = nil, name: String, seed: UInt64, fields: JSONObject = JSONObject(),
        storyStartMilliseconds: Int64 = ActorIdentity.identityEpochMilliseconds
    ) {
        self.vendor = vendor
        self.version = version
        self.name = name
        self.fields = fields
        base = SeededRandom(seed: seed).derived("actor:" + name)
        world = SeededRandom(seed: seed).derived("world")
        originMilliseconds = min(Self.identityEpochMilliseconds, storyStartMilliseconds)
    }

    /// The stream of the records every actor of a run shares.
    let world: SeededRandom

    /// What one organisation holds for all its candidates: the organisation itself (name,
    /// workspace, hiring manager), its team and its assessment (title and id). Their values come
    /// from the seed alone, so every actor of a run (and of a load run) applies to the same
    /// assessment of the same organisation; a scenario field (`orgId`, `assessment`) still sets
    /// them per actor.
    public static let runWideRecords: Set<String> = [
        "org", "assessment", "team", "company", "job-role", "hiring-manager",
    ]

    /// The sub-stream for a label: the run's for ``runWideRecords`` (also as `oid:LABEL` and
    /// `int:LABEL`), the actor's for everything else.
    func random(_ label: String) -> SeededRandom {
        let record = label.split(separator: ":", maxSplits: 1).last.map(String.init) ?? label
        let isRunWide =
            Self.runWideRecords.contains(label)
            || ((label.hasPrefix("oid:") || label.hasPrefix("int:")) && Self.runWideRecords.contains(record))
        return isRunWide ? world.derived(label) : base.derived(label)
    }

    private func field(_ names: String...) -> String? {
        for n in names { if let s = fields[n]?.stringValue { return s } }
        return nil
    }

    /// The scenario's value for a vendor field named `key`, if it gave one.
    func fieldOverride(for key: String) -> JSONValue? { fields[key] }

    private var generatedName: FakeData.PersonName {
        var r = random("person")
        return FakeData.personName(&r)
    }

    public var firstName: String { field("first_name", "firstName") ?? generatedName.first }
    public var lastName: String { field("last_name", "lastName") ?? generatedName.last }
    public var fullName: String { firstName + " " + lastName }

    public var email: String {
        if let e = field("email") { return e }
        var r = random("email")
        return FakeData.email(for: FakeData.PersonName(first: firstName, last: lastName), &r)
    }

    public var middleName: String {
        var r = random("middle")
        return FakeData.personName(&r).first
    }

    public var company: String {
        if let c = field("company", "orgName") { return c }
        var r = random("company")
        return FakeData.company(&r)
    }

    /// The organisation's workspace sub-domain, e.g. `northwindanalytics`.
    public var workspaceSlug: String { field("workspaceUrl") ?? FakeData.slug(company) }

    public var place:
        (
            city: String, region: String, countryCode: String, country: String, dial: String,
            latitude: Double, longitude: Double
        )
    {
        var r = random("place")
        return FakeData.place(&r)
    }

    public var phoneNumber: String {
        if let p = field("phone", "phone_number", "phoneNumber") { return p }
        var r = random("phone")
        return FakeData.phoneNumber(dial: place.dial, &r)
    }

    /// The job role the assessment is for; also its title.
    public var jobRole: String {
        if let t = field("assessment", "assessment_title", "assessmentTitle") { return t }
        var r = random("job-role")
        return r.element(of: FakeData.jobRoles) ?? "Analyst"
    }

    /// A hiring manager at the actor's organisation.
    public var hiringManagerEmail: String {
        var r = random("hiring-manager")
        let person = FakeData.personName(&r)
        return FakeData.emailLocalPart(person.first) + "." + FakeData.emailLocalPart(person.last) + "@"
            + workspaceSlug + ".example.com"
    }

    /// A stable 24-hex ObjectId for a named record (`candidate`, `assessment`, `org`).
    public func objectId(_ label: String) -> String {
        if let given = fields[label + "Id"]?.stringValue ?? fields[label + "_id"]?.stringValue {
            return given
        }
        var r = random("oid:" + label)
        let back = Int64(r.int(in: 1...400)) * 86_400_000
        return FakeData.objectId(atMilliseconds: originMilliseconds - back, &r)
    }

    /// The stable replacement of an id the template carries, so that ids which are equal in a
    /// template (`_id` and `assessmentCQId`) stay equal in the payload.
    func mappedObjectId(_ original: String) -> String { objectId("template:" + original) }

    /// A stable integer id with `digits` digits for a named record.
    public func integerId(_ label: String, digits: Int) -> Int {
        if let given = fields[label + "_id"]?.intValue ?? fields[label + "Id"]?.intValue { return given }
        var r = random("int:" + label)
        return FakeData.integerId(digits: digits, &r)
    }

    /// A stable instant before the actor's story starts, between `minDays` and `maxDays` earlier.
    func pastMilliseconds(_ label: String, minDays: Int = 2, maxDays: Int = 60) -> Int64 {
        var r = random("past:" + label)
        return originMilliseconds - Int64(r.int(in: minDays...maxDays)) * 86_400_000
            - Int64(r.int(in: 0...86_399_999))
    }

    /// Values a scenario can refer to (`{{jane.candidateId}}`): the actor's ids as the vendor
    /// names them, plus names and email under both spellings. The same values the payloads carry.
    public var references: [String: String] {
        var out = [
            "first_name": firstName, "last_name": lastName, "firstName": firstName, "lastName": lastName,
            "name": fullName, "email": email,
        ]
        switch vendor {
        case "testlify", "testlify-v1":
            out["candidateId"] = objectId("candidate")
            out["assessmentId"] = objectId("assessment")
            out["orgId"] = objectId("org")
            out["workspaceUrl"] = workspaceSlug
        case "talview":
            out["id"] = String(integerId("test_instance", digits: 6))
            out["test_instance_id"] = out["id"]
            out["candidate_id"] = String(integerId("candidate", digits: 6))
        case "qualified":
            out["team_candidate_id"] = objectId("team-candidate")
            out["assessment_result_id"] = objectId("assessment-result")
            out["assessment_id"] = objectId("assessment")
        default: break
        }
        return out
    }

    /// The names of ``references`` for a vendor's actors, sorted. They do not depend on the actor,
    /// its seed or its fields, so they are read off one actor.
    public static func referenceNames(vendor: String) -> [String] {
        ActorIdentity(vendor: vendor, name: "actor", seed: 0).references.keys.sorted()
    }

    /// A stable UUID for a named purpose.
    func uuid(_ label: String) -> String {
        var r = random("uuid:" + label)
        return FakeData.uuid(&r)
    }
}

/// One actor's lifecycle: its identity plus what has happened so far. Generating an event
/// advances it: time moves forward, status and stage follow the vendor's state machine, and
/// the last Talview snapshot is kept to compute the next `old`.
public struct ActorState: Sendable {
    public let identity: ActorIdentity
    /// Canonical names of the events generated so far, in order.
    public private(set) var history: [String] = []
    /// Milliseconds of the last event, nil before the first one.
    public private(set) var lastEventMilliseconds: Int64?
    /// When the candidate was invited / completed, once known.
    public internal(set) var invitedAt: Int64?
    public internal(set) var startedAt: Int64?
    public internal(set) var completedAt: Int64?
    /// Number of times the result was scored (re-scoring gives new values).
    public internal(set) var scoringRound = 0
    /// The vendor's current status word for the candidate (e.g. `IN_PROGRESS`), if any.
    public internal(set) var status: String?
    /// The vendor's current stage for the candidate (Testlify's `candidateStage`), if any.
    public internal(set) var stage: String?
    /// The previous and current state for vendors that report both (Qualified).
    public internal(set) var previousState: String?
    /// The last full record sent (Talview), with overrides applied.
    public internal(set) var lastSnapshot: JSONValue?
    /// Review and solution progress (Qualified).
    public internal(set) var reviewSubmittedAt: Int64?
    public internal(set) var labels: [String] = []
    /// The Testlify assessment record's progress (draft, published, archived, deleted).
    public internal(set) var testlify = TestlifyProgress()
    /// The actor's Qualified records as they stand (``QualifiedProgress``).
    public internal(set) var qualified = QualifiedProgress()

    public init(identity: ActorIdentity) { self.identity = identity }

    /// An actor of `vendor` with the given seed, scenario fields and story start.
    public init(
        vendor: String, version: String? = nil, name: String, seed: UInt64, fields: JSONObject = JSONObject(),
        storyStartMilliseconds: Int64 = ActorIdentity.identityEpochMilliseconds
    ) {
        self.init(
            identity: ActorIdentity(
                vendor: vendor, version: version, name: name, seed: seed, fields: fields,
                storyStartMilliseconds: storyStartMilliseconds))
    }

    public var eventCount: Int { history.count }

    /// The time of the next event: the clock's time, but always after the previous event by a
    /// seeded gap of 1 s to 4 min so that timestamps move forward even under a fixed clock; an
    /// event the vendor fires with the previous one for the same change (`accompanying`, see
    /// ``EventSpec/firesWith``) follows it at once, by a seeded 20 to 900 ms.
    /// Moving the clock by some amount moves the result by the same amount (``StoryTimeline``
    /// relies on it).
    mutating func advanceTime(clock: some WallClock, event: String, accompanying: Bool = false) -> Int64 {
        let now = clock.nowMilliseconds()
        guard let last = lastEventMilliseconds else {
            lastEventMilliseconds = now
            return now
        }
        var r = identity.random("gap:\(history.count):\(event)")
        let earliest = last + Int64(accompanying ? r.int(in: 20...900) : r.int(in: 1_000...240_000))
        let time = max(now, earliest)
        lastEventMilliseconds = time
        return time
    }

    /// Dates the next event at `time` (what ``advanceTime(clock:event:)`` chose, or a time
    /// computed ahead by a ``StoryTimeline``).
    mutating func place(at time: Int64) { lastEventMilliseconds = time }

    mutating func record(_ event: String) { history.append(event) }

    /// Whether `event` is one the vendor fires together with the actor's previous event.
    func accompanies(_ event: EventSpec) -> Bool {
        history.last.map(event.firesWith.contains) ?? false
    }

    /// The achieved score for the current scoring round, as a fraction of the maximum.
    func achievedFraction() -> Double {
        var r = identity.random("score-round:\(scoringRound)")
        return Double(r.int(in: 25...95)) / 100
    }
}

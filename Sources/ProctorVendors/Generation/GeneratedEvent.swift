import Foundation
import ProctorCore
import ProctorJSON
import ProctorSigning

/// Builds one vendor's bodies from its templates and the actor's state.
protocol PayloadBuilder: Sendable {
    /// The body for `event`. The builder advances `state` (status, times, snapshots) and applies
    /// `overrides` itself where they matter to what it computes (Talview's `old`).
    func body(
        for event: EventSpec, state: inout ActorState, time: Int64, quirks: Set<String>, overrides: [Override]
    ) throws(GenerationError) -> JSONValue

    /// Objects of the event's bodies whose keys vary from one body to the next (not only their
    /// values), so that no example body has them all.
    func openObjects(for event: EventSpec) -> [JSONPath]
}

extension PayloadBuilder {
    func openObjects(for event: EventSpec) -> [JSONPath] { [] }
}

/// A value set at a path of the generated body (`with:` in scenarios, `--set` on the command line).
public struct Override: Sendable, Hashable {
    public var path: JSONPath
    public var value: JSONValue
    public init(path: JSONPath, value: JSONValue) {
        self.path = path
        self.value = value
    }

    /// Parses `PATH=VALUE`; VALUE is JSON when it parses as JSON, else a string.
    public init(assignment: String) throws(GenerationError) {
        guard let eq = assignment.firstIndex(of: "=") else {
            throw GenerationError("\"\(assignment)\" is not PATH=VALUE")
        }
        let pathText = String(assignment[..<eq])
        let valueText = String(assignment[assignment.index(after: eq)...])
        do {
            path = try JSONPath(parsing: pathText)
        } catch {
            throw GenerationError(error.description)
        }
        value = (try? JSONValue(parsing: valueText)) ?? .string(valueText)
    }
}

/// A generation problem for a person to read (bad override path, quirk not for this event).
public struct GenerationError: UserFacingError, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// One generated vendor event: the exact body bytes and what is needed to sign any attempt.
public struct GeneratedEvent: Sendable {
    public let vendor: VendorID
    public let event: String
    public let wireName: String
    public let body: JSONValue
    /// The exact bytes sent and signed.
    public let bodyBytes: [UInt8]
    /// The message id: the same on every attempt and on duplicates (Svix `svix-id`).
    public let messageId: String
    /// The event's time in milliseconds since the epoch.
    public let timeMilliseconds: Int64
    public let method: String
    public let defaultHeaders: [HTTPHeader]
    public let signing: SigningScheme
    /// The vendor's retry schedule.
    public let retryPolicy: RetryPolicy
    /// The quirks in effect, sorted.
    public let quirks: [String]

    /// The headers and body of one delivery attempt signed at `timestampSeconds`. Each attempt
    /// (retry, duplicate) calls this again: same id and body, new timestamp and signature.
    public func request(options: SigningOptions = SigningOptions(), timestampSeconds: Int64)
        throws(SigningError) -> SignedRequest
    {
        var headers = HeaderFields(defaultHeaders)
        let signers = try Signer.signers(scheme: signing, hmac: options.hmac, secrets: options.secrets)
        let sensitive = Signer.sign(
            signers, into: &headers, messageId: messageId, timestampSeconds: timestampSeconds, body: bodyBytes
        )
        for extra in options.extraHeaders { headers.set(extra.name, extra.value) }
        return SignedRequest(method: method, headers: headers, body: bodyBytes, sensitive: sensitive)
    }
}

/// Everything about signing one delivery attempt that a scenario or the command line decides.
public struct SigningOptions: Sendable, Hashable {
    /// A body HMAC header signed in addition to the vendor's own scheme (a scenario's
    /// `signing:`, `--hmac-header`).
    public var hmac: HMACSigning?
    /// Secrets to sign with (see ``SecretRule``). Standard Webhooks signs with each (key
    /// rotation: several signatures, space-separated); HMAC uses the first.
    public var secrets: [WebhookSecret]
    /// Headers added after the vendor's defaults (replacing any of the same name).
    public var extraHeaders: [HTTPHeader]

    public init(hmac: HMACSigning? = nil, secrets: [WebhookSecret] = [], extraHeaders: [HTTPHeader] = []) {
        self.hmac = hmac
        self.secrets = secrets
        self.extraHeaders = extraHeaders
    }
}

/// A request ready to send. Its displayed headers mask secrets and signatures.
public struct SignedRequest: Sendable {
    public let method: String
    public let headers: HeaderFields
    public let body: [UInt8]
    /// What outputs mask: the signatures produced and the secrets used.
    public let sensitive: [String]

    public func header(_ name: String) -> String? { headers[name] }

    /// Headers with signature values masked, unless `showSecrets`.
    public func displayHeaders(showSecrets: Bool) -> HeaderFields {
        showSecrets ? headers : headers.masked(sensitive: sensitive)
    }
}

/// Generation entry points.
extension VendorCatalog {
    /// Generates `event` for the actor, advancing its state: at the clock's time, or a seeded gap
    /// after the actor's previous event if that is later. Same seed, clock and inputs give the
    /// same bytes.
    public func generate(
        vendor: String, event: String, actor: inout ActorState, clock: some WallClock,
        quirks: [String] = [], overrides: [Override] = []
    ) throws(GenerationError) -> GeneratedEvent {
        let spec = try eventSpec(vendor: vendor, event: event)
        let time = actor.advanceTime(clock: clock, event: spec.name, accompanying: actor.accompanies(spec))
        return try generate(
            vendor: vendor, event: event, actor: &actor, atMilliseconds: time, quirks: quirks,
            overrides: overrides)
    }

    /// Generates `event` for the actor at exactly `time` (a time from ``storyTimes(vendor:actor:events:)``
    /// placed on a ``StoryTimeline``), advancing its state.
    public func generate(
        vendor: String, event: String, actor: inout ActorState, atMilliseconds time: Int64,
        quirks: [String] = [], overrides: [Override] = []
    ) throws(GenerationError) -> GeneratedEvent {
        let profile: VendorProfile
        let spec: EventSpec
        do {
            (profile, spec) = try requireEvent(vendor: vendor, event: event)
        } catch {
            throw GenerationError(error.message)
        }
        let active = try profile.resolveQuirks(for: spec, selected: quirks)
        _ = try requireVersion(actor.identity.version, vendor: vendor)
        actor.place(at: time)
        let body = try profile.builder.body(
            for: spec, state: &actor, time: time, quirks: active, overrides: overrides)
        actor.record(spec.name)
        var idRandom = actor.identity.random("message:\(actor.history.count):\(spec.name)")
        return GeneratedEvent(
            vendor: profile.id, event: spec.name, wireName: spec.wireName, body: body,
            bodyBytes: body.serializedBytes(style: .compact), messageId: "msg_" + Self.base62(27, &idRandom),
            timeMilliseconds: time, method: profile.method, defaultHeaders: profile.defaultHeaders,
            signing: profile.signing, retryPolicy: profile.retryPolicy, quirks: active.sorted())
    }

    private func eventSpec(vendor: String, event: String) throws(GenerationError) -> EventSpec {
        do {
            return try requireEvent(vendor: vendor, event: event).1
        } catch {
            throw GenerationError(error.message)
        }
    }

    /// When each of an actor's events happens in its story, in milliseconds from the story's
    /// start: at the offset the scenario gives it (the `after:` waits before it, unscaled), or a
    /// seeded gap after the actor's previous event if that is later. The same times generation
    /// gives the events in this order; nil for an event the vendor does not have.
    public func storyTimes(vendor: String, actor: ActorState, events: [(event: String, offset: Int64)])
        -> [Int64?]
    {
        var state = actor
        return events.map { item in
            guard let spec = try? eventSpec(vendor: vendor, event: item.event) else { return nil }
            let time = state.advanceTime(
                clock: FixedClock(milliseconds: item.offset), event: spec.name,
                accompanying: state.accompanies(spec))
            state.record(spec.name)
            return time
        }
    }

    /// One event for a fresh actor, dated `atMilliseconds` (what `proctor emit` prints).
    public func generate(
        vendor: String, version: String? = nil, event: String, actorName: String = "candidate",
        fields: JSONObject = JSONObject(), seed: UInt64, atMilliseconds time: Int64, quirks: [String] = [],
        overrides: [Override] = []
    ) throws(GenerationError) -> GeneratedEvent {
        try generateLifecycle(
            vendor: vendor, version: version, events: [event], actorName: actorName, fields: fields,
            seed: seed,
            endingAt: time, quirks: quirks, overrides: overrides)
    }

    /// Generates `events` in order for one fresh actor and returns the last one, dated `end`
    /// rounded down to the second; the earlier events are dated before it by seeded gaps
    /// (``StoryTimeline``). `quirks` and `overrides` apply to the last event only.
    public func generateLifecycle(
        vendor: String, version: String? = nil, events: [String], actorName: String = "candidate",
        fields: JSONObject = JSONObject(), seed: UInt64, endingAt end: Int64, quirks: [String] = [],
        overrides: [Override] = []
    ) throws(GenerationError) -> GeneratedEvent {
        guard let last = events.last else { throw GenerationError("no event to generate") }
        for event in events { _ = try eventSpec(vendor: vendor, event: event) }
        let story = lifecycleTimeline(
            vendor: vendor, events: events, actorName: actorName, fields: fields, seed: seed, endingAt: end)
        var actor = ActorState(
            vendor: vendor, version: version, name: actorName, seed: seed, fields: fields,
            storyStartMilliseconds: story.timeline.anchorMilliseconds)
        for (event, time) in zip(events.dropLast(), story.times) {
            _ = try generate(vendor: vendor, event: event, actor: &actor, atMilliseconds: time)
        }
        return try generate(
            vendor: vendor, event: last, actor: &actor, atMilliseconds: story.times.last ?? end,
            quirks: quirks,
            overrides: overrides)
    }

    /// One event for a fresh actor, dated by `clock` (rounded down to the second).
    public func generate(
        vendor: String, version: String? = nil, event: String, actorName: String = "candidate",
        fields: JSONObject = JSONObject(), seed: UInt64, clock: some WallClock, quirks: [String] = [],
        overrides: [Override] = []
    ) throws(GenerationError) -> GeneratedEvent {
        try generate(
            vendor: vendor, version: version, event: event, actorName: actorName, fields: fields, seed: seed,
            atMilliseconds: clock.nowMilliseconds(), quirks: quirks, overrides: overrides)
    }

    /// ``generateLifecycle(vendor:events:actorName:fields:seed:endingAt:quirks:overrides:)``
    /// ending at the clock's time.
    public func generateLifecycle(
        vendor: String, version: String? = nil, events: [String], actorName: String = "candidate",
        fields: JSONObject = JSONObject(), seed: UInt64, clock: some WallClock, quirks: [String] = [],
        overrides: [Override] = []
    ) throws(GenerationError) -> GeneratedEvent {
        try generateLifecycle(
            vendor: vendor, version: version, events: events, actorName: actorName, fields: fields,
            seed: seed,
            endingAt: clock.nowMilliseconds(), quirks: quirks, overrides: overrides)
    }

    /// The times of a lifecycle whose last event happens at `end` (rounded down to the second).
    public func lifecycleTimeline(
        vendor: String, events: [String], actorName: String = "candidate", fields: JSONObject = JSONObject(),
        seed: UInt64, endingAt end: Int64
    ) -> (timeline: StoryTimeline, times: [Int64]) {
        let actor = ActorState(vendor: vendor, name: actorName, seed: seed, fields: fields)
        let story = storyTimes(vendor: vendor, actor: actor, events: events.map { ($0, 0) }).map { $0 ?? 0 }
        let timeline = StoryTimeline(
            start: end, events: story.map { .init(storyMilliseconds: $0, waitMilliseconds: 0) })
        return (timeline, story.map(timeline.time))
    }

    /// A fresh Svix-style message id (`msg_` and 27 base62 characters) from the system's random
    /// source: each `proctor send` is a new message unless an id is pinned.
    public static func freshMessageId() -> String {
        var generator = SystemRandomNumberGenerator()
        var random = SeededRandom(seed: generator.next())
        return "msg_" + base62(27, &random)
    }

    static func base62(_ count: Int, _ random: inout SeededRandom) -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        return String((0..<count).map { _ in alphabet[random.int(in: 0..<62)] })
    }
}

extension VendorProfile {
    /// The quirks in effect for one step: the vendor's always-on quirks, the ones it shows on
    /// this event by default, and the selected ones (a selected quirk replaces the default of
    /// its group).
    public func resolveQuirks(for event: EventSpec, selected: [String]) throws(GenerationError) -> Set<String>
    {
        var active = Set(quirks.filter { $0.defaultOn.contains(event.name) }.map(\.name))
        for name in selected {
            guard let q = quirk(named: name) else {
                throw GenerationError(
                    "unknown \(self.name) quirk \"\(name)\""
                        + Suggestions.didYouMean(name, in: quirks.map(\.name))
                        + "; run `proctor events \(self.name) --quirks` for the list")
            }
            guard q.events.contains(event.name) else {
                throw GenerationError(
                    "quirk \"\(name)\" does not apply to \(event.name); it applies to "
                        + q.events.joined(separator: ", "))
            }
            if let group = q.group {
                for other in quirks where other.group == group { active.remove(other.name) }
            }
            active.insert(name)
        }
        return active
    }
}

/// Applies overrides in order, turning path errors into generation errors.
func applyOverrides(_ overrides: [Override], to body: inout JSONValue) throws(GenerationError) {
    for o in overrides {
        do {
            try body.set(o.value, at: o.path)
        } catch {
            throw GenerationError(error.description)
        }
    }
}

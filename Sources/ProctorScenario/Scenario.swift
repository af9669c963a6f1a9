import ProctorCore
import ProctorJSON

/// A value from a scenario file with the position it was written at.
public struct Located<Value: Sendable & Hashable>: Sendable, Hashable {
    public var value: Value
    public var location: SourceLocation

    public init(_ value: Value, at location: SourceLocation) {
        self.value = value
        self.location = location
    }
}

/// A loaded scenario: includes and `lifecycle:` shorthands expanded, environment variables
/// substituted, templates parsed and their references checked.
public struct Scenario: Sendable, Hashable {
    public var name: Located<String>
    /// One of the vocabulary's ``EventVocabulary/vendorNames``.
    public var vendor: Located<String>
    /// One of the vendor's ``EventVocabulary/versionNames(vendor:)``; nil: its default.
    public var version: Located<String>?
    /// `mirror:`: the vendor's migration partner (``EventVocabulary/mirrorVendor(vendor:)``), which
    /// receives every send too, for the same actor, as its own payload of the same event.
    public var mirror: Located<String>?
    /// Where to send; nil when the file gives none (or it interpolates to an empty string).
    public var target: Located<String>?
    public var secret: Located<String>?
    public var seed: Located<UInt64>?
    public var defaults: ScenarioDefaults
    public var actors: ActorSet
    /// Steps in file order, includes and lifecycles expanded.
    public var steps: [Step]
    /// Whether failed deliveries are retried on the vendor's schedule (`retries: vendor`).
    public var retries: Located<RetryMode>?
    /// Faults applied at seeded rates to every send.
    public var faults: [FaultRate]
    /// Actors running at once.
    public var concurrency: Located<Int>?
    /// Budget for the whole scenario.
    public var timeout: Located<Duration>?
    /// Absolute path of the scenario file.
    public var file: String
    /// HTTP method of every send (`method: PUT`); nil uses the vendor's default.
    public var method: Located<RequestMethod>?
    /// A body HMAC header for vendors without a documented signature scheme.
    public var signing: Located<HMACSigning>?
    /// `thresholds:`: pass/fail criteria on the run's figures (`p99<300ms`); a breach exits 99.
    public var thresholds: [Located<Threshold>] = []

    public init(
        name: Located<String>, vendor: Located<String>, target: Located<String>? = nil,
        secret: Located<String>? = nil, seed: Located<UInt64>? = nil,
        defaults: ScenarioDefaults = ScenarioDefaults(),
        actors: ActorSet = ActorSet(), steps: [Step] = [], retries: Located<RetryMode>? = nil,
        faults: [FaultRate] = [],
        concurrency: Located<Int>? = nil, timeout: Located<Duration>? = nil, file: String
    ) {
        self.name = name
        self.vendor = vendor
        self.target = target
        self.secret = secret
        self.seed = seed
        self.defaults = defaults
        self.actors = actors
        self.steps = steps
        self.retries = retries
        self.faults = faults
        self.concurrency = concurrency
        self.timeout = timeout
        self.file = file
    }

    /// The steps one actor runs, in order: those with its name in `as:` and those with no `as:`.
    public func steps(for actor: String) -> [Step] {
        steps.filter { $0.actor == nil || $0.actor?.value == actor }
    }
}

/// `method:`: the methods a vendor may deliver with (Talview lets a subscription choose).
public enum RequestMethod: String, Sendable, Hashable, CaseIterable {
    case post = "POST"
    case put = "PUT"
    case patch = "PATCH"
}

/// `retries:` at scenario level.
public enum RetryMode: String, Sendable, Hashable, CaseIterable {
    /// Resend on the vendor's real schedule until a 2xx (scaled by `--time-scale`).
    case vendor
    /// Send once.
    case none
}

/// `faults: { duplicate: 10% }`: a fault applied to that share of sends, chosen from the seed.
public struct FaultRate: Sendable, Hashable {
    public var fault: FaultKind
    /// 0 to 100.
    public var percent: Double
    public var location: SourceLocation

    public init(fault: FaultKind, percent: Double, location: SourceLocation) {
        self.fault = fault
        self.percent = percent
        self.location = location
    }
}

/// `defaults:`: what every step gets unless it says otherwise.
public struct ScenarioDefaults: Sendable, Hashable {
    /// Per-request timeout.
    public var timeout: Located<Duration>?
    public var expect: Expectation?
    /// Request headers added to every send and probe.
    public var headers: [HeaderValue]

    public init(timeout: Located<Duration>? = nil, expect: Expectation? = nil, headers: [HeaderValue] = []) {
        self.timeout = timeout
        self.expect = expect
        self.headers = headers
    }
}

/// A request header with a templated value.
public struct HeaderValue: Sendable, Hashable {
    public var name: String
    public var value: Template
    public var location: SourceLocation

    public init(name: String, value: Template, location: SourceLocation) {
        self.name = name
        self.value = value
        self.location = location
    }
}

/// The candidates of a scenario: named ones with the fields they give, plus `count` generated ones.
public struct ActorSet: Sendable, Hashable {
    public var named: [Actor]
    /// Generated actors, named `actor-1` ... `actor-N`, all fields from the seed.
    public var generatedCount: Int

    public init(named: [Actor] = [], generatedCount: Int = 0) {
        self.named = named
        self.generatedCount = generatedCount
    }

    /// Prefix of generated actors' names.
    public static let generatedPrefix = "actor-"

    /// Every actor name: the named ones in file order, then the generated ones.
    public var allNames: [String] {
        named.map(\.name) + (0..<generatedCount).map { "\(Self.generatedPrefix)\($0 + 1)" }
    }

    public func contains(_ name: String) -> Bool {
        named.contains { $0.name == name } || Self.generatedIndex(name).map { $0 <= generatedCount } ?? false
    }

    static func generatedIndex(_ name: String) -> Int? {
        guard name.hasPrefix(generatedPrefix), let n = Int(name.dropFirst(generatedPrefix.count)), n >= 1
        else {
            return nil
        }
        return n
    }
}

/// A named actor: the fields the file gives (everything else is generated from the seed).
public struct Actor: Sendable, Hashable {
    public var name: String
    public var fields: JSONObject
    public var location: SourceLocation

    public init(name: String, fields: JSONObject = JSONObject(), location: SourceLocation) {
        self.name = name
        self.fields = fields
        self.location = location
    }
}

/// One step of a lifecycle.
public struct Step: Sendable, Hashable {
    public enum Action: Sendable, Hashable {
        /// Send a vendor event (the canonical name when the vocabulary knows it).
        case send(event: Located<String>)
        /// Ask the consumer for its state.
        case probe(Probe)
    }

    public var action: Action
    /// `id:`, for references from later steps.
    public var id: Located<String>?
    /// `as:`: the only actor this step runs for; nil runs it for every actor.
    public var actor: Located<String>?
    /// Wait before the step.
    public var after: Located<Duration>?
    /// Overrides into the generated payload, applied in order.
    public var overrides: [PayloadOverride]
    public var fault: Located<FaultKind>?
    public var quirks: [Located<String>]
    /// `body:`: a file sent byte for byte instead of the generated payload (still signed).
    public var body: Located<FixtureBody>?
    /// The step's own expectation merged over `defaults.expect`.
    public var expect: Expectation?
    /// Where the step starts (in the included file for included steps).
    public var location: SourceLocation
    /// The lifecycle stage this step was expanded from, if any.
    public var lifecycleStage: String?

    public init(
        action: Action, id: Located<String>? = nil, actor: Located<String>? = nil,
        after: Located<Duration>? = nil,
        overrides: [PayloadOverride] = [], fault: Located<FaultKind>? = nil, quirks: [Located<String>] = [],
        expect: Expectation? = nil, location: SourceLocation, lifecycleStage: String? = nil
    ) {
        self.action = action
        self.id = id
        self.actor = actor
        self.after = after
        self.overrides = overrides
        self.fault = fault
        self.quirks = quirks
        self.expect = expect
        self.location = location
        self.lifecycleStage = lifecycleStage
    }

    /// The event a send step sends.
    public var event: String? {
        if case .send(let event) = action { return event.value }
        return nil
    }
}

/// `body: fixtures/r3.json`: the exact bytes a send step sends in place of the generated payload.
/// The event is still generated (the actor's lifecycle moves on as for any send) and the request
/// signed like any other.
public struct FixtureBody: Sendable, Hashable {
    /// The path as the file wrote it (relative to the scenario file that names it).
    public var path: String
    public var bytes: [UInt8]

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }
}

/// `probe: GET /candidates/{{jane.candidateId}}`
public struct Probe: Sendable, Hashable {
    public var method: String
    /// Path (and query) relative to the target's origin.
    public var path: Template
    public var location: SourceLocation

    public init(method: String, path: Template, location: SourceLocation) {
        self.method = method
        self.path = path
        self.location = location
    }
}

/// `with: { data.scores.totalScore: 37 }`: one value set into the generated payload.
public struct PayloadOverride: Sendable, Hashable {
    public var path: FieldPath
    public var value: TemplatedValue
    public var location: SourceLocation

    public init(path: FieldPath, value: TemplatedValue, location: SourceLocation) {
        self.path = path
        self.value = value
        self.location = location
    }

    /// Applies the override to a payload; throws when the path crosses a value of another kind.
    public func apply(to payload: JSONValue, in context: TemplateContext) throws(Diagnostic) -> JSONValue {
        let value = try value.resolve(in: context)
        guard let updated = path.setting(value, in: payload) else {
            throw .error(
                "cannot set '\(path)': the payload has a value of another kind on the way", at: location)
        }
        return updated
    }
}

/// A JSON value from YAML whose strings may hold `{{...}}` references.
public indirect enum TemplatedValue: Sendable, Hashable {
    /// Holds no references.
    case value(JSONValue)
    case template(Template)
    case array([TemplatedValue])
    case object([Member])

    public struct Member: Sendable, Hashable {
        public var key: String
        public var value: TemplatedValue

        public init(key: String, value: TemplatedValue) {
            self.key = key
            self.value = value
        }
    }

    public var templates: [Template] {
        switch self {
        case .value: return []
        case .template(let template): return [template]
        case .array(let elements): return elements.flatMap(\.templates)
        case .object(let members): return members.flatMap(\.value.templates)
        }
    }

    public func resolve(in context: TemplateContext) throws(Diagnostic) -> JSONValue {
        switch self {
        case .value(let value): return value
        case .template(let template): return try template.resolve(in: context)
        case .array(let elements):
            var result: [JSONValue] = []
            for element in elements { result.append(try element.resolve(in: context)) }
            return .array(result)
        case .object(let members):
            var object = JSONObject()
            for member in members { object[member.key] = try member.value.resolve(in: context) }
            return .object(object)
        }
    }
}

extension Step {
    /// Every template of the step: its `with:` values and a probe's path.
    public var templates: [Template] {
        var templates = overrides.flatMap(\.value.templates)
        if case .probe(let probe) = action { templates.append(probe.path) }
        return templates
    }

    /// Whether a template of this step uses the step with id `id`.
    public func refers(toStep id: String) -> Bool {
        templates.contains { $0.references.contains { $0.stepID == id } }
    }
}

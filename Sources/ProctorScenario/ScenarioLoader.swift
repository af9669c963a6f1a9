import Foundation
import ProctorCore
import ProctorJSON

/// The outcome of loading one scenario file: the scenario when it has no errors, and every
/// problem found (in this file and in the files it includes).
public struct ScenarioLoadResult: Sendable {
    public var scenario: Scenario?
    public var diagnostics: Diagnostics

    public init(scenario: Scenario?, diagnostics: Diagnostics) {
        self.scenario = scenario
        self.diagnostics = diagnostics
    }
}

/// Loads scenario files: YAML with positions, environment interpolation, includes, lifecycle
/// expansion, template parsing and every check `proctor check` reports.
///
/// Event names, lifecycle stages, quirks and event order are checked through the
/// ``EventVocabulary`` passed in. A vocabulary that lists no events for a vendor is taken not to
/// know that vendor's catalog: names are then accepted as written.
public struct ScenarioLoader: Sendable {
    public var vocabulary: any EventVocabulary
    public var environment: [String: String]
    public var reader: YAMLReader
    /// Directory relative paths are resolved against.
    public var currentDirectory: String
    /// Most generated actors a scenario may ask for.
    public var maxGeneratedActors: Int
    /// Deepest chain of includes.
    public var maxIncludeDepth: Int

    public init(
        vocabulary: any EventVocabulary, environment: [String: String] = [:],
        reader: YAMLReader = YAMLReader(),
        currentDirectory: String = FileManager.default.currentDirectoryPath,
        maxGeneratedActors: Int = 100_000,
        maxIncludeDepth: Int = 16
    ) {
        self.vocabulary = vocabulary
        self.environment = environment
        self.reader = reader
        self.currentDirectory = currentDirectory
        self.maxGeneratedActors = maxGeneratedActors
        self.maxIncludeDepth = maxIncludeDepth
    }

    /// Loads the scenario at `path`; diagnostics name the file as `path` was written.
    public func load(path: String) -> ScenarioLoadResult {
        let absolute = absolutePath(path)
        var session = LoadSession(loader: self)
        let root: SourceNode?
        do {
            root = try reader.read(path: absolute, displayPath: path)
        } catch {
            return ScenarioLoadResult(scenario: nil, diagnostics: Diagnostics([error]))
        }
        let scenario = session.scenario(from: root, file: absolute, displayPath: path)
        return ScenarioLoadResult(
            scenario: session.diagnostics.hasErrors ? nil : scenario, diagnostics: session.diagnostics)
    }

    /// Loads a scenario from text, as if read from `path` (includes resolve against its directory).
    public func load(yaml: String, path: String) -> ScenarioLoadResult {
        var session = LoadSession(loader: self)
        let root: SourceNode?
        do {
            root = try reader.read(bytes: Array(yaml.utf8), displayPath: path)
        } catch {
            return ScenarioLoadResult(scenario: nil, diagnostics: Diagnostics([error]))
        }
        let scenario = session.scenario(from: root, file: absolutePath(path), displayPath: path)
        return ScenarioLoadResult(
            scenario: session.diagnostics.hasErrors ? nil : scenario, diagnostics: session.diagnostics)
    }

    func absolutePath(_ path: String) -> String {
        let joined = path.hasPrefix("/") ? path : currentDirectory + "/" + path
        return URL(fileURLWithPath: joined).standardizedFileURL.path
    }
}

/// Key names, for messages, the JSON Schema and suggestions.
public enum ScenarioKeys {
    public static let topLevel = [
        "scenario", "vendor", "target", "secret", "seed", "defaults", "actors", "steps", "retries", "faults",
        "concurrency", "timeout", "method", "signing",
    ]
    public static let signing = ["header", "algorithm", "encoding", "prefix"]
    public static let required = ["scenario", "vendor", "steps"]
    public static let defaults = ["timeout", "expect", "headers"]
    public static let step = [
        "send", "probe", "lifecycle", "include", "id", "as", "after", "with", "fault", "quirks", "expect",
    ]
    public static let actions = ["send", "probe", "lifecycle", "include"]
    public static let expect = ["status", "headers", "body", "within", "format"]
    public static let probeMethods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
    /// Keys each action allows besides itself.
    public static let allowed: [String: Set<String>] = [
        "send": ["id", "as", "after", "with", "fault", "quirks", "expect"],
        "probe": ["id", "as", "after", "expect"],
        "lifecycle": ["as", "after", "quirks", "expect"],
        "include": ["as"],
    ]
}

struct LoadSession {
    let loader: ScenarioLoader
    var diagnostics = Diagnostics()
    var vendor: String?
    /// The vocabulary knows the vendor's events (so names are checked).
    var vendorKnown = false
    var actors = ActorSet()
    /// Absolute paths of the files being included, outermost first.
    var includeStack: [String] = []
    var defaultsExpect: Expectation?
    /// Values whose environment interpolation failed (already reported).
    var interpolationFailures = Set<SourceLocation>()
    /// Header patterns already compiled once.
    var validPatterns = Set<String>()

    init(loader: ScenarioLoader) { self.loader = loader }

    var vocabulary: any EventVocabulary { loader.vocabulary }

    mutating func error(_ message: String, at location: SourceLocation) {
        guard !interpolationFailures.contains(location) else { return }
        diagnostics.error(message, at: location)
    }

    // MARK: - Top level

    mutating func scenario(from rawRoot: SourceNode?, file: String, displayPath: String) -> Scenario? {
        let start = SourceLocation(file: displayPath, line: 1, column: 1)
        guard let rawRoot else {
            error("file is empty; a scenario is a mapping with 'scenario', 'vendor' and 'steps'", at: start)
            return nil
        }
        let interpolation = EnvironmentInterpolation(environment: loader.environment)
        let root = interpolation.interpolate(rawRoot, into: &diagnostics, failed: &interpolationFailures)
        guard let fields = keyed(root, allowed: ScenarioKeys.topLevel, what: "a scenario") else {
            if root.pairs == nil {
                error(
                    "a scenario is a mapping with 'scenario', 'vendor' and 'steps'; found \(root.kindDescription)",
                    at: root.location)
            }
            return nil
        }
        for key in ScenarioKeys.required where fields[key] == nil {
            var message = "missing '\(key)'"
            if key == "vendor" { message += " (one of \(vocabulary.vendorNames.joined(separator: ", ")))" }
            error(message, at: root.location)
        }
        let name = fields["scenario"].flatMap { string($0.value, key: "scenario") }
        if let vendorNode = fields["vendor"], let v = string(vendorNode.value, key: "vendor") {
            if vocabulary.vendorNames.contains(v.value) {
                vendor = v.value
                vendorKnown = !vocabulary.eventNames(vendor: v.value).isEmpty
            } else {
                let hint = Suggestions.didYouMean(v.value, in: vocabulary.vendorNames)
                error(
                    "unknown vendor '\(v.value)'"
                        + (hint.isEmpty
                            ? "; vendors are \(vocabulary.vendorNames.joined(separator: ", "))" : hint),
                    at: v.location)
            }
        }
        let target = fields["target"].flatMap { optionalString($0.value, key: "target") }
        if let target, !(target.value.hasPrefix("http://") || target.value.hasPrefix("https://")) {
            error("'target' must be an http:// or https:// URL; found '\(target.value)'", at: target.location)
        }
        let secret = fields["secret"].flatMap { optionalString($0.value, key: "secret") }
        let seed = fields["seed"].flatMap { seedValue($0.value) }
        if let actorsNode = fields["actors"] { actors = actorSet(actorsNode.value) }
        if actors.named.isEmpty && actors.generatedCount == 0 { actors.generatedCount = 1 }
        var defaults = ScenarioDefaults()
        if let node = fields["defaults"] { defaults = scenarioDefaults(node.value, file: file) }
        defaultsExpect = defaults.expect
        var steps: [Step] = []
        if let node = fields["steps"] {
            includeStack = [file]
            steps = stepList(node.value, key: "steps", file: file, inheritedActor: nil)
            checkReferences(steps)
            checkOrder(steps)
        }
        let retries = fields["retries"].flatMap { enumValue($0.value, key: "retries", RetryMode.self) }
        let faults = fields["faults"].map { faultRates($0.value) } ?? []
        let concurrency = fields["concurrency"].flatMap { positiveInt($0.value, key: "concurrency") }
        let timeout = fields["timeout"].flatMap { duration($0.value, key: "timeout") }
        let method = fields["method"].flatMap { enumValue($0.value, key: "method", RequestMethod.self) }
        let signing = fields["signing"].flatMap { signingSpec($0.value) }
        guard let name, let vendor, let vendorNode = fields["vendor"] else { return nil }
        var scenario = Scenario(
            name: name, vendor: Located(vendor, at: vendorNode.value.location), target: target,
            secret: secret,
            seed: seed, defaults: defaults, actors: actors, steps: steps, retries: retries, faults: faults,
            concurrency: concurrency, timeout: timeout, file: file)
        scenario.method = method
        scenario.signing = signing
        return scenario
    }

    /// `signing: { header: X-Signature, algorithm: hmac-sha256, encoding: hex, prefix: "sha256=" }`
    mutating func signingSpec(_ node: SourceNode) -> Located<HMACSigning>? {
        guard let fields = keyed(node, allowed: ScenarioKeys.signing, what: "'signing'") else {
            error(
                "'signing' must be a mapping with header, algorithm, encoding and prefix", at: node.location)
            return nil
        }
        guard let headerNode = fields["header"] else {
            error("'signing' needs a 'header' (the header that carries the HMAC)", at: node.location)
            return nil
        }
        guard let header = string(headerNode.value, key: "header") else { return nil }
        var spec = HMACSigning(header: header.value)
        if let algorithm = fields["algorithm"] {
            guard let value = enumValue(algorithm.value, key: "algorithm", HMACSigning.Algorithm.self) else {
                return nil
            }
            spec.algorithm = value.value
        }
        if let encoding = fields["encoding"] {
            guard let value = enumValue(encoding.value, key: "encoding", HMACSigning.Encoding.self) else {
                return nil
            }
            spec.encoding = value.value
        }
        if let prefix = fields["prefix"] {
            guard let value = string(prefix.value, key: "prefix") else { return nil }
            spec.prefix = value.value
        }
        return Located(spec, at: node.location)
    }

    // MARK: - Mappings with known keys

    /// The mapping's pairs by key, reporting keys not in `allowed` (with suggestions). Nil when
    /// the node is not a mapping (nothing reported: callers say what was expected).
    mutating func keyed(_ node: SourceNode, allowed: [String], what: String) -> [String: SourceNode.Pair]? {
        guard let pairs = node.pairs else { return nil }
        var result: [String: SourceNode.Pair] = [:]
        for pair in pairs {
            guard let key = pair.key.scalarText else {
                error("keys in \(what) are names; found \(pair.key.kindDescription)", at: pair.key.location)
                continue
            }
            guard allowed.contains(key) else {
                error(
                    "unknown key '\(key)' in \(what)\(Suggestions.didYouMean(key, in: allowed))",
                    at: pair.key.location)
                continue
            }
            result[key] = pair
        }
        return result
    }

    // MARK: - Scalars

    mutating func string(_ node: SourceNode, key: String) -> Located<String>? {
        guard case .string(let s) = node.jsonValue else {
            error("'\(key)' must be a string; found \(node.kindDescription)", at: node.location)
            return nil
        }
        return Located(s, at: node.location)
    }

    /// A string, or nothing for null / an empty string (e.g. `${VAR:-}`).
    mutating func optionalString(_ node: SourceNode, key: String) -> Located<String>? {
        switch node.jsonValue {
        case .null: return nil
        case .string(let s): return s.isEmpty ? nil : Located(s, at: node.location)
        default:
            error("'\(key)' must be a string; found \(node.kindDescription)", at: node.location)
            return nil
        }
    }

    mutating func seedValue(_ node: SourceNode) -> Located<UInt64>? {
        guard case .number(let n) = node.jsonValue, n.isIntegerLiteral, let v = n.int64Value, v >= 0 else {
            error(
                "'seed' must be a whole number from 0 to \(Int64.max); found \(describe(node))",
                at: node.location)
            return nil
        }
        return Located(UInt64(v), at: node.location)
    }

    mutating func positiveInt(_ node: SourceNode, key: String) -> Located<Int>? {
        guard case .number(let n) = node.jsonValue, n.isIntegerLiteral, let v = n.intValue, v >= 1 else {
            error("'\(key)' must be a whole number of at least 1; found \(describe(node))", at: node.location)
            return nil
        }
        return Located(v, at: node.location)
    }

    mutating func duration(_ node: SourceNode, key: String) -> Located<Duration>? {
        guard case .string(let text) = node.jsonValue, let d = DurationText.parse(text) else {
            error(
                "'\(key)' must be a duration, \(DurationText.acceptedForms); found \(describe(node))",
                at: node.location)
            return nil
        }
        return Located(d, at: node.location)
    }

    mutating func enumValue<E: RawRepresentable & CaseIterable & Sendable & Hashable>(
        _ node: SourceNode, key: String, _ type: E.Type
    ) -> Located<E>? where E.RawValue == String {
        let names = E.allCases.map(\.rawValue)
        guard case .string(let text) = node.jsonValue, let value = E(rawValue: text) else {
            let hint = node.jsonValue.stringValue.map { Suggestions.didYouMean($0, in: names) } ?? ""
            error(
                "'\(key)' must be one of \(names.joined(separator: ", ")); found \(describe(node))\(hint)",
                at: node.location)
            return nil
        }
        return Located(value, at: node.location)
    }

    /// `'abc'` for a scalar, "a list"/"a mapping" otherwise.
    func describe(_ node: SourceNode) -> String {
        switch node.jsonValue {
        case .string(let s): return "'\(s)'"
        case .number(let n): return n.description
        case .bool(let b): return b ? "true" : "false"
        case .null: return "nothing"
        default: return node.kindDescription
        }
    }

    // MARK: - Actors

    mutating func actorSet(_ node: SourceNode) -> ActorSet {
        var set = ActorSet()
        if case .null = node.jsonValue { return set }
        guard let pairs = node.pairs else {
            error(
                "'actors' must be a mapping of actor names to fields, with an optional 'count' of generated actors; found \(node.kindDescription)",
                at: node.location)
            return set
        }
        for pair in pairs {
            guard let name = pair.key.scalarText else {
                error("actor names are names; found \(pair.key.kindDescription)", at: pair.key.location)
                continue
            }
            if name == "count" {
                guard case .number(let n) = pair.value.jsonValue, n.isIntegerLiteral, let count = n.intValue,
                    count >= 0, count <= loader.maxGeneratedActors
                else {
                    error(
                        "'count' must be a whole number from 0 to \(loader.maxGeneratedActors); found \(describe(pair.value))",
                        at: pair.value.location)
                    continue
                }
                set.generatedCount = count
                continue
            }
            guard Template.isName(name), name != "actor", name != "steps",
                ActorSet.generatedIndex(name) == nil
            else {
                error(
                    "'\(name)' cannot name an actor (use letters, digits, '_' and '-'; 'actor', 'steps' and 'actor-N' are reserved)",
                    at: pair.key.location)
                continue
            }
            switch pair.value.jsonValue {
            case .null:
                set.named.append(Actor(name: name, location: pair.key.location))
            case .object(let fields):
                set.named.append(Actor(name: name, fields: fields, location: pair.key.location))
            default:
                error(
                    "actor '\(name)' must be a mapping of fields; found \(pair.value.kindDescription)",
                    at: pair.value.location)
            }
        }
        return set
    }

    // MARK: - Defaults

    mutating func scenarioDefaults(_ node: SourceNode, file: String) -> ScenarioDefaults {
        var defaults = ScenarioDefaults()
        guard let fields = keyed(node, allowed: ScenarioKeys.defaults, what: "'defaults'") else {
            error(
                "'defaults' must be a mapping (timeout, expect, headers); found \(node.kindDescription)",
                at: node.location)
            return defaults
        }
        defaults.timeout = fields["timeout"].flatMap { duration($0.value, key: "timeout") }
        defaults.expect = fields["expect"].flatMap { expectation($0.value, file: file) }
        if let headers = fields["headers"] {
            if let pairs = headers.value.pairs {
                for pair in pairs {
                    guard let name = pair.key.scalarText, !name.isEmpty else { continue }
                    guard case .string(let text) = pair.value.jsonValue else {
                        error(
                            "header '\(name)' must be a string; found \(pair.value.kindDescription)",
                            at: pair.value.location)
                        continue
                    }
                    if let template = template(text, at: pair.value.location) {
                        defaults.headers.append(
                            HeaderValue(name: name, value: template, location: pair.key.location))
                    }
                }
            } else {
                error(
                    "'headers' must be a mapping of header names to values; found \(headers.value.kindDescription)",
                    at: headers.value.location)
            }
        }
        return defaults
    }

    // MARK: - Expectations

    mutating func expectation(_ node: SourceNode, file: String) -> Expectation? {
        guard let fields = keyed(node, allowed: ScenarioKeys.expect, what: "'expect'") else {
            error(
                "'expect' must be a mapping (status, headers, body, within, format); found \(node.kindDescription)",
                at: node.location)
            return nil
        }
        var expectation = Expectation(location: node.location)
        if let status = fields["status"] { expectation.status = statusPattern(status.value) }
        if let headers = fields["headers"] { expectation.headers = headerExpectations(headers.value) }
        if let body = fields["body"] { expectation.body = bodyExpectation(body.value, file: file) }
        if let within = fields["within"] { expectation.within = duration(within.value, key: "within")?.value }
        if let format = fields["format"] {
            switch format.value.jsonValue {
            case .string("assert"): expectation.assertFormat = true
            case .string("annotate"): expectation.assertFormat = false
            default:
                error(
                    "'format' must be 'assert' or 'annotate'; found \(describe(format.value))",
                    at: format.value.location)
            }
        }
        return expectation
    }

    mutating func statusPattern(_ node: SourceNode) -> StatusPattern? {
        func single(_ node: SourceNode) -> StatusPattern? {
            let text: String
            switch node.jsonValue {
            case .number(let n) where n.isIntegerLiteral: text = n.description
            case .string(let s): text = s
            default: text = ""
            }
            guard !text.isEmpty, let pattern = StatusPattern(text) else {
                error(
                    "\(describe(node)) is not a status; write a code (200), a class (2xx) or a list ([200, 202])",
                    at: node.location)
                return nil
            }
            return pattern
        }
        if let elements = node.elements {
            guard !elements.isEmpty else {
                error("the status list is empty", at: node.location)
                return nil
            }
            let patterns = elements.compactMap(single)
            guard patterns.count == elements.count else { return nil }
            return .anyOf(patterns)
        }
        return single(node)
    }

    mutating func headerExpectations(_ node: SourceNode) -> [HeaderExpectation] {
        guard let pairs = node.pairs else {
            error(
                "'headers' must be a mapping of header names to values; found \(node.kindDescription)",
                at: node.location)
            return []
        }
        var result: [HeaderExpectation] = []
        for pair in pairs {
            guard let name = pair.key.scalarText, !name.isEmpty else { continue }
            switch pair.value.jsonValue {
            case .bool(true):
                result.append(HeaderExpectation(name: name, matcher: .present, location: pair.key.location))
            case .bool(false):
                result.append(HeaderExpectation(name: name, matcher: .absent, location: pair.key.location))
            case .string(let text):
                if text.count >= 2, text.hasPrefix("/"), text.hasSuffix("/") {
                    let pattern = String(text.dropFirst().dropLast())
                    do {
                        if !validPatterns.contains(pattern) {
                            _ = try Regex(pattern)
                            validPatterns.insert(pattern)
                        }
                        result.append(
                            HeaderExpectation(
                                name: name, matcher: .regex(pattern), location: pair.key.location))
                    } catch {
                        self.error("'\(text)' is not a valid regular expression", at: pair.value.location)
                    }
                } else {
                    result.append(
                        HeaderExpectation(name: name, matcher: .exact(text), location: pair.key.location))
                }
            case .number(let n):
                result.append(
                    HeaderExpectation(name: name, matcher: .exact(n.description), location: pair.key.location)
                )
            default:
                error(
                    "header '\(name)' expects a string, a /regex/, true (present) or false (absent); found \(pair.value.kindDescription)",
                    at: pair.value.location)
            }
        }
        return result
    }

    mutating func bodyExpectation(_ node: SourceNode, file: String) -> BodyExpectation? {
        let schema = node.jsonValue
        switch schema {
        case .object(let object):
            if case .string(let ref)? = object["$ref"], !ref.hasPrefix("#"), !ref.contains("://") {
                let filePart =
                    ref.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(
                        String.init) ?? ref
                let directory = (file as NSString).deletingLastPathComponent
                let target = filePart.hasPrefix("/") ? filePart : directory + "/" + filePart
                var isDirectory: ObjCBool = false
                if !FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory)
                    || isDirectory.boolValue
                {
                    let refNode = node.pairs?.first { $0.key.scalarText == "$ref" }?.value
                    error("schema file '\(filePart)' not found", at: refNode?.location ?? node.location)
                    return nil
                }
            }
        case .bool: break
        default:
            error(
                "'body' must be a JSON Schema (a mapping or true/false); found \(node.kindDescription)",
                at: node.location)
            return nil
        }
        return BodyExpectation(schema: schema, baseFile: file, location: node.location)
    }

    // MARK: - Templates

    mutating func template(_ text: String, at location: SourceLocation) -> Template? {
        do {
            return try Template(parsing: text, at: location)
        } catch {
            diagnostics.append(error)
            return nil
        }
    }

    mutating func templatedValue(_ node: SourceNode) -> TemplatedValue {
        switch node.kind {
        case .scalar:
            if case .string(let text) = node.jsonValue, Template.containsReference(text) {
                return template(text, at: node.location).map(TemplatedValue.template) ?? .value(.string(text))
            }
            return .value(node.jsonValue)
        case .sequence(let elements):
            let values = elements.map { templatedValue($0) }
            if values.allSatisfy({ if case .value = $0 { return true } else { return false } }) {
                return .value(node.jsonValue)
            }
            return .array(values)
        case .mapping(let pairs):
            let members = pairs.map {
                TemplatedValue.Member(key: $0.key.scalarText ?? "", value: templatedValue($0.value))
            }
            if members.allSatisfy({ if case .value = $0.value { return true } else { return false } }) {
                return .value(node.jsonValue)
            }
            return .object(members)
        }
    }

    // MARK: - Steps

    mutating func stepList(_ node: SourceNode, key: String, file: String, inheritedActor: Located<String>?)
        -> [Step]
    {
        guard let elements = node.elements else {
            error(
                "'\(key)' must be a list of steps (each starting with '- '); found \(node.kindDescription)",
                at: node.location)
            return []
        }
        var steps: [Step] = []
        for element in elements {
            steps += self.steps(from: element, file: file, inheritedActor: inheritedActor)
        }
        return steps
    }

    mutating func steps(from node: SourceNode, file: String, inheritedActor: Located<String>?) -> [Step] {
        guard let fields = keyed(node, allowed: ScenarioKeys.step, what: "a step") else {
            error(
                "a step is a mapping with one of send, probe, lifecycle or include; found \(node.kindDescription)",
                at: node.location)
            return []
        }
        let present =
            node.pairs?.compactMap { $0.key.scalarText }.filter { ScenarioKeys.actions.contains($0) } ?? []
        guard let action = present.first else {
            if !fields.isEmpty || node.pairs?.isEmpty == true {
                error("a step needs one of send, probe, lifecycle or include", at: node.location)
            }
            return []
        }
        if present.count > 1, let second = fields[present[1]] {
            error(
                "a step has one action; found both '\(action)' and '\(present[1])'", at: second.key.location)
            return []
        }
        let allowed = ScenarioKeys.allowed[action] ?? []
        for (key, pair) in fields where key != action && !allowed.contains(key) {
            error(
                "'\(key)' does not apply to \(action == "include" ? "an" : "a") '\(action)' step",
                at: pair.key.location)
        }
        var actor = inheritedActor
        if let asNode = fields["as"], let name = string(asNode.value, key: "as") {
            if actors.contains(name.value) {
                actor = name
            } else {
                error(
                    "unknown actor '\(name.value)'\(Suggestions.didYouMean(name.value, in: actors.allNames))",
                    at: name.location)
            }
        }
        let after = fields["after"].flatMap { duration($0.value, key: "after") }
        var quirks: [Located<String>] = []
        if let quirksNode = fields["quirks"], allowed.contains("quirks") {
            quirks = quirkList(quirksNode.value)
        }
        var expect: Expectation?
        if let expectNode = fields["expect"] { expect = expectation(expectNode.value, file: file) }
        let merged =
            (expect
            ?? defaultsExpect.map {
                var e = $0; e.location = nil; return e
            })
            .map { $0.merged(over: defaultsExpect) }
        guard let actionNode = fields[action]?.value else { return [] }

        switch action {
        case "send":
            guard let event = string(actionNode, key: "send") else { return [] }
            let canonical = resolveEvent(event)
            var step = Step(
                action: .send(event: Located(canonical, at: event.location)), actor: actor, after: after,
                quirks: quirks, expect: merged, location: node.location)
            if let idNode = fields["id"] { step.id = stepID(idNode.value) }
            if let withNode = fields["with"] { step.overrides = overrides(withNode.value) }
            if let faultNode = fields["fault"] { step.fault = fault(faultNode.value) }
            return [step]
        case "probe":
            guard let text = string(actionNode, key: "probe") else { return [] }
            guard let probe = probe(text) else { return [] }
            var step = Step(
                action: .probe(probe), actor: actor, after: after, expect: merged, location: node.location)
            if let idNode = fields["id"], allowed.contains("id") { step.id = stepID(idNode.value) }
            return [step]
        case "lifecycle":
            guard let stages = actionNode.elements else {
                error(
                    "'lifecycle' must be a list of stages, like [invited, in_progress, completed]; found \(actionNode.kindDescription)",
                    at: actionNode.location)
                return []
            }
            var steps: [Step] = []
            for stageNode in stages {
                guard let stage = string(stageNode, key: "lifecycle stage") else { continue }
                guard let event = lifecycleEvent(stage) else { continue }
                steps.append(
                    Step(
                        action: .send(event: Located(event, at: stage.location)), actor: actor, after: after,
                        quirks: quirks, expect: merged, location: stage.location, lifecycleStage: stage.value)
                )
            }
            return steps
        default:
            guard let path = string(actionNode, key: "include") else { return [] }
            return include(path, from: file, inheritedActor: actor)
        }
    }

    mutating func resolveEvent(_ event: Located<String>) -> String {
        guard let vendor, vendorKnown else { return event.value }
        if let canonical = vocabulary.resolveEvent(vendor: vendor, name: event.value) { return canonical }
        let hint = Suggestions.didYouMean(event.value, in: vocabulary.eventNames(vendor: vendor))
        error("unknown \(vendor) event '\(event.value)'\(hint)", at: event.location)
        return event.value
    }

    mutating func lifecycleEvent(_ stage: Located<String>) -> String? {
        guard let vendor, vendorKnown else { return stage.value }
        let stages = vocabulary.lifecycleStages(vendor: vendor)
        if let event = vocabulary.lifecycleEvent(vendor: vendor, stage: stage.value) { return event }
        let hint = Suggestions.didYouMean(stage.value, in: stages)
        let list =
            stages.isEmpty
            ? "; \(vendor) has no lifecycle stages"
            : (hint.isEmpty ? "; stages are \(stages.joined(separator: ", "))" : hint)
        error("unknown \(vendor) lifecycle stage '\(stage.value)'\(list)", at: stage.location)
        return nil
    }

    mutating func quirkList(_ node: SourceNode) -> [Located<String>] {
        guard let elements = node.elements else {
            error("'quirks' must be a list of quirk names; found \(node.kindDescription)", at: node.location)
            return []
        }
        var quirks: [Located<String>] = []
        for element in elements {
            guard let quirk = string(element, key: "quirks") else { continue }
            if let vendor, vendorKnown {
                let known = vocabulary.quirkNames(vendor: vendor)
                guard known.contains(quirk.value) else {
                    let hint = Suggestions.didYouMean(quirk.value, in: known)
                    let list =
                        known.isEmpty
                        ? "; \(vendor) has no quirks"
                        : (hint.isEmpty ? "; quirks are \(known.joined(separator: ", "))" : hint)
                    error("unknown \(vendor) quirk '\(quirk.value)'\(list)", at: quirk.location)
                    continue
                }
            }
            quirks.append(quirk)
        }
        return quirks
    }

    mutating func stepID(_ node: SourceNode) -> Located<String>? {
        guard let id = string(node, key: "id") else { return nil }
        guard Template.isName(id.value) else {
            error(
                "step id '\(id.value)' must start with a letter and hold letters, digits, '_' or '-'",
                at: id.location)
            return nil
        }
        return id
    }

    mutating func fault(_ node: SourceNode) -> Located<FaultKind>? {
        guard case .string(let name) = node.jsonValue else {
            error("'fault' must be a fault name; found \(node.kindDescription)", at: node.location)
            return nil
        }
        guard let kind = FaultKind(rawValue: name) else {
            let hint = Suggestions.didYouMean(name, in: FaultKind.names)
            error(
                "unknown fault '\(name)'"
                    + (hint.isEmpty ? "; faults are \(FaultKind.names.joined(separator: ", "))" : hint),
                at: node.location)
            return nil
        }
        return Located(kind, at: node.location)
    }

    mutating func overrides(_ node: SourceNode) -> [PayloadOverride] {
        guard let pairs = node.pairs else {
            error(
                "'with' must be a mapping of payload paths to values, like { data.scores.totalScore: 37 }; found \(node.kindDescription)",
                at: node.location)
            return []
        }
        var result: [PayloadOverride] = []
        for pair in pairs {
            guard let text = pair.key.scalarText, let path = FieldPath(parsing: text) else {
                error(
                    "'\(pair.key.scalarText ?? "")' is not a payload path; write dotted keys with [n] indexes, like data.customQuestions[0].score",
                    at: pair.key.location)
                continue
            }
            result.append(
                PayloadOverride(path: path, value: templatedValue(pair.value), location: pair.key.location))
        }
        return result
    }

    mutating func probe(_ text: Located<String>) -> Probe? {
        let parts = text.value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, ScenarioKeys.probeMethods.contains(String(parts[0])) else {
            error(
                "'probe' must be a method and a path, like 'GET /candidates/{{jane.candidateId}}' (methods: \(ScenarioKeys.probeMethods.joined(separator: ", ")))",
                at: text.location)
            return nil
        }
        let path = String(parts[1]).trimmingCharacters(in: " ")
        guard path.hasPrefix("/") else {
            error("the probe path must start with '/'; found '\(path)'", at: text.location)
            return nil
        }
        guard let template = template(path, at: text.location) else { return nil }
        return Probe(method: String(parts[0]), path: template, location: text.location)
    }

    mutating func faultRates(_ node: SourceNode) -> [FaultRate] {
        guard let pairs = node.pairs else {
            error(
                "'faults' must be a mapping of fault names to rates, like { duplicate: 10% }; found \(node.kindDescription)",
                at: node.location)
            return []
        }
        var rates: [FaultRate] = []
        for pair in pairs {
            guard let name = pair.key.scalarText else { continue }
            guard let kind = FaultKind(rawValue: name) else {
                let hint = Suggestions.didYouMean(name, in: FaultKind.names)
                error(
                    "unknown fault '\(name)'"
                        + (hint.isEmpty ? "; faults are \(FaultKind.names.joined(separator: ", "))" : hint),
                    at: pair.key.location)
                continue
            }
            guard case .string(let text) = pair.value.jsonValue, text.hasSuffix("%"),
                let percent = Double(text.dropLast()),
                text.dropLast().allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
                percent >= 0, percent <= 100
            else {
                error(
                    "the rate of '\(name)' must be a percentage from 0% to 100%, like 10%; found \(describe(pair.value))",
                    at: pair.value.location)
                continue
            }
            rates.append(FaultRate(fault: kind, percent: percent, location: pair.key.location))
        }
        return rates
    }

    // MARK: - Includes

    mutating func include(_ path: Located<String>, from file: String, inheritedActor: Located<String>?)
        -> [Step]
    {
        let directory = (file as NSString).deletingLastPathComponent
        let absolute = URL(
            fileURLWithPath: path.value.hasPrefix("/") ? path.value : directory + "/" + path.value
        )
        .standardizedFileURL.path
        let displayDirectory = (path.location.file as NSString).deletingLastPathComponent
        let display =
            path.value.hasPrefix("/")
            ? path.value
            : Self.normalize(displayDirectory.isEmpty ? path.value : displayDirectory + "/" + path.value)
        if includeStack.contains(absolute) {
            let chain = (includeStack + [absolute]).map { ($0 as NSString).lastPathComponent }.joined(
                separator: " -> ")
            error("include cycle: \(chain)", at: path.location)
            return []
        }
        guard includeStack.count < loader.maxIncludeDepth else {
            error("includes nest deeper than \(loader.maxIncludeDepth) files", at: path.location)
            return []
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory),
            !isDirectory.boolValue
        else {
            error("included file '\(path.value)' not found", at: path.location)
            return []
        }
        let root: SourceNode?
        do {
            root = try loader.reader.read(path: absolute, displayPath: display)
        } catch {
            diagnostics.append(error)
            return []
        }
        guard let rawRoot = root else {
            error("included file '\(path.value)' is empty; it should hold a list of steps", at: path.location)
            return []
        }
        let interpolation = EnvironmentInterpolation(environment: loader.environment)
        var node = interpolation.interpolate(rawRoot, into: &diagnostics, failed: &interpolationFailures)
        if node.pairs != nil {
            // A mapping form: `steps:` and nothing else (other keys are reported by `keyed`).
            guard let fields = keyed(node, allowed: ["steps"], what: "an included file") else { return [] }
            guard let steps = fields["steps"] else {
                // Keys other than `steps` were reported as unknown; an empty mapping is not.
                if fields.isEmpty && node.pairs?.isEmpty == true {
                    error(
                        "an included file holds a list of steps, or a mapping with 'steps'", at: node.location
                    )
                }
                return []
            }
            node = steps.value
        }
        includeStack.append(absolute)
        defer { includeStack.removeLast() }
        return stepList(node, key: "steps", file: absolute, inheritedActor: inheritedActor)
    }

    /// Removes `.` and `a/..` segments from a relative or absolute path, keeping leading `..`.
    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
                continue
            }
            parts.append(part)
        }
        return (path.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
    }

    // MARK: - Cross-step checks

    /// Step ids are unique; templates refer to earlier steps and known actors.
    mutating func checkReferences(_ steps: [Step]) {
        var firstIndex: [String: (index: Int, step: Step)] = [:]
        for (index, step) in steps.enumerated() {
            guard let id = step.id else { continue }
            if let previous = firstIndex[id.value], let previousID = previous.step.id {
                let place =
                    previousID.location.file == id.location.file
                    ? "line \(previousID.location.line)" : "\(previousID.location)"
                error("step id '\(id.value)' is already used (\(place))", at: id.location)
            } else {
                firstIndex[id.value] = (index, step)
            }
        }
        let ids = Array(firstIndex.keys).sorted()
        for (index, step) in steps.enumerated() {
            var templates: [Template] = step.overrides.flatMap(\.value.templates)
            if case .probe(let probe) = step.action { templates.append(probe.path) }
            for template in templates {
                guard let location = template.location else { continue }
                for reference in template.references {
                    check(reference, at: location, stepIndex: index, firstIndex: firstIndex, ids: ids)
                }
            }
        }
    }

    mutating func check(
        _ reference: TemplateReference, at location: SourceLocation, stepIndex: Int,
        firstIndex: [String: (index: Int, step: Step)], ids: [String]
    ) {
        if case .actor(let name?, _) = reference, !actors.contains(name) {
            error(
                "unknown actor '\(name)' in '{{\(reference)}}'\(Suggestions.didYouMean(name, in: actors.allNames))",
                at: location)
            return
        }
        guard let id = reference.stepID else { return }
        guard let target = firstIndex[id] else {
            error(
                "'{{\(reference)}}' refers to an unknown step '\(id)'\(Suggestions.didYouMean(id, in: ids))",
                at: location)
            return
        }
        if target.index == stepIndex {
            error(
                "'{{\(reference)}}' refers to its own step; a step can only use earlier steps", at: location)
        } else if target.index > stepIndex {
            let place =
                target.step.location.file == location.file
                ? "line \(target.step.location.line)" : "\(target.step.location)"
            error("'{{\(reference)}}' refers to step '\(id)', which comes later (\(place))", at: location)
        } else if case .stepPayload = reference, case .probe = target.step.action {
            error("'{{\(reference)}}': step '\(id)' is a probe and sends no payload", at: location)
        }
    }

    /// Each actor's events, in order, must be a sequence the vendor could send. Steps that inject
    /// a fault are left out: a duplicate or reordered event breaks the order on purpose.
    mutating func checkOrder(_ steps: [Step]) {
        guard let vendor, vendorKnown else { return }
        var reported = Set<SourceLocation>()
        var sequences: [[Step]] = actors.named.map { actor in
            steps.filter { $0.actor == nil || $0.actor?.value == actor.name }
        }
        if actors.generatedCount > 0 { sequences.append(steps.filter { $0.actor == nil }) }
        for sequence in sequences {
            let sends = sequence.filter { $0.fault == nil && $0.event != nil }
            let events = sends.compactMap(\.event)
            guard let problem = vocabulary.orderProblem(vendor: vendor, events: events),
                sends.indices.contains(problem.index), case .send(let event) = sends[problem.index].action
            else { continue }
            guard reported.insert(event.location).inserted else { continue }
            error("events out of order: \(problem.reason)", at: event.location)
        }
    }
}

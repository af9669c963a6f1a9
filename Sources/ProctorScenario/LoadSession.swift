import ProctorCore
import ProctorJSON

/// One load of a scenario file and the files it includes: what has been read so far and every
/// problem found. Its extensions read each part of the file (`LoadSession+Steps.swift`, ...).
struct LoadSession {
    let loader: ScenarioLoader
    var diagnostics = Diagnostics()
    var vendor: String?
    /// The scenario's `version:`, once known to be one of the vendor's.
    var version: String?
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
    /// Each actor's fields as templates see them (see ``actorFields(_:)``), by actor name.
    var actorFieldCache: [String: JSONObject] = [:]
    /// Example payloads by vendor, event and quirks (nil: the vocabulary has none).
    var exampleCache: [String: PayloadExample?] = [:]

    init(loader: ScenarioLoader) { self.loader = loader }

    var vocabulary: any EventVocabulary { loader.vocabulary }

    mutating func error(_ message: String, at location: SourceLocation) {
        guard !interpolationFailures.contains(location) else { return }
        diagnostics.error(message, at: location)
    }

    /// The scenario of the file's root node; nil when it cannot be built (the problems are in
    /// `diagnostics`).
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
        let versionNode = fields["version"].flatMap { string($0.value, key: "version") }
        if let versionNode, let vendor { checkVersion(versionNode, vendor: vendor) }
        let mirrorNode = fields["mirror"].flatMap { string($0.value, key: "mirror") }
        if let mirrorNode, let vendor { checkMirror(mirrorNode, vendor: vendor) }
        let target = fields["target"].flatMap { optionalString($0.value, key: "target") }
        if let target { checkTarget(target) }
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
            checkReferences(steps, defaultHeaders: defaults.headers)
            checkOrder(steps)
        }
        let retries = fields["retries"].flatMap { enumValue($0.value, key: "retries", RetryMode.self) }
        let faults = fields["faults"].map { faultRates($0.value) } ?? []
        let concurrency = fields["concurrency"].flatMap { positiveInt($0.value, key: "concurrency") }
        let timeout = fields["timeout"].flatMap { duration($0.value, key: "timeout") }
        let method = fields["method"].flatMap { enumValue($0.value, key: "method", RequestMethod.self) }
        let signing = fields["signing"].flatMap { signingSpec($0.value) }
        let thresholds = fields["thresholds"].map { thresholdList($0.value) } ?? []
        guard let name, let vendor, let vendorNode = fields["vendor"] else { return nil }
        var scenario = Scenario(
            name: name, vendor: Located(vendor, at: vendorNode.value.location), target: target,
            secret: secret,
            seed: seed, defaults: defaults, actors: actors, steps: steps, retries: retries, faults: faults,
            concurrency: concurrency, timeout: timeout, file: file)
        scenario.method = method
        scenario.signing = signing
        scenario.version = versionNode
        scenario.mirror = mirrorNode
        scenario.thresholds = thresholds
        return scenario
    }
}

import Foundation
import ProctorCore
import ProctorJSON
import ProctorReceiver
import ProctorScenario
import ProctorSigning
import ProctorVendors

/// `proctor capture to-scenario`: a scenario that reproduces a capture. One vendor's requests
/// become `send` steps in the order they arrived, one actor per candidate, spaced by `after:`;
/// each body is what Proctor generates for the step with `with:` entries for exactly the values
/// that differ (or, where `with:` cannot say it, the captured bytes as a `body:` file); the
/// answers become `expect: { status: ... }`, duplicates and signature problems become faults.
public struct ScenarioWriter: Sendable {
    public var catalog: VendorCatalog

    public init(catalog: VendorCatalog = .standard) { self.catalog = catalog }

    /// What to write.
    public struct Options: Sendable {
        /// The vendor whose requests to take; nil: the capture's only vendor.
        public var vendor: String?
        /// The scenario's name; nil: taken from the capture's folder.
        public var name: String?
        /// Where body files go, relative to the scenario file (`out.fixtures`).
        public var fixtureFolder: String
        /// The scenario's `seed:`.
        public var seed: UInt64

        public init(vendor: String? = nil, name: String? = nil, fixtureFolder: String, seed: UInt64 = 0) {
            self.vendor = vendor
            self.name = name
            self.fixtureFolder = fixtureFolder
            self.seed = seed
        }
    }

    /// A body file to write next to the scenario.
    public struct FixtureFile: Sendable, Hashable {
        /// Relative to the scenario file, as its `body:` names it.
        public var path: String
        public var bytes: [UInt8]
    }

    /// The scenario's text and the files it names.
    public struct Output: Sendable {
        public var yaml: String
        public var fixtures: [FixtureFile]
        public var vendor: String
        public var steps: Int
        public var actors: Int
        /// Requests of the vendor left out (each with a comment in the YAML saying why).
        public var skipped: Int
    }

    /// A captured request turned into a step, before its body is compared.
    struct PlannedStep {
        var record: CaptureRecord
        var event: String
        var actor: String
        var after: Int64?
        var fault: FaultKind?
        /// Statuses answered: the request's, and its duplicate's.
        var statuses: [Int]
        var comments: [String] = []
        var json: JSONValue?
        /// `with:` entries, in order; nil: the body goes as a file.
        var overrides: [(path: JSONPath, value: JSONValue)]? = []
        /// The `body:` file, relative to the scenario, when `overrides` is nil.
        var fixture: String?
    }

    /// Writes the scenario for `capture`. Throws for a capture with no vendor requests, several
    /// vendors and no `vendor`, or an unknown `vendor`.
    public func scenario(from capture: Capture, options: Options) throws(CaptureError) -> Output {
        let vendors = capture.records.map(\.event.vendor).filter { !$0.isEmpty }.reduce(into: [String]()) {
            if !$0.contains($1) { $0.append($1) }
        }
        let vendor: String
        if let chosen = options.vendor {
            guard vendors.contains(chosen) else {
                throw CaptureError(
                    "\(capture.directory) holds no \(chosen) requests"
                        + (vendors.isEmpty ? "" : "; it holds \(vendors.joined(separator: ", "))"))
            }
            vendor = chosen
        } else if vendors.count == 1, let only = vendors.first {
            vendor = only
        } else if vendors.isEmpty {
            throw CaptureError("\(capture.directory) holds no webhook requests to a vendor's route")
        } else {
            throw CaptureError(
                "\(capture.directory) holds requests for several vendors (\(vendors.joined(separator: ", "))); choose one with --vendor"
            )
        }
        guard let profile = catalog.profile(for: vendor) else {
            throw CaptureError("\(vendor) is not a vendor this proctor knows")
        }
        let records = capture.records.filter { $0.event.vendor == vendor }
        let hmac = Self.signing(of: records, profile: profile, kept: capture.signaturesKept)
        var (planned, skipped, actors) = plan(records, profile: profile, signed: hmac != nil)

        // The payload version that needs the fewest changes.
        let versions: [String?] = profile.versions.isEmpty ? [nil] : profile.versions.map(\.name)
        var best: (version: String?, steps: [PlannedStep], cost: Int)?
        for version in versions {
            let compared = try compare(
                planned, vendor: vendor, version: version, actors: actors, seed: options.seed)
            let cost = compared.reduce(0) { $0 + ($1.overrides.map(\.count) ?? 10_000) }
            if best == nil || cost < best?.cost ?? 0 { best = (version, compared, cost) }
        }
        planned = best?.steps ?? planned
        let version = best?.version.flatMap { $0 == profile.versions.first?.name ? nil : $0 }

        var fixtures: [FixtureFile] = []
        for index in planned.indices where planned[index].overrides == nil {
            let record = planned[index].record
            let path =
                options.fixtureFolder + "/r\(record.sequence)"
                + (planned[index].json == nil ? ".bin" : ".json")
            planned[index].fixture = path
            fixtures.append(FixtureFile(path: path, bytes: record.body))
        }
        actors = actors.filter { name in planned.contains { $0.actor == name } }
        let name = options.name ?? Self.defaultName(for: capture.directory)
        let yaml = render(
            name: name, vendor: vendor, version: version, capture: capture, records: records,
            planned: planned, skipped: skipped, actors: actors, profile: profile, hmac: hmac,
            seed: options.seed)
        return Output(
            yaml: yaml, fixtures: fixtures, vendor: vendor, steps: planned.count, actors: actors.count,
            skipped: skipped.count)
    }

    /// `capture-20261202T093000Z-4242` from the run folder's name.
    static func defaultName(for directory: String) -> String {
        let last = directory.split(separator: "/").last.map(String.init) ?? "capture"
        let cleaned = String(
            last.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" })
        return "capture-" + cleaned
    }

    // MARK: Planning

    /// The steps the records become, the records left out (sequence and why), and the actors in
    /// order of first appearance.
    func plan(_ records: [CaptureRecord], profile: VendorProfile, signed: Bool) -> (
        [PlannedStep], [(sequence: Int, reason: String)], [String]
    ) {
        var planned: [PlannedStep] = []
        var skipped: [(sequence: Int, reason: String)] = []
        var actorOf: [String: String] = [:]
        var actors: [String] = []
        var lastArrival: [String: Int64] = [:]
        var eventsOf: [String: [String]] = [:]
        let firstArrival = records.first?.receivedAtMilliseconds ?? 0
        let signs = profile.signing != .none || signed
        for record in records {
            guard record.bodyComplete else {
                skipped.append((record.sequence, "its body was cut short"))
                continue
            }
            let json = try? JSONValue(parsing: record.body)
            guard let event = Self.eventName(record: record, json: json, profile: profile) else {
                let read = record.event.event
                skipped.append(
                    (
                        record.sequence,
                        json == nil
                            ? "its body is not JSON, so it names no \(profile.name) event"
                            : "'\(read)' is not a \(profile.name) event"
                    ))
                continue
            }
            let actor: String
            if let candidate = record.event.candidateId {
                if let known = actorOf[candidate] {
                    actor = known
                } else {
                    actor = "candidate-\(actorOf.count + 1)"
                    actorOf[candidate] = actor
                }
            } else {
                actor = "no-candidate"
            }
            // The same message again right after it: the `duplicate` fault of the earlier send.
            if record.event.duplicate || record.answerWord == "duplicate" {
                if let previous = planned.lastIndex(where: { $0.actor == actor }),
                    planned[previous].record.event.messageId == record.event.messageId,
                    planned[previous].fault == nil, planned[previous].statuses.count == 1
                {
                    planned[previous].fault = .duplicate
                    planned[previous].statuses.append(record.status)
                    lastArrival[actor] = record.receivedAtMilliseconds
                    continue
                }
                skipped.append(
                    (
                        record.sequence,
                        "a duplicate of message \(record.event.messageId) delivered apart from its first delivery"
                    ))
                continue
            }
            let history = (eventsOf[actor] ?? []) + [event]
            if let problem = catalog.orderProblem(vendor: profile.name, events: history),
                problem.index == history.count - 1
            {
                skipped.append((record.sequence, "delivered out of order: \(problem.reason)"))
                continue
            }
            if !actors.contains(actor) { actors.append(actor) }
            let since = record.receivedAtMilliseconds - (lastArrival[actor] ?? firstArrival)
            var step = PlannedStep(
                record: record, event: event, actor: actor, after: since >= 1 ? since : nil, fault: nil,
                statuses: [record.status], json: json)
            switch record.signature?.verdict {
            case .unsigned? where signs:
                step.fault = .missingSignature
            case .invalid? where signs:
                let problems = record.signature?.problems.joined(separator: " ") ?? ""
                if problems.contains("s old") {
                    step.fault = .staleTimestamp
                } else if problems.contains("in the future") {
                    step.fault = .futureTimestamp
                } else {
                    step.fault = .badSignature
                }
            default:
                if case .standardWebhooks = profile.signing, record.headers["webhook-id"] != nil,
                    record.headers["svix-id"] == nil
                {
                    step.fault = .webhookHeaders
                }
            }
            if record.status == 0 {
                step.comments.append(
                    "r\(record.sequence): the connection was closed without an answer; no status is expected")
            }
            if json == nil {
                step.comments.append("r\(record.sequence): the body is not JSON; it is sent as captured")
            }
            planned.append(step)
            eventsOf[actor] = history
            lastArrival[actor] = record.receivedAtMilliseconds
        }
        return (planned, skipped, actors)
    }

    /// The scenario name of the record's event, as its vendor's profile reads it.
    static func eventName(record: CaptureRecord, json: JSONValue?, profile: VendorProfile) -> String? {
        profile.event(received: record.event.event, in: json)?.name
    }

    // MARK: Comparing

    /// Each step's `with:` entries: what differs between the captured body and the payload
    /// generated for the step (at two different times, so that values from the clock are pinned
    /// even where they happen to agree), checked by generating the step with them. Nil where that
    /// does not give the captured body: the body goes as a file.
    func compare(
        _ planned: [PlannedStep], vendor: String, version: String?, actors: [String], seed: UInt64
    ) throws(CaptureError) -> [PlannedStep] {
        let scenario = skeleton(planned, vendor: vendor, version: version, actors: actors, seed: seed)
        let starts: [Int64] = [planned.first?.record.receivedAtMilliseconds ?? 0, 1_900_000_000_000]
        var timelines: [[String: [Int: Int64]]] = []
        for start in starts {
            timelines.append(
                ScenarioRunner.timeline(
                    for: scenario, seed: seed, fields: [:], start: start, timeScale: 1, catalog: catalog
                ).times)
        }
        var states: [[String: ActorState]] = starts.indices.map { index in
            let anchor =
                ScenarioRunner.timeline(
                    for: scenario, seed: seed, fields: [:], start: starts[index], timeScale: 1,
                    catalog: catalog
                ).timeline.anchorMilliseconds
            var byActor: [String: ActorState] = [:]
            for actor in actors {
                byActor[actor] = ActorState(
                    vendor: vendor, version: version, name: actor, seed: seed, storyStartMilliseconds: anchor)
            }
            return byActor
        }
        var result = planned
        for (index, step) in planned.enumerated() {
            var entries: [(path: JSONPath, value: JSONValue)]? = []
            var generatedBodies: [JSONValue] = []
            for timeline in starts.indices {
                guard var state = states[timeline][step.actor] else { continue }
                let time = timelines[timeline][step.actor]?[index] ?? starts[timeline]
                do {
                    generatedBodies.append(
                        try catalog.generate(
                            vendor: vendor, event: step.event, actor: &state, atMilliseconds: time
                        ).body)
                } catch {
                    throw CaptureError(
                        "r\(step.record.sequence): cannot generate \(step.event): \(error.message)")
                }
            }
            if let captured = step.json {
                for generated in generatedBodies {
                    guard let found = Self.differences(captured, generated), entries != nil else {
                        entries = nil
                        break
                    }
                    for entry in found where !(entries ?? []).contains(where: { $0.path == entry.path }) {
                        entries?.append(entry)
                    }
                }
                // An entry below another is already set by it.
                entries = entries.map { list in
                    list.filter { entry in
                        !list.contains { other in
                            other.path.components.count < entry.path.components.count
                                && Array(entry.path.components.prefix(other.path.components.count))
                                    == other.path.components
                        }
                    }
                }
                if entries?.contains(where: { Self.holdsTemplateMarker($0.value) }) == true { entries = nil }
            } else {
                entries = nil
            }
            // Generate the step as `run` will; the entries stand only if that gives the capture.
            let overrides = (entries ?? []).map { Override(path: $0.path, value: $0.value) }
            for timeline in starts.indices {
                guard var state = states[timeline][step.actor] else { continue }
                let time = timelines[timeline][step.actor]?[index] ?? starts[timeline]
                let before = state
                if entries != nil,
                    let made = try? catalog.generate(
                        vendor: vendor, event: step.event, actor: &state, atMilliseconds: time,
                        overrides: overrides),
                    made.body == step.json
                {
                    states[timeline][step.actor] = state
                    continue
                }
                entries = nil
                state = before
                _ = try? catalog.generate(
                    vendor: vendor, event: step.event, actor: &state, atMilliseconds: time)
                states[timeline][step.actor] = state
            }
            result[index].overrides = entries
        }
        return result
    }

    /// The planned steps as a scenario, for its story times.
    func skeleton(_ planned: [PlannedStep], vendor: String, version: String?, actors: [String], seed: UInt64)
        -> Scenario
    {
        let here = SourceLocation(file: "capture", line: 1, column: 1)
        var scenario = Scenario(
            name: Located("capture", at: here), vendor: Located(vendor, at: here),
            seed: Located(seed, at: here),
            actors: ActorSet(named: actors.map { Actor(name: $0, location: here) }),
            steps: planned.map { step in
                Step(
                    action: .send(event: Located(step.event, at: here)), actor: Located(step.actor, at: here),
                    after: step.after.map { Located(.milliseconds($0), at: here) }, location: here)
            }, file: "capture")
        scenario.version = version.map { Located($0, at: here) }
        return scenario
    }

    /// The `with:` entries that turn `generated` into `captured`: every differing leaf, a whole
    /// list whose length differs, a whole object that lacks a key the generated one has (or has
    /// a key a path cannot name). Nil when that would have to replace the whole body.
    static func differences(_ captured: JSONValue, _ generated: JSONValue) -> [(
        path: JSONPath, value: JSONValue
    )]? {
        var entries: [(path: JSONPath, value: JSONValue)] = []
        func walk(_ captured: JSONValue, _ generated: JSONValue, _ path: [JSONPath.Component]) -> Bool {
            func replace() -> Bool {
                guard !path.isEmpty else { return false }
                entries.append((JSONPath(components: path), captured))
                return true
            }
            switch (captured, generated) {
            case (.object(let c), .object(let g)):
                if g.keys.contains(where: { c[$0] == nil }) || c.keys.contains(where: { !isPathKey($0) }) {
                    return replace()
                }
                for key in c.keys {
                    guard let value = c[key] else { continue }
                    if let other = g[key] {
                        if !walk(value, other, path + [.key(key)]) { return false }
                    } else {
                        entries.append((JSONPath(components: path + [.key(key)]), value))
                    }
                }
                return true
            case (.array(let c), .array(let g)):
                guard c.count == g.count else { return replace() }
                for (offset, pair) in zip(c, g).enumerated()
                where !walk(pair.0, pair.1, path + [.index(offset)]) {
                    return false
                }
                return true
            default:
                return captured == generated ? true : replace()
            }
        }
        return walk(captured, generated, []) ? entries : nil
    }

    /// Whether `key` can be a component of a `with:` path.
    static func isPathKey(_ key: String) -> Bool {
        !key.isEmpty && !key.contains(where: { $0 == "." || $0 == "[" || $0 == "]" })
            && (try? JSONPath(parsing: key))?.components == [.key(key)]
    }

    /// Whether a string in `value` holds `{{`, which a `with:` value would read as a template.
    static func holdsTemplateMarker(_ value: JSONValue) -> Bool {
        switch value {
        case .string(let text): return Template.containsReference(text)
        case .array(let elements): return elements.contains(where: holdsTemplateMarker)
        case .object(let object): return object.values.contains(where: holdsTemplateMarker)
        default: return false
        }
    }
}

// MARK: Files

extension ScenarioWriter {
    /// The folder of a scenario's body files, relative to it: `out.fixtures` for `out.yaml`, or
    /// `NAME.fixtures` when the scenario goes to standard output (`-`).
    public static func fixtureFolder(forOutput path: String, name: String) -> String {
        guard path != "-" else { return name + ".fixtures" }
        let file = (path as NSString).lastPathComponent
        let stem = (file as NSString).deletingPathExtension
        return (stem.isEmpty ? file : stem) + ".fixtures"
    }

    /// Writes the scenario of `capture` to `path` (`-`: standard output) and its body files next
    /// to it.
    public func write(
        _ capture: Capture, to path: String, vendor: String? = nil, name: String? = nil, seed: UInt64 = 0
    ) throws(CaptureError) -> Output {
        let scenarioName = name ?? Self.defaultName(for: capture.directory)
        let options = Options(
            vendor: vendor, name: scenarioName,
            fixtureFolder: Self.fixtureFolder(forOutput: path, name: scenarioName), seed: seed)
        let output = try scenario(from: capture, options: options)
        let directory = path == "-" ? "." : (path as NSString).deletingLastPathComponent
        let base = directory.isEmpty ? "." : directory
        for fixture in output.fixtures {
            let file = base + "/" + fixture.path
            do {
                try FileManager.default.createDirectory(
                    atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try Data(fixture.bytes).write(to: URL(fileURLWithPath: file))
            } catch {
                throw CaptureError("cannot write \(file): \(error.localizedDescription)")
            }
        }
        if path == "-" {
            StandardStreams.write(output.yaml)
        } else {
            do {
                try Data(output.yaml.utf8).write(to: URL(fileURLWithPath: path))
            } catch {
                throw CaptureError("cannot write \(path): \(error.localizedDescription)")
            }
        }
        return output
    }
}

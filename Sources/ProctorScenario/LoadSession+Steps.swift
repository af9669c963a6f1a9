import Foundation
import ProctorCore

/// Step lists: send, probe, lifecycle and include steps with their options.
extension LoadSession {
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
            for quirk in quirks {
                if let problem = quirkProblem(quirk.value, events: [canonical]) {
                    error(problem, at: quirk.location)
                }
            }
            var step = Step(
                action: .send(event: Located(canonical, at: event.location)), actor: actor, after: after,
                quirks: quirks, expect: merged, location: node.location)
            if let idNode = fields["id"] { step.id = stepID(idNode.value) }
            if let withNode = fields["with"] { step.overrides = overrides(withNode.value) }
            if let faultNode = fields["fault"] { step.fault = fault(faultNode.value) }
            if let bodyNode = fields["body"] {
                for other in ["with", "quirks"] {
                    if let pair = fields[other] {
                        error(
                            "'\(other)' does not combine with 'body' (the body file is sent as it is)",
                            at: pair.key.location)
                    }
                }
                step.body = fixtureBody(bodyNode.value, file: file)
            }
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
                // A stage stands for every event the vendor fires for its change: `after:` waits
                // before the first, the others follow at once; each takes the quirks that apply to it.
                for (position, event) in lifecycleEvents(stage).enumerated() {
                    let applying = quirks.filter { quirkProblem($0.value, events: [event]) == nil }
                    steps.append(
                        Step(
                            action: .send(event: Located(event, at: stage.location)), actor: actor,
                            after: position == 0 ? after : nil, quirks: applying, expect: merged,
                            location: stage.location, lifecycleStage: stage.value)
                    )
                }
            }
            let events = steps.compactMap(\.event)
            for quirk in quirks where !events.isEmpty {
                if steps.allSatisfy({ !$0.quirks.contains(quirk) }),
                    let problem = quirkProblem(quirk.value, events: events)
                {
                    error(problem, at: quirk.location)
                }
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

    /// The events a stage stands for; empty (and an error) for an unknown stage.
    mutating func lifecycleEvents(_ stage: Located<String>) -> [String] {
        guard let vendor, vendorKnown else { return [stage.value] }
        let stages = vocabulary.lifecycleStages(vendor: vendor)
        let events = vocabulary.lifecycleEvents(vendor: vendor, stage: stage.value)
        if !events.isEmpty { return events }
        let hint = Suggestions.didYouMean(stage.value, in: stages)
        let list =
            stages.isEmpty
            ? "; \(vendor) has no lifecycle stages"
            : (hint.isEmpty ? "; stages are \(stages.joined(separator: ", "))" : hint)
        error("unknown \(vendor) lifecycle stage '\(stage.value)'\(list)", at: stage.location)
        return []
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

    /// Why `quirk` cannot be selected for any of `events`, or nil.
    func quirkProblem(_ quirk: String, events: [String]) -> String? {
        guard let vendor, vendorKnown, let applies = vocabulary.quirkEvents(vendor: vendor, quirk: quirk)
        else {
            return nil
        }
        guard !events.contains(where: applies.contains) else { return nil }
        let target = events.count == 1 ? events[0] : "any of " + events.joined(separator: ", ")
        return
            "quirk '\(quirk)' does not apply to \(target); it applies to \(applies.joined(separator: ", "))"
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

    /// `body:`: the file's bytes, read relative to the scenario file that names it.
    mutating func fixtureBody(_ node: SourceNode, file: String) -> Located<FixtureBody>? {
        guard let path = string(node, key: "body") else { return nil }
        let directory = (file as NSString).deletingLastPathComponent
        let absolute = path.value.hasPrefix("/") ? path.value : directory + "/" + path.value
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory) else {
            error("body file '\(path.value)' not found", at: path.location)
            return nil
        }
        // Only regular files: a FIFO or a device could block or never end.
        var status = stat()
        guard !isDirectory.boolValue, stat(absolute, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG
        else {
            error("body file '\(path.value)' is not a regular file", at: path.location)
            return nil
        }
        let limit = loader.reader.maxFileSize
        guard let handle = FileHandle(forReadingAtPath: absolute),
            let data = try? handle.read(upToCount: limit + 1)
        else {
            error("cannot read body file '\(path.value)'", at: path.location)
            return nil
        }
        try? handle.close()
        guard data.count <= limit else {
            error("body file '\(path.value)' is larger than \(limit) bytes", at: path.location)
            return nil
        }
        return Located(FixtureBody(path: path.value, bytes: [UInt8](data)), at: path.location)
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
}

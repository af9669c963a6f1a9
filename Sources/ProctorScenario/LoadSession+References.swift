import ProctorCore
import ProctorJSON

/// What a template reference points into: an actor's fields, a step's payload.
extension LoadSession {
    /// `{{jane.FIELD}}` needs an actor that has the field; `{{actor.FIELD}}` needs every actor the
    /// step runs for (`runningActor`, or all of them) to have it.
    mutating func checkActorReference(
        _ reference: TemplateReference, runningActor: String?, at location: SourceLocation
    ) {
        guard case .actor(let name, let field) = reference else { return }
        if let name {
            guard actors.contains(name) else {
                error(
                    "unknown actor '\(name)' in '{{\(reference)}}'\(Suggestions.didYouMean(name, in: actors.allNames))",
                    at: location)
                return
            }
            checkActorField(reference, actor: name, field: field, at: location)
            return
        }
        // Generated actors have the same fields, so the first one stands for all of them.
        let names =
            runningActor.map { [$0] }
            ?? actors.named.map(\.name) + (actors.generatedCount > 0 ? [ActorSet.generatedPrefix + "1"] : [])
        for actor in names {
            guard checkActorField(reference, actor: actor, field: field, at: location) else { return }
        }
    }

    /// Reports a field the actor does not have; false when it reported one.
    @discardableResult
    mutating func checkActorField(
        _ reference: TemplateReference, actor: String, field: FieldPath, at location: SourceLocation
    ) -> Bool {
        guard let fields = actorFields(actor), field.value(in: .object(fields)) == nil else { return true }
        var hint = ""
        if case .key(let key)? = field.components.first, fields[key] == nil {
            hint = Suggestions.didYouMean(key, in: fields.orderedKeys)
            if hint.isEmpty { hint = "; its fields are " + fields.orderedKeys.joined(separator: ", ") }
        }
        error("'{{\(reference)}}': actor '\(actor)' has no field '\(field)'\(hint)", at: location)
        return false
    }

    /// The fields templates see for an actor, as the runner builds them: those the scenario gives,
    /// then the ones the vendor generates and `name` (their values are not known here). Nil when
    /// the vocabulary does not know the vendor's actor fields.
    mutating func actorFields(_ name: String) -> JSONObject? {
        if let cached = actorFieldCache[name] { return cached }
        guard let vendor, let generated = vocabulary.actorFieldNames(vendor: vendor) else { return nil }
        var fields = actors.named.first { $0.name == name }?.fields ?? JSONObject()
        for key in generated + ["name"] where fields[key] == nil { fields[key] = .string("") }
        actorFieldCache[name] = fields
        return fields
    }

    /// `{{steps.ID.payload.PATH}}` needs a path the event's payload can have: one the vendor's
    /// example payload has, or one the step's `with:` sets.
    /// `with:` paths that go below a string, number or boolean of the vendor's payload cannot
    /// be set.
    mutating func checkOverrides(of step: Step) {
        guard let vendor, vendorKnown, let event = step.event, !step.overrides.isEmpty,
            let example = example(vendor: vendor, event: event, quirks: step.quirks.map(\.value))
        else { return }
        for (position, override) in step.overrides.enumerated() {
            // An earlier `with:` of the step may have replaced a value on the way.
            let replaced = step.overrides[..<position].contains {
                override.path.components.starts(with: $0.path.components)
            }
            guard !replaced, let blocked = example.scalarBlocking(override.path.jsonPath) else { continue }
            error(
                "'with: \(override.path)' cannot be set: '\(blocked.path.text)' is \(blocked.kind) in a \(vendor) \(event) payload; set '\(blocked.path.text)' itself",
                at: override.location)
        }
    }

    mutating func checkPayloadPath(
        _ reference: TemplateReference, path: FieldPath, of step: Step, event: String,
        at location: SourceLocation
    ) {
        guard let vendor, vendorKnown else { return }
        // `with:` creates what it names and everything on the way, and replaces what was there.
        let setByStep = step.overrides.contains {
            $0.path.components.starts(with: path.components)
                || path.components.starts(with: $0.path.components)
        }
        if setByStep { return }
        let quirks = step.quirks.map(\.value)
        guard let example = example(vendor: vendor, event: event, quirks: quirks) else { return }
        let payload = "a \(vendor) \(event) payload"
        switch example.answer(for: path.jsonPath) {
        case .possible:
            return
        case .absent(let absence):
            var close = Suggestions.closest(to: absence.key, in: absence.siblings).map {
                absence.path(to: $0)
            }
            if close.isEmpty { close = example.paths(endingNear: absence.key) }
            var hint = Suggestions.didYouMean(close: close)
            if hint.isEmpty {
                let emit = (["proctor emit", vendor, event] + quirks.map { "--quirk \($0)" })
                    .joined(separator: " ")
                hint = " (`\(emit)` prints one)"
            }
            error(
                "'{{\(reference)}}': \(payload) has no '\(absence.path(to: absence.key))'\(hint)",
                at: location)
        case .list(let list):
            error(
                "'{{\(reference)}}': '\(list)' is a list in \(payload); write an index, like '\(list)[0]'",
                at: location)
        }
    }

    mutating func example(vendor: String, event: String, quirks: [String]) -> PayloadExample? {
        let key = ([vendor, version ?? "", event] + quirks).joined(separator: "\u{0}")
        if let cached = exampleCache[key] { return cached }
        let example = vocabulary.examplePayload(
            vendor: vendor, version: version, event: event, quirks: quirks)
        exampleCache.updateValue(example, forKey: key)
        return example
    }
}

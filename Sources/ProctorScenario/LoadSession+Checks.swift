import ProctorCore

/// Checks across steps: unique step ids, references to earlier steps and known actors, event order.
extension LoadSession {
    /// Step ids are unique; templates refer to earlier steps and known actors, to fields those
    /// actors have and to paths the referenced payloads can have. `defaultHeaders` go with every
    /// step, so they may refer to actors but not to steps.
    mutating func checkReferences(_ steps: [Step], defaultHeaders: [HeaderValue] = []) {
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
        for header in defaultHeaders {
            guard let location = header.value.location else { continue }
            for reference in header.value.references {
                if reference.stepID != nil {
                    error(
                        "'{{\(reference)}}': 'defaults.headers' go with every step, so they cannot use a step's values",
                        at: location)
                } else {
                    checkActorReference(reference, runningActor: nil, at: location)
                }
            }
        }
        for (index, step) in steps.enumerated() {
            checkOverrides(of: step)
            for template in step.templates {
                guard let location = template.location else { continue }
                for reference in template.references {
                    check(
                        reference, at: location, stepIndex: index, step: step, firstIndex: firstIndex,
                        ids: ids, steps: steps)
                }
            }
        }
    }

    mutating func check(
        _ reference: TemplateReference, at location: SourceLocation, stepIndex: Int, step: Step,
        firstIndex: [String: (index: Int, step: Step)], ids: [String], steps: [Step]
    ) {
        if case .actor = reference {
            checkActorReference(reference, runningActor: step.actor?.value, at: location)
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
        } else if target.step.fault?.value == .reorder, step.event != nil,
            !steps[(target.index + 1)..<stepIndex].contains(where: { sharesActor($0, with: target.step) })
        {
            // The runner generates both steps of a reordered pair before delivering either.
            error(
                "'{{\(reference)}}': step '\(id)' has fault: reorder and is delivered after this step, so nothing of it is recorded yet",
                at: location)
        } else if let only = target.step.actor?.value, let other = actorWithout(only, running: step) {
            // Each actor keeps the records of its own steps.
            error(
                "'{{\(reference)}}': step '\(id)' runs only for actor '\(only)'; actor '\(other)' runs this step without it",
                at: location)
        } else if case .stepPayload(_, let path) = reference {
            switch target.step.action {
            case .probe:
                error("'{{\(reference)}}': step '\(id)' is a probe and sends no payload", at: location)
            case .send(let event):
                if let path {
                    checkPayloadPath(reference, path: path, of: target.step, event: event.value, at: location)
                }
            }
        }
    }

    /// Whether `a` and `b` run for a common actor.
    func sharesActor(_ a: Step, with b: Step) -> Bool {
        guard let x = a.actor?.value, let y = b.actor?.value else { return true }
        return x == y
    }

    /// An actor that runs `step` other than `actor`, if there is one.
    func actorWithout(_ actor: String, running step: Step) -> String? {
        if let own = step.actor?.value { return own == actor ? nil : own }
        if let named = actors.named.first(where: { $0.name != actor }) { return named.name }
        let generated = (0..<min(actors.generatedCount, 2)).map { ActorSet.generatedPrefix + "\($0 + 1)" }
        return generated.first { $0 != actor }
    }

    /// Each actor's events, in the order they are generated (the scenario's order, faulted or not;
    /// `reorder` changes only the delivery), must be a sequence the vendor could send.
    mutating func checkOrder(_ steps: [Step]) {
        guard let vendor, vendorKnown else { return }
        var reported = Set<SourceLocation>()
        var sequences: [[Step]] = actors.named.map { actor in
            steps.filter { $0.actor == nil || $0.actor?.value == actor.name }
        }
        if actors.generatedCount > 0 { sequences.append(steps.filter { $0.actor == nil }) }
        for sequence in sequences {
            let sends = sequence.filter { $0.event != nil }
            let events = sends.compactMap(\.event)
            guard let problem = vocabulary.orderProblem(vendor: vendor, events: events),
                sends.indices.contains(problem.index), case .send(let event) = sends[problem.index].action
            else { continue }
            guard reported.insert(event.location).inserted else { continue }
            var earlier = ""
            if let e = problem.earlierIndex, sends.indices.contains(e),
                case .send(let first) = sends[e].action
            {
                earlier = " (sent at \(first.location))"
            }
            error("events out of order: \(problem.reason)\(earlier)", at: event.location)
        }
    }
}

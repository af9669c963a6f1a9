import ProctorCore

/// Checks across steps: unique step ids, references to earlier steps and known actors, event order.
extension LoadSession {
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

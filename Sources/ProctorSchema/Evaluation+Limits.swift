import ProctorJSON

/// How a run stops without a verdict: the work budget, the stack guard, reference cycles.
extension Evaluation {
    /// Why the run stopped without a verdict, if it did.
    func stopReason() -> SchemaEvaluationError? {
        guard let stopped else { return nil }
        return stopped.error ?? Self.describe(stopped.trail, outOfStack: stopped.outOfStack)
    }

    mutating func stop(_ error: SchemaEvaluationError?) {
        if stopped == nil { stopped = Stop(error) }
        workLimit = 0
    }

    /// Whether the stack is nearly used up; if so the run stops, and the references on the way
    /// out tell a cycle from a deep instance (see ``describe(_:outOfStack:)``).
    mutating func outOfStack() -> Bool {
        if isStopped { return true }
        if stackGuard == nil { stackGuard = StackGuard() }
        guard let stackGuard, stackGuard.isExhausted() else { return false }
        stop(nil)
        stopped?.outOfStack = true
        return true
    }

    /// Called when `work` passes `workLimit`: false, the run stops.
    mutating func withinWorkBudget(_ node: Node) -> Bool {
        if isStopped { return false }
        stop(
            SchemaEvaluationError(
                reason: .workLimit, absoluteKeywordLocation: node.absolute,
                message:
                    "validation stopped after \(work) subschema applications, the limit for this instance; "
                    + "the schema's $ref, anyOf, oneOf or allOf combinations multiply the work"))
        return false
    }

    /// Values in `value`, itself included.
    static func valueCount(_ value: JSONValue) -> Int {
        switch value {
        case .array(let items): return items.reduce(1) { $0 + valueCount($1) }
        case .object(let members): return members.orderedValues.reduce(1) { $0 + valueCount($1) }
        default: return 1
        }
    }

    /// Identity of an instance value along one chain of evaluation: a container's storage, or 0
    /// for a scalar. A value and one of its descendants never share it, so two steps of a chain
    /// with the same identity (and the same schema) are at the same place in the instance.
    static func identity(_ value: JSONValue) -> UInt {
        switch value {
        case .array(let items): return items.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
        case .object(let members):
            return members.orderedValues.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
        default: return 0
        }
    }

    /// A reference cycle when the trail (innermost first) reaches one schema twice on the same
    /// instance value; otherwise an instance nested too deep.
    static func describe(_ trail: [ReferenceStep], outOfStack: Bool = false) -> SchemaEvaluationError {
        // The cycle nearest the root: the outermost step whose schema and value come back further in.
        for outer in trail.indices.reversed() {
            for inner in (0..<outer).reversed()
            where trail[inner].target == trail[outer].target && trail[inner].instance == trail[outer].instance
            {
                let cycle = trail[inner..<outer].reversed().map(\.keywordLocation)
                let shown = cycle.prefix(4).joined(separator: " -> ") + (cycle.count > 4 ? " -> …" : "")
                return SchemaEvaluationError(
                    reason: .referenceCycle,
                    absoluteKeywordLocation: cycle.first ?? trail[inner].keywordLocation,
                    message:
                        "reference cycle: \(shown) leads back to \(trail[inner].targetLocation) without moving "
                        + "into the instance, so validation would never end")
            }
        }
        if outOfStack {
            return SchemaEvaluationError(
                reason: .tooDeep, absoluteKeywordLocation: trail.first?.keywordLocation ?? "",
                message: "subschemas nested too deep to evaluate on this thread's stack "
                    + "(\(trail.count) references deep): the schema's references nest without end, "
                    + "or the instance is nested deeper than the validator follows")
        }
        return SchemaEvaluationError(
            reason: .tooDeep, absoluteKeywordLocation: trail.first?.keywordLocation ?? "",
            message: "references nested more than \(maximumDepth) deep: the instance is nested deeper "
                + "than the validator follows")
    }
}

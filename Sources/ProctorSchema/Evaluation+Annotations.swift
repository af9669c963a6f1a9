import ProctorJSON
import ProctorRegex

extension Evaluation {
    // MARK: Annotations for unevaluatedProperties / unevaluatedItems

    /// Marks the properties and items that `node` evaluates, given that `instance` is valid
    /// against it. Subschemas whose annotations depend on their own success are re-checked.
    mutating func annotate(
        node: Node, _ instance: JSONValue, _ scope: Scope?, _ properties: inout [Bool], _ items: inout [Bool]
    ) {
        guard node.boolean == nil else { return }
        work &+= 1
        if work > workLimit, !withinWorkBudget(node) { return }
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maximumDepth { return }
        nesting += 1
        defer { nesting -= 1 }
        if nesting > Self.guardedNesting, outOfStack() { return }
        var scope = scope
        if program.tracksDynamicScope, node.isResourceRoot, scope?.resource !== node.resource {
            scope = Scope(resource: node.resource, parent: scope)
        }
        for keyword in node.keywords {
            annotate(keyword, node, instance, scope, &properties, &items)
        }
    }

    mutating func annotate(
        _ keyword: Keyword, _ node: Node, _ instance: JSONValue, _ scope: Scope?, _ properties: inout [Bool],
        _ items: inout [Bool]
    ) {
        switch keyword {
        case .members(let plan):
            guard case .object(let o) = instance else { return }
            if plan.additional != nil {
                for index in properties.indices { properties[index] = true }
                return
            }
            for index in 0..<o.count where !properties[index] {
                let key = o.key(at: index)
                if plan.index[key] != nil {
                    properties[index] = true
                    continue
                }
                for (regex, _) in plan.patterns where matches(regex, key, node, "patternProperties") {
                    properties[index] = true
                    break
                }
            }
        case .unevaluatedProperties:
            for index in properties.indices { properties[index] = true }
        case .items, .unevaluatedItems:
            for index in items.indices { items[index] = true }
        case .prefixItems(let nodes):
            for index in 0..<min(nodes.count, items.count) { items[index] = true }
        case .contains(let subschema, _, _):
            guard case .array(let a) = instance else { return }
            for (index, item) in a.enumerated() where !items[index] && quietly(subschema, item, scope) {
                items[index] = true
            }
        case .allOf(let nodes):
            for subschema in nodes { annotate(node: subschema, instance, scope, &properties, &items) }
        case .anyOf(let nodes), .oneOf(let nodes):
            for subschema in nodes where quietly(subschema, instance, scope) {
                annotate(node: subschema, instance, scope, &properties, &items)
            }
        case .conditional(let condition, let then, let otherwise):
            if quietly(condition, instance, scope) {
                annotate(node: condition, instance, scope, &properties, &items)
                if let then { annotate(node: then, instance, scope, &properties, &items) }
            } else if let otherwise {
                annotate(node: otherwise, instance, scope, &properties, &items)
            }
        case .dependentSchemas(let entries):
            guard case .object(let o) = instance else { return }
            for (trigger, subschema) in entries where o.containsKey(trigger) {
                annotate(node: subschema, instance, scope, &properties, &items)
            }
        case .ref(let target):
            annotate(node: target, instance, referenceScope(target, scope), &properties, &items)
        case .dynamicRef(let fallback, let anchor):
            let target = dynamicTarget(fallback, anchor, scope)
            annotate(node: target, instance, referenceScope(target, scope), &properties, &items)
        default:
            return
        }
    }

    func referenceScope(_ target: Node, _ scope: Scope?) -> Scope? {
        guard program.tracksDynamicScope, scope?.resource !== target.resource else { return scope }
        return Scope(resource: target.resource, parent: scope)
    }
}

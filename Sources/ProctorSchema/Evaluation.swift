import ProctorJSON
import ProctorRegex

/// A step in an instance location.
enum PathToken {
    case key(String)
    case index(Int)
}

/// One validation run. With `collect` off it answers valid/invalid as fast as it can, stopping at
/// the first failure and tracking no locations. With `collect` on it visits every keyword and
/// records an error unit for each failed assertion, with locations built only then.
///
/// A run can also stop without a verdict (``stopReason``): a reference cycle that never moves
/// into the instance, references nested deeper than ``maximumDepth``, more subschema applications
/// than `workLimit` allows, or a backtracking pattern past its step budget. Every check then
/// answers false at once, so the run unwinds quickly, and the caller reports the reason rather
/// than the answer. ``run(_:)`` sets the work budget: ``baseWork``, or when that is not enough,
/// ``baseWork`` plus ``workPerValue`` per value of the instance.
struct Evaluation {
    let program: Program
    var collect: Bool
    var errors: [SchemaValidationError] = []
    var instancePath: [PathToken] = []
    var keywordPath: [String] = []
    var depth = 0
    /// Subschemas being applied, one inside the other; past ``guardedNesting`` the stack is
    /// watched (``StackGuard``, made on first need: finding the stack's bounds costs a system call).
    var nesting = 0
    var stackGuard: StackGuard?
    static let guardedNesting = 64
    /// Subschema applications so far, and how many are allowed before the run stops.
    var work = 0
    var workLimit: Int
    /// Set when the run stops (rare, so kept behind one reference).
    var stopped: Stop?

    static let maximumDepth = 256
    /// Subschema applications any instance may use, and how many more per value it holds.
    static let baseWork = 1_000_000
    static let workPerValue = 1_000

    /// Why a run stopped. While a too-deep reference chain unwinds, `error` is nil and each
    /// `$ref` on the way out adds itself to `trail`, so that a cycle can be told from a deep instance.
    final class Stop {
        var error: SchemaEvaluationError?
        var trail: [ReferenceStep] = []
        /// Stopped by the ``StackGuard`` rather than by ``maximumDepth``.
        var outOfStack = false

        init(_ error: SchemaEvaluationError?) { self.error = error }
    }

    struct ReferenceStep {
        var target: ObjectIdentifier
        var targetLocation: String
        var instance: UInt
        var keywordLocation: String
    }

    init(program: Program, collect: Bool, workLimit: Int = Evaluation.baseWork) {
        self.program = program
        self.collect = collect
        self.workLimit = workLimit
    }

    /// Validates `instance` against the program's root. A run that spends the base work budget is
    /// run again with the budget its instance's size allows, when that is larger.
    mutating func run(_ instance: JSONValue) -> Bool {
        let valid = validate(program.root, instance, program.rootScope)
        guard stopped?.error?.reason == .workLimit else { return valid }
        let (extra, overflow) = Self.valueCount(instance).multipliedReportingOverflow(by: Self.workPerValue)
        let allowance = overflow ? Int.max : Self.baseWork.addingReportingOverflow(extra).partialValue
        guard allowance > work else { return valid }
        (work, workLimit, depth, nesting, stopped) = (0, allowance, 0, 0, nil)
        errors.removeAll()
        instancePath.removeAll()
        keywordPath.removeAll()
        return validate(program.root, instance, program.rootScope)
    }

    @inline(__always)
    var isStopped: Bool { stopped != nil }

    // MARK: Errors

    mutating func fail(_ node: Node, _ keyword: String, _ message: String) {
        var keywordLocation = ""
        for token in keywordPath { keywordLocation += "/" + token }
        keywordLocation += "/" + keyword
        let absolute = node.absolute + "/" + keyword
        let tokens = instancePath.map { token -> String in
            switch token {
            case .key(let key): return key
            case .index(let index): return String(index)
            }
        }
        errors.append(
            SchemaValidationError(
                instanceLocation: JSONPointer(tokens: tokens), keywordLocation: keywordLocation,
                absoluteKeywordLocation: absolute, message: message))
    }

    /// Validates without recording errors, whatever the mode.
    mutating func quietly(_ node: Node, _ instance: JSONValue, _ scope: Scope?) -> Bool {
        if !collect { return validate(node, instance, scope) }
        collect = false
        let result = validate(node, instance, scope)
        collect = true
        return result
    }

    /// Descends into a subschema: `keyword` (and the member) extend the keyword path, the token
    /// the instance path; both only when collecting. Member and token are autoclosures, so the
    /// `isValid` path never builds them.
    @inline(__always)
    mutating func descend(
        _ node: Node, _ instance: JSONValue, _ scope: Scope?, _ keyword: String,
        _ memberText: @autoclosure () -> String? = nil, _ tokenValue: @autoclosure () -> PathToken? = nil
    ) -> Bool {
        if !collect { return validate(node, instance, scope) }
        let member = memberText()
        let token = tokenValue()
        keywordPath.append(keyword)
        if let member { keywordPath.append(JSONPointer.escape(member)) }
        if let token { instancePath.append(token) }
        let result = validate(node, instance, scope)
        if token != nil { instancePath.removeLast() }
        if member != nil { keywordPath.removeLast() }
        keywordPath.removeLast()
        return result
    }

    // MARK: Nodes

    mutating func validate(_ node: Node, _ instance: JSONValue, _ scope: Scope?) -> Bool {
        work &+= 1
        if work > workLimit, !withinWorkBudget(node) { return false }
        if let boolean = node.boolean {
            if !boolean && collect {
                var keywordLocation = ""
                for token in keywordPath { keywordLocation += "/" + token }
                let tokens = instancePath.map { token -> String in
                    switch token {
                    case .key(let key): return key
                    case .index(let index): return String(index)
                    }
                }
                errors.append(
                    SchemaValidationError(
                        instanceLocation: JSONPointer(tokens: tokens), keywordLocation: keywordLocation,
                        absoluteKeywordLocation: node.absolute,
                        message: "no value is allowed here (schema is false)"))
            }
            return boolean
        }
        if !collect {
            if let types = node.typeOnly { return types.matches(instance) }
            if let plan = node.membersOnly, !(program.tracksDynamicScope && node.isResourceRoot) {
                if let types = node.membersType, !types.matches(instance) { return false }
                guard case .object(let o) = instance else { return true }
                return checkMembers(plan, node, o, scope)
            }
        }
        var scope = scope
        if program.tracksDynamicScope, node.isResourceRoot, scope?.resource !== node.resource {
            scope = Scope(resource: node.resource, parent: scope)
        }
        nesting += 1
        defer { nesting -= 1 }
        if nesting > Self.guardedNesting, outOfStack() { return false }
        var valid = true
        for keyword in node.keywords where !check(keyword, node, instance, scope) {
            valid = false
            if !collect { return false }
        }
        return valid
    }

    mutating func follow(
        _ target: Node, _ instance: JSONValue, _ scope: Scope?, _ keyword: String, _ node: Node
    )
        -> Bool
    {
        if isStopped { return false }
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maximumDepth {
            // Stop, and let every reference on the way out say where it led (see `describe`).
            stop(nil)
            return false
        }
        var scope = scope
        if program.tracksDynamicScope, scope?.resource !== target.resource {
            scope = Scope(resource: target.resource, parent: scope)
        }
        let result = descend(target, instance, scope, keyword)
        if let stopped, stopped.error == nil {
            stopped.trail.append(
                ReferenceStep(
                    target: ObjectIdentifier(target), targetLocation: target.absolute,
                    instance: Self.identity(instance), keywordLocation: node.absolute + "/" + keyword))
        }
        return result
    }

    /// `regex` on `text`; a backtracking pattern past its step budget stops the run.
    mutating func matches(_ regex: ECMARegex, _ text: String, _ node: Node, _ keyword: String) -> Bool {
        do {
            return try regex.matches(text)
        } catch {
            let location =
                keyword == "pattern"
                ? node.absolute + "/pattern"
                : node.absolute + "/" + keyword + "/" + JSONPointer.escape(regex.source)
            stop(
                SchemaEvaluationError(
                    reason: .patternLimit, absoluteKeywordLocation: location,
                    message: error.described(as: keyword)))
            return false
        }
    }

    func dynamicTarget(_ fallback: Node, _ anchor: String, _ scope: Scope?) -> Node {
        var found: Node?
        var current = scope
        while let entry = current {
            if let candidate = entry.resource.dynamicAnchors[anchor] { found = candidate }
            current = entry.parent
        }
        return found ?? fallback
    }

    // MARK: Keywords

    mutating func check(_ keyword: Keyword, _ node: Node, _ instance: JSONValue, _ scope: Scope?)
        -> Bool
    {
        switch keyword {
        case .type(let types):
            let ok = types.matches(instance)
            if !ok && collect {
                fail(node, "type", "expected \(types.description), got \(Describe.value(instance))")
            }
            return ok

        case .const(let value):
            if jsonEqual(instance, value) { return true }
            if collect {
                fail(
                    node, "const",
                    "expected \(Describe.excerpt(value.serialized())), got \(Describe.value(instance))")
            }
            return false

        case .stringEnumeration(let choices):
            if case .string(let s) = instance, let stored = choices.table[s], sameCodePoints(stored, s) {
                return true
            }
            if collect { fail(node, "enum", Self.enumMessage(choices.values, instance)) }
            return false

        case .enumeration(let values):
            if values.contains(where: { jsonEqual($0, instance) }) { return true }
            if collect { fail(node, "enum", Self.enumMessage(values, instance)) }
            return false

        case .minimum(let limit):
            guard case .number(let n) = instance, FastNumbers.less(n, limit.number, limit.small) else {
                return true
            }
            if collect { fail(node, "minimum", "\(n) is less than the minimum \(limit.number)") }
            return false

        case .maximum(let limit):
            guard case .number(let n) = instance, FastNumbers.greater(n, limit.number, limit.small) else {
                return true
            }
            if collect { fail(node, "maximum", "\(n) is greater than the maximum \(limit.number)") }
            return false

        case .exclusiveMinimum(let limit):
            guard case .number(let n) = instance, !FastNumbers.greater(n, limit.number, limit.small) else {
                return true
            }
            if collect { fail(node, "exclusiveMinimum", "\(n) is not greater than \(limit.number)") }
            return false

        case .exclusiveMaximum(let limit):
            guard case .number(let n) = instance, !FastNumbers.less(n, limit.number, limit.small) else {
                return true
            }
            if collect { fail(node, "exclusiveMaximum", "\(n) is not less than \(limit.number)") }
            return false

        case .multipleOf(let divisor):
            guard case .number(let n) = instance, !divisor.divides(n) else { return true }
            if collect { fail(node, "multipleOf", "\(n) is not a multiple of \(divisor.number)") }
            return false

        case .minLength(let limit):
            // A code point takes at most four UTF-8 bytes, so long strings pass without counting.
            guard case .string(let s) = instance, limit > 0, s.utf8.count / 4 < limit else { return true }
            let length = s.unicodeScalars.count
            if length >= limit { return true }
            if collect {
                fail(node, "minLength", "string of \(length) characters is shorter than the minimum \(limit)")
            }
            return false

        case .maxLength(let limit):
            guard case .string(let s) = instance, s.utf8.count > limit, s.unicodeScalars.count > limit else {
                return true
            }
            if collect {
                fail(
                    node, "maxLength",
                    "string of \(s.unicodeScalars.count) characters is longer than the maximum \(limit)")
            }
            return false

        case .pattern(let regex):
            guard case .string(let s) = instance, !matches(regex, s, node, "pattern") else { return true }
            if collect {
                fail(node, "pattern", "\(Describe.value(instance)) does not match /\(regex.source)/")
            }
            return false

        case .format(let rule):
            guard case .string(let s) = instance, !rule.checker.check(s) else { return true }
            if collect { fail(node, "format", "\(Describe.value(instance)) is not a valid \(rule.name)") }
            return false

        case .minItems(let limit):
            guard case .array(let a) = instance, a.count < limit else { return true }
            if collect {
                fail(node, "minItems", "array has \(a.count) items, fewer than the minimum \(limit)")
            }
            return false

        case .maxItems(let limit):
            guard case .array(let a) = instance, a.count > limit else { return true }
            if collect {
                fail(node, "maxItems", "array has \(a.count) items, more than the maximum \(limit)")
            }
            return false

        case .uniqueItems:
            guard case .array(let a) = instance, a.count > 1 else { return true }
            if let (first, second) = Self.duplicate(in: a) {
                if collect { fail(node, "uniqueItems", "items \(first) and \(second) are equal") }
                return false
            }
            return true

        case .minProperties(let limit):
            guard case .object(let o) = instance, o.count < limit else { return true }
            if collect {
                fail(
                    node, "minProperties", "object has \(o.count) properties, fewer than the minimum \(limit)"
                )
            }
            return false

        case .maxProperties(let limit):
            guard case .object(let o) = instance, o.count > limit else { return true }
            if collect {
                fail(
                    node, "maxProperties", "object has \(o.count) properties, more than the maximum \(limit)")
            }
            return false

        case .required(let names):
            guard case .object(let o) = instance else { return true }
            var valid = true
            for name in names where !o.containsKey(name) {
                valid = false
                if !collect { return false }
                fail(node, "required", "missing required property \"\(name)\"")
            }
            return valid

        case .dependentRequired(let entries):
            guard case .object(let o) = instance else { return true }
            var valid = true
            for (trigger, names) in entries where o.containsKey(trigger) {
                for name in names where !o.containsKey(name) {
                    valid = false
                    if !collect { return false }
                    fail(
                        node, "dependentRequired",
                        "property \"\(name)\" is required when \"\(trigger)\" is present")
                }
            }
            return valid

        case .members(let plan):
            guard case .object(let o) = instance else { return true }
            return checkMembers(plan, node, o, scope)

        case .propertyNames(let subschema):
            guard case .object(let o) = instance else { return true }
            var valid = true
            for index in 0..<o.count {
                let key = o.key(at: index)
                if !descend(subschema, .string(key), scope, "propertyNames", nil, .key(key)) {
                    valid = false
                    if !collect { return false }
                }
            }
            return valid

        case .prefixItems(let nodes):
            guard case .array(let a) = instance else { return true }
            var valid = true
            for index in 0..<min(nodes.count, a.count) {
                if !descend(nodes[index], a[index], scope, "prefixItems", String(index), .index(index)) {
                    valid = false
                    if !collect { return false }
                }
            }
            return valid

        case .items(let subschema, let prefix):
            guard case .array(let a) = instance, a.count > prefix else { return true }
            if subschema.boolean == false {
                if collect { fail(node, "items", "array may have at most \(prefix) items, has \(a.count)") }
                return false
            }
            var valid = true
            for index in prefix..<a.count {
                if !descend(subschema, a[index], scope, "items", nil, .index(index)) {
                    valid = false
                    if !collect { return false }
                }
            }
            return valid

        case .contains(let subschema, let minimum, let maximum):
            guard case .array(let a) = instance else { return true }
            var matches = 0
            for item in a where quietly(subschema, item, scope) {
                matches += 1
                if maximum == nil && matches >= minimum { return true }
            }
            if matches < minimum {
                if collect {
                    fail(
                        node, minimum == 1 ? "contains" : "minContains",
                        minimum == 1
                            ? "no item matches the \"contains\" schema"
                            : "\(matches) items match the \"contains\" schema, fewer than \(minimum)")
                }
                return false
            }
            if let maximum, matches > maximum {
                if collect {
                    fail(
                        node, "maxContains",
                        "\(matches) items match the \"contains\" schema, more than \(maximum)")
                }
                return false
            }
            return true

        case .allOf(let nodes):
            var valid = true
            for (index, subschema) in nodes.enumerated()
            where !descend(subschema, instance, scope, "allOf", String(index)) {
                valid = false
                if !collect { return false }
            }
            return valid

        case .anyOf(let nodes):
            if !collect {
                for subschema in nodes where validate(subschema, instance, scope) { return true }
                return false
            }
            let before = errors.count
            for (index, subschema) in nodes.enumerated()
            where descend(subschema, instance, scope, "anyOf", String(index)) {
                errors.removeSubrange(before...)
                return true
            }
            fail(node, "anyOf", "\(Describe.value(instance)) matches none of the \(nodes.count) alternatives")
            return false

        case .oneOf(let nodes):
            let before = errors.count
            var matched: [Int] = []
            for (index, subschema) in nodes.enumerated() {
                let ok =
                    collect
                    ? descend(subschema, instance, scope, "oneOf", String(index))
                    : validate(subschema, instance, scope)
                if ok {
                    matched.append(index)
                    if matched.count > 1 && !collect { return false }
                }
            }
            if matched.count == 1 {
                if collect { errors.removeSubrange(before...) }
                return true
            }
            if collect {
                if matched.count > 1 {
                    errors.removeSubrange(before...)
                    fail(
                        node, "oneOf",
                        "\(Describe.value(instance)) matches alternatives \(matched.map(String.init).joined(separator: " and ")); exactly one must match"
                    )
                } else {
                    fail(
                        node, "oneOf",
                        "\(Describe.value(instance)) matches none of the \(nodes.count) alternatives")
                }
            }
            return false

        case .not(let subschema):
            if !quietly(subschema, instance, scope) { return true }
            if collect { fail(node, "not", "\(Describe.value(instance)) must not match the \"not\" schema") }
            return false

        case .conditional(let condition, let then, let otherwise):
            if quietly(condition, instance, scope) {
                guard let then else { return true }
                return descend(then, instance, scope, "then")
            }
            guard let otherwise else { return true }
            return descend(otherwise, instance, scope, "else")

        case .dependentSchemas(let entries):
            guard case .object(let o) = instance else { return true }
            var valid = true
            for (trigger, subschema) in entries where o.containsKey(trigger) {
                if !descend(subschema, instance, scope, "dependentSchemas", trigger) {
                    valid = false
                    if !collect { return false }
                }
            }
            return valid

        case .ref(let target):
            return follow(target, instance, scope, "$ref", node)

        case .dynamicRef(let fallback, let anchor):
            return follow(dynamicTarget(fallback, anchor, scope), instance, scope, "$dynamicRef", node)

        case .unevaluatedProperties(let subschema):
            guard case .object(let o) = instance, o.count > 0 else { return true }
            var properties = [Bool](repeating: false, count: o.count)
            var items: [Bool] = []
            for sibling in node.keywords {
                if case .unevaluatedProperties = sibling { continue }
                annotate(sibling, node, instance, scope, &properties, &items)
            }
            var valid = true
            for index in 0..<o.count where !properties[index] {
                let key = o.key(at: index)
                if subschema.boolean == false {
                    valid = false
                    if !collect { return false }
                    instancePath.append(.key(key))
                    fail(
                        node, "unevaluatedProperties",
                        "property \"\(key)\" is not allowed (not evaluated by any keyword)")
                    instancePath.removeLast()
                    continue
                }
                if !descend(subschema, o.value(at: index), scope, "unevaluatedProperties", nil, .key(key)) {
                    valid = false
                    if !collect { return false }
                }
            }
            return valid

        case .unevaluatedItems(let subschema):
            guard case .array(let a) = instance, !a.isEmpty else { return true }
            var properties: [Bool] = []
            var items = [Bool](repeating: false, count: a.count)
            for sibling in node.keywords {
                if case .unevaluatedItems = sibling { continue }
                annotate(sibling, node, instance, scope, &properties, &items)
            }
            var valid = true
            for index in 0..<a.count where !items[index] {
                if subschema.boolean == false {
                    valid = false
                    if !collect { return false }
                    instancePath.append(.index(index))
                    fail(
                        node, "unevaluatedItems",
                        "item \(index) is not allowed (not evaluated by any keyword)")
                    instancePath.removeLast()
                    continue
                }
                if !descend(subschema, a[index], scope, "unevaluatedItems", nil, .index(index)) {
                    valid = false
                    if !collect { return false }
                }
            }
            return valid
        }
    }

    /// `properties`, `patternProperties`, `additionalProperties` and folded `required` in one pass.
    mutating func checkMembers(_ plan: ObjectPlan, _ node: Node, _ o: JSONObject, _ scope: Scope?)
        -> Bool
    {
        var valid = true
        var cursor = 0
        var requiredSeen = 0
        let declared = !plan.names.isEmpty
        let keys = o.orderedKeys
        let values = o.orderedValues
        for index in keys.indices {
            let key = keys[index]
            var matched = false
            if declared, let position = plan.position(of: key, cursor: cursor) {
                cursor = position + 1
                matched = true
                if plan.requiredFlags[position] { requiredSeen += 1 }
                if !collect, let types = plan.leafTypes[position] {
                    if !types.matches(values[index]) { return false }
                } else if !descend(plan.nodes[position], values[index], scope, "properties", key, .key(key)) {
                    valid = false
                    if !collect { return false }
                }
            }
            for (regex, subschema) in plan.patterns where matches(regex, key, node, "patternProperties") {
                matched = true
                if !descend(subschema, values[index], scope, "patternProperties", regex.source, .key(key)) {
                    valid = false
                    if !collect { return false }
                }
            }
            if !matched, let additional = plan.additional {
                if additional.boolean == false {
                    valid = false
                    if !collect { return false }
                    instancePath.append(.key(key))
                    fail(node, "additionalProperties", "property \"\(key)\" is not allowed")
                    instancePath.removeLast()
                } else if !descend(additional, values[index], scope, "additionalProperties", nil, .key(key)) {
                    valid = false
                    if !collect { return false }
                }
            }
        }
        if requiredSeen < plan.requiredNames.count {
            if !collect { return false }
            valid = false
            for name in plan.requiredNames where !o.containsKey(name) {
                fail(node, "required", "missing required property \"\(name)\"")
            }
        }
        return valid
    }

    // MARK: Helpers

    static func enumMessage(_ values: [JSONValue], _ instance: JSONValue) -> String {
        let list = Describe.excerpt(values.map { $0.serialized() }.joined(separator: ", "), limit: 120)
        return "\(Describe.value(instance)) is not one of [\(list)]"
    }

    /// Indices of the first two equal items, if any.
    static func duplicate(in array: [JSONValue]) -> (Int, Int)? {
        if array.count <= 16 {
            for i in 0..<array.count {
                for j in (i + 1)..<array.count where jsonEqual(array[i], array[j]) { return (i, j) }
            }
            return nil
        }
        var seen: [JSONValue: Int] = [:]
        for (index, item) in array.enumerated() {
            if let first = seen[item] { return (first, index) }
            seen[item] = index
        }
        return nil
    }
}

/// JSON equality as JSON Schema defines it: numbers by value, strings by code points (not by
/// Unicode canonical equivalence, which Swift's `String ==` uses), objects regardless of order.
func jsonEqual(_ a: JSONValue, _ b: JSONValue) -> Bool {
    switch (a, b) {
    case (.string(let x), .string(let y)): return sameCodePoints(x, y)
    case (.array(let x), .array(let y)):
        guard x.count == y.count else { return false }
        for index in x.indices where !jsonEqual(x[index], y[index]) { return false }
        return true
    case (.object(let x), .object(let y)):
        guard x.count == y.count else { return false }
        for index in 0..<x.count {
            let key = x.key(at: index)
            guard let other = y[key], jsonEqual(x.value(at: index), other) else { return false }
        }
        return true
    default:
        return a == b
    }
}

/// Code-point equality of two strings (Swift's `==` also equates canonically equivalent ones).
func sameCodePoints(_ a: String, _ b: String) -> Bool {
    guard a.utf8.count == b.utf8.count else { return false }
    var a = a
    var b = b
    return a.withUTF8 { x in b.withUTF8 { y in x.elementsEqual(y) } }
}

import ProctorRegex
import ProctorJSON

/// The vocabularies a schema resource's meta-schema enables (core is always on).
struct Vocabularies: OptionSet, Sendable {
    let rawValue: UInt8
    static let applicator = Vocabularies(rawValue: 1)
    static let unevaluated = Vocabularies(rawValue: 2)
    static let validation = Vocabularies(rawValue: 4)
    static let formatAssertion = Vocabularies(rawValue: 8)
    /// Drafts before 2020-12: `items` may be an array (with `additionalItems`), no `prefixItems`.
    static let legacyItems = Vocabularies(rawValue: 16)

    static let historicMetaSchemas: Set<String> = [
        "https://json-schema.org/draft/2019-09/schema", "http://json-schema.org/draft-07/schema",
        "http://json-schema.org/draft-06/schema", "http://json-schema.org/draft-04/schema",
    ]

    static let standard: Vocabularies = [.applicator, .unevaluated, .validation]

    static let known: [String: Vocabularies] = [
        "https://json-schema.org/draft/2020-12/vocab/core": [],
        "https://json-schema.org/draft/2020-12/vocab/applicator": .applicator,
        "https://json-schema.org/draft/2020-12/vocab/unevaluated": .unevaluated,
        "https://json-schema.org/draft/2020-12/vocab/validation": .validation,
        "https://json-schema.org/draft/2020-12/vocab/format-assertion": .formatAssertion,
        "https://json-schema.org/draft/2020-12/vocab/format-annotation": [],
        "https://json-schema.org/draft/2020-12/vocab/meta-data": [],
        "https://json-schema.org/draft/2020-12/vocab/content": [],
    ]
}

/// Builds a ``Program`` from schema documents: registers every resource, anchor and dynamic
/// anchor, then compiles nodes on demand from the root, following references (cycles reuse the
/// node already being built).
final class Compiler {
    let options: SchemaOptions
    /// Absolute URI (no fragment) or `uri#anchor` to the subschema it names.
    var registry: [String: SchemaLocation] = [:]
    var dynamicAnchorKeys: Set<String> = []
    var dynamicAnchorsByBase: [String: [String: SchemaLocation]] = [:]
    var vocabularies: [String: Vocabularies] = [:]
    var nodes: [String: Node] = [:]
    var allNodes: [Node] = []
    var resources: [String: Resource] = [:]
    var pendingResources: [Resource] = []
    var tracksDynamicScope = false

    init(options: SchemaOptions) {
        self.options = options
    }

    func compileRoot(_ schema: JSONValue, uri: String) throws(SchemaError) -> Program {
        let base = Self.stripEmptyFragment(uri)
        try register(document: schema, uri: base)
        guard let rootLocation = registry[base] else {
            throw SchemaError(location: base, message: "schema could not be registered")
        }
        let root = try node(for: rootLocation)
        while let resource = pendingResources.popLast() {
            for (name, location) in dynamicAnchorsByBase[resource.base] ?? [:] {
                resource.dynamicAnchors[name] = try node(for: location)
            }
        }
        return Program(root: root, nodes: allNodes, tracksDynamicScope: tracksDynamicScope)
    }

    static func stripEmptyFragment(_ uri: String) -> String {
        uri.hasSuffix("#") ? String(uri.dropLast()) : uri
    }

    // MARK: Registration

    /// Keywords whose value is one subschema, a map of subschemas, or an array of subschemas.
    static let singleSchemaKeywords: Set<String> = [
        "additionalProperties", "unevaluatedProperties", "unevaluatedItems", "items", "contains",
        "propertyNames",
        "not", "if", "then", "else", "additionalItems",
    ]
    static let schemaMapKeywords: Set<String> = [
        "properties", "patternProperties", "$defs", "definitions", "dependentSchemas", "dependencies",
    ]
    static let schemaArrayKeywords: Set<String> = ["allOf", "anyOf", "oneOf", "prefixItems", "items"]

    func register(document: JSONValue, uri: String) throws(SchemaError) {
        var base = uri
        if case .object(let object) = document, case .string(let id)? = object["$id"] {
            base = Self.stripEmptyFragment(
                URIReference.splitFragment(URIReference.resolve(id, against: uri)).0)
        }
        let location = SchemaLocation(base: base, pointer: [], value: document)
        registry[uri] = location
        try walk(document, base: base, pointer: [], parentVocabulary: .standard, isDocumentRoot: true)
    }

    private func walk(
        _ value: JSONValue, base: String, pointer: [String], parentVocabulary: Vocabularies,
        isDocumentRoot: Bool
    ) throws(SchemaError) {
        guard case .object(let object) = value else { return }
        var base = base
        var pointer = pointer
        var vocabulary = parentVocabulary
        if case .string(let id)? = object["$id"] {
            let resolved = URIReference.resolve(id, against: base)
            let (uri, fragment) = URIReference.splitFragment(resolved)
            if let fragment, !fragment.isEmpty {
                throw SchemaError(location: base, message: "$id \"\(id)\" must not contain a fragment")
            }
            base = uri
            pointer = []
            registry[base] = SchemaLocation(base: base, pointer: [], value: value)
        }
        if pointer.isEmpty || isDocumentRoot {
            if case .string(let metaSchema)? = object["$schema"] {
                vocabulary = try vocabularies(ofMetaSchema: Self.stripEmptyFragment(metaSchema))
            }
            vocabularies[base] = vocabulary
        }
        if case .string(let anchor)? = object["$anchor"] {
            registry[base + "#" + anchor] = SchemaLocation(base: base, pointer: pointer, value: value)
        }
        if case .string(let anchor)? = object["$dynamicAnchor"] {
            let location = SchemaLocation(base: base, pointer: pointer, value: value)
            registry[base + "#" + anchor] = location
            dynamicAnchorKeys.insert(base + "#" + anchor)
            dynamicAnchorsByBase[base, default: [:]][anchor] = location
        }
        for index in 0..<object.count {
            let key = object.key(at: index)
            let child = object.value(at: index)
            if Self.singleSchemaKeywords.contains(key), !(key == "items" && child.arrayValue != nil) {
                try walk(
                    child, base: base, pointer: pointer + [key], parentVocabulary: vocabulary,
                    isDocumentRoot: false)
            } else if Self.schemaMapKeywords.contains(key), case .object(let map) = child {
                for i in 0..<map.count {
                    try walk(
                        map.value(at: i), base: base, pointer: pointer + [key, map.key(at: i)],
                        parentVocabulary: vocabulary, isDocumentRoot: false)
                }
            } else if Self.schemaArrayKeywords.contains(key), case .array(let array) = child {
                for (i, element) in array.enumerated() {
                    try walk(
                        element, base: base, pointer: pointer + [key, String(i)],
                        parentVocabulary: vocabulary,
                        isDocumentRoot: false)
                }
            }
        }
    }

    private func vocabularies(ofMetaSchema uri: String) throws(SchemaError) -> Vocabularies {
        if uri == "https://json-schema.org/draft/2020-12/schema" { return .standard }
        if Vocabularies.historicMetaSchemas.contains(uri) { return Vocabularies.standard.union(.legacyItems) }
        guard (try? ensureLoaded(uri)) != nil, let meta = registry[uri],
            case .object(let vocabularyMap)? = meta.value["$vocabulary"]
        else { return .standard }
        var result: Vocabularies = []
        for index in 0..<vocabularyMap.count {
            let vocabularyURI = vocabularyMap.key(at: index)
            if let known = Vocabularies.known[vocabularyURI] {
                result.formUnion(known)
            } else if vocabularyMap.value(at: index) == .bool(true) {
                throw SchemaError(
                    location: uri, message: "meta-schema requires unsupported vocabulary \(vocabularyURI)")
            }
        }
        return result
    }

    /// Makes sure the document at `uri` (no fragment) is registered, loading it when needed.
    private func ensureLoaded(_ uri: String) throws(SchemaError) {
        if registry[uri] != nil { return }
        if let bundled = BundledMetaSchemas.parsed[uri] {
            try register(document: try bundled.get(), uri: uri)
            return
        }
        let document: JSONValue?
        do {
            document = try options.loader.load(uri)
        } catch let error as SchemaError {
            throw error
        } catch {
            throw SchemaError(location: uri, message: "cannot load \(uri): \(error)")
        }
        guard let document else { throw SchemaError(location: uri, message: "no schema document at \(uri)") }
        try register(document: document, uri: uri)
    }

    // MARK: References

    /// The subschema a reference names, resolved against the base in effect where it is written.
    func resolve(reference: String, from location: SchemaLocation, keyword: String) throws(SchemaError)
        -> SchemaLocation
    {
        let absolute = URIReference.resolve(reference, against: location.base)
        let (uri, rawFragment) = URIReference.splitFragment(absolute)
        let fragment = URIReference.percentDecoded(rawFragment ?? "")
        let unresolvable = { (why: String) in
            SchemaError(
                location: location.key + "/" + keyword,
                message: "unresolvable reference \"\(reference)\" (\(absolute)): \(why)")
        }
        do {
            try ensureLoaded(uri)
        } catch {
            throw unresolvable(error.message)
        }
        if fragment.isEmpty || fragment.hasPrefix("/") {
            guard let resource = registry[uri] else { throw unresolvable("no such document") }
            guard let pointer = JSONPointer(fragment) else { throw unresolvable("invalid JSON pointer") }
            var current = resource
            for token in pointer.tokens {
                guard let next = Self.child(current, token) else {
                    throw unresolvable(
                        "nothing at /\(pointer.tokens.map(JSONPointer.escape).joined(separator: "/"))")
                }
                current = next
            }
            return current
        }
        guard let anchored = registry[uri + "#" + fragment] else {
            throw unresolvable("no anchor \"\(fragment)\"")
        }
        return anchored
    }

    /// The value under `token`, with the base changed when that value has its own `$id`.
    static func child(_ location: SchemaLocation, _ token: String) -> SchemaLocation? {
        let value: JSONValue?
        switch location.value {
        case .object(let object): value = object[token]
        case .array(let array):
            if let index = Int(token), array.indices.contains(index) {
                value = array[index]
            } else {
                value = nil
            }
        default: value = nil
        }
        guard let value else { return nil }
        if case .object(let object) = value, case .string(let id)? = object["$id"] {
            let base = URIReference.splitFragment(URIReference.resolve(id, against: location.base)).0
            return SchemaLocation(base: base, pointer: [], value: value)
        }
        return SchemaLocation(base: location.base, pointer: location.pointer + [token], value: value)
    }

    // MARK: Nodes

    func resource(for base: String) -> Resource {
        if let existing = resources[base] { return existing }
        let created = Resource(base: base)
        resources[base] = created
        pendingResources.append(created)
        return created
    }

    func node(for location: SchemaLocation) throws(SchemaError) -> Node {
        let key = location.key
        if let existing = nodes[key] { return existing }
        let node = Node(location: location, resource: resource(for: location.base))
        nodes[key] = node
        allNodes.append(node)
        switch location.value {
        case .bool(let value):
            node.boolean = value
        case .object(let object):
            try fill(node, object, location)
        default:
            throw SchemaError(
                location: key,
                message: "a schema must be an object or a boolean, got \(Describe.value(location.value))")
        }
        return node
    }

    private func subschema(_ location: SchemaLocation, _ tokens: String...) throws(SchemaError) -> Node {
        var current = location
        for token in tokens {
            guard let next = Self.child(current, token) else {
                throw SchemaError(
                    location: location.key, message: "missing subschema at \(tokens.joined(separator: "/"))")
            }
            current = next
        }
        return try node(for: current)
    }

    private func fill(_ node: Node, _ object: JSONObject, _ location: SchemaLocation) throws(SchemaError) {
        let vocabulary = vocabularies[location.base] ?? .standard
        let applicator = vocabulary.contains(.applicator)
        let validation = vocabulary.contains(.validation)
        let assertFormat = options.assertFormat || vocabulary.contains(.formatAssertion)
        var keywords: [Keyword] = []
        var foldedRequired = false
        let here = location.key

        func bad(_ keyword: String, _ message: String) -> SchemaError {
            SchemaError(location: here + "/" + JSONPointer.escape(keyword), message: "\(keyword) \(message)")
        }
        func count(_ keyword: String) throws(SchemaError) -> Int? {
            guard let value = object[keyword] else { return nil }
            guard case .number(let n) = value, n.isInteger, !n.decimal.negative else {
                throw bad(keyword, "must be a non-negative integer, got \(Describe.value(value))")
            }
            return n.intValue ?? Int.max
        }
        func number(_ keyword: String) throws(SchemaError) -> JSONNumber? {
            guard let value = object[keyword] else { return nil }
            guard case .number(let n) = value else {
                throw bad(keyword, "must be a number, got \(Describe.value(value))")
            }
            return n
        }
        func schemaArray(_ keyword: String) throws(SchemaError) -> [Node]? {
            guard let value = object[keyword] else { return nil }
            guard case .array(let array) = value, !array.isEmpty else {
                throw bad(keyword, "must be a non-empty array of schemas")
            }
            var result: [Node] = []
            for index in array.indices { result.append(try subschema(location, keyword, String(index))) }
            return result
        }
        func schemaMap(_ keyword: String) throws(SchemaError) -> [(String, Node)]? {
            guard let value = object[keyword] else { return nil }
            guard case .object(let map) = value else { throw bad(keyword, "must be an object of schemas") }
            var result: [(String, Node)] = []
            for index in 0..<map.count {
                result.append((map.key(at: index), try subschema(location, keyword, map.key(at: index))))
            }
            return result
        }
        func single(_ keyword: String) throws(SchemaError) -> Node? {
            guard object[keyword] != nil else { return nil }
            return try subschema(location, keyword)
        }
        func regex(_ pattern: String, _ keyword: String) throws(SchemaError) -> ECMARegex {
            do {
                return try ECMARegex.cached(pattern)
            } catch {
                throw bad(keyword, "is not a valid regular expression: \(error.reason)")
            }
        }

        // Core.
        if let value = object["$ref"] {
            guard case .string(let reference) = value else { throw bad("$ref", "must be a string") }
            let target = try resolve(reference: reference, from: location, keyword: "$ref")
            keywords.append(.ref(try self.node(for: target)))
        }
        if let value = object["$dynamicRef"] {
            guard case .string(let reference) = value else { throw bad("$dynamicRef", "must be a string") }
            let target = try resolve(reference: reference, from: location, keyword: "$dynamicRef")
            let targetNode = try self.node(for: target)
            let absolute = URIReference.resolve(reference, against: location.base)
            let (uri, fragment) = URIReference.splitFragment(absolute)
            if let fragment, !fragment.isEmpty, !fragment.hasPrefix("/"),
                dynamicAnchorKeys.contains(uri + "#" + fragment)
            {
                keywords.append(.dynamicRef(targetNode, anchor: fragment))
                tracksDynamicScope = true
            } else {
                keywords.append(.ref(targetNode))
            }
        }
        _ = try schemaMap("$defs")

        if applicator {
            if let nodes = try schemaArray("allOf") { keywords.append(.allOf(nodes)) }
            if let nodes = try schemaArray("anyOf") { keywords.append(.anyOf(nodes)) }
            if let nodes = try schemaArray("oneOf") { keywords.append(.oneOf(nodes)) }
            if let not = try single("not") { keywords.append(.not(not)) }
            if let condition = try single("if") {
                keywords.append(
                    .conditional(if: condition, then: try single("then"), else: try single("else")))
            } else {
                _ = try single("then")
                _ = try single("else")
            }
            if let map = try schemaMap("dependentSchemas") { keywords.append(.dependentSchemas(map)) }
            // Draft 2019-09 split `dependencies` into the two keywords above; still honoured.
            if case .object(let map)? = object["dependencies"] {
                var schemas: [(String, Node)] = []
                var names: [(String, [String])] = []
                for index in 0..<map.count {
                    let key = map.key(at: index)
                    if case .array(let list) = map.value(at: index) {
                        names.append((key, list.compactMap(\.stringValue)))
                    } else {
                        schemas.append((key, try subschema(location, "dependencies", key)))
                    }
                }
                if !schemas.isEmpty { keywords.append(.dependentSchemas(schemas)) }
                if !names.isEmpty { keywords.append(.dependentRequired(names)) }
            }
            var prefixCount = 0
            if vocabulary.contains(.legacyItems) {
                if case .array(let array)? = object["items"] {
                    var nodes: [Node] = []
                    for index in array.indices {
                        nodes.append(try subschema(location, "items", String(index)))
                    }
                    if !nodes.isEmpty { keywords.append(.prefixItems(nodes)) }
                    if let additional = try single("additionalItems") {
                        keywords.append(.items(additional, prefix: nodes.count))
                    }
                } else if let items = try single("items") {
                    keywords.append(.items(items, prefix: 0))
                }
            } else if let value = object["prefixItems"] {
                guard case .array(let array) = value, !array.isEmpty else {
                    throw bad("prefixItems", "must be a non-empty array of schemas")
                }
                var nodes: [Node] = []
                for index in array.indices {
                    nodes.append(try subschema(location, "prefixItems", String(index)))
                }
                prefixCount = nodes.count
                keywords.append(.prefixItems(nodes))
            }
            if !vocabulary.contains(.legacyItems), let items = try single("items") {
                keywords.append(.items(items, prefix: prefixCount))
            }
            if let contains = try single("contains") {
                let minimum = validation ? try count("minContains") ?? 1 : 1
                let maximum = validation ? try count("maxContains") : nil
                keywords.append(.contains(contains, min: minimum, max: maximum))
            }
            let properties = try schemaMap("properties")
            var patterns: [(ECMARegex, Node)] = []
            for (pattern, node) in try schemaMap("patternProperties") ?? [] {
                patterns.append((try regex(pattern, "patternProperties"), node))
            }
            let additional = try single("additionalProperties")
            if properties != nil || !patterns.isEmpty || additional != nil {
                let declared = Set((properties ?? []).map(\.0))
                var folded: [String] = []
                if validation, case .array(let names)? = object["required"] {
                    let strings = names.compactMap(\.stringValue)
                    if strings.count == names.count && strings.allSatisfy(declared.contains) {
                        folded = strings
                        foldedRequired = true
                    }
                }
                keywords.append(
                    .members(
                        ObjectPlan(
                            properties: properties ?? [], patterns: patterns, additional: additional,
                            required: folded)))
            }
            if let names = try single("propertyNames") { keywords.append(.propertyNames(names)) }
        }
        if vocabulary.contains(.unevaluated) {
            if let node = try single("unevaluatedProperties") {
                keywords.append(.unevaluatedProperties(node))
            }
            if let node = try single("unevaluatedItems") { keywords.append(.unevaluatedItems(node)) }
        }
        if validation {
            if let value = object["type"] {
                var set: TypeSet = []
                let names: [JSONValue]
                switch value {
                case .string: names = [value]
                case .array(let array) where !array.isEmpty: names = array
                default:
                    throw bad(
                        "type", "must be a type name or an array of type names, got \(Describe.value(value))")
                }
                for name in names {
                    guard case .string(let text) = name,
                        let type = TypeSet.names.first(where: { $0.0 == text })?.1
                    else {
                        throw bad("type", "has an unknown type \(Describe.value(name))")
                    }
                    set.insert(type)
                }
                keywords.append(.type(set))
            }
            if let value = object["const"] { keywords.append(.const(value)) }
            if let value = object["enum"] {
                guard case .array(let values) = value else { throw bad("enum", "must be an array") }
                let strings = values.compactMap(\.stringValue)
                let table = Dictionary(strings.map { ($0, $0) }, uniquingKeysWith: { first, _ in first })
                if strings.count == values.count && table.count == strings.count {
                    keywords.append(.stringEnumeration(StringChoices(table: table, values: values)))
                } else {
                    keywords.append(.enumeration(values))
                }
            }
            if let n = try number("multipleOf") {
                guard n.decimal.negative == false, !n.decimal.isZero else {
                    throw bad("multipleOf", "must be a number greater than 0")
                }
                keywords.append(.multipleOf(Divisor(n)))
            }
            if let n = try number("minimum") { keywords.append(.minimum(Limit(n))) }
            if let n = try number("maximum") { keywords.append(.maximum(Limit(n))) }
            if let n = try number("exclusiveMinimum") { keywords.append(.exclusiveMinimum(Limit(n))) }
            if let n = try number("exclusiveMaximum") { keywords.append(.exclusiveMaximum(Limit(n))) }
            if let n = try count("minLength") { keywords.append(.minLength(n)) }
            if let n = try count("maxLength") { keywords.append(.maxLength(n)) }
            if let value = object["pattern"] {
                guard case .string(let pattern) = value else { throw bad("pattern", "must be a string") }
                keywords.append(.pattern(try regex(pattern, "pattern")))
            }
            if let n = try count("minItems") { keywords.append(.minItems(n)) }
            if let n = try count("maxItems") { keywords.append(.maxItems(n)) }
            if let value = object["uniqueItems"] {
                guard case .bool(let unique) = value else { throw bad("uniqueItems", "must be a boolean") }
                if unique { keywords.append(.uniqueItems) }
            }
            if let n = try count("minProperties") { keywords.append(.minProperties(n)) }
            if let n = try count("maxProperties") { keywords.append(.maxProperties(n)) }
            if let value = object["required"] {
                guard case .array(let names) = value else {
                    throw bad("required", "must be an array of strings")
                }
                let strings = names.compactMap(\.stringValue)
                guard strings.count == names.count else {
                    throw bad("required", "must be an array of strings")
                }
                if !strings.isEmpty && !foldedRequired { keywords.append(.required(strings)) }
            }
            if let value = object["dependentRequired"] {
                guard case .object(let map) = value else {
                    throw bad("dependentRequired", "must be an object")
                }
                var entries: [(String, [String])] = []
                for index in 0..<map.count {
                    guard case .array(let names) = map.value(at: index) else {
                        throw bad("dependentRequired", "values must be arrays of strings")
                    }
                    let strings = names.compactMap(\.stringValue)
                    guard strings.count == names.count else {
                        throw bad("dependentRequired", "values must be arrays of strings")
                    }
                    entries.append((map.key(at: index), strings))
                }
                keywords.append(.dependentRequired(entries))
            }
        }
        if let value = object["format"] {
            guard case .string(let name) = value else { throw bad("format", "must be a string") }
            if assertFormat, let checker = Formats.checker(named: name) {
                keywords.append(.format(FormatRule(name: name, checker: checker)))
            }
        }
        for key in ["$anchor", "$dynamicAnchor", "$id", "$schema", "$comment"] {
            if let value = object[key], value.stringValue == nil { throw bad(key, "must be a string") }
        }
        keywords.sort { $0.rank < $1.rank }
        node.keywords = keywords
    }
}

/// Short descriptions of values for messages.
enum Describe {
    static func value(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return "boolean \(b)"
        case .number(let n): return (n.isInteger ? "integer " : "number ") + n.description
        case .string(let s): return "string " + excerpt(JSONValue.string(s).serialized())
        case .array(let a): return "array of \(a.count) item\(a.count == 1 ? "" : "s")"
        case .object(let o): return "object with \(o.count) propert\(o.count == 1 ? "y" : "ies")"
        }
    }

    static func excerpt(_ text: String, limit: Int = 80) -> String {
        guard text.count > limit else { return text }
        return String(text.prefix(limit)) + "…"
    }
}

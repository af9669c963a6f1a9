import ProctorRegex
import BigInt
import ProctorJSON

/// A compiled schema: the root node and every node reachable from it.
///
/// Nodes are built by ``Compiler`` and never mutated once the program is published, so a program is
/// shared read-only between threads. References make the node graph cyclic; the program owns every
/// node and breaks the cycles when it goes away.
final class Program: @unchecked Sendable {
    let root: Node
    let nodes: [Node]
    /// True when some `$dynamicRef` depends on the dynamic scope, which then has to be tracked.
    let tracksDynamicScope: Bool
    let rootScope: Scope?

    init(root: Node, nodes: [Node], tracksDynamicScope: Bool) {
        self.root = root
        self.nodes = nodes
        self.tracksDynamicScope = tracksDynamicScope
        rootScope = tracksDynamicScope ? Scope(resource: root.resource, parent: nil) : nil
    }

    deinit {
        for node in nodes {
            node.keywords = []
            node.resource.dynamicAnchors = [:]
        }
    }
}

/// A schema resource: a document, or a subschema with its own `$id`.
///
/// `dynamicAnchors` is filled by the compiler before the program is published and only read
/// afterwards, hence `@unchecked Sendable`.
final class Resource: @unchecked Sendable {
    let base: String
    /// `$dynamicAnchor` name to its subschema, for `$dynamicRef` resolution.
    var dynamicAnchors: [String: Node] = [:]

    init(base: String) { self.base = base }
}

/// One entry of the dynamic scope: the resources entered so far, innermost first.
final class Scope: Sendable {
    let resource: Resource
    let parent: Scope?

    init(resource: Resource, parent: Scope?) {
        self.resource = resource
        self.parent = parent
    }
}

/// Where a subschema sits: the base URI in effect, the JSON pointer from that resource's root,
/// and the schema value.
struct SchemaLocation {
    var base: String
    var pointer: [String]
    var value: JSONValue

    var key: String { base + "#" + pointerText }
    var pointerText: String { pointer.map { "/" + JSONPointer.escape($0) }.joined() }
}

/// A compiled subschema: a boolean schema or an ordered list of keywords.
///
/// The compiler creates a node before its keywords (so that reference cycles can point at it) and
/// sets them once; after the program is published nodes are only read, hence `@unchecked Sendable`.
final class Node: @unchecked Sendable {
    let location: SchemaLocation
    /// `base#pointer`: the absolute location, to which keyword names are appended.
    let absolute: String
    let resource: Resource
    let isResourceRoot: Bool
    var boolean: Bool?
    var keywords: [Keyword] = [] {
        didSet {
            typeOnly = nil
            membersOnly = nil
            membersType = nil
            if keywords.count == 1, case .type(let types) = keywords[0] { typeOnly = types }
            if keywords.count == 1, case .members(let plan) = keywords[0] { membersOnly = plan }
            if keywords.count == 2, case .type(let types) = keywords[0], case .members(let plan) = keywords[1]
            {
                membersOnly = plan
                membersType = types
            }
        }
    }
    /// Set when the node is `properties`/`additionalProperties`/`required`, optionally with `type`
    /// (most objects of payload schemas): checked without going through the keyword list.
    private(set) var membersOnly: ObjectPlan?
    private(set) var membersType: TypeSet?
    /// Set when the node's only keyword is `type` (most leaves of payload schemas): checked inline.
    private(set) var typeOnly: TypeSet?

    init(location: SchemaLocation, resource: Resource) {
        self.location = location
        absolute = location.key
        self.resource = resource
        isResourceRoot = location.pointer.isEmpty
    }
}

/// JSON types as a bit set, for `type`.
struct TypeSet: OptionSet, Sendable {
    let rawValue: UInt8
    static let null = TypeSet(rawValue: 1)
    static let boolean = TypeSet(rawValue: 2)
    static let object = TypeSet(rawValue: 4)
    static let array = TypeSet(rawValue: 8)
    static let number = TypeSet(rawValue: 16)
    static let string = TypeSet(rawValue: 32)
    static let integer = TypeSet(rawValue: 64)

    static let names: [(String, TypeSet)] = [
        ("null", .null), ("boolean", .boolean), ("object", .object), ("array", .array), ("number", .number),
        ("string", .string), ("integer", .integer),
    ]

    @inline(__always)
    func matches(_ value: JSONValue) -> Bool {
        switch value {
        case .null: return contains(.null)
        case .bool: return contains(.boolean)
        case .string: return contains(.string)
        case .object: return contains(.object)
        case .array: return contains(.array)
        case .number(let n): return contains(.number) || (contains(.integer) && FastNumbers.isInteger(n))
        }
    }

    var description: String {
        TypeSet.names.filter { contains($0.1) }.map(\.0).joined(separator: " or ")
    }
}

/// `properties`, `patternProperties`, `additionalProperties` and (when every name it lists is a
/// declared property) `required`, checked in one pass over the instance's members.
///
/// Members are looked up by position first: payloads usually list keys in the schema's order, so
/// a cursor over the declared names finds most of them with one string comparison and no hashing.
final class ObjectPlan: Sendable {
    let names: [String]
    let nodes: [Node]
    let index: [String: Int]
    let patterns: [(ECMARegex, Node)]
    let additional: Node?
    /// Per declared property: whether `required` lists it (folded-in `required` only).
    let requiredFlags: [Bool]
    let requiredNames: [String]
    /// Per declared property: its `type` when that is the subschema's only keyword, checked inline.
    let leafTypes: [TypeSet?]

    init(
        properties: [(String, Node)], patterns: [(ECMARegex, Node)], additional: Node?, required: [String]
    ) {
        names = properties.map(\.0)
        nodes = properties.map(\.1)
        leafTypes = nodes.map(\.typeOnly)
        var index: [String: Int] = [:]
        for (position, name) in names.enumerated() where index[name] == nil { index[name] = position }
        self.index = index
        self.patterns = patterns
        self.additional = additional
        let requiredSet = Set(required)
        requiredFlags = names.map { requiredSet.contains($0) }
        requiredNames = Array(requiredSet).sorted()
    }

    /// The declared property named `key`, trying `cursor` first.
    @inline(__always)
    func position(of key: String, cursor: Int) -> Int? {
        if cursor < names.count && names[cursor] == key { return cursor }
        return index[key]
    }
}

/// `enum` with only strings: a hash lookup, then a code-point comparison.
final class StringChoices: Sendable {
    let table: [String: String]
    let values: [JSONValue]

    init(table: [String: String], values: [JSONValue]) {
        self.table = table
        self.values = values
    }
}

/// An asserted `format`.
final class FormatRule: Sendable {
    let name: String
    let checker: FormatChecker

    init(name: String, checker: FormatChecker) {
        self.name = name
        self.checker = checker
    }
}

/// A numeric bound, with its 64-bit decimal form when it has one.
struct Limit {
    let number: JSONNumber
    let small: (significand: Int64, exponent: Int)?

    init(_ number: JSONNumber) {
        self.number = number
        small = number.smallDecimal
    }
}

/// `multipleOf`: exact for integers and decimals of any size.
final class Divisor: Sendable {
    let number: JSONNumber
    let digits: BigUInt
    let exponent: Int
    let small: (significand: Int64, exponent: Int)?

    init(_ number: JSONNumber) {
        small = number.smallDecimal
        self.number = number
        let decimal = number.decimal
        digits = BigUInt(decimal.digits) ?? 1
        exponent = decimal.exponent
    }

    /// True when `value / divisor` is an integer. With `value = a·10^ea` and `divisor = b·10^eb`
    /// (digit strings without trailing zeros), that holds when `b / gcd(a, b)` divides `10^(ea-eb)`.
    func divides(_ value: JSONNumber) -> Bool {
        if let small, let fast = FastNumbers.divides(small, value) { return fast }
        let decimal = value.decimal
        if decimal.isZero { return true }
        let shift = decimal.exponent - exponent
        guard shift >= 0, let a = BigUInt(decimal.digits) else { return false }
        var rest = digits / BigUInt.gcd(a, digits)
        var twos = 0
        var fives = 0
        while rest > 1, rest % 2 == 0 {
            rest /= 2
            twos += 1
        }
        while rest > 1, rest % 5 == 0 {
            rest /= 5
            fives += 1
        }
        return rest == 1 && twos <= shift && fives <= shift
    }
}

extension BigUInt {
    static func gcd(_ a: BigUInt, _ b: BigUInt) -> BigUInt { a.greatestCommonDivisor(with: b) }
}

/// One compiled keyword. Applicators hold their subschema nodes.
indirect enum Keyword {
    case type(TypeSet)
    case const(JSONValue)
    case enumeration([JSONValue])
    case stringEnumeration(StringChoices)
    case minimum(Limit)
    case maximum(Limit)
    case exclusiveMinimum(Limit)
    case exclusiveMaximum(Limit)
    case multipleOf(Divisor)
    case minLength(Int)
    case maxLength(Int)
    case pattern(ECMARegex)
    case format(FormatRule)
    case minItems(Int)
    case maxItems(Int)
    case uniqueItems
    case minProperties(Int)
    case maxProperties(Int)
    case required([String])
    case dependentRequired([(String, [String])])
    case members(ObjectPlan)
    case propertyNames(Node)
    case prefixItems([Node])
    case items(Node, prefix: Int)
    case contains(Node, min: Int, max: Int?)
    case allOf([Node])
    case anyOf([Node])
    case oneOf([Node])
    case not(Node)
    case conditional(if: Node, then: Node?, else: Node?)
    case dependentSchemas([(String, Node)])
    case ref(Node)
    case dynamicRef(Node, anchor: String)
    case unevaluatedProperties(Node)
    case unevaluatedItems(Node)

    /// Evaluation order: cheap assertions first so that invalid instances fail fast; the
    /// unevaluated keywords last, after every annotation they depend on.
    var rank: Int {
        switch self {
        case .type: return 0
        case .const, .enumeration, .stringEnumeration, .required, .minimum, .maximum, .exclusiveMinimum,
            .exclusiveMaximum, .minLength, .maxLength, .minItems, .maxItems, .minProperties, .maxProperties:
            return 1
        case .multipleOf, .dependentRequired, .uniqueItems, .pattern, .format: return 2
        case .unevaluatedProperties, .unevaluatedItems: return 9
        default: return 5
        }
    }
}

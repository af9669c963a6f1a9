import ProctorCore
import ProctorJSON

/// Where a leaf sits while a template is filled: its key, the keys above it and array indexes.
struct FillPath: Sendable {
    var components: [JSONPath.Component] = []

    /// The nearest object key (array indexes skipped).
    var key: String {
        for component in components.reversed() { if case .key(let k) = component { return k } }
        return ""
    }

    /// Object keys from the root, indexes left out: `["data", "testLibrary", "questions"]`.
    var keys: [String] {
        components.compactMap { if case .key(let k) = $0 { return k } else { return nil } }
    }

    /// The key of the object holding this leaf's key.
    var parentKey: String? {
        let k = keys
        return k.count >= 2 ? k[k.count - 2] : nil
    }

    var text: String { JSONPath(components: components).text }

    func appending(_ component: JSONPath.Component) -> FillPath {
        FillPath(components: components + [component])
    }

    func contains(_ key: String) -> Bool { keys.contains(key) }
}

/// Fills a reference template: the template gives keys, nesting, JSON types and key order; a
/// vendor rule gives each leaf's value, and leaves no rule claims get a generic value of the
/// same JSON type that is stable for the actor (same path, same value on every event).
struct TemplateFiller {
    /// Returns the value for a leaf, or nil to use the generic value.
    typealias Rule =
        @Sendable (_ path: FillPath, _ template: JSONValue, _ filler: TemplateFiller) -> JSONValue?

    var identity: ActorIdentity
    var rule: Rule
    /// Keys whose template strings are vendor vocabulary (statuses, classifications) and are kept.
    var vocabularyKeys: Set<String>

    func fill(_ template: JSONValue, at path: FillPath = FillPath()) -> JSONValue {
        if !Self.sharedKeys.contains(path.key), let override = identity.fieldOverride(for: path.key),
            isLeafLike(template)
        {
            return override
        }
        switch template {
        case .object(let object):
            if let ruled = rule(path, template, self) { return ruled }
            var out = JSONObject()
            for (key, value) in object {
                out[key] = fill(value, at: path.appending(.key(key)))
            }
            return .object(out)
        case .array(let items):
            if let ruled = rule(path, template, self) { return ruled }
            return .array(items.enumerated().map { fill($0.element, at: path.appending(.index($0.offset))) })
        default:
            if let ruled = rule(path, template, self) { return ruled }
            return generic(template, at: path)
        }
    }

    /// Keys that name different things in different records; an actor field never replaces them
    /// wholesale (ids are given as `candidate_id`, `candidateId` and the like instead).
    static let sharedKeys: Set<String> = [
        "", "id", "_id", "name", "title", "status", "state", "type", "event", "description",
    ]

    private func isLeafLike(_ value: JSONValue) -> Bool {
        switch value {
        case .object, .array: return false
        default: return true
        }
    }

    /// A value of the template's JSON type, stable for this actor and path.
    func generic(_ template: JSONValue, at path: FillPath) -> JSONValue {
        var random = identity.random("leaf:" + path.text)
        switch template {
        case .null, .bool: return template
        case .number(let n):
            if n.decimal.isZero { return template }
            let magnitude = max(1.0, n.doubleValue.magnitude)
            if n.isIntegerLiteral {
                return .int(random.int(in: 1...max(2, Int(magnitude * 2))))
            }
            return .double(Double(random.int(in: 1...Int(magnitude * 2000))) / 1000)
        case .string(let s):
            if s.isEmpty || vocabularyKeys.contains(path.key) { return template }
            if s.isObjectId { return .string(identity.mappedObjectId(s)) }
            if s.isISOTimestamp {
                let back = Int64(random.int(in: 2...40)) * 86_400_000 + Int64(random.int(in: 0...86_399_999))
                return .string(FakeData.isoTimestamp(milliseconds: identity.originMilliseconds - back))
            }
            if s.hasPrefix("http") {
                return .string("https://" + identity.workspaceSlug + ".example.com/" + random.hex(12))
            }
            if s.contains(" ") && s.count > 40 { return .string(FakeData.sentence(&random)) }
            if s.first?.isUppercase == true {
                return .string(FakeData.title(max(1, s.split(separator: " ").count), &random))
            }
            return .string(FakeData.words(max(1, s.split(separator: " ").count), &random))
        case .object, .array:
            return template
        }
    }
}

extension String {
    /// 24 lowercase hex digits, the shape of a MongoDB ObjectId.
    var isObjectId: Bool {
        utf8.count == 24 && utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// Starts like `2024-04-02T07:02:04`.
    var isISOTimestamp: Bool {
        let b = Array(utf8.prefix(19))
        guard b.count == 19 else { return false }
        let digits: [Int] = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]
        return digits.allSatisfy { (48...57).contains(b[$0]) } && b[4] == 45 && b[7] == 45 && b[10] == 84
    }
}

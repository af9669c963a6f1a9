import ProctorJSON

/// What one vendor event's payloads look like, for checking paths into them
/// (`{{steps.invite.payload.data.candidateId}}`) before anything is sent.
public struct PayloadExample: Sendable, Hashable {
    /// One payload of the event (a fixed seed, a fresh actor).
    public var payload: JSONValue
    /// Objects whose keys differ from one payload to the next (Talview's `old` holds the fields
    /// that changed): any key below them may be there.
    public var openObjects: [JSONPath]

    public init(payload: JSONValue, openObjects: [JSONPath] = []) {
        self.payload = payload
        self.openObjects = openObjects
    }

    /// Whether a payload of the event can have a value at `path`.
    ///
    /// Only a key missing from an object the example has is taken as absent. Below a null, a
    /// value of another kind, an open object or an empty list the answer is ``PathAnswer/possible``,
    /// since such values differ between payloads (a field the actor replaces, a list that is
    /// empty here). An index into a list is possible when the rest of the path is in any element
    /// the example has, whatever the index: lists differ in length between payloads.
    public func answer(for path: JSONPath) -> PathAnswer {
        answer(payload, path.components[...], prefix: [])
    }

    private func answer(
        _ value: JSONValue, _ rest: ArraySlice<JSONPath.Component>, prefix: [JSONPath.Component]
    ) -> PathAnswer {
        guard let first = rest.first else { return .possible }
        switch (value, first) {
        case (.object(let object), .key(let key)):
            if let next = object[key] { return answer(next, rest.dropFirst(), prefix: prefix + [first]) }
            let here = JSONPath(components: prefix)
            if openObjects.contains(where: { $0.components == prefix }) { return .possible }
            return .absent(PathAbsence(parent: here, key: key, siblings: object.orderedKeys))
        case (.array(let elements), .index):
            var absence: PathAnswer?
            for element in elements {
                let inElement = answer(element, rest.dropFirst(), prefix: prefix + [first])
                if inElement == .possible { return .possible }
                absence = absence ?? inElement
            }
            return absence ?? .possible
        case (.array, .key):
            return .list(JSONPath(components: prefix))
        default:
            return .possible
        }
    }
}

extension PayloadExample {
    /// The value on the way to `path` that `with:` cannot set through: a string, number or
    /// boolean the path goes below (null and missing parts are created). Nil when nothing blocks.
    public func scalarBlocking(_ path: JSONPath) -> (path: JSONPath, kind: String)? {
        var value = payload
        var prefix: [JSONPath.Component] = []
        for component in path.components {
            switch (value, component) {
            case (.object(let object), .key(let key)):
                guard let next = object[key] else { return nil }
                value = next
            case (.array(let elements), .index(let index)):
                guard elements.indices.contains(index) else { return nil }
                value = elements[index]
            case (.string, _): return (JSONPath(components: prefix), "a string")
            case (.number, _): return (JSONPath(components: prefix), "a number")
            case (.bool, _): return (JSONPath(components: prefix), "a boolean")
            default: return nil
            }
            prefix.append(component)
        }
        return nil
    }

    /// Paths anywhere in the example whose last key is close to `key` (closest first, then
    /// shortest), for suggesting `data.candidate.firstName` for `data.firstName`. Lists are
    /// entered through their first element, written `[0]`.
    public func paths(endingNear key: String, limit: Int = 3) -> [String] {
        guard key.unicodeScalars.count <= Suggestions.maxNameLength else { return [] }
        var found: [(path: String, distance: Int)] = []
        let threshold = max(2, key.count / 3)
        func visit(_ value: JSONValue, _ prefix: [JSONPath.Component]) {
            switch value {
            case .object(let object):
                for (name, next) in object {
                    let path = prefix + [.key(name)]
                    let d = Suggestions.distance(name, key)
                    if d <= threshold { found.append((JSONPath(components: path).text, d)) }
                    visit(next, path)
                }
            case .array(let elements):
                if let first = elements.first { visit(first, prefix + [.index(0)]) }
            default:
                break
            }
        }
        visit(payload, [])
        found.sort {
            ($0.distance, $0.path.count, $0.path) < ($1.distance, $1.path.count, $1.path)
        }
        return found.prefix(limit).map(\.path)
    }
}

/// The answer of ``PayloadExample/answer(for:)``.
public enum PathAnswer: Sendable, Hashable {
    /// The path is there, or may be.
    case possible
    /// An object on the way never has the key.
    case absent(PathAbsence)
    /// The path names a key inside a list (`data.questions.score`), which needs an index first.
    case list(JSONPath)
}

/// A key an object of the payload does not have.
public struct PathAbsence: Sendable, Hashable {
    /// The path of the object (empty for the root), as the reference wrote it.
    public var parent: JSONPath
    /// The key it does not have.
    public var key: String
    /// The keys it has, in order.
    public var siblings: [String]

    public init(parent: JSONPath, key: String, siblings: [String]) {
        self.parent = parent
        self.key = key
        self.siblings = siblings
    }

    /// `parent.name`, or `name` at the root.
    public func path(to name: String) -> String {
        parent.components.isEmpty ? name : parent.text + "." + name
    }
}

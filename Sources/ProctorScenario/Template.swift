import ProctorCore
import ProctorJSON

/// One step of a path into a JSON value: `data.scores[0].score` is key, key, index, key.
public typealias PathComponent = JSONPath.Component

/// A dotted path with optional `[n]` indexes: `data.customQuestions[0].score`, in ``JSONPath``'s
/// grammar (one grammar for `with:`, template references and `--set`).
public struct FieldPath: Sendable, Hashable, CustomStringConvertible {
    public var components: [PathComponent]

    public init(_ components: [PathComponent]) { self.components = components }

    /// The same path as the payload builders take it.
    public var jsonPath: JSONPath { JSONPath(components: components) }

    /// Parses `a.b[0].c` with ``JSONPath/init(parsing:)``; nil when the text is not such a path.
    public init?(parsing text: String) {
        guard let path = try? JSONPath(parsing: text) else { return nil }
        components = path.components
    }

    public var description: String { jsonPath.text }

    /// The value at this path, or nil when a component is missing.
    public func value(in root: JSONValue) -> JSONValue? { root.value(at: jsonPath) }

    /// Sets the value at this path, creating objects (for keys) and extending arrays with nulls
    /// (for indexes) on the way. Fails when a component meets a value of the other kind.
    public func setting(_ value: JSONValue, in root: JSONValue) -> JSONValue? {
        Self.set(value, at: components[...], in: root)
    }

    static func set(_ value: JSONValue, at path: ArraySlice<PathComponent>, in node: JSONValue) -> JSONValue?
    {
        guard let first = path.first else { return value }
        switch first {
        case .key(let key):
            var object: JSONObject
            switch node {
            case .object(let o): object = o
            case .null: object = JSONObject()
            default: return nil
            }
            guard let updated = set(value, at: path.dropFirst(), in: object[key] ?? .null) else { return nil }
            object[key] = updated
            return .object(object)
        case .index(let index):
            var array: [JSONValue]
            switch node {
            case .array(let a): array = a
            case .null: array = []
            default: return nil
            }
            guard index <= array.count + 1000 else { return nil }
            while array.count <= index { array.append(.null) }
            guard let updated = set(value, at: path.dropFirst(), in: array[index]) else { return nil }
            array[index] = updated
            return .array(array)
        }
    }
}

/// What a `{{...}}` refers to.
public enum TemplateReference: Sendable, Hashable, CustomStringConvertible {
    /// `{{jane.email}}`, or `{{actor.email}}` (actor nil: the actor the step runs for).
    case actor(name: String?, field: FieldPath)
    /// `{{steps.ID.payload.PATH}}` (path nil: the whole payload).
    case stepPayload(step: String, path: FieldPath?)
    /// `{{steps.ID.response.body.PATH}}` (path nil: the whole body).
    case stepResponseBody(step: String, path: FieldPath?)
    /// `{{steps.ID.response.status}}`
    case stepResponseStatus(step: String)
    /// `{{steps.ID.response.headers.NAME}}`
    case stepResponseHeader(step: String, name: String)

    /// The step id referred to, if any.
    public var stepID: String? {
        switch self {
        case .actor: return nil
        case .stepPayload(let id, _), .stepResponseBody(let id, _), .stepResponseStatus(let id),
            .stepResponseHeader(let id, _):
            return id
        }
    }

    public var description: String {
        switch self {
        case .actor(let name, let field): return "\(name ?? "actor").\(field)"
        case .stepPayload(let id, let path): return "steps.\(id).payload" + (path.map { ".\($0)" } ?? "")
        case .stepResponseBody(let id, let path):
            return "steps.\(id).response.body" + (path.map { ".\($0)" } ?? "")
        case .stepResponseStatus(let id): return "steps.\(id).response.status"
        case .stepResponseHeader(let id, let name): return "steps.\(id).response.headers.\(name)"
        }
    }

    static let forms =
        "'ACTOR.FIELD', 'steps.ID.payload.PATH', 'steps.ID.response.body.PATH', 'steps.ID.response.status' or 'steps.ID.response.headers.NAME'"

    /// What the runner records of a step (``StepRecord``), as `{{steps.ID.FIELD...}}` names it.
    static let stepFields = ["payload", "response.body", "response.status", "response.headers"]

    /// Why `text` (between the braces) is not a reference: a step field that does not exist gets
    /// the close ones; anything else gets the forms a reference takes.
    static func problem(_ text: String) -> String {
        let general = "'{{\(text)}}' is not a reference; write \(forms)"
        guard text.hasPrefix("steps.") else { return general }
        let rest = text.dropFirst("steps.".count)
        guard let dot = rest.firstIndex(of: ".") else {
            guard Template.isName(String(rest)) else { return general }
            let forms = stepFields.map { "'steps.\(rest).\($0)'" }
            return "'{{\(text)}}' names a step but no field; write "
                + forms.dropLast().joined(separator: ", ") + " or " + (forms.last ?? "")
        }
        guard Template.isName(String(rest[..<dot])) else { return general }
        // The field as written: `response.` and the next key, or the first key.
        let keys = rest[rest.index(after: dot)...].split(separator: ".", omittingEmptySubsequences: false)
            .map { String($0.prefix { $0 != "[" }) }
        guard let first = keys.first else { return general }
        let field = first == "response" && keys.count > 1 ? "response." + keys[1] : first
        if field == "response" {
            return
                "'{{\(text)}}' names no part of the response; write response.body, response.status or response.headers.NAME"
        }
        guard !stepFields.contains(field) else { return general }
        // By the last key written: `status` and `respons.status` are `response.status`.
        let byLastKey = Dictionary(
            uniqueKeysWithValues: stepFields.map {
                ($0.split(separator: ".").last.map(String.init) ?? $0, $0)
            })
        let last = field.split(separator: ".").last.map(String.init) ?? field
        let names = byLastKey[last] != nil ? [last] : Suggestions.closest(to: last, in: byLastKey.keys)
        let close = names.compactMap { byLastKey[$0] }
        let hint =
            close.isEmpty
            ? "; a step has \(stepFields.dropLast().joined(separator: ", ")) and \(stepFields.last ?? "")"
            : Suggestions.didYouMean(close: close)
        return "'{{\(text)}}': unknown step field '\(field)'\(hint)"
    }

    /// Parses the text between `{{` and `}}` (already trimmed).
    static func parse(_ text: String) -> TemplateReference? {
        if text.hasPrefix("steps.") {
            let rest = text.dropFirst("steps.".count)
            guard let dot = rest.firstIndex(of: ".") else { return nil }
            let id = String(rest[..<dot])
            guard Template.isName(id) else { return nil }
            let tail = String(rest[rest.index(after: dot)...])
            if tail == "payload" { return .stepPayload(step: id, path: nil) }
            if tail.hasPrefix("payload.") {
                guard let path = FieldPath(parsing: String(tail.dropFirst("payload.".count))) else {
                    return nil
                }
                return .stepPayload(step: id, path: path)
            }
            if tail == "response.body" { return .stepResponseBody(step: id, path: nil) }
            if tail.hasPrefix("response.body.") {
                guard let path = FieldPath(parsing: String(tail.dropFirst("response.body.".count))) else {
                    return nil
                }
                return .stepResponseBody(step: id, path: path)
            }
            if tail == "response.status" { return .stepResponseStatus(step: id) }
            if tail.hasPrefix("response.headers.") {
                let name = String(tail.dropFirst("response.headers.".count))
                guard !name.isEmpty,
                    name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
                else { return nil }
                return .stepResponseHeader(step: id, name: name)
            }
            return nil
        }
        guard let dot = text.firstIndex(of: ".") else { return nil }
        let name = String(text[..<dot])
        guard Template.isName(name), let field = FieldPath(parsing: String(text[text.index(after: dot)...]))
        else {
            return nil
        }
        return .actor(name: name == "actor" ? nil : name, field: field)
    }
}

/// A string with `{{...}}` references, parsed when the scenario is loaded and resolved when a step
/// runs.
public struct Template: Sendable, Hashable, CustomStringConvertible {
    public enum Segment: Sendable, Hashable {
        case literal(String)
        case reference(TemplateReference)
    }

    public var segments: [Segment]
    public var location: SourceLocation?

    public init(segments: [Segment], location: SourceLocation? = nil) {
        self.segments = segments
        self.location = location
    }

    /// A template with no references.
    public init(literal: String, location: SourceLocation? = nil) {
        self.segments = literal.isEmpty ? [] : [.literal(literal)]
        self.location = location
    }

    /// Parses `text`; `{{ ref }}` may have spaces inside the braces.
    public init(parsing text: String, at location: SourceLocation? = nil) throws(Diagnostic) {
        var segments: [Segment] = []
        var rest = Substring(text)
        while let open = Self.find("{{", in: rest) {
            if open > rest.startIndex { segments.append(.literal(String(rest[..<open]))) }
            let innerStart = rest.utf8.index(open, offsetBy: 2)
            guard let close = Self.find("}}", in: rest[innerStart...]) else {
                throw .error("unclosed '{{' in '\(text)'", at: location)
            }
            let inner = String(rest[innerStart..<close]).trimmingCharacters(in: " ")
            guard let reference = TemplateReference.parse(inner) else {
                throw .error(TemplateReference.problem(inner), at: location)
            }
            segments.append(.reference(reference))
            rest = rest[rest.utf8.index(close, offsetBy: 2)...]
        }
        if !rest.isEmpty { segments.append(.literal(String(rest))) }
        self.segments = segments
        self.location = location
    }

    /// True when `text` holds `{{`, i.e. would parse into a template with references.
    public static func containsReference(_ text: String) -> Bool {
        find("{{", in: Substring(text)) != nil
    }

    /// Start of the first occurrence of a two-byte ASCII marker (`{{` or `}}`).
    static func find(_ marker: StaticString, in text: Substring) -> String.Index? {
        let first = marker.utf8Start[0]
        let second = marker.utf8Start[1]
        let utf8 = text.utf8
        var index = utf8.startIndex
        while index < utf8.endIndex {
            let next = utf8.index(after: index)
            if utf8[index] == first, next < utf8.endIndex, utf8[next] == second { return index }
            index = next
        }
        return nil
    }

    public var references: [TemplateReference] {
        segments.compactMap { if case .reference(let r) = $0 { return r } else { return nil } }
    }

    public var isLiteral: Bool { references.isEmpty }

    public var description: String {
        segments.map {
            switch $0 {
            case .literal(let text): return text
            case .reference(let reference): return "{{\(reference)}}"
            }
        }.joined()
    }

    /// The value: a template that is exactly one reference gives the referenced JSON value (a
    /// number stays a number); anything else gives a string.
    public func resolve(in context: TemplateContext) throws(Diagnostic) -> JSONValue {
        if segments.count == 1, case .reference(let reference) = segments[0] {
            return try context.value(of: reference, at: location)
        }
        return .string(try render(in: context))
    }

    /// The text, with referenced strings inserted as they are and other values as compact JSON.
    public func render(in context: TemplateContext) throws(Diagnostic) -> String {
        var text = ""
        for segment in segments {
            switch segment {
            case .literal(let literal): text += literal
            case .reference(let reference):
                let value = try context.value(of: reference, at: location)
                if case .string(let s) = value { text += s } else { text += value.serialized() }
            }
        }
        return text
    }

    static func isName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first,
            first == "_" || (first.isASCII && first.properties.isAlphabetic)
        else { return false }
        return text.unicodeScalars.allSatisfy {
            $0 == "_" || $0 == "-" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)))
        }
    }
}

/// What a step saw, for later steps' references.
public struct StepRecord: Sendable, Hashable {
    public var payload: JSONValue?
    public var status: Int?
    /// Response headers; names are matched case-insensitively.
    public var headers: [String: String]
    public var body: JSONValue?

    public init(
        payload: JSONValue? = nil, status: Int? = nil, headers: [String: String] = [:], body: JSONValue? = nil
    ) {
        self.payload = payload
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// The values templates resolve against while one actor runs its steps.
public struct TemplateContext: Sendable {
    /// The actor the current step runs for (what `{{actor.x}}` means).
    public var currentActor: String?
    /// Every actor's fields (given and generated), by actor name.
    public var actors: [String: JSONValue]
    /// Records of the steps that ran, by step id.
    public var steps: [String: StepRecord]

    public init(
        currentActor: String? = nil, actors: [String: JSONValue] = [:], steps: [String: StepRecord] = [:]
    ) {
        self.currentActor = currentActor
        self.actors = actors
        self.steps = steps
    }

    public func value(of reference: TemplateReference, at location: SourceLocation?) throws(Diagnostic)
        -> JSONValue
    {
        switch reference {
        case .actor(let name, let field):
            guard let actorName = name ?? currentActor else {
                throw .error("'{{\(reference)}}' has no current actor", at: location)
            }
            guard let fields = actors[actorName] else {
                throw .error("no actor '\(actorName)'", at: location)
            }
            guard let value = field.value(in: fields) else {
                throw .error("actor '\(actorName)' has no field '\(field)'", at: location)
            }
            return value
        case .stepPayload(let id, let path):
            guard let payload = try record(id, location).payload else {
                throw .error("step '\(id)' sent no payload", at: location)
            }
            return try lookup(path, in: payload, reference, location)
        case .stepResponseBody(let id, let path):
            guard let body = try record(id, location).body else {
                throw .error("step '\(id)' has no JSON response body", at: location)
            }
            return try lookup(path, in: body, reference, location)
        case .stepResponseStatus(let id):
            guard let status = try record(id, location).status else {
                throw .error("step '\(id)' has no response", at: location)
            }
            return .int(status)
        case .stepResponseHeader(let id, let name):
            let headers = try record(id, location).headers
            guard let value = headers.first(where: { $0.key.lowercased() == name.lowercased() })?.value else {
                throw .error("step '\(id)' response has no header '\(name)'", at: location)
            }
            return .string(value)
        }
    }

    func record(_ id: String, _ location: SourceLocation?) throws(Diagnostic) -> StepRecord {
        guard let record = steps[id] else { throw .error("step '\(id)' has not run", at: location) }
        return record
    }

    func lookup(
        _ path: FieldPath?, in root: JSONValue, _ reference: TemplateReference, _ location: SourceLocation?
    )
        throws(Diagnostic) -> JSONValue
    {
        guard let path else { return root }
        guard let value = path.value(in: root) else {
            throw .error("'{{\(reference)}}' is not there", at: location)
        }
        return value
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s = s.dropFirst() }
        while s.last == set { s = s.dropLast() }
        return String(s)
    }
}

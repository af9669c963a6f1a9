import ProctorCore
import ProctorJSON

/// `{{...}}` templates in header values, probe paths and payload overrides.
extension LoadSession {
    mutating func template(_ text: String, at location: SourceLocation) -> Template? {
        do {
            return try Template(parsing: text, at: location)
        } catch {
            diagnostics.append(error)
            return nil
        }
    }

    mutating func templatedValue(_ node: SourceNode) -> TemplatedValue {
        switch node.kind {
        case .scalar:
            if case .string(let text) = node.jsonValue, Template.containsReference(text) {
                return template(text, at: node.location).map(TemplatedValue.template) ?? .value(.string(text))
            }
            return .value(node.jsonValue)
        case .sequence(let elements):
            let values = elements.map { templatedValue($0) }
            if values.allSatisfy({ if case .value = $0 { return true } else { return false } }) {
                return .value(node.jsonValue)
            }
            return .array(values)
        case .mapping(let pairs):
            let members = pairs.map {
                TemplatedValue.Member(key: $0.key.scalarText ?? "", value: templatedValue($0.value))
            }
            if members.allSatisfy({ if case .value = $0.value { return true } else { return false } }) {
                return .value(node.jsonValue)
            }
            return .object(members)
        }
    }
}

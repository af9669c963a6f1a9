import ProctorJSON

extension ReferenceTemplates {
    /// The parsed examples, keyed `vendor__event`.
    static let parsed: [String: JSONValue] = {
        var out: [String: JSONValue] = [:]
        for (name, text) in sources {
            if let value = try? JSONValue(parsing: text) { out[name] = value }
        }
        return out
    }()

    static func template(_ name: String) throws(GenerationError) -> JSONValue {
        guard let value = parsed[name] else { throw GenerationError("no reference template \"\(name)\"") }
        return value
    }
}

import ProctorCore
import ProctorJSON

/// The `defaults` mapping: timeout, expectation and headers every step inherits.
extension LoadSession {
    mutating func scenarioDefaults(_ node: SourceNode, file: String) -> ScenarioDefaults {
        var defaults = ScenarioDefaults()
        guard let fields = keyed(node, allowed: ScenarioKeys.defaults, what: "'defaults'") else {
            error(
                "'defaults' must be a mapping (timeout, expect, headers); found \(node.kindDescription)",
                at: node.location)
            return defaults
        }
        defaults.timeout = fields["timeout"].flatMap { duration($0.value, key: "timeout") }
        defaults.expect = fields["expect"].flatMap { expectation($0.value, file: file) }
        if let headers = fields["headers"] {
            if let pairs = headers.value.pairs {
                for pair in pairs {
                    guard let name = pair.key.scalarText, !name.isEmpty else { continue }
                    guard case .string(let text) = pair.value.jsonValue else {
                        error(
                            "header '\(name)' must be a string; found \(pair.value.kindDescription)",
                            at: pair.value.location)
                        continue
                    }
                    if let problem = HTTP1Syntax.fieldProblem(name: name, value: text) {
                        error(problem, at: pair.key.location)
                        continue
                    }
                    if let template = template(text, at: pair.value.location) {
                        defaults.headers.append(
                            HeaderValue(name: name, value: template, location: pair.key.location))
                    }
                }
            } else {
                error(
                    "'headers' must be a mapping of header names to values; found \(headers.value.kindDescription)",
                    at: headers.value.location)
            }
        }
        return defaults
    }
}

import Foundation
import ProctorCore
import ProctorJSON
import ProctorRegex

/// `expect` mappings: status, headers, body schema, latency and format assertion.
extension LoadSession {
    mutating func expectation(_ node: SourceNode, file: String) -> Expectation? {
        guard let fields = keyed(node, allowed: ScenarioKeys.expect, what: "'expect'") else {
            error(
                "'expect' must be a mapping (status, headers, body, within, format); found \(node.kindDescription)",
                at: node.location)
            return nil
        }
        var expectation = Expectation(location: node.location)
        if let status = fields["status"] { expectation.status = statusPattern(status.value) }
        if let headers = fields["headers"] { expectation.headers = headerExpectations(headers.value) }
        if let body = fields["body"] { expectation.body = bodyExpectation(body.value, file: file) }
        if let within = fields["within"] { expectation.within = duration(within.value, key: "within")?.value }
        if let format = fields["format"] {
            switch format.value.jsonValue {
            case .string("assert"): expectation.assertFormat = true
            case .string("annotate"): expectation.assertFormat = false
            default:
                error(
                    "'format' must be 'assert' or 'annotate'; found \(describe(format.value))",
                    at: format.value.location)
            }
        }
        return expectation
    }

    mutating func statusPattern(_ node: SourceNode) -> StatusPattern? {
        func single(_ node: SourceNode) -> StatusPattern? {
            let text: String
            switch node.jsonValue {
            case .number(let n) where n.isIntegerLiteral: text = n.description
            case .string(let s): text = s
            default: text = ""
            }
            guard !text.isEmpty, let pattern = StatusPattern(text) else {
                error(
                    "\(describe(node)) is not a status; write a code (200), a class (2xx) or a list ([200, 202])",
                    at: node.location)
                return nil
            }
            return pattern
        }
        if let elements = node.elements {
            guard !elements.isEmpty else {
                error("the status list is empty", at: node.location)
                return nil
            }
            let patterns = elements.compactMap(single)
            guard patterns.count == elements.count else { return nil }
            return .anyOf(patterns)
        }
        return single(node)
    }

    mutating func headerExpectations(_ node: SourceNode) -> [HeaderExpectation] {
        guard let pairs = node.pairs else {
            error(
                "'headers' must be a mapping of header names to values; found \(node.kindDescription)",
                at: node.location)
            return []
        }
        var result: [HeaderExpectation] = []
        for pair in pairs {
            guard let name = pair.key.scalarText, !name.isEmpty else { continue }
            switch pair.value.jsonValue {
            case .bool(true):
                result.append(HeaderExpectation(name: name, matcher: .present, location: pair.key.location))
            case .bool(false):
                result.append(HeaderExpectation(name: name, matcher: .absent, location: pair.key.location))
            case .string(let text):
                if text.count >= 2, text.hasPrefix("/"), text.hasSuffix("/") {
                    let pattern = String(text.dropFirst().dropLast())
                    // The engine `run` matches with (ECMA-262, linear time), so what passes here
                    // compiles there.
                    do {
                        if !validPatterns.contains(pattern) {
                            _ = try ECMARegex.cached(pattern)
                            validPatterns.insert(pattern)
                        }
                        result.append(
                            HeaderExpectation(
                                name: name, matcher: .regex(pattern), location: pair.key.location))
                    } catch {
                        self.error(
                            "'\(text)' is not a valid regular expression: \(error.reason)",
                            at: pair.value.location)
                    }
                } else {
                    result.append(
                        HeaderExpectation(name: name, matcher: .exact(text), location: pair.key.location))
                }
            case .number(let n):
                result.append(
                    HeaderExpectation(name: name, matcher: .exact(n.description), location: pair.key.location)
                )
            default:
                error(
                    "header '\(name)' expects a string, a /regex/, true (present) or false (absent); found \(pair.value.kindDescription)",
                    at: pair.value.location)
            }
        }
        return result
    }

    mutating func bodyExpectation(_ node: SourceNode, file: String) -> BodyExpectation? {
        let schema = node.jsonValue
        switch schema {
        case .object(let object):
            if case .string(let ref)? = object["$ref"], !ref.hasPrefix("#"), !ref.contains("://") {
                let filePart =
                    ref.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(
                        String.init) ?? ref
                let directory = (file as NSString).deletingLastPathComponent
                let target = filePart.hasPrefix("/") ? filePart : directory + "/" + filePart
                var isDirectory: ObjCBool = false
                if !FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory)
                    || isDirectory.boolValue
                {
                    let refNode = node.pairs?.first { $0.key.scalarText == "$ref" }?.value
                    error("schema file '\(filePart)' not found", at: refNode?.location ?? node.location)
                    return nil
                }
            }
        case .bool: break
        default:
            error(
                "'body' must be a JSON Schema (a mapping or true/false); found \(node.kindDescription)",
                at: node.location)
            return nil
        }
        return BodyExpectation(schema: schema, baseFile: file, location: node.location)
    }
}

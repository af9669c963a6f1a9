import ProctorCore
import ProctorJSON

/// How requests go out: the scenario's `signing` and `faults`, and a step's `fault`.
extension LoadSession {
    /// `signing: { header: X-Signature, algorithm: hmac-sha256, encoding: hex, prefix: "sha256=" }`
    mutating func signingSpec(_ node: SourceNode) -> Located<HMACSigning>? {
        guard let fields = keyed(node, allowed: ScenarioKeys.signing, what: "'signing'") else {
            error(
                "'signing' must be a mapping with header, algorithm, encoding and prefix", at: node.location)
            return nil
        }
        guard let headerNode = fields["header"] else {
            error("'signing' needs a 'header' (the header that carries the HMAC)", at: node.location)
            return nil
        }
        guard let header = string(headerNode.value, key: "header") else { return nil }
        var spec = HMACSigning(header: header.value)
        if let algorithm = fields["algorithm"] {
            guard let value = enumValue(algorithm.value, key: "algorithm", HMACSigning.Algorithm.self) else {
                return nil
            }
            spec.algorithm = value.value
        }
        if let encoding = fields["encoding"] {
            guard let value = enumValue(encoding.value, key: "encoding", HMACSigning.Encoding.self) else {
                return nil
            }
            spec.encoding = value.value
        }
        if let prefix = fields["prefix"] {
            guard let value = string(prefix.value, key: "prefix") else { return nil }
            spec.prefix = value.value
        }
        return Located(spec, at: node.location)
    }

    mutating func fault(_ node: SourceNode) -> Located<FaultKind>? {
        guard case .string(let name) = node.jsonValue else {
            error("'fault' must be a fault name; found \(node.kindDescription)", at: node.location)
            return nil
        }
        guard let kind = faultKind(name, at: node.location) else { return nil }
        return Located(kind, at: node.location)
    }

    mutating func faultRates(_ node: SourceNode) -> [FaultRate] {
        guard let pairs = node.pairs else {
            error(
                "'faults' must be a mapping of fault names to rates, like { duplicate: 10% }; found \(node.kindDescription)",
                at: node.location)
            return []
        }
        var rates: [FaultRate] = []
        for pair in pairs {
            guard let name = pair.key.scalarText else { continue }
            guard let kind = faultKind(name, at: pair.key.location) else { continue }
            guard case .string(let text) = pair.value.jsonValue, text.hasSuffix("%"),
                let percent = Double(text.dropLast()),
                text.dropLast().allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
                percent >= 0, percent <= 100
            else {
                error(
                    "the rate of '\(name)' must be a percentage from 0% to 100%, like 10%; found \(describe(pair.value))",
                    at: pair.value.location)
                continue
            }
            rates.append(FaultRate(fault: kind, percent: percent, location: pair.key.location))
        }
        return rates
    }

    /// The fault called `name`; an unknown name is reported at `location` with the known ones.
    mutating func faultKind(_ name: String, at location: SourceLocation) -> FaultKind? {
        if let kind = FaultKind(rawValue: name) { return kind }
        let hint = Suggestions.didYouMean(name, in: FaultKind.names)
        error(
            "unknown fault '\(name)'"
                + (hint.isEmpty ? "; faults are \(FaultKind.names.joined(separator: ", "))" : hint),
            at: location)
        return nil
    }
}

extension LoadSession {
    /// `thresholds:`, a list of threshold texts (`p99<300ms`, `candidate.completed:p95<200ms`); an
    /// event prefix must be one of the vendor's events.
    mutating func thresholdList(_ node: SourceNode) -> [Located<Threshold>] {
        guard let elements = node.elements else {
            error(
                "'thresholds' must be a list of thresholds, like [p99<300ms, error_rate<1%]; found \(node.kindDescription)",
                at: node.location)
            return []
        }
        var thresholds: [Located<Threshold>] = []
        for element in elements {
            guard case .string(let text) = element.jsonValue else {
                error(
                    "a threshold must be a string such as p99<300ms; found \(element.kindDescription)",
                    at: element.location)
                continue
            }
            let threshold: Threshold
            do { threshold = try Threshold(parsing: text) } catch {
                self.error(error.message, at: element.location)
                continue
            }
            if let event = threshold.event, let vendor, vendorKnown {
                let events = vocabulary.eventNames(vendor: vendor)
                if !events.contains(event) {
                    let hint = Suggestions.didYouMean(event, in: events)
                    error(
                        "threshold \"\(threshold.text)\": '\(event)' is not a \(vendor) event"
                            + (hint.isEmpty ? "" : hint),
                        at: element.location)
                    continue
                }
            }
            thresholds.append(Located(threshold, at: element.location))
        }
        return thresholds
    }
}

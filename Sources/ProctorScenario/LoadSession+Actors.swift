import ProctorCore
import ProctorJSON

/// The `actors` mapping: named actors with their fields, and a count of generated ones.
extension LoadSession {
    mutating func actorSet(_ node: SourceNode) -> ActorSet {
        var set = ActorSet()
        if case .null = node.jsonValue { return set }
        guard let pairs = node.pairs else {
            error(
                "'actors' must be a mapping of actor names to fields, with an optional 'count' of generated actors; found \(node.kindDescription)",
                at: node.location)
            return set
        }
        for pair in pairs {
            guard let name = pair.key.scalarText else {
                error("actor names are names; found \(pair.key.kindDescription)", at: pair.key.location)
                continue
            }
            if name == "count" {
                guard case .number(let n) = pair.value.jsonValue, n.isIntegerLiteral, let count = n.intValue,
                    count >= 0, count <= loader.maxGeneratedActors
                else {
                    error(
                        "'count' must be a whole number from 0 to \(loader.maxGeneratedActors); found \(describe(pair.value))",
                        at: pair.value.location)
                    continue
                }
                set.generatedCount = count
                continue
            }
            guard Template.isName(name), name != "actor", name != "steps",
                ActorSet.generatedIndex(name) == nil
            else {
                error(
                    "'\(name)' cannot name an actor (use letters, digits, '_' and '-'; 'actor', 'steps' and 'actor-N' are reserved)",
                    at: pair.key.location)
                continue
            }
            switch pair.value.jsonValue {
            case .null:
                set.named.append(Actor(name: name, location: pair.key.location))
            case .object(let fields):
                set.named.append(Actor(name: name, fields: fields, location: pair.key.location))
            default:
                error(
                    "actor '\(name)' must be a mapping of fields; found \(pair.value.kindDescription)",
                    at: pair.value.location)
            }
        }
        return set
    }
}

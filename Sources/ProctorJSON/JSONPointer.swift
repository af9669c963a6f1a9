/// RFC 6901 JSON Pointer: `/data/scores/0/totalScore`.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    public var tokens: [String]

    public init(tokens: [String] = []) { self.tokens = tokens }

    /// Parses `""` or a `/`-separated pointer, unescaping `~1` and `~0`. Returns nil when the text
    /// is not a valid pointer.
    public init?(_ text: String) {
        if text.isEmpty {
            tokens = []
            return
        }
        guard text.first == "/" else { return nil }
        var result: [String] = []
        for part in text.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            var token = ""
            var iterator = part.makeIterator()
            while let ch = iterator.next() {
                if ch == "~" {
                    switch iterator.next() {
                    case "0": token.append("~")
                    case "1": token.append("/")
                    default: return nil
                    }
                } else {
                    token.append(ch)
                }
            }
            result.append(token)
        }
        tokens = result
    }

    public static func escape(_ token: String) -> String {
        var out = ""
        for ch in token {
            switch ch {
            case "~": out += "~0"
            case "/": out += "~1"
            default: out.append(ch)
            }
        }
        return out
    }

    public var description: String { tokens.map { "/" + JSONPointer.escape($0) }.joined() }

    public func appending(_ token: String) -> JSONPointer { JSONPointer(tokens: tokens + [token]) }
    public func appending(_ index: Int) -> JSONPointer { JSONPointer(tokens: tokens + [String(index)]) }
}

extension JSONValue {
    /// The value a pointer designates, or nil.
    public func value(at pointer: JSONPointer) -> JSONValue? {
        var current = self
        for token in pointer.tokens {
            switch current {
            case .object(let object):
                guard let next = object[token] else { return nil }
                current = next
            case .array(let array):
                guard let index = Int(token), token == String(index), array.indices.contains(index) else {
                    return nil
                }
                current = array[index]
            default:
                return nil
            }
        }
        return current
    }
}

/// RFC 6901 JSON Pointer: `/data/scores/0/totalScore`.
public struct JSONPointer: Sendable, Hashable, CustomStringConvertible {
    public var tokens: [String]

    public init(tokens: [String] = []) { self.tokens = tokens }

    /// Parses `""` or a `/`-separated pointer, unescaping `~1` and `~0`. Returns nil when the text
    /// is not a valid pointer. Works on Unicode scalars, not characters: a combining mark after
    /// `/` or `~` (`/\u{20E9}`) is part of the next token, not of the separator.
    public init?(_ text: String) {
        let scalars = text.unicodeScalars
        if scalars.isEmpty {
            tokens = []
            return
        }
        guard scalars.first == "/" else { return nil }
        var result: [String] = []
        var token = String.UnicodeScalarView()
        var iterator = scalars.dropFirst().makeIterator()
        while let scalar = iterator.next() {
            switch scalar {
            case "/":
                result.append(String(token))
                token = String.UnicodeScalarView()
            case "~":
                switch iterator.next() {
                case "0": token.append("~")
                case "1": token.append("/")
                default: return nil
                }
            default:
                token.append(scalar)
            }
        }
        result.append(String(token))
        tokens = result
    }

    public static func escape(_ token: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in token.unicodeScalars {
            switch scalar {
            case "~": out.append(contentsOf: "~0".unicodeScalars)
            case "/": out.append(contentsOf: "~1".unicodeScalars)
            default: out.append(scalar)
            }
        }
        return String(out)
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

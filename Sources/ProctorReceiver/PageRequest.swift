import HummingbirdCore
import ProctorJSON

/// `?limit=` and `?after=` of `GET /events` and `GET /candidates`, and the page they answer:
/// `{"events": [...], "limit": 100, "total": 250, "next": "/events?after=100&limit=100"}`, with
/// `next` null on the last page.
struct PageRequest: Sendable, Hashable {
    static let defaultLimit = 100
    static let maxLimit = 1000

    /// What `after` holds: an event's sequence number, or a candidate id.
    enum Cursor: Sendable {
        case sequence
        case text
    }

    /// Items per page, 1...``maxLimit``.
    var limit: Int
    /// The cursor: items after it are listed; nil lists from the first.
    var after: String?

    struct Problem: Error, Sendable {
        var message: String
    }

    /// A `limit` over ``maxLimit`` is lowered to it; anything else unusable is a problem.
    static func parse(
        _ query: FlatDictionary<Substring, Substring>, cursor: Cursor
    ) -> Result<PageRequest, Problem> {
        var limit = defaultLimit
        if let text = query["limit"] {
            guard let value = Int(text), value >= 1 else {
                return .failure(Problem(message: "limit: expected a whole number from 1 to \(maxLimit)"))
            }
            limit = min(value, maxLimit)
        }
        let after = query["after"].map(String.init)
        if cursor == .sequence, let after, Int(after).map({ $0 < 0 }) ?? true {
            return .failure(Problem(message: "after: expected an event's sequence number"))
        }
        return .success(PageRequest(limit: limit, after: after))
    }

    /// The page as JSON: the items under `key`, the limit, how many items are held in all, and
    /// the path of the next page when `nextCursor` is given.
    func answer(_ key: String, items: [JSONValue], total: Int, nextCursor: String?) -> JSONValue {
        var object = JSONObject()
        object[key] = .array(items)
        object["limit"] = .int(limit)
        object["total"] = .int(total)
        object["next"] =
            nextCursor.map { .string("/\(key)?after=\(Self.percentEncoded($0))&limit=\(limit)") } ?? .null
        return .object(object)
    }

    /// Everything but unreserved characters (RFC 3986) percent-encoded, so an e-mail address or
    /// an id with `&`, `+` or `#` survives as a query value.
    static func percentEncoded(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                encoded += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return encoded
    }
}

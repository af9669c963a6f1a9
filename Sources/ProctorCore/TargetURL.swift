/// An `http://` or `https://` URL that requests are sent to: `scheme://host[:port][/path][?query]`.
///
/// The one parser of targets for every command (`run`, `send`, `load`, `emit`), the scenario loader
/// and the transports. It rejects what cannot be sent as written instead of guessing: other
/// schemes, user information (`user:pass@`), fragments (`#...`), spaces, line breaks and other
/// control characters, non-ASCII characters, empty hosts, IPv6 hosts without brackets and ports
/// outside 1...65535.
public struct TargetURL: Sendable, Hashable, CustomStringConvertible {
    public enum Scheme: String, Sendable, Hashable, CaseIterable {
        case http
        case https

        /// 80 or 443.
        public var defaultPort: Int { self == .http ? 80 : 443 }
    }

    public var scheme: Scheme
    /// The host name or address as written, IPv6 addresses without their brackets (`::1`).
    public var host: String
    /// The port given, or the scheme's default.
    public var port: Int
    /// The path and query as they go on the request line, starting with `/`.
    public var pathAndQuery: String

    /// A target from its parts, unchecked (tests and addresses the program made itself).
    public init(scheme: Scheme = .http, host: String, port: Int? = nil, pathAndQuery: String = "/") {
        self.scheme = scheme
        self.host = host
        self.port = port ?? scheme.defaultPort
        self.pathAndQuery = pathAndQuery.isEmpty ? "/" : pathAndQuery
    }

    /// Parses `text`; the error names the first problem found.
    public init(parsing text: String) throws(TargetURLError) {
        func fail(_ problem: TargetURLError.Problem) -> TargetURLError {
            TargetURLError(text: text, problem: problem)
        }
        guard !text.isEmpty else { throw fail(.empty) }
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0D, 0x0A: throw fail(.lineBreak)
            case 0x20: throw fail(.space)
            case 0..<0x20, 0x7F: throw fail(.controlCharacter(scalar))
            case 0x80...: throw fail(.nonASCII(Character(scalar)))
            default: continue
            }
        }
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex,
            text[text.index(after: colon)...].hasPrefix("//")
        else { throw fail(.noScheme) }
        let schemeText = text[..<colon]
        guard let scheme = Scheme(rawValue: schemeText.lowercased()) else {
            throw fail(.unsupportedScheme(String(schemeText)))
        }
        let rest = text[text.index(colon, offsetBy: 3)...]
        if rest.contains("#") { throw fail(.fragment) }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        if authority.contains("@") { throw fail(.userInfo) }

        var hostPart: Substring
        var portPart: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw fail(.badIPv6Host) }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") {
                portPart = after.dropFirst()
            } else if !after.isEmpty {
                throw fail(.badIPv6Host)
            }
            guard hostPart.contains(":"), hostPart.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." })
            else { throw fail(.badIPv6Host) }
        } else {
            let colons = authority.filter { $0 == ":" }.count
            guard colons <= 1 else { throw fail(.unbracketedIPv6Host) }
            if let colon = authority.firstIndex(of: ":") {
                hostPart = authority[..<colon]
                portPart = authority[authority.index(after: colon)...]
            } else {
                hostPart = authority
            }
            if let bad = hostPart.first(where: { !Self.isHostCharacter($0) }) {
                throw fail(.badHostCharacter(bad))
            }
        }
        guard !hostPart.isEmpty else { throw fail(.noHost) }
        var port = scheme.defaultPort
        if let portPart {
            guard portPart.count <= 5, portPart.allSatisfy(\.isASCIIDigit), let number = Int(portPart),
                (1...65535).contains(number)
            else { throw fail(.badPort(String(portPart))) }
            port = number
        }
        let path = rest[authorityEnd...]
        self.scheme = scheme
        host = String(hostPart)
        self.port = port
        pathAndQuery = path.hasPrefix("/") ? String(path) : "/" + path
    }

    /// Letters, digits and the characters RFC 3986 allows in a registered name.
    private static func isHostCharacter(_ c: Character) -> Bool {
        c.isASCIIDigit || ("a"..."z").contains(c) || ("A"..."Z").contains(c) || "-._~%!$&'()*+,;=".contains(c)
    }

    /// Whether the host is an address (IPv4 dotted decimal, or IPv6, the only hosts with a
    /// colon) rather than a name: TLS sends names only as SNI and checks an address against the
    /// certificate's IP entries.
    public var hostIsAddress: Bool {
        if host.contains(":") { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4
            && parts.allSatisfy { part in
                !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCIIDigit)
                    && (Int(part) ?? 256) <= 255
            }
    }

    /// The host as it appears in a URL: IPv6 addresses in brackets.
    public var hostInURL: String { host.contains(":") ? "[" + host + "]" : host }

    /// The `Host` header value: the host, and the port when it is not the scheme's default.
    public var hostHeader: String {
        port == scheme.defaultPort ? hostInURL : hostInURL + ":" + String(port)
    }

    /// `scheme://host[:port]`, without the path.
    public var origin: String { scheme.rawValue + "://" + hostHeader }

    /// The path without the query.
    public var path: String {
        guard let question = pathAndQuery.firstIndex(of: "?") else { return pathAndQuery }
        return String(pathAndQuery[..<question])
    }

    /// The query after `?`, nil when there is none.
    public var query: String? {
        guard let question = pathAndQuery.firstIndex(of: "?") else { return nil }
        return String(pathAndQuery[pathAndQuery.index(after: question)...])
    }

    /// The URL in its normal form: lowercase scheme, default port left out.
    public var description: String { origin + pathAndQuery }
}

/// A target that is not a usable `http://` or `https://` URL.
public struct TargetURLError: UserFacingError, Hashable {
    /// What is wrong, one case per problem.
    public struct Problem: Sendable, Hashable {
        fileprivate enum Kind: Sendable, Hashable {
            case empty, lineBreak, space, noScheme, fragment, userInfo, noHost, badIPv6Host,
                unbracketedIPv6Host
            case controlCharacter(UInt32)
            case nonASCII(Character)
            case unsupportedScheme(String)
            case badHostCharacter(Character)
            case badPort(String)
        }
        fileprivate let kind: Kind

        public static let empty = Problem(kind: .empty)
        public static let lineBreak = Problem(kind: .lineBreak)
        public static let space = Problem(kind: .space)
        public static let noScheme = Problem(kind: .noScheme)
        public static let fragment = Problem(kind: .fragment)
        public static let userInfo = Problem(kind: .userInfo)
        public static let noHost = Problem(kind: .noHost)
        public static let badIPv6Host = Problem(kind: .badIPv6Host)
        public static let unbracketedIPv6Host = Problem(kind: .unbracketedIPv6Host)
        public static func controlCharacter(_ scalar: Unicode.Scalar) -> Problem {
            Problem(kind: .controlCharacter(scalar.value))
        }
        public static func nonASCII(_ character: Character) -> Problem { Problem(kind: .nonASCII(character)) }
        public static func unsupportedScheme(_ scheme: String) -> Problem {
            Problem(kind: .unsupportedScheme(scheme))
        }
        public static func badHostCharacter(_ character: Character) -> Problem {
            Problem(kind: .badHostCharacter(character))
        }
        public static func badPort(_ port: String) -> Problem { Problem(kind: .badPort(port)) }

        /// True when the text is not an http(s) URL at all (no scheme, or another scheme).
        public var isScheme: Bool {
            switch kind {
            case .noScheme, .unsupportedScheme: return true
            default: return false
            }
        }

        /// The problem as a phrase that follows the target text.
        public var reason: String {
            switch kind {
            case .empty: return "is empty; expected an http:// or https:// URL"
            case .lineBreak: return "contains a line break"
            case .space: return "contains a space; write it as %20"
            case .controlCharacter(let value):
                let hex = String(value, radix: 16, uppercase: true)
                return "contains the control character U+"
                    + String(repeating: "0", count: max(0, 4 - hex.count))
                    + hex
            case .nonASCII(let c):
                return
                    "contains the non-ASCII character \"\(c)\"; percent-encode it (and write a host in its xn-- form)"
            case .noScheme: return "has no scheme; expected an http:// or https:// URL"
            case .unsupportedScheme(let scheme):
                return "has the scheme \"\(scheme)\"; expected an http:// or https:// URL"
            case .fragment: return "has a fragment (#...), which is never sent to a server"
            case .userInfo:
                return "has user information before \"@\"; send credentials in a header instead"
            case .noHost: return "has no host"
            case .badIPv6Host:
                return "has a malformed IPv6 host; write it in brackets, like http://[::1]:8080/"
            case .unbracketedIPv6Host:
                return "has an IPv6 host without brackets; write it like http://[::1]:8080/"
            case .badHostCharacter(let c): return "has the character \"\(c)\" in its host"
            case .badPort(let port): return "has the port \"\(port)\"; expected a number from 1 to 65535"
            }
        }
    }

    /// The text as given.
    public var text: String
    public var problem: Problem

    public init(text: String, problem: Problem) {
        self.text = text
        self.problem = problem
    }

    /// `target "TEXT" REASON`.
    public var message: String { "target \"\(text)\" \(problem.reason)" }
    public var description: String { message }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

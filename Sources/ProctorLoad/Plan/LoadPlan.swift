import ProctorCore
import ProctorJSON
import ProctorSigning
import ProctorVendors

/// What load mode sends: one vendor, the ordered events every actor sends, how they are signed
/// and where they go. A scenario file, or the `--vendor`/`--events` flags, become one of these.
public struct LoadPlan: Sendable {
    /// Catalog vendor name (`testlify`, `talview`, ...).
    public var vendor: String
    /// Event names each actor sends, in order (canonical names or accepted spellings).
    public var events: [String]
    /// Signing secrets as resolved by ``SecretRule`` (several sign with each, as in key rotation).
    public var secrets: [String]
    /// A body HMAC header signed in addition to the vendor's scheme (a scenario's `signing:`).
    public var hmac: HMACSigning?
    /// The HTTP method; nil uses the vendor's (a scenario's `method:`).
    public var method: String?
    /// Seed for every generated value: the same seed gives the same actors and bodies.
    public var seed: UInt64
    public var target: LoadTarget
    /// Fields every actor shares (e.g. `company`); the rest are generated per actor.
    public var actorFields: JSONObject

    public init(
        vendor: String, events: [String], secrets: [String] = [], hmac: HMACSigning? = nil,
        method: String? = nil,
        seed: UInt64 = 42,
        target: LoadTarget, actorFields: JSONObject = JSONObject()
    ) {
        self.vendor = vendor
        self.events = events
        self.secrets = secrets
        self.hmac = hmac
        self.method = method
        self.seed = seed
        self.target = target
        self.actorFields = actorFields
    }
}

/// An `http://host[:port][/path]` target. Load mode speaks plain HTTP/1.1 only.
public struct LoadTarget: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    /// Path and query, starting with `/`.
    public var path: String

    public init(host: String, port: Int, path: String) {
        self.host = host
        self.port = port
        self.path = path
    }

    /// Parses an `http://` URL.
    public init(parsing text: String) throws(LoadError) {
        guard text.hasPrefix("http://") else {
            if text.hasPrefix("https://") {
                throw LoadError(
                    "load mode sends plain HTTP/1.1; \(text) is https (put a TLS-terminating proxy in front, or use `proctor run`)"
                )
            }
            throw LoadError("target \"\(text)\" is not an http:// URL")
        }
        let rest = text.dropFirst("http://".count)
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        let pathPart = rest[slash...]
        guard !authority.isEmpty, !authority.contains("@") else {
            throw LoadError("target \"\(text)\" has no host")
        }
        var hostPart = Substring(authority)
        var port = 80
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw LoadError("target \"\(text)\" has a bad IPv6 host")
            }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") {
                guard let p = Int(after.dropFirst()), (1...65535).contains(p) else {
                    throw LoadError("target \"\(text)\" has a bad port")
                }
                port = p
            }
        } else if let colon = authority.lastIndex(of: ":") {
            hostPart = authority[..<colon]
            guard let p = Int(authority[authority.index(after: colon)...]), (1...65535).contains(p) else {
                throw LoadError("target \"\(text)\" has a bad port")
            }
            port = p
        }
        guard !hostPart.isEmpty else { throw LoadError("target \"\(text)\" has no host") }
        host = String(hostPart)
        self.port = port
        path = pathPart.isEmpty ? "/" : String(pathPart.prefix { $0 != "#" })
    }

    /// The `Host` header value.
    public var hostHeader: String {
        let h = host.contains(":") ? "[" + host + "]" : host
        return port == 80 ? h : h + ":" + String(port)
    }

    public var description: String { "http://" + hostHeader + path }
}

/// A load-mode problem a person can act on (bad flag value, unusable plan, report that cannot merge).
public struct LoadError: UserFacingError, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

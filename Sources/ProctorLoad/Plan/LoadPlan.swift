import ProctorCore
import ProctorJSON
import ProctorSigning
import ProctorVendors

/// What load mode sends: one vendor, the ordered events every actor sends, how they are signed
/// and where they go. A scenario file, or the `--vendor`/`--events` flags, become one of these.
public struct LoadPlan: Sendable {
    /// Catalog vendor name (`testlify`, `talview`, ...).
    public var vendor: String
    /// The vendor's payload version; nil: its default.
    public var version: String?
    /// Event names each actor sends, in order (canonical names or accepted spellings).
    public var events: [String]
    /// Signing secrets as resolved by ``SecretRule`` (several sign with each, as in key rotation).
    public var secrets: [WebhookSecret]
    /// A body HMAC header signed in addition to the vendor's scheme (a scenario's `signing:`).
    public var hmac: HMACSigning?
    /// The HTTP method; nil uses the vendor's (a scenario's `method:`).
    public var method: String?
    /// Seed for every generated value: the same seed gives the same actors and bodies.
    public var seed: UInt64
    public var target: LoadTarget
    /// Fields every actor shares (e.g. `company`); the rest are generated per actor.
    public var actorFields: JSONObject
    /// The scenario's `thresholds:`.
    public var thresholds: [Threshold] = []

    public init(
        vendor: String, events: [String], secrets: [WebhookSecret] = [], hmac: HMACSigning? = nil,
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

/// An `http://` or `https://` target (a ``TargetURL``). Load mode speaks HTTP/1.1; over
/// `https://` through a ``TLSTunnel``.
public struct LoadTarget: Sendable, Hashable, CustomStringConvertible {
    public let url: TargetURL

    public init(host: String, port: Int, path: String, scheme: TargetURL.Scheme = .http) {
        url = TargetURL(scheme: scheme, host: host, port: port, pathAndQuery: path)
    }

    /// Parses a URL with ``TargetURL``.
    public init(parsing text: String) throws(LoadError) {
        do throws(TargetURLError) {
            url = try TargetURL(parsing: text)
        } catch {
            throw LoadError(error.description)
        }
    }

    public var isTLS: Bool { url.scheme == .https }

    public var host: String { url.host }
    public var port: Int { url.port }
    /// Path and query, starting with `/`.
    public var path: String { url.pathAndQuery }

    /// The `Host` header value.
    public var hostHeader: String { url.hostHeader }

    public var description: String { url.description }
}

/// A load-mode problem a person can act on (bad flag value, unusable plan, report that cannot merge).
public struct LoadError: UserFacingError, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

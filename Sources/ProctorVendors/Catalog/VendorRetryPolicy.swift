/// How a vendor retries a delivery that failed, as documented (for `fault: vendor-retries`).
public struct VendorRetryPolicy: Sendable, Hashable {
    public enum Trigger: Sendable, Hashable {
        /// Any response that is not a 2xx within the success timeout, and connection failures.
        case anyNon2xx
        /// Only these statuses and connection failures.
        case statuses(Set<Int>)
    }

    /// Delays before each retry, in milliseconds, after the first attempt failed.
    public let delaysMilliseconds: [Int64]
    public let trigger: Trigger
    /// A response slower than this counts as a failure (nil: not documented).
    public let successTimeoutMilliseconds: Int64?
    /// Connection timeout (nil: not documented).
    public let connectTimeoutMilliseconds: Int64?
    /// A response header that stops retries (Svix: `webhook-delivery: abort-message`).
    public let abortHeader: HTTPHeader?

    public init(
        delaysMilliseconds: [Int64], trigger: Trigger, successTimeoutMilliseconds: Int64? = nil,
        connectTimeoutMilliseconds: Int64? = nil, abortHeader: HTTPHeader? = nil
    ) {
        self.delaysMilliseconds = delaysMilliseconds
        self.trigger = trigger
        self.successTimeoutMilliseconds = successTimeoutMilliseconds
        self.connectTimeoutMilliseconds = connectTimeoutMilliseconds
        self.abortHeader = abortHeader
    }

    /// No automatic retries.
    public static let none = VendorRetryPolicy(delaysMilliseconds: [], trigger: .anyNon2xx)

    /// Svix: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h; success is a 2xx within 15 s.
    public static let svix = VendorRetryPolicy(
        delaysMilliseconds: [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000],
        trigger: .anyNon2xx, successTimeoutMilliseconds: 15_000,
        abortHeader: HTTPHeader("webhook-delivery", "abort-message"))

    /// Qualified: one retry after at least 60 s, on connection failure, a 5 s connect timeout or
    /// one of ten gateway statuses.
    public static let qualified = VendorRetryPolicy(
        delaysMilliseconds: [60_000], trigger: .statuses([502, 503, 504, 520, 521, 523, 525, 526, 527, 530]),
        connectTimeoutMilliseconds: 5_000)

    /// Whether a response status leads to a retry (connection failures always do while retries remain).
    public func retries(status: Int) -> Bool {
        guard !delaysMilliseconds.isEmpty else { return false }
        switch trigger {
        case .anyNon2xx: return !(200...299).contains(status)
        case .statuses(let set): return set.contains(status)
        }
    }
}

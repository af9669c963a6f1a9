/// Where each vendor's events go, as `--target` says it: `URL` for every vendor, `VENDOR=URL` for
/// one (repeatable), and `{vendor}` in any target (also a scenario's `target:`) replaced by the
/// vendor's name. A vendor's own target wins over the one for all, which wins over the scenario's.
public struct TargetChoice: Sendable, Hashable {
    /// The target for every vendor without one of its own.
    public var all: String?
    /// Targets by vendor name.
    public var byVendor: [String: String]

    public init(all: String? = nil, byVendor: [String: String] = [:]) {
        self.all = all
        self.byVendor = byVendor
    }

    /// Reads `--target` values; `vendors` are the names `VENDOR=URL` may start with. Every target
    /// is checked as a URL for each vendor it can stand for.
    public init(parsing values: [String], vendors: [String]) throws(TargetURLError) {
        var all: String?
        var byVendor: [String: String] = [:]
        for value in values {
            if let equals = value.firstIndex(of: "="), vendors.contains(String(value[..<equals])) {
                let vendor = String(value[..<equals])
                let url = String(value[value.index(after: equals)...])
                _ = try TargetURL(parsing: Self.expand(url, vendor: vendor))
                byVendor[vendor] = url
            } else {
                for vendor in vendors { _ = try TargetURL(parsing: Self.expand(value, vendor: vendor)) }
                all = value
            }
        }
        self.all = all
        self.byVendor = byVendor
    }

    /// The target for `vendor`: its own, the one for all, else the scenario's (nil or empty:
    /// none), with `{vendor}` replaced.
    public func target(for vendor: String, scenario: String? = nil) -> String? {
        guard let chosen = byVendor[vendor] ?? all ?? scenario, !chosen.isEmpty else { return nil }
        return Self.expand(chosen, vendor: vendor)
    }

    /// `text` with every `{vendor}` replaced by `vendor`.
    public static func expand(_ text: String, vendor: String) -> String {
        text.replacing("{vendor}", with: vendor)
    }

    /// `--target` as given, for reports: the one for all, then `VENDOR=URL` in name order.
    public var description: String? {
        let parts =
            (all.map { [$0] } ?? []) + byVendor.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }
}

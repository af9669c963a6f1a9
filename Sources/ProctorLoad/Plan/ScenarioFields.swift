import Foundation
import ProctorCore
import ProctorScenario
import ProctorVendors

/// What load mode takes from a scenario file: `vendor`, `target`, `secret`, `seed`, `signing`, `method`, and the
/// events of the send steps in order (includes and `lifecycle:` expanded). The file is loaded
/// with the scenario loader and checked against the vendor catalog, exactly as `proctor run` and
/// `proctor check` load it; expectations, probes and faults do not apply to load mode.
public struct ScenarioFields: Sendable, Equatable {
    public var vendor: String?
    /// The scenario's `version:`; nil keeps the vendor's default.
    public var version: String?
    public var target: String?
    public var secret: String?
    public var seed: UInt64?
    /// The scenario's `signing:` body HMAC, signed in addition to the vendor's scheme.
    public var hmac: HMACSigning?
    /// The scenario's `method:`; nil keeps the vendor's.
    public var method: String?
    public var events: [String] = []
    /// `thresholds:`.
    public var thresholds: [Threshold] = []

    public init() {}

    /// Loads `path`, interpolating `${NAME}` and `${NAME:-default}` from `environment`. Every
    /// problem of the file is in the error, one `path:line:col: error: message` per line.
    public static func read(path: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(LoadError) -> ScenarioFields
    {
        let loader = ScenarioLoader(vocabulary: VendorCatalog.standard, environment: environment)
        return try fields(of: loader.load(path: path))
    }

    /// Loads scenario text (for tests and embedders); positions name `file`.
    public static func parse(
        _ text: String, file: String = "scenario.yaml", environment: [String: String] = [:]
    )
        throws(LoadError) -> ScenarioFields
    {
        let loader = ScenarioLoader(vocabulary: VendorCatalog.standard, environment: environment)
        return try fields(of: loader.load(yaml: text, path: file))
    }

    static func fields(of result: ScenarioLoadResult) throws(LoadError) -> ScenarioFields {
        guard let scenario = result.scenario, !result.diagnostics.hasErrors else {
            throw LoadError(result.diagnostics.sorted.map(\.description).joined(separator: "\n"))
        }
        var fields = ScenarioFields()
        fields.vendor = scenario.vendor.value
        fields.version = scenario.version?.value
        fields.target = scenario.target?.value
        fields.secret = scenario.secret?.value
        fields.seed = scenario.seed?.value
        fields.hmac = scenario.signing?.value
        fields.method = scenario.method?.value.rawValue
        fields.thresholds = scenario.thresholds.map(\.value)
        let actor = scenario.actors.allNames.first ?? ""
        fields.events = scenario.steps(for: actor).compactMap(\.event)
        return fields
    }
}

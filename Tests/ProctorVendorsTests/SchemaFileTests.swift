import Foundation
import ProctorJSON
import Testing

@testable import ProctorVendors

/// The schema files exist for every event, and generated payloads carry every key they require
/// at the top level and in `data` (full validation is done by the schema validator's tests and
/// scripts/check-vendor-schemas.py).
@Suite struct SchemaFileTests {
    static let schemasDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Schemas")

    @Test(arguments: allEvents.map { "\($0.0) \($0.1)" })
    func everyEventHasASchema(_ pair: String) throws {
        let parts = pair.split(separator: " ").map(String.init)
        let url = Self.schemasDirectory.appendingPathComponent(parts[0]).appendingPathComponent(
            parts[1] + ".schema.json")
        let schema = try JSONValue(parsing: [UInt8](try Data(contentsOf: url)))
        #expect(schema["$schema"] == "https://json-schema.org/draft/2020-12/schema")
        for seed in UInt64(1)...5 {
            let body = try catalog.generate(vendor: parts[0], event: parts[1], seed: seed, clock: fixedClock)
                .body
            for key in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
                #expect(body[key] != nil, "\(pair) seed \(seed): missing \(key)")
            }
            let dataRequired =
                schema["properties"]?["data"]?["required"]?.arrayValue?.compactMap(\.stringValue) ?? []
            for key in dataRequired {
                #expect(body["data"]?[key] != nil, "\(pair) seed \(seed): missing data.\(key)")
            }
        }
    }
}

import Foundation
import ProctorJSON
import ProctorSchema
import Testing

@testable import ProctorVendors

/// Every vendor event's schema in `Schemas/`, checked with Proctor's validator: the vendor's own
/// example validates, and so does every generated payload, across seeds, lifecycle positions and
/// selectable quirks.
@Suite struct SchemaValidationTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func schema(_ vendor: String, _ event: String) throws -> JSONSchema {
        try JSONSchema(
            contentsOfFile: root.appendingPathComponent("Schemas/\(vendor)/\(event).schema.json").path)
    }

    @Test(arguments: allEvents.map { "\($0.0) \($0.1)" })
    func referenceExampleValidates(_ pair: String) throws {
        let parts = pair.split(separator: " ").map(String.init)
        let spec = try #require(catalog.profile(for: parts[0])?.events.first { $0.name == parts[1] })
        guard spec.hasOwnExample else { return }
        let bytes = try #require(
            ReferenceTemplates.files[spec.example], "no reference example \(spec.example)")
        let result = try Self.schema(parts[0], parts[1]).validate(bytes: bytes)
        #expect(result.isValid, "\(spec.example):\n\(result.text)")
    }

    @Test(arguments: allEvents.map { "\($0.0) \($0.1)" })
    func generatedPayloadsValidate(_ pair: String) throws {
        let parts = pair.split(separator: " ").map(String.init)
        let (vendor, event) = (parts[0], parts[1])
        let profile = try #require(catalog.profile(for: vendor))
        let spec = try #require(profile.events.first { $0.name == event })
        let schema = try Self.schema(vendor, event)
        let lifecycle = profile.lifecycle.flatMap(\.events)
        let earlier = lifecycle.firstIndex(of: event).map { Array(lifecycle[..<$0]) } ?? []
        let quirkChoices: [[String]] =
            [[]]
            + profile.quirks.filter { $0.events.contains(spec.name) && !$0.always }
            .map { [$0.name] }
        var checked = 0
        for seed in UInt64(1)...12 {
            for quirks in quirkChoices {
                for history in [[], earlier] {
                    let generated = try catalog.generateLifecycle(
                        vendor: vendor, events: history + [event], seed: seed, clock: fixedClock,
                        quirks: quirks)
                    let result = schema.validate(generated.body)
                    #expect(
                        result.isValid,
                        "\(pair) seed \(seed) quirks \(quirks) after \(history):\n\(result.text)")
                    checked += 1
                }
            }
        }
        #expect(checked >= 24)
    }
}

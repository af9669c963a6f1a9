import Foundation
import ProctorCore
import ProctorJSON
import ProctorSchema
import Testing

@testable import ProctorVendors

/// Talview's two payload versions: each validates against its own closed schema and fails the
/// other's, the open schemas accept both, and the flat version links its ids to its records.
@Suite struct TalviewVersionTests {
    static func schema(_ folder: String, _ event: String) throws -> JSONSchema {
        try JSONSchema(
            contentsOfFile: SchemaValidationTests.root.appendingPathComponent(
                "Schemas/\(folder)/\(event).schema.json"
            ).path)
    }

    static func story(version: String?, seed: UInt64, quirks: [String] = []) throws -> [JSONValue] {
        var actor = ActorState(vendor: "talview", version: version, name: "li", seed: seed)
        return try ["ae.test_instance.created", "ae.test_instance.updated", "ae.test_instance.updated"].map {
            try catalog.generate(
                vendor: "talview", event: $0, actor: &actor, clock: fixedClock, quirks: quirks
            )
            .body
        }
    }

    @Test(arguments: [[], ["nullable-null"]])
    func eachVersionValidatesAgainstItsOwnSchemaOnly(quirks: [String]) throws {
        for event in ["ae.test_instance.created", "ae.test_instance.updated"] {
            let classic = try Self.schema("talview", event)
            let flat = try Self.schema("talview/flat", event)
            let open = try Self.schema("talview/open", event)
            for seed in UInt64(1)...20 {
                let index = event.hasSuffix("created") ? 0 : 2
                let a = try Self.story(version: nil, seed: seed, quirks: quirks)[index]
                let b = try Self.story(version: "flat", seed: seed, quirks: quirks)[index]
                #expect(classic.validate(a).isValid, "\(event) seed \(seed)")
                #expect(flat.validate(b).isValid, "\(event) seed \(seed): \(flat.validate(b).text)")
                #expect(!classic.validate(b).isValid, "\(event) seed \(seed)")
                #expect(!flat.validate(a).isValid, "\(event) seed \(seed)")
                #expect(open.validate(a).isValid, "\(event) seed \(seed)")
                #expect(open.validate(b).isValid, "\(event) seed \(seed)")
            }
        }
    }

    @Test func theFlatVersionLinksItsIdsAndWaitsForTheScore() throws {
        for seed in UInt64(1)...50 {
            let events = try Self.story(version: "flat", seed: seed)
            let classic = try Self.story(version: nil, seed: seed)
            for (body, same) in zip(events, classic) {
                #expect(body["candidate_id"] == body["candidate"]?["id"])
                #expect(body["catalog_assessment_id"] == body["catalog_assessment"]?["id"])
                #expect(body["measurement_id"] == body["measurement"]?["id"])
                #expect(body["instance_status"] == body["measurement"]?["status"])
                #expect(body["session_instance_id"] == events[0]["session_instance_id"])
                #expect(body["tenant_id"] == nil && body["candidate"]?["tenant_id"] == nil)
                // The same world in either shape.
                #expect(body["id"] == same["id"])
                #expect(body["candidate"]?["email"] == same["candidate"]?["email"])
                #expect(body["updated_at"] == same["updated_at"])
            }
            #expect(events[0]["score"] == .null)
            #expect(events[1]["score"] == classic[1]["score"])
            #expect(events[1]["old"]?["score"] == .null)
        }
    }

    @Test func versionsAreListedAndUnknownOnesRefused() throws {
        #expect(catalog.versionNames(vendor: "talview") == ["classic", "flat"])
        #expect(catalog.versionNames(vendor: "testlify").isEmpty)
        #expect(throws: GenerationError.self) {
            try catalog.generate(
                vendor: "talview", version: "fla", event: "ae.test_instance.created", seed: 1,
                clock: fixedClock)
        }
        #expect(throws: GenerationError.self) {
            try catalog.generate(
                vendor: "testlify", version: "flat", event: "candidate.invited", seed: 1, clock: fixedClock)
        }
    }
}

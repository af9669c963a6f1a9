import Foundation
import ProctorCore
import ProctorJSON
import Testing

@testable import ProctorVendors

/// A Talview test instance holds together across its events: the score is its measurement's,
/// the time taken fits in the time the test was open, `old` carries only what the vendor's type
/// for it allows, and ids and creation stay put.
@Suite struct TalviewWorldTests {
    static let life = [
        "ae.test_instance.created", "ae.test_instance.updated", "ae.test_instance.updated",
        "ae.test_instance.updated",
    ]

    /// Seconds of an `HH:MM:SS` interval.
    static func seconds(_ interval: String?) -> Int? {
        guard let parts = interval?.split(separator: ":").compactMap({ Int($0) }), parts.count == 3 else {
            return nil
        }
        return parts[0] * 3600 + parts[1] * 60 + parts[2]
    }

    @Test(arguments: [[], ["nullable-null"]])
    func invariantsHoldForEverySeed(quirks: [String]) throws {
        for seed in UInt64(1)...200 {
            var actor = ActorState(vendor: "talview", name: "jane", seed: seed)
            var events: [JSONValue] = []
            for (index, event) in Self.life.enumerated() {
                let time = fixedClock.nowMilliseconds() + Int64(index) * 5 * 60_000
                events.append(
                    try catalog.generate(
                        vendor: "talview", event: event, actor: &actor, clock: FixedClock(milliseconds: time),
                        quirks: quirks
                    ).body)
            }
            let first = events[0]
            for (index, body) in events.enumerated() {
                let label = "seed \(seed) event \(index) \(quirks)"
                #expect(body["id"] == first["id"], "\(label)")
                #expect(body["candidate"]?["id"] == first["candidate"]?["id"], "\(label)")
                #expect(body["created_at"] == first["created_at"], "\(label)")
                let created = try #require(milliseconds(body["created_at"]?.stringValue))
                let updated = try #require(milliseconds(body["updated_at"]?.stringValue))
                #expect(created <= updated, "\(label)")
                guard index > 0 else {
                    #expect(body["score"] == 0, "\(label)")
                    continue
                }
                // The score is the measurement's.
                let attributes = body["measurement"]?["measurement_attributes"]?.arrayValue ?? []
                let scores = attributes.compactMap { $0["numerical_score"]?.intValue }
                #expect(!scores.isEmpty, "\(label)")
                let mean = Int((Double(scores.reduce(0, +)) / Double(max(1, scores.count))).rounded())
                #expect(
                    body["score"]?.intValue == mean,
                    "\(label): \(String(describing: body["score"])) vs \(scores)")
                // The time taken fits between creation and measurement.
                let measured = try #require(milliseconds(body["measurement"]?["measured_at"]?.stringValue))
                let taken = try #require(Self.seconds(body["measurement"]?["time_taken"]?.stringValue))
                #expect(taken >= 1 && Int64(taken) * 1000 <= measured - created, "\(label): \(taken) s")
                #expect(measured <= updated, "\(label)")
                // A re-scoring does not change how long the candidate took.
                #expect(
                    body["measurement"]?["time_taken"] == events[1]["measurement"]?["time_taken"], "\(label)")
                // `old` holds only the fields of the showcase's type, and always the id.
                let old = try #require(body["old"]?.objectValue)
                #expect(Set(old.keys).isSubset(of: TalviewDiff.oldKeys), "\(label): \(old.keys)")
                #expect(old["id"] == body["id"], "\(label)")
            }
        }
    }
}

import Foundation
import ProctorCore
import ProctorJSON
import Testing

@testable import ProctorVendors

/// Every time in a body: ISO 8601 strings, and epoch milliseconds under `timestamp`.
func payloadTimes(_ value: JSONValue, path: String = "") -> [(path: String, milliseconds: Int64)] {
    switch value {
    case .object(let object):
        return object.flatMap { key, child -> [(path: String, milliseconds: Int64)] in
            if key == "timestamp", let ms = child.intValue { return [(path + "." + key, Int64(ms))] }
            return payloadTimes(child, path: path + "." + key)
        }
    case .array(let items):
        return items.enumerated().flatMap { payloadTimes($1, path: path + "[\($0)]") }
    case .string(let text):
        return FakeData.milliseconds(fromISOTimestamp: text).map { [(path, $0)] } ?? []
    default:
        return []
    }
}

/// Payload times never run ahead of the event, and an actor's events move forward.
@Suite struct TimeTests {
    @Test(arguments: VendorCatalog.standard.vendorNames)
    func noPayloadTimeIsAfterItsEvent(vendor: String) throws {
        for event in catalog.eventNames(vendor: vendor) {
            for seed: UInt64 in 1...5 {
                let generated = try catalog.generate(
                    vendor: vendor, event: event, seed: seed, atMilliseconds: fixedClock.milliseconds)
                #expect(generated.timeMilliseconds == StoryTimeline.wholeSeconds(fixedClock.milliseconds))
                for (path, time) in payloadTimes(generated.body) {
                    #expect(time <= generated.timeMilliseconds, "\(vendor) \(event) seed \(seed): \(path)")
                }
            }
        }
    }

    @Test(arguments: VendorCatalog.standard.vendorNames)
    func aLifecycleEndsAtItsTimeAndMovesForward(vendor: String) throws {
        let events = catalog.lifecycleStages(vendor: vendor).flatMap {
            catalog.lifecycleEvents(vendor: vendor, stage: $0)
        }
        guard !events.isEmpty else { return }
        for seed: UInt64 in 1...5 {
            let end: Int64 = 1_796_032_800_000
            let story = catalog.lifecycleTimeline(
                vendor: vendor, events: events, seed: seed, endingAt: end + 999)
            #expect(story.times.last == end)
            #expect(story.times == story.times.sorted())
            #expect(Set(story.times).count == story.times.count, "a seeded gap separates events")
            var actor = ActorState(
                vendor: vendor, name: "candidate", seed: seed,
                storyStartMilliseconds: story.timeline.anchorMilliseconds)
            for (event, time) in zip(events, story.times) {
                let generated = try catalog.generate(
                    vendor: vendor, event: event, actor: &actor, atMilliseconds: time)
                for (path, value) in payloadTimes(generated.body) {
                    #expect(value <= time, "\(vendor) \(event) seed \(seed): \(path)")
                }
            }
            let last = try catalog.generateLifecycle(
                vendor: vendor, events: events, seed: seed, endingAt: end)
            #expect(last.timeMilliseconds == end)
        }
    }

    /// Ids do not depend on the time a story starts (after the identity epoch).
    @Test func idsDoNotFollowTheClock() {
        let early = ActorIdentity(
            vendor: "testlify", name: "jane", seed: 3, storyStartMilliseconds: 1_790_000_000_000)
        let late = ActorIdentity(
            vendor: "testlify", name: "jane", seed: 3, storyStartMilliseconds: 1_890_000_000_000)
        #expect(early.references == late.references)
        #expect(early.objectId("candidate") == late.objectId("candidate"))
        let old = ActorIdentity(
            vendor: "testlify", name: "jane", seed: 3, storyStartMilliseconds: 1_600_000_000_000)
        #expect(
            old.originMilliseconds == 1_600_000_000_000,
            "a story before the epoch keeps its records before it")
    }
}

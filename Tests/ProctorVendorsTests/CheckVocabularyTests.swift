import ProctorCore
import ProctorJSON
import Testing

@testable import ProctorVendors

/// What `proctor check` learns from the catalog about actor fields and payload paths, and that it
/// never calls a path absent that a generated payload has (no false errors).
@Suite struct CheckVocabularyTests {
    @Test(arguments: VendorCatalog.standard.vendorNames)
    func actorFieldsAreTheReferencesTheRunnerGives(vendor: String) throws {
        let names = try #require(catalog.actorFieldNames(vendor: vendor))
        for seed: UInt64 in [0, 7] {
            let identity = ActorIdentity(
                vendor: vendor, name: "jane", seed: seed, fields: ["first_name": "Jane", "orgName": "Acme"],
                storyStartMilliseconds: 1_700_000_000_000)
            #expect(names == identity.references.keys.sorted())
        }
        #expect(names.contains("email") && names.contains("name") && names.contains("first_name"))
    }

    @Test func idsPerVendor() {
        #expect(catalog.actorFieldNames(vendor: "testlify")?.contains("candidateId") == true)
        #expect(catalog.actorFieldNames(vendor: "talview")?.contains("test_instance_id") == true)
        #expect(catalog.actorFieldNames(vendor: "qualified")?.contains("team_candidate_id") == true)
        #expect(catalog.actorFieldNames(vendor: "nope") == nil)
        #expect(catalog.examplePayload(vendor: "nope", event: "x", quirks: []) == nil)
        #expect(catalog.examplePayload(vendor: "testlify", event: "candidate.nope", quirks: []) == nil)
    }

    @Test func answersForATestlifyInvitation() throws {
        let example = try #require(
            catalog.examplePayload(vendor: "testlify", event: "candidate.invited", quirks: []))
        func answer(_ text: String) throws -> PathAnswer { example.answer(for: try JSONPath(parsing: text)) }
        #expect(try answer("data.candidateId") == .possible)
        // Lists differ in length between payloads: any index reaches what the elements have.
        #expect(try answer("data.customQuestions[40].score") == .possible)
        guard case .absent(let absence) = try answer("data.candidateID") else {
            Issue.record("data.candidateID is not absent")
            return
        }
        #expect(absence.parent.text == "data" && absence.key == "candidateID")
        #expect(absence.siblings.contains("candidateId"))
        guard case .absent(let inList) = try answer("data.customQuestions[40].scroe") else {
            Issue.record("data.customQuestions[40].scroe is not absent")
            return
        }
        #expect(inList.path(to: "score") == "data.customQuestions[40].score")
        #expect(
            try answer("data.customQuestions.score") == .list(try JSONPath(parsing: "data.customQuestions")))
        #expect(example.paths(endingNear: "firstName").first == "data.candidate.firstName")
    }

    @Test func talviewOldMayHoldAnyColumn() throws {
        let example = try #require(
            catalog.examplePayload(vendor: "talview", event: "ae.test_instance.updated", quirks: []))
        #expect(example.answer(for: try JSONPath(parsing: "old.status")) == .possible)
        #expect(example.answer(for: try JSONPath(parsing: "scroe")) != .possible)
    }

    @Test func quirksShapeTheExample() throws {
        let plain = try #require(
            catalog.examplePayload(vendor: "testlify-v1", event: "candidate.completed", quirks: []))
        let without = try #require(
            catalog.examplePayload(
                vendor: "testlify-v1", event: "candidate.completed", quirks: ["missing-timestamp"]))
        #expect(plain.payload["timestamp"] != nil)
        #expect(without.answer(for: try JSONPath(parsing: "timestamp")) != .possible)
    }

    /// Every path of every payload the catalog generates (for several seeds, after every
    /// lifecycle prefix, with each quirk that applies) is possible in the event's example with the
    /// same quirks: `check` reports no path a run could have.
    @Test(arguments: allEvents.map { "\($0.0) \($0.1)" })
    func examplesAdmitEveryGeneratedPath(_ pair: String) throws {
        let parts = pair.split(separator: " ").map(String.init)
        let (vendor, event) = (parts[0], parts[1])
        let (profile, spec) = try catalog.requireEvent(vendor: vendor, event: event)
        let stages = profile.lifecycle.flatMap(\.events)
        let histories = (0...stages.count).map { Array(stages.prefix($0)) }
        var quirkSets: [[String]] = [[]]
        for quirk in profile.quirks where !quirk.always && quirk.events.contains(spec.name) {
            quirkSets.append([quirk.name])
        }
        for quirks in quirkSets {
            let example = try #require(catalog.examplePayload(vendor: vendor, event: event, quirks: quirks))
            for seed: UInt64 in [1, 2, 3] {
                for history in histories {
                    let body = try catalog.generateLifecycle(
                        vendor: vendor, events: history + [spec.name], seed: seed, clock: fixedClock,
                        quirks: quirks
                    ).body
                    for path in Self.paths(in: body) {
                        #expect(
                            example.answer(for: path) == .possible,
                            "\(pair) \(quirks) seed \(seed) after \(history): \(path)")
                    }
                }
            }
        }
    }

    /// Every path to a value in `value`, with real indexes.
    static func paths(in value: JSONValue, prefix: [JSONPath.Component] = []) -> [JSONPath] {
        var out: [JSONPath] = prefix.isEmpty ? [] : [JSONPath(components: prefix)]
        switch value {
        case .object(let object):
            for (key, next) in object { out += paths(in: next, prefix: prefix + [.key(key)]) }
        case .array(let elements):
            for (index, next) in elements.enumerated() {
                out += paths(in: next, prefix: prefix + [.index(index)])
            }
        default:
            break
        }
        return out
    }
}

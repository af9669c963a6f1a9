import Foundation
import ProctorCore
import ProctorJSON
import Testing

@testable import ProctorVendors

/// Runs `events` for one actor and returns the generated events.
func lifecycle(
    _ vendor: String, _ events: [String], seed: UInt64, fields: JSONObject = JSONObject(),
    clock: some WallClock = fixedClock
) throws -> [GeneratedEvent] {
    var actor = ActorState(
        vendor: vendor, name: "jane", seed: seed, fields: fields)
    return try events.map { try catalog.generate(vendor: vendor, event: $0, actor: &actor, clock: clock) }
}

func string(_ v: JSONValue?, _ path: String) -> String? {
    guard let v, let p = try? JSONPath(parsing: path) else { return nil }
    return v.value(at: p)?.stringValue
}

func milliseconds(_ iso: String?) -> Int64? {
    guard let iso else { return nil }
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    if let d = f.date(from: iso) { return Int64((d.timeIntervalSince1970 * 1000).rounded()) }
    f.formatOptions = [.withInternetDateTime]
    return f.date(from: iso).map { Int64($0.timeIntervalSince1970 * 1000) }
}

@Suite struct LifecycleTests {
    static let testlifyLife = [
        "candidate.invited", "candidate.enrolled", "candidate.in_progress", "candidate.completed",
        "candidate.score_updated", "candidate.invited_for_interview",
    ]

    @Test func testlifyIdentityTimeAndStatus() throws {
        for seed in UInt64(1)...50 {
            let events = try lifecycle("testlify", Self.testlifyLife, seed: seed)
            let first = events[0].body
            for e in events {
                for path in [
                    "data.candidateId", "data.assessmentId", "data.orgId", "data.candidate.email",
                    "data.candidate.firstName", "data.candidate.lastName", "data.assessment.name",
                    "data.links.candidateDetailLink",
                    "data.links.inviteLink", "data.status.invitedAt",
                ] {
                    #expect(string(e.body, path) == string(first, path), "seed \(seed) \(e.event) \(path)")
                }
            }
            let stamps = events.compactMap { $0.body["timestamp"]?.intValue }
            #expect(stamps.count == events.count)
            #expect(zip(stamps, stamps.dropFirst()).allSatisfy { $0 < $1 }, "seed \(seed): \(stamps)")
            #expect(
                events.map { string($0.body, "data.status.candidateStatus") ?? "" }
                    == ["INVITED", "ENROLLED", "IN_PROGRESS", "COMPLETED", "COMPLETED", "COMPLETED"])
            // Scores and the report appear once the candidate has completed.
            #expect(events[1].body["data"]?["links"]?["resultLink"] == .null)
            #expect(events[1].body["data"]?["scores"]?["totalScoreAchieved"] == 0)
            #expect(
                string(events[3].body, "data.links.resultLink")?.hasPrefix(
                    "https://cdn-global.net/workspace/") == true)
            #expect(events[3].body["data"]?["status"]?["completedAt"]?.stringValue != nil)
            #expect(events[1].body["data"]?["status"]?["completedAt"] == .null)
        }
    }

    /// The candidates of one run apply to one organisation's assessment: organisation,
    /// assessment and team ids and names are the run's, candidate ids and names each actor's.
    @Test func actorsOfARunShareTheOrganisation() throws {
        for (vendor, event, shared, own) in [
            (
                "testlify", "candidate.completed",
                ["data.orgId", "data.assessmentId", "data.assessment.name", "data.assessment.workspaceUrl"],
                ["data.candidateId", "data.candidate.email"]
            ),
            (
                "qualified", "assessment_result_submitted",
                ["data.assessment.id", "data.assessment.title"],
                ["data.id", "data.team_candidate.id", "data.candidate.email"]
            ),
        ] {
            for seed in UInt64(1)...20 {
                var jane = ActorState(vendor: vendor, name: "jane", seed: seed)
                var sam = ActorState(vendor: vendor, name: "sam", seed: seed)
                let a = try catalog.generate(vendor: vendor, event: event, actor: &jane, clock: fixedClock).body
                let b = try catalog.generate(vendor: vendor, event: event, actor: &sam, clock: fixedClock).body
                for path in shared {
                    #expect(string(a, path) != nil, "\(vendor) \(path)")
                    #expect(string(a, path) == string(b, path), "\(vendor) seed \(seed) \(path)")
                }
                for path in own {
                    #expect(string(a, path) != nil, "\(vendor) \(path)")
                    #expect(string(a, path) != string(b, path), "\(vendor) seed \(seed) \(path)")
                }
            }
        }
    }

    @Test func inviteLinkEncodesTheGeneratedEmail() throws {
        for seed in UInt64(1)...20 {
            for vendor in ["testlify", "testlify-v1"] {
                let e = try catalog.generate(
                    vendor: vendor, event: "candidate.invited", seed: seed, clock: fixedClock)
                let link = try #require(
                    string(e.body, vendor == "testlify" ? "data.links.inviteLink" : "data.inviteLink"))
                #expect(link.hasPrefix("https://candidate.testlify.com/candidate/assessment/invite?key="))
                #expect(link.hasSuffix("&isPublic=false"))
                let key = try #require(link.split(separator: "key=").last?.split(separator: "&").first)
                let decoded = try JSONValue(parsing: [UInt8](try #require(Data(base64Encoded: String(key)))))
                let email = string(e.body, vendor == "testlify" ? "data.candidate.email" : "data.email")
                #expect(decoded.objectValue?.keys == ["email", "inviteKey", "defaultLanguage"])
                #expect(decoded["email"]?.stringValue == email)
                #expect(decoded["inviteKey"]?.stringValue?.hasSuffix("-ik") == true)
                #expect(decoded["inviteKey"]?.stringValue?.count == 39)
            }
        }
    }

    @Test func legacyIdentityAndTime() throws {
        for seed in UInt64(1)...50 {
            let events = try lifecycle(
                "testlify-v1",
                [
                    "candidate.invited", "candidate.enrolled", "candidate.in_progress", "candidate.completed",
                    "candidate.score_updated",
                ], seed: seed)
            for e in events {
                for path in [
                    "data.candidateId", "data.assessmentId", "data.email", "data.firstName", "data.orgName",
                    "data.invitedAt",
                ] {
                    #expect(
                        string(e.body, path) == string(events[0].body, path),
                        "seed \(seed) \(e.event) \(path)")
                }
            }
            let stamps = events.compactMap { $0.body["timestamp"]?.intValue }
            #expect(zip(stamps, stamps.dropFirst()).allSatisfy { $0 < $1 })
            #expect(
                events.map { string($0.body, "data.candidateStage") ?? "" } == [
                    "Invited For Assessment", "Enrolled For Assessment", "Enrolled For Assessment",
                    "Assessment Completed",
                    "Assessment Completed",
                ])
        }
    }

    /// `old` is recomputed independently here: id, then each field of the showcase's `old` type
    /// whose value differs from the previous snapshot, with its previous value.
    @Test func talviewOldHoldsExactlyTheChangedFields() throws {
        for seed in UInt64(1)...50 {
            let events = try lifecycle(
                "talview",
                [
                    "ae.test_instance.created", "ae.test_instance.updated", "ae.test_instance.updated",
                ], seed: seed)
            var previous = try #require(events[0].body.objectValue)
            #expect(previous["old"] == nil)
            for e in events.dropFirst() {
                var current = try #require(e.body.objectValue)
                let old = try #require(current.removeValue(forKey: "old")?.objectValue)
                var expected = JSONObject()
                expected["id"] = previous["id"]
                for (k, v) in current where k != "id" && TalviewDiff.oldKeys.contains(k) {
                    if case .object = v { continue }
                    if case .array = v { continue }
                    if let was = previous[k], was != v { expected[k] = was }
                }
                #expect(old.orderedEquals(expected), "seed \(seed): old \(old) expected \(expected)")
                #expect(old["updated_at"] != nil)
                #expect(old["score"] != nil, "seed \(seed): the score changes on scoring")
                #expect(current["id"] == previous["id"])
                #expect(current["candidate"]?["email"] == previous["candidate"]?["email"])
                #expect(current["created_at"] == previous["created_at"])
                let before = milliseconds(previous["updated_at"]?.stringValue) ?? 0
                let after = milliseconds(current["updated_at"]?.stringValue) ?? 0
                #expect(after > before)
                previous = current
            }
            #expect(events[1].body["measurement"]?["status"] == "completed")
            #expect(events[0].body["measurement"]?["status"] == "pending")
            #expect(events[0].body["candidate"]?["tenant_id"] == nil)
            #expect(events[1].body["candidate"]?["tenant_id"]?.intValue != nil)
        }
    }

    @Test func talviewNestedChangeBubblesUpToTheRoot() throws {
        var actor = ActorState(
            vendor: "talview", name: "x", seed: 3)
        _ = try catalog.generate(
            vendor: "talview", event: "ae.test_instance.created", actor: &actor, clock: fixedClock)
        _ = try catalog.generate(
            vendor: "talview", event: "ae.test_instance.updated", actor: &actor, clock: fixedClock)
        let renamed = try catalog.generate(
            vendor: "talview", event: "ae.test_instance.updated", actor: &actor, clock: fixedClock,
            overrides: [
                Override(path: JSONPath(parsing: "candidate.first_name"), value: "Renamed"),
                Override(path: JSONPath(parsing: "score"), value: .null),
            ])
        #expect(renamed.body["candidate"]?["first_name"] == "Renamed")
        #expect(renamed.body["measurement"]?["measurement_attributes"] != nil)
        let old = try #require(renamed.body["old"]?.objectValue)
        #expect(old.keys == ["id", "score", "updated_at"])
        #expect(old["score"]?.intValue != nil)
    }

    @Test func qualifiedIdentityAndStates() throws {
        for seed in UInt64(1)...50 {
            let events = try lifecycle(
                "qualified",
                [
                    "team_candidate_state_changed", "assessment_result_started", "solution_updated",
                    "assessment_result_submitted",
                    "assessment_result_review_created", "assessment_result_review_submitted",
                    "team_candidate_label_added",
                ], seed: seed)
            let tc = string(events[0].body, "data.id")
            #expect(string(events[1].body, "data.team_candidate.id") == tc)
            #expect(string(events[2].body, "data.team_candidate_id") == tc)
            #expect(string(events[4].body, "data.team_candidate_id") == tc)
            #expect(string(events[6].body, "data.id") == tc)
            #expect(string(events[1].body, "data.id") == string(events[3].body, "data.id"))
            #expect(string(events[4].body, "data.assessment_result_id") == string(events[3].body, "data.id"))
            #expect(string(events[1].body, "data.candidate.email") == string(events[0].body, "data.email"))
            #expect(string(events[0].body, "data.state") == "invited")
            #expect(events[0].body["data"]?["prev_state"] == .null)
            #expect(string(events[1].body, "data.team_candidate.state") == "started")
            #expect(string(events[1].body, "data.team_candidate.prev_state") == "invited")
            #expect(string(events[3].body, "data.state") == "submitted")
            #expect(
                (milliseconds(string(events[3].body, "data.submitted_at")) ?? 0)
                    > (milliseconds(string(events[3].body, "data.started_at")) ?? .max))
            #expect(string(events[6].body, "data.state") == "reviewed")
            #expect(
                events[6].body["data"]?["labels"]?.arrayValue?.first?.stringValue
                    == string(events[6].body, "data.added_label"))
        }
    }

    @Test func referencesMatchThePayloads() throws {
        for vendor in ["testlify", "talview", "qualified"] {
            var actor = ActorState(
                vendor: vendor, name: "jane", seed: 4)
            let first =
                catalog.eventNames(vendor: vendor)
                .first { $0.contains("invited") || $0.contains("created") || $0.contains("state_changed") }
                ?? ""
            let e = try catalog.generate(
                vendor: vendor, event: first == "assessment_created" ? "team_candidate_state_changed" : first,
                actor: &actor, clock: fixedClock)
            let refs = actor.identity.references
            switch vendor {
            case "testlify": #expect(refs["candidateId"] == string(e.body, "data.candidateId"))
            case "talview": #expect(refs["id"] == e.body["id"]?.intValue.map(String.init))
            default: #expect(refs["team_candidate_id"] == string(e.body, "data.id"))
            }
            #expect(refs["email"] == actor.identity.email)
        }
    }

    @Test func actorFieldsOverrideGeneratedOnes() throws {
        let fields: JSONObject = [
            "first_name": "Jane", "last_name": "Doe", "email": "jane.doe@example.com", "orgName": "acme",
        ]
        let t = try lifecycle("testlify", ["candidate.invited"], seed: 1, fields: fields)[0].body
        #expect(string(t, "data.candidate.firstName") == "Jane")
        #expect(string(t, "data.candidate.email") == "jane.doe@example.com")
        let v1 = try lifecycle("testlify-v1", ["candidate.invited"], seed: 1, fields: fields)[0].body
        #expect(string(v1, "data.lastName") == "Doe")
        #expect(string(v1, "data.orgName") == "acme")
        #expect(
            string(v1, "data.candidateDetailLink")?.hasPrefix("https://acme.testlify.com/assessment/") == true
        )
        let talview = try lifecycle(
            "talview", ["ae.test_instance.created"], seed: 1,
            fields: ["first_name": "Jane", "phone_number": "+15550001111"])[0].body
        #expect(string(talview, "candidate.first_name") == "Jane")
        #expect(string(talview, "candidate.phone_number") == "+15550001111")
        let named: JSONObject = ["first_name": "Sofía", "last_name": "Müller"]
        let derived = try lifecycle("qualified", ["team_candidate_state_changed"], seed: 2, fields: named)[0]
            .body
        let email = try #require(string(derived, "data.email"))
        #expect(email.contains("sofia") || email.contains("smuller"))
        #expect(string(derived, "data.name") == "Sofía Müller")
    }
}

@Suite struct QualifiedTimeTests {
    @Test func solutionTimesFallWithinTheAttempt() throws {
        for seed in UInt64(1)...50 {
            let events = try lifecycle(
                "qualified", ["assessment_result_started", "assessment_result_submitted"], seed: seed)
            let body = events[1].body
            let started = try #require(milliseconds(string(body, "data.started_at")))
            let submitted = try #require(milliseconds(string(body, "data.submitted_at")))
            for solution in body["data"]?["solutions"]?.arrayValue ?? [] {
                // A solution that passed no test case has no first_test_case_solved_at.
                let completed = try #require(milliseconds(solution["completed_at"]?.stringValue))
                let solved = milliseconds(solution["first_test_case_solved_at"]?.stringValue) ?? completed
                #expect(started <= solved && solved <= completed && completed <= submitted, "seed \(seed)")
            }
        }
    }
}

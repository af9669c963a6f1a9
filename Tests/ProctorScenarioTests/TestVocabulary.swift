import Foundation
import ProctorCore
import ProctorJSON
import ProctorScenario

/// A small catalog for tests: a few events per vendor, wire-name aliases, lifecycle stages,
/// quirks for the legacy Testlify shape, and an order rule (a candidate's status never goes back;
/// a Talview record is created before it is updated).
struct TestVocabulary: EventVocabulary {
    static let candidateStages = [
        "invited", "enrolled", "in_progress", "completed", "score_updated", "disqualified", "rejected",
    ]
    static let testlifyEvents =
        candidateStages.map { "candidate.\($0)" } + [
            "candidate.invitation_expired", "candidate.invited_for_interview", "assessment.created",
            "assessment.updated", "assessment.deleted", "assessment.archived",
        ]
    static let events: [String: [String]] = [
        "talview": ["ae.test_instance.created", "ae.test_instance.updated"],
        "testlify": testlifyEvents,
        "testlify-v1": testlifyEvents,
        "qualified": [
            "assessment.created", "assessment.updated", "assessment_result.started",
            "assessment_result.submitted",
            "assessment_result.state_changed", "solution.created", "solution.updated",
            "team_candidate.state_changed", "team_candidate.label_added",
        ],
    ]

    static let vendorNames = ["talview", "testlify", "testlify-v1", "qualified"]
    var vendorNames: [String] { Self.vendorNames }

    func eventNames(vendor: String) -> [String] { Self.events[vendor] ?? [] }
    func versionNames(vendor: String) -> [String] { vendor == "talview" ? ["classic", "flat"] : [] }
    func mirrorVendor(vendor: String) -> String? {
        ["testlify": "testlify-v1", "testlify-v1": "testlify"][vendor]
    }

    func resolveEvent(vendor: String, name: String) -> String? {
        let names = eventNames(vendor: vendor)
        if names.contains(name) { return name }
        // Wire names: `ae_test_instance_created`, `assessment_result_submitted`.
        return names.first { $0.replacingOccurrences(of: ".", with: "_") == name }
    }

    func lifecycleStages(vendor: String) -> [String] {
        switch vendor {
        case "testlify", "testlify-v1": return Self.candidateStages
        case "talview": return ["created", "updated"]
        case "qualified": return ["started", "submitted"]
        default: return []
        }
    }

    /// One event per stage, except Qualified's, which also send the result's and the team
    /// candidate's state changes.
    func lifecycleEvents(vendor: String, stage: String) -> [String] {
        guard lifecycleStages(vendor: vendor).contains(stage) else { return [] }
        switch vendor {
        case "talview": return ["ae.test_instance.\(stage)"]
        case "qualified":
            return [
                "assessment_result.\(stage)", "assessment_result.state_changed",
                "team_candidate.state_changed",
            ]
        default: return ["candidate.\(stage)"]
        }
    }

    func quirkNames(vendor: String) -> [String] {
        vendor == "testlify-v1"
            ? ["result-link-string-null", "missing-timestamp", "score-as-status-changed"] : []
    }

    /// Gaps are allowed; an earlier stage after a later one is not (as the vendor catalog says).
    func orderProblem(vendor: String, events: [String]) -> OrderProblem? {
        guard vendor == "testlify" || vendor == "testlify-v1" else { return nil }
        let rank = Dictionary(
            uniqueKeysWithValues: Self.candidateStages.prefix(4).enumerated().map {
                ("candidate.\($0.element)", $0.offset)
            })
        var highest: (rank: Int, event: String, index: Int)?
        for (index, event) in events.enumerated() {
            guard let r = rank[event] else { continue }
            if let h = highest, r < h.rank {
                return OrderProblem(
                    index: index, earlierIndex: h.index, reason: "'\(event)' cannot follow '\(h.event)'")
            }
            if highest == nil || r > (highest?.rank ?? 0) { highest = (r, event, index) }
        }
        return nil
    }
}

extension TestVocabulary {
    /// Names and email under both spellings, plus ids per vendor (as the catalog's actors have).
    func actorFieldNames(vendor: String) -> [String]? {
        let common = ["first_name", "last_name", "firstName", "lastName", "name", "email"]
        switch vendor {
        case "testlify", "testlify-v1":
            return common + ["candidateId", "assessmentId", "orgId", "workspaceUrl"]
        case "talview": return common + ["id", "test_instance_id", "candidate_id"]
        case "qualified": return common + ["team_candidate_id", "assessment_result_id", "assessment_id"]
        default: return nil
        }
    }

    /// A small candidate payload for Testlify's candidate events (`missing-timestamp` leaves out
    /// `timestamp`) and Talview's update, whose `old` may hold any key; none for other events.
    func examplePayload(vendor: String, event: String, quirks: [String]) -> PayloadExample? {
        switch vendor {
        case "testlify", "testlify-v1":
            guard event.hasPrefix("candidate.") else { return nil }
            var root: JSONObject = [
                "event": .string(String(event.dropFirst("candidate.".count))), "timestamp": 1_750_000_000,
                "data": [
                    "candidateId": "6650c0ffee", "assessmentId": "6650beef", "email": "a@example.com",
                    "status": "INVITED", "completedAt": nil,
                    "customQuestions": [
                        ["question": "Why?", "score": 1], ["question": "How?", "score": 2],
                    ],
                    "scores": ["totalScore": 10],
                ],
            ]
            if quirks.contains("missing-timestamp") { root.removeValue(forKey: "timestamp") }
            return PayloadExample(payload: .object(root))
        case "talview":
            guard event == "ae.test_instance.updated" else { return nil }
            return PayloadExample(
                payload: ["id": 123_456, "score": 70, "old": ["id": 123_456, "score": 0]],
                openObjects: [JSONPath(components: [.key("old")])])
        default:
            return nil
        }
    }
}

enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures").path
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    static func files(in subdirectory: String, ext: String = "yaml") -> [String] {
        let path = directory + "/" + subdirectory
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.filter { $0.hasSuffix("." + ext) }.sorted()
    }

    static func loader(in directory: String, environment: [String: String] = ["PROCTOR_TEST_SET": "set"])
        -> ScenarioLoader
    {
        ScenarioLoader(vocabulary: TestVocabulary(), environment: environment, currentDirectory: directory)
    }
}

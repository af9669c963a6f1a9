import ProctorCore
import ProctorJSON
import Testing

@testable import ProctorVendors

/// Qualified's world: every event of a run is a projection of one set of records. Checked on the
/// bytes sent, with rules written out here independently of the builder.
@Suite struct QualifiedWorldTests {
    /// Every Qualified event, organisational ones included, in an order Qualified can send them.
    static let fullLife = [
        "challenge_created", "challenge_updated", "challenge_published",
        "assessment_created", "assessment_updated", "assessment_published",
        "team_candidate_state_changed", "assessment_result_state_changed.invited",
        "assessment_result_state_changed",
        "assessment_result_started", "assessment_result_state_changed.started",
        "team_candidate_state_changed.started", "team_candidate_started_assessment",
        "team_candidate_state_changed",
        "solution_created", "solution_updated", "solution_updated", "solution_created", "solution_updated",
        "assessment_result_state_changed.submitting",
        "assessment_result_submitted", "assessment_result_state_changed.submitted",
        "team_candidate_state_changed.submitted", "team_candidate_submitted_assessment",
        "team_candidate_state_changed.risk_detected",
        "assessment_result_review_created", "assessment_result_review_updated",
        "assessment_result_review_submitted", "team_candidate_state_changed.reviewed",
        "team_candidate_label_added", "team_candidate_label_added", "team_candidate_label_removed",
        "assessment_result_review_destroyed", "team_candidate_state_changed",
        "assessment_result_state_changed",
        "team_candidate_state_changed.approved", "team_candidate_state_changed.rejected",
        "team_candidate_label_removed", "team_candidate_state_changed.archived",
        "challenge_destroyed", "assessment_destroyed",
    ]

    /// A second candidate of the same run whose attempt is terminated.
    static let terminatedLife = [
        "team_candidate_state_changed", "assessment_result_state_changed.invited",
        "assessment_result_state_changed",
        "assessment_result_started", "assessment_result_state_changed.started",
        "team_candidate_state_changed.started", "solution_updated",
        "assessment_result_state_changed.terminated",
        "team_candidate_state_changed.rejected",
    ]

    static let teamRank: [String: Int] = [
        "invited": 1, "started": 2, "submitted": 3, "risk_detected": 4, "reviewed": 5, "approved": 6,
        "rejected": 6, "archived": 7,
    ]
    static let resultRank: [String: Int] = [
        "invited": 1, "opened": 2, "started": 3, "submitting": 4, "submitted": 5, "terminated": 5,
    ]

    struct Sent {
        var event: String
        var time: Int64
        var data: JSONValue
    }

    static func run(seed: UInt64) throws -> [Sent] {
        #expect(catalog.orderProblem(vendor: "qualified", events: fullLife) == nil)
        #expect(catalog.orderProblem(vendor: "qualified", events: terminatedLife) == nil)
        var sam = ActorState(vendor: "qualified", name: "sam", seed: seed)
        let second = try terminatedLife.map {
            try catalog.generate(vendor: "qualified", event: $0, actor: &sam, clock: fixedClock)
        }
        return try (lifecycle("qualified", fullLife, seed: seed) + second).map { e in
            let body = try JSONValue(parsing: e.bodyBytes)
            #expect(body["event"]?.stringValue == e.wireName)
            return Sent(event: e.event, time: e.timeMilliseconds, data: try #require(body["data"]))
        }
    }

    static func isoTimes(_ value: JSONValue, into out: inout [Int64]) {
        switch value {
        case .string(let s): if s.isISOTimestamp, let ms = milliseconds(s) { out.append(ms) }
        case .array(let a): for x in a { isoTimes(x, into: &out) }
        case .object(let o): for (_, x) in o { isoTimes(x, into: &out) }
        default: break
        }
    }

    @Test func invariantsHoldForEveryEventOfARun() throws {
        for seed in UInt64(1)...200 {
            let sent = try Self.run(seed: seed)
            let jane = Array(sent.prefix(Self.fullLife.count))
            try check(jane, seed: seed)
            try check(Array(sent.dropFirst(Self.fullLife.count)), seed: seed)
            // Run-wide: both candidates take the same assessment with the same challenges.
            let assessments = Set(sent.compactMap { $0.data["assessment"]?["id"]?.stringValue })
            #expect(assessments.count == 1, "seed \(seed)")
        }
    }

    func check(_ sent: [Sent], seed: UInt64) throws {
        var challenges: [String: JSONValue] = [:]
        var assessmentChallengeIds: Set<String> = []
        var assessmentId: String?
        var teamCandidateId: String?
        var email: String?
        var resultId: String?
        var solutions: [String: (challenge: String, language: String, attempts: Int, passed: Int)] = [:]
        var resultTimes: [String: Int64] = [:]
        var teamState: String?
        var resultState: String?
        var resultsSeen = false
        var resultsCount = 0
        var labels: [String]?
        var passingScores: [Double] = []
        var failingScores: [Double] = []
        var previousTime: Int64 = .min
        var lastData: [String: JSONValue] = [:]
        let twins = [
            "team_candidate_started_assessment": "assessment_result_started",
            "team_candidate_submitted_assessment": "assessment_result_submitted",
        ]
        // The events Qualified fires with the one before them for the same change: the result's
        // state change repeats the result, the team candidate's shows the result's team candidate.
        var previous: (event: String, data: JSONValue)?
        let accompanying = [
            "assessment_result_state_changed.invited": "team_candidate_state_changed",
            "assessment_result_state_changed.started": "assessment_result_started",
            "team_candidate_state_changed.started": "assessment_result_state_changed.started",
            "assessment_result_state_changed.submitted": "assessment_result_submitted",
            "team_candidate_state_changed.submitted": "assessment_result_state_changed.submitted",
        ]
        func note(_ c: JSONValue, _ where_: String) {
            guard let id = c["id"]?.stringValue else { return }
            var c = c
            if case .object(var o) = c {
                o["summary"] = nil
                c = .object(o)
            }
            if let known = challenges[id] {
                #expect(known == c, "seed \(seed) \(where_): challenge \(id) changed")
            }
            challenges[id] = c
        }
        var librarySummary: JSONValue?
        func checkTeam(_ state: String?, _ previous: JSONValue?, _ at: String) throws {
            let state = try #require(state)
            if let from = teamState, from != state {
                let a = Self.teamRank[from] ?? 0
                let b = Self.teamRank[state] ?? 0
                #expect(b > a || (a == 6 && b == 6), "\(at): \(from) -> \(state)")
                #expect(previous?.stringValue == from || b > a, "\(at)")
            }
            if let p = previous?.stringValue {
                let a = Self.teamRank[p] ?? 0
                let b = Self.teamRank[state] ?? 0
                #expect(b > a || (a == 6 && b == 6), "\(at): prev_state \(p), state \(state)")
            }
            teamState = state
        }

        for s in sent {
            let d = s.data
            let at = "seed \(seed) \(s.event)"
            // Times: events move forward, no payload time is after its event.
            #expect(s.time > previousTime, "\(at)")
            let gap = previousTime == .min ? Int64.max : s.time - previousTime
            previousTime = s.time
            defer { previous = (s.event, d) }
            var times: [Int64] = []
            Self.isoTimes(d, into: &times)
            #expect(times.allSatisfy { $0 <= s.time }, "\(at): a time after the event")

            if let wanted = twins[s.event] {
                #expect(lastData[wanted] == d, "\(at): not the same data as its twin")
            }
            lastData[s.event] = d
            if let leader = accompanying[s.event], let before = previous, before.event == leader {
                #expect(gap < 1000, "\(at): does not follow at once")
                let state = String(s.event.split(separator: ".")[1])
                if s.event.hasPrefix("assessment_result_"), before.data["team_candidate"] != nil {
                    #expect(d == before.data, "\(at): not the data of \(leader)")
                }
                let team = d["team_candidate"] ?? d
                let shown = before.data["team_candidate"] ?? before.data
                #expect(team["state"] == shown["state"] && team["prev_state"] == shown["prev_state"], "\(at)")
                #expect(d["state"]?.stringValue == state, "\(at)")
            }

            switch s.event {
            case let e where e.hasPrefix("challenge_"):
                note(d, at)
                #expect(!assessmentChallengeIds.contains(d["id"]?.stringValue ?? ""))
                if e == "challenge_destroyed" { #expect(d["summary"] == librarySummary, "\(at)") }
                librarySummary = d["summary"]
            case let e where e.hasPrefix("assessment_") && !e.hasPrefix("assessment_result"):
                if let id = assessmentId { #expect(d["id"]?.stringValue == id, "\(at)") }
                assessmentId = d["id"]?.stringValue
                let ids = Set((d["challenges"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue })
                if !assessmentChallengeIds.isEmpty { #expect(ids == assessmentChallengeIds, "\(at)") }
                assessmentChallengeIds = ids
                for c in d["challenges"]?.arrayValue ?? [] { note(c, at) }
            default: break
            }

            // Solutions, alone or inside a result.
            var solutionList: [JSONValue] = []
            if s.event.hasPrefix("solution_") { solutionList = [d] }
            if let list = d["solutions"]?.arrayValue { solutionList = list }
            for sol in solutionList {
                let id = try #require(sol["id"]?.stringValue)
                let challenge = try #require(sol["challenge"])
                note(challenge, at)
                let challengeId = try #require(challenge["id"]?.stringValue)
                if !assessmentChallengeIds.isEmpty {
                    #expect(assessmentChallengeIds.contains(challengeId), "\(at): unknown challenge")
                }
                let language = try #require(sol["language"]?.stringValue)
                let attempts = try #require(sol["attempts"]?.intValue)
                let passed = try #require(sol["passed_test_cases"]?.intValue)
                let total = try #require(sol["total_test_cases"]?.intValue)
                if let known = solutions[id] {
                    #expect(
                        known.challenge == challengeId && known.language == language, "\(at): \(id) moved")
                    #expect(attempts >= known.attempts && passed >= known.passed, "\(at): \(id) went back")
                }
                #expect(
                    solutions.filter { $0.key != id && $0.value.challenge == challengeId }.isEmpty,
                    "\(at): two solutions for one challenge")
                solutions[id] = (challengeId, language, attempts, passed)
                #expect(passed <= total)
                let score = try #require(sol["score"]?.doubleValue)
                #expect(score == (Double(passed) * 100 / Double(total)).rounded(), "\(at): score \(score)")
                if attempts > 0 {
                    #expect(sol["failed_test_names"]?.arrayValue?.count == total - passed, "\(at)")
                    if sol["passing_score"]?.boolValue == true {
                        passingScores.append(score)
                    } else {
                        failingScores.append(score)
                    }
                }
                let solved = milliseconds(sol["first_test_case_solved_at"]?.stringValue)
                let completed = milliseconds(sol["completed_at"]?.stringValue)
                if let solved, let completed { #expect(solved <= completed, "\(at)") }
                if passed > 0 { #expect(solved != nil, "\(at)") }
                if let started = resultTimes["started_at"], let solved { #expect(started <= solved, "\(at)") }
                if let id = sol["team_candidate_id"]?.stringValue, let tc = teamCandidateId {
                    #expect(id == tc)
                }
                if let id = sol["assessment_result_id"]?.stringValue, let r = resultId { #expect(id == r) }
                if let id = sol["assessment_id"]?.stringValue, let a = assessmentId { #expect(id == a) }
            }

            // The result.
            if let tc = d["team_candidate"] {
                resultsSeen = true
                if let r = resultId { #expect(d["id"]?.stringValue == r, "\(at)") }
                resultId = d["id"]?.stringValue
                if let a = assessmentId { #expect(d["assessment"]?["id"]?.stringValue == a, "\(at)") }
                if let id = teamCandidateId { #expect(tc["id"]?.stringValue == id, "\(at)") }
                teamCandidateId = tc["id"]?.stringValue
                if let e = email { #expect(d["candidate"]?["email"]?.stringValue == e, "\(at)") }
                email = d["candidate"]?["email"]?.stringValue
                let scores = (d["solutions"]?.arrayValue ?? []).compactMap { $0["score"]?.doubleValue }
                let average = scores.isEmpty ? 0 : (scores.reduce(0, +) / Double(scores.count)).rounded()
                let score = try #require(d["score"]?.doubleValue)
                #expect(score == average, "\(at): score \(score), solutions \(scores)")
                let state = try #require(d["state"]?.stringValue)
                if state == "submitted" {
                    let ids = Set(
                        (d["solutions"]?.arrayValue ?? []).compactMap { $0["challenge"]?["id"]?.stringValue })
                    #expect(
                        ids == assessmentChallengeIds, "\(at): a submitted result answers every challenge")
                    if d["passing_score"]?.boolValue == true {
                        passingScores.append(score)
                    } else {
                        failingScores.append(score)
                    }
                }
                #expect(
                    Self.resultRank[state] ?? 0 >= Self.resultRank[resultState ?? ""] ?? 0,
                    "\(at): \(resultState ?? "-") -> \(state)")
                if resultState == "submitted" || resultState == "terminated" { #expect(state == resultState) }
                resultState = state
                for key in ["invited_at", "started_at", "submitted_at"] {
                    let value = milliseconds(d[key]?.stringValue)
                    if let known = resultTimes[key] { #expect(value == known, "\(at): \(key) changed") }
                    if let value { resultTimes[key] = value }
                }
                let ordered = ["invited_at", "started_at", "submitted_at"].compactMap { resultTimes[$0] }
                #expect(ordered == ordered.sorted(), "\(at)")
                try checkTeam(tc["state"]?.stringValue, tc["prev_state"], at)
            }

            // The team candidate.
            if d["anonymous_name"] != nil, d["team_candidate"] == nil {
                if let id = teamCandidateId { #expect(d["id"]?.stringValue == id, "\(at)") }
                teamCandidateId = d["id"]?.stringValue
                if let e = email { #expect(d["email"]?.stringValue == e, "\(at)") }
                email = d["email"]?.stringValue
                let count = try #require(d["assessment_results_count"]?.intValue)
                #expect(count >= resultsCount && count <= 1, "\(at)")
                if resultsSeen { #expect(count == 1, "\(at)") }
                resultsCount = count
                if let added = d["added_label"]?.stringValue { labels = (labels ?? []) + [added] }
                if let removed = d["removed_label"]?.stringValue {
                    labels = (labels ?? [removed]).filter { $0 != removed }
                }
                let sentLabels = d["labels"]?.arrayValue?.compactMap(\.stringValue)
                #expect(sentLabels == labels, "\(at): labels \(String(describing: sentLabels))")
                try checkTeam(d["state"]?.stringValue, d["prev_state"], at)
            }

            // Reviews.
            if s.event.hasPrefix("assessment_result_review_") {
                if let r = resultId { #expect(d["assessment_result_id"]?.stringValue == r, "\(at)") }
                if let tc = teamCandidateId { #expect(d["team_candidate_id"]?.stringValue == tc, "\(at)") }
                for sr in d["solution_reviews"]?.arrayValue ?? [] {
                    let solution = try #require(
                        solutions[sr["solution_id"]?.stringValue ?? ""], "\(at): unknown solution")
                    #expect(sr["challenge_id"]?.stringValue == solution.challenge, "\(at)")
                }
            }
        }
        // One cut score: every passing score is above every failing one.
        if let low = passingScores.min(), let high = failingScores.max() {
            #expect(high < low, "seed \(seed): failing \(high) >= passing \(low)")
        }

    }

    // Regression tests, one per defect of the template-filled payloads.

    @Test func startedAndSubmittedShareSolutionIdsOfTheAssessment() throws {
        for seed in UInt64(1)...30 {
            let e = try lifecycle(
                "qualified",
                ["assessment_created", "assessment_result_started", "assessment_result_submitted"],
                seed: seed)
            let challengeIds = (e[0].body["data"]?["challenges"]?.arrayValue ?? []).compactMap {
                $0["id"]?.stringValue
            }
            let started = try #require(e[1].body["data"]?["solutions"]?.arrayValue?.first)
            let submitted = try #require(e[2].body["data"]?["solutions"]?.arrayValue)
            #expect(submitted.first?["id"] == started["id"])
            #expect(submitted.first?["challenge"]?["id"] == started["challenge"]?["id"])
            #expect(submitted.compactMap { $0["challenge"]?["id"]?.stringValue } == challengeIds)
        }
    }

    @Test func solutionEventsKeepTheirChallengeAndLanguage() throws {
        for seed in UInt64(1)...30 {
            let e = try lifecycle(
                "qualified", ["assessment_created", "solution_created", "solution_updated"], seed: seed)
            let challenges = e[0].body["data"]?["challenges"]?.arrayValue ?? []
            let created = try #require(e[1].body["data"])
            let updated = try #require(e[2].body["data"])
            #expect(created["challenge"] == updated["challenge"])
            #expect(created["language"] == updated["language"])
            #expect(created["id"] == updated["id"])
            #expect(challenges.contains { $0 == created["challenge"] })
        }
    }

    @Test func reviewsReviewTheSolutionsSent() throws {
        for seed in UInt64(1)...30 {
            let e = try lifecycle(
                "qualified", ["assessment_result_submitted", "assessment_result_review_submitted"], seed: seed
            )
            let solutions = e[0].body["data"]?["solutions"]?.arrayValue ?? []
            let reviews = e[1].body["data"]?["solution_reviews"]?.arrayValue ?? []
            #expect(reviews.count == solutions.count)
            for (review, solution) in zip(reviews, solutions) {
                #expect(review["solution_id"] == solution["id"])
                #expect(review["challenge_id"] == solution["challenge"]?["id"])
            }
        }
    }

    @Test func challengeDestroyedIsTheSameChallenge() throws {
        for seed in UInt64(1)...30 {
            let e = try lifecycle("qualified", ["challenge_created", "challenge_destroyed"], seed: seed)
            #expect(e[0].body["data"] == e[1].body["data"])
        }
    }

    @Test func scoresFollowTheTestCases() throws {
        for seed in UInt64(1)...50 {
            let data = try #require(
                try lifecycle("qualified", ["assessment_result_submitted"], seed: seed)[0].body["data"])
            var scores: [Double] = []
            for s in data["solutions"]?.arrayValue ?? [] {
                let passed = Double(s["passed_test_cases"]?.intValue ?? -1)
                let total = Double(s["total_test_cases"]?.intValue ?? -1)
                let score = try #require(s["score"]?.doubleValue)
                #expect(score == (passed / total * 100).rounded())
                scores.append(score)
            }
            #expect(data["score"]?.doubleValue == (scores.reduce(0, +) / Double(scores.count)).rounded())
        }
    }

    @Test func invitedAtStaysOnTheResult() throws {
        for seed in UInt64(1)...30 {
            let e = try lifecycle(
                "qualified",
                [
                    "assessment_result_state_changed", "assessment_result_started",
                    "assessment_result_submitted",
                ],
                seed: seed)
            let invited = try #require(string(e[0].body, "data.invited_at"))
            #expect(string(e[1].body, "data.invited_at") == invited)
            #expect(string(e[2].body, "data.invited_at") == invited)
        }
    }

    @Test func destroyingAReviewRewindsNothing() throws {
        for seed in UInt64(1)...30 {
            let e = try lifecycle(
                "qualified",
                [
                    "assessment_result_submitted", "assessment_result_review_submitted",
                    "assessment_result_review_destroyed", "assessment_result_state_changed",
                    "team_candidate_state_changed",
                ], seed: seed)
            // The destroyed review is sent as it was (submitted), not as a new one.
            #expect(string(e[2].body, "data.state") == "submitted")
            #expect(string(e[2].body, "data.id") == string(e[1].body, "data.id"))
            #expect(e[2].body["data"]?["submitted_at"] == e[1].body["data"]?["submitted_at"])
            #expect(e[2].body["data"]?["solution_reviews"] == e[1].body["data"]?["solution_reviews"])
            #expect(string(e[3].body, "data.state") == "submitted")
            #expect(string(e[3].body, "data.submitted_at") == string(e[0].body, "data.submitted_at"))
            #expect(string(e[4].body, "data.state") == "reviewed")
        }
    }

    @Test func deprecatedTwinsCarryTheSameResult() throws {
        for seed in UInt64(1)...30 {
            let e = try lifecycle(
                "qualified",
                [
                    "assessment_result_started", "team_candidate_started_assessment", "solution_updated",
                    "assessment_result_submitted", "team_candidate_submitted_assessment",
                ], seed: seed)
            #expect(e[0].body["data"] == e[1].body["data"])
            #expect(e[3].body["data"] == e[4].body["data"])
        }
    }

    @Test func labelsAreEmptyOnceRemovedAndNullOnlyBeforeAny() throws {
        let e = try lifecycle(
            "qualified",
            ["team_candidate_state_changed", "team_candidate_label_added", "team_candidate_label_removed"],
            seed: 7)
        #expect(e[0].body["data"]?["labels"] == .null)
        #expect(e[1].body["data"]?["labels"]?.arrayValue?.count == 1)
        #expect(e[2].body["data"]?["labels"] == .array([]))
        #expect(e[2].body["data"]?["removed_label"] == e[1].body["data"]?["added_label"])
    }

    @Test func everyStateHasALifecycleStage() throws {
        let stages = catalog.lifecycleStages(vendor: "qualified")
        for state in [
            "invited", "opened", "started", "submitting", "submitted", "terminated", "risk_detected",
            "reviewed",
            "approved", "rejected", "archived",
        ] {
            #expect(stages.contains(state), "\(state)")
        }
        var actor = ActorState(vendor: "qualified", name: "ada", seed: 3)
        for stage in stages where stage != "terminated" {
            let events = catalog.lifecycleEvents(vendor: "qualified", stage: stage)
            let bodies = try events.map {
                try catalog.generate(vendor: "qualified", event: $0, actor: &actor, clock: fixedClock).body
            }
            let body = try #require(bodies.first)
            // Every event of the stage shows the stage's state.
            for other in bodies.dropFirst() {
                #expect(other["data"]?["state"]?.stringValue == stage, "\(stage)")
                if other["data"]?["team_candidate"] != nil, body["data"]?["team_candidate"] != nil {
                    #expect(other["data"] == body["data"], "\(stage)")
                }
            }
            let state = body["data"]?["team_candidate"]?["state"] ?? body["data"]?["state"]
            if !["opened", "solved", "submitting"].contains(stage) {
                #expect(state?.stringValue == stage, "\(stage)")
            }
            if ["opened", "submitting"].contains(stage) {
                #expect(body["data"]?["state"]?.stringValue == stage)
            }
        }
    }
}

import Foundation
import ProctorCore
import ProctorJSON
import Testing

@testable import ProctorVendors

/// What the assessment events of a run say about the assessment (read from the emitted bytes).
private struct AssessmentRecord: Equatable {
    var libraryIds: [String] = []
    var questionLimits: [Int] = []
    var timeLimits: [Int] = []
    var maximumScores: [Int] = []
    var customQuestionIds: [String] = []
    var customMaximumScores: [Int] = []
    var customDurations: [Int] = []
    var totalTime = 0
    var totalTestLibrary = 0
    var totalCustomQuestion = 0
}

private func reparsed(_ event: GeneratedEvent) throws -> JSONValue {
    try JSONValue(parsing: event.bodyBytes)
}

private func items(_ value: JSONValue?) -> [JSONValue] { value?.arrayValue ?? [] }
private func number(_ value: JSONValue?) -> Double { value?.doubleValue ?? .nan }
private func integer(_ value: JSONValue?) -> Int { value?.intValue ?? Int.min }
private func instant(_ value: JSONValue?) -> Int64? {
    value?.stringValue.flatMap(FakeData.milliseconds(fromISOTimestamp:))
}
private func rounded(_ part: Int, of whole: Int) -> Int {
    whole == 0 ? 0 : Int((Double(part) * 100 / Double(whole)).rounded())
}

/// Whole numbers written with a fraction (`0.0`), which a JavaScript sender never writes.
private func fractionalWholes(_ value: JSONValue, _ path: String = "$") -> [String] {
    switch value {
    case .number(let n): return !n.isIntegerLiteral && n.isInteger ? ["\(path) = \(n)"] : []
    case .object(let o): return o.flatMap { fractionalWholes($0.value, path + "." + $0.key) }
    case .array(let a): return a.enumerated().flatMap { fractionalWholes($1, path + "[\($0)]") }
    default: return []
    }
}

/// The run's assessment as one assessment payload shows it (v1 or v2).
private func record(_ body: JSONValue) -> AssessmentRecord {
    let data = body["data"]
    var r = AssessmentRecord()
    if let limits = data?["limits"] {
        let libraries = items(data?["testLibraries"])
        r.libraryIds = libraries.compactMap { $0["testLibraryId"]?.stringValue }
        r.questionLimits = libraries.map { integer($0["questionLimit"]) }
        r.timeLimits = libraries.map { integer($0["timeLimit"]) }
        r.maximumScores = libraries.map { integer($0["maximumScore"]) }
        r.totalTime = integer(limits["totalTime"])
        r.totalTestLibrary = integer(limits["totalTestLibrary"])
        r.totalCustomQuestion = integer(limits["totalCustomQuestion"])
    } else {
        let libraries = items(data?["testLibrary"])
        r.libraryIds = libraries.compactMap { $0["testLibraryId"]?.stringValue }
        r.questionLimits = libraries.map { integer($0["questionLimit"]) }
        r.timeLimits = libraries.map { integer($0["timeLimit"]) }
        r.maximumScores = r.questionLimits
        let custom = items(data?["customQuestion"])
        r.customQuestionIds = custom.compactMap { $0["assessmentCQId"]?.stringValue }
        r.customMaximumScores = custom.map { integer($0["maximumScore"]) }
        r.customDurations = custom.map { integer($0["duration"]) }
        r.totalTime = integer(data?["totalTime"])
        r.totalTestLibrary = integer(data?["totalTestLibrary"])
        r.totalCustomQuestion = integer(data?["totalCustomQuestion"])
    }
    return r
}

/// Candidate statuses and the statuses each may move to.
private let allowedTransitions: [String: Set<String>] = [
    "INVITED": ["ENROLLED", "IN_PROGRESS", "COMPLETED", "DISQUALIFIED", "REJECTED", "INVITATION_EXPIRED"],
    "ENROLLED": ["IN_PROGRESS", "COMPLETED", "DISQUALIFIED", "REJECTED"],
    "IN_PROGRESS": ["COMPLETED", "DISQUALIFIED", "REJECTED"],
    "COMPLETED": ["DISQUALIFIED", "REJECTED"],
    "DISQUALIFIED": [],
    "REJECTED": ["COMPLETED"],
    "INVITATION_EXPIRED": [],
]

private let assessmentStatusRank = ["DRAFT": 0, "PUBLISHED": 1, "SUBSCRIBED": 2]

/// The Testlify world's invariants, checked on the bytes of every event of whole lifecycles.
@Suite struct TestlifyWorldTests {
    static let v1Life = [
        "assessment.created", "assessment.updated", "candidate.invited", "candidate.enrolled",
        "candidate.in_progress", "candidate.completed", "candidate.score_updated", "candidate.disqualified",
        "assessment.archived", "assessment.updated", "assessment.deleted",
    ]
    static let v2Life = [
        "assessment.created", "assessment.updated", "candidate.invited", "candidate.enrolled",
        "candidate.in_progress", "candidate.completed", "candidate.score_updated",
        "candidate.invited_for_interview", "candidate.rejected", "assessment.archived", "assessment.updated",
        "assessment.deleted",
    ]
    /// Shorter lives: expiry, early disqualification, events first seen late.
    static let shortLives = [
        ["candidate.invited", "candidate.invitation_expired"],
        ["candidate.invited", "candidate.disqualified"],
        ["candidate.invited", "candidate.enrolled", "candidate.in_progress", "candidate.disqualified"],
        ["candidate.completed", "candidate.score_updated"],
        ["candidate.score_updated"],
        ["assessment.archived", "assessment.deleted"],
    ]

    @Test func lifecycleOrdersAreOnesTheVendorCanSend() {
        #expect(catalog.orderProblem(vendor: "testlify-v1", events: Self.v1Life) == nil)
        #expect(catalog.orderProblem(vendor: "testlify", events: Self.v2Life) == nil)
        for life in Self.shortLives {
            #expect(catalog.orderProblem(vendor: "testlify", events: life) == nil)
        }
    }

    @Test func everyLifecycleHoldsTogether() throws {
        for seed in UInt64(1)...200 {
            try check("testlify-v1", Self.v1Life, seed: seed)
            try check("testlify", Self.v2Life, seed: seed)
            for life in Self.shortLives {
                try check("testlify-v1", life, seed: seed)
                try check("testlify", life, seed: seed)
            }
            for event in ["candidate.invited_for_interview", "candidate.rejected", "assessment.deleted"] {
                try check("testlify", [event], seed: seed)
            }
        }
    }

    /// The migration period: the same lifecycle sent to a v1 and a v2 endpoint carries the same
    /// data (ids, totals, scores, times).
    @Test func v1AndV2CarryTheSameData() throws {
        let life = [
            "assessment.updated", "candidate.invited", "candidate.enrolled", "candidate.in_progress",
            "candidate.completed", "candidate.score_updated",
        ]
        for seed in UInt64(1)...200 {
            let v1 = try lifecycle("testlify-v1", life, seed: seed).map(reparsed)
            let v2 = try lifecycle("testlify", life, seed: seed).map(reparsed)
            let a1 = record(v1[0])
            let a2 = record(v2[0])
            #expect(a1.libraryIds == a2.libraryIds, "seed \(seed)")
            #expect(a1.timeLimits == a2.timeLimits && a1.questionLimits == a2.questionLimits)
            #expect(a1.totalTime == a2.totalTime && a1.totalCustomQuestion == a2.totalCustomQuestion)
            for (b1, b2) in zip(v1.dropFirst(), v2.dropFirst()) {
                let d1 = b1["data"]
                let d2 = b2["data"]
                let scores = d2?["scores"]
                #expect(
                    d1?["candidateId"] == d2?["candidateId"] && d1?["assessmentId"] == d2?["assessmentId"])
                #expect(d1?["invitedAt"] == d2?["status"]?["invitedAt"])
                #expect(d1?["completedAt"] == d2?["status"]?["completedAt"], "seed \(seed)")
                for key in ["totalScoreAchieved", "totalTestElapsedTime"] {
                    #expect(d1?[key] == scores?[key], "seed \(seed) \(key)")
                }
                let v1Libraries = items(d1?["testLibrary"])
                guard !v1Libraries.isEmpty else { continue }
                for key in ["totalQuestion", "totalScore", "totalTestTimeLimit", "avgScorePercentage"] {
                    #expect(d1?[key] == scores?[key], "seed \(seed) \(key)")
                }
                #expect(
                    items(d1?["customQuestions"]).map { $0["assessmentCQId"] }
                        == items(d2?["customQuestions"]).map { $0["assessmentCQId"] })
                let v2Libraries = items(d2?["rollups"]?["testLibraries"])
                for (l1, l2) in zip(v1Libraries, v2Libraries) where l1["scorePercentage"] != nil {
                    #expect(l1["scorePercentage"] == l2["scorePercentage"], "seed \(seed)")
                }
                // The total achieved is the libraries' scores plus the custom questions' scores.
                if b1["event"] != "in_progress" && v1Libraries.first?["scoreAchieved"] != nil {
                    let libraryScores = v1Libraries.reduce(0) { $0 + integer($1["scoreAchieved"]) }
                    let customScores = items(d2?["customQuestions"]).reduce(0) { $0 + integer($1["score"]) }
                    #expect(
                        libraryScores + customScores == integer(d1?["totalScoreAchieved"]), "seed \(seed)")
                }
            }
        }
    }

    /// Checks one actor's lifecycle: every payload on its own, and the payloads together.
    private func check(_ vendor: String, _ life: [String], seed: UInt64) throws {
        let legacy = vendor == "testlify-v1"
        let events = try lifecycle(vendor, life, seed: seed)
        let where_ = "\(vendor) seed \(seed) \(life)"
        var assessment: AssessmentRecord?
        var candidateId: String?
        var assessmentId: String?
        var orgId: String?
        var invitedAt: Int64?
        var completedAt: Int64?
        var startedAt: Int64?
        var status: String?
        var archived = false
        var assessmentRank = 0
        var lastTime = Int64.min
        for event in events {
            let body = try reparsed(event)
            let data = try #require(body["data"], "\(where_) \(event.event)")
            let at = "\(where_) \(event.event)"
            #expect(fractionalWholes(body).isEmpty, "\(at): \(fractionalWholes(body))")
            #expect(event.timeMilliseconds > lastTime, "\(at): times move forward")
            lastTime = event.timeMilliseconds
            if let stamp = body["timestamp"]?.intValue { #expect(Int64(stamp) == event.timeMilliseconds) }
            let id = data["assessmentId"]?.stringValue
            #expect(id != nil && (assessmentId == nil || id == assessmentId), "\(at): assessmentId")
            assessmentId = id
            if let org = data["orgId"]?.stringValue, !org.isEmpty {
                #expect(orgId == nil || org == orgId, "\(at): orgId")
                orgId = org
            }
            if event.event.hasPrefix("assessment.") {
                let r = record(body)
                // Counters equal list lengths, totals are sums.
                #expect(r.totalTestLibrary == r.libraryIds.count, "\(at): totalTestLibrary")
                #expect(r.maximumScores == r.questionLimits, "\(at): one point per question")
                if legacy {
                    #expect(r.totalCustomQuestion == r.customQuestionIds.count, "\(at): totalCustomQuestion")
                    #expect(
                        r.totalTime == r.timeLimits.reduce(0, +) + r.customDurations.reduce(0, +),
                        "\(at): totalTime")
                } else {
                    #expect(r.totalTime >= r.timeLimits.reduce(0, +), "\(at): totalTime")
                }
                // One record: once published, every assessment event shows the same one.
                if !r.libraryIds.isEmpty {
                    if let assessment { #expect(r == assessment, "\(at): the same record") }
                    assessment = r
                } else {
                    #expect(assessment == nil, "\(at): a published record never loses its parts")
                    #expect(r.totalTime == 0 && r.totalCustomQuestion == 0)
                }
                let state = legacy ? data : data["status"]
                let isArchived = state?["isArchived"]?.boolValue == true
                #expect(!archived || isArchived, "\(at): archiving is never undone")
                archived = archived || isArchived
                if event.event == "assessment.archived" { #expect(isArchived) }
                let rank = assessmentStatusRank[state?["assessmentStatus"]?.stringValue ?? ""] ?? -1
                #expect(rank >= assessmentRank, "\(at): assessmentStatus moves forward")
                assessmentRank = rank
                continue
            }
            // Candidate events.
            // v1's invitation expiry carries no candidate id.
            if let candidate = data["candidateId"]?.stringValue {
                #expect(candidateId == nil || candidate == candidateId, "\(at): candidateId")
                candidateId = candidate
            } else {
                #expect(legacy && event.event == "candidate.invitation_expired", "\(at): candidateId")
            }
            let statusObject = legacy ? data : data["status"]
            let newStatus = statusObject?["candidateStatus"]?.stringValue ?? ""
            if let status, status != newStatus {
                #expect(
                    allowedTransitions[status]?.contains(newStatus) == true,
                    "\(at): \(status) -> \(newStatus)")
            }
            status = newStatus
            let invited = instant(statusObject?["invitedAt"])
            #expect(invited != nil && (invitedAt == nil || invited == invitedAt), "\(at): invitedAt")
            invitedAt = invited
            let completed = instant(statusObject?["completedAt"])
            // A status implies its timestamps.
            switch newStatus {
            case "COMPLETED", "DISQUALIFIED":
                #expect(completed != nil, "\(at): \(newStatus) without completedAt")
            case "INVITED", "ENROLLED", "IN_PROGRESS", "INVITATION_EXPIRED":
                #expect(completed == nil, "\(at): \(newStatus) with completedAt")
            default: break
            }
            if let completedAt { #expect(completed == completedAt, "\(at): completedAt never changes") }
            completedAt = completed
            if event.event == "candidate.in_progress" { startedAt = event.timeMilliseconds }
            for time in [invited, completed].compactMap({ $0 }) {
                #expect(time <= event.timeMilliseconds, "\(at): no time after the event")
            }
            if let invited, let completed { #expect(invited <= completed, "\(at)") }
            let scores = legacy ? data : data["scores"]
            let totalQuestion = integer(scores?["totalQuestion"])
            let totalScore = integer(scores?["totalScore"])
            let achieved = integer(scores?["totalScoreAchieved"])
            let timeLimit = integer(scores?["totalTestTimeLimit"])
            let elapsed = number(scores?["totalTestElapsedTime"])
            #expect(achieved >= 0 && achieved <= totalScore, "\(at): score within the maximum")
            if let average = scores?["avgScorePercentage"]?.intValue {
                #expect(average == rounded(achieved, of: totalScore), "\(at): avgScorePercentage")
            }
            #expect(elapsed >= 0 && elapsed <= Double(timeLimit), "\(at): elapsed within the limit")
            if let startedAt, let completed {
                #expect(
                    elapsed * 1000 <= Double(completed - startedAt) + 0.5, "\(at): elapsed within the attempt"
                )
            }
            let libraries = legacy ? items(data["testLibrary"]) : items(data["rollups"]?["testLibraries"])
            let customQuestions = items(data["customQuestions"])
            if libraries.isEmpty {
                #expect(totalQuestion == 0 && totalScore == 0 && timeLimit == 0 && achieved == 0, "\(at)")
                continue
            }
            if let assessment {
                #expect(
                    libraries.map { $0["testLibraryId"]?.stringValue ?? "" } == assessment.libraryIds, "\(at)"
                )
                #expect(timeLimit == assessment.timeLimits.reduce(0, +), "\(at): totalTestTimeLimit")
                #expect(totalQuestion == assessment.questionLimits.reduce(0, +), "\(at): totalQuestion")
                #expect(customQuestions.count == assessment.totalCustomQuestion, "\(at)")
                if legacy {
                    #expect(
                        customQuestions.map { $0["assessmentCQId"]?.stringValue ?? "" }
                            == assessment.customQuestionIds, "\(at): custom question ids")
                    #expect(
                        totalScore
                            == assessment.maximumScores.reduce(0, +)
                            + assessment.customMaximumScores.reduce(0, +),
                        "\(at): totalScore")
                }
            }
            if legacy {
                let questions = libraries.map { items($0["questions"]).count }
                #expect(
                    totalQuestion == questions.reduce(0, +), "\(at): totalQuestion is the questions listed")
                var sectionTotal = 0.0
                var timed = false
                var previousEnd = startedAt ?? Int64.min
                for (library, count) in zip(libraries, questions) {
                    let ids = items(library["questions"]).compactMap { $0["questionnaireId"]?.stringValue }
                    #expect(Set(ids).count == count, "\(at): question ids are distinct")
                    guard library["scoreAchieved"] != nil else { continue }
                    let score = integer(library["scoreAchieved"])
                    #expect(score >= 0 && score <= count, "\(at): scoreAchieved \(score) of \(count)")
                    #expect(integer(library["scorePercentage"]) == rounded(score, of: count), "\(at)")
                    let seconds = number(library["elapsedTime"])
                    sectionTotal += seconds
                    timed = true
                    if let i = assessment?.libraryIds.firstIndex(
                        of: library["testLibraryId"]?.stringValue ?? ""),
                        let limit = assessment?.timeLimits[i]
                    {
                        #expect(seconds <= Double(limit), "\(at): section \(seconds) s over its \(limit) s")
                    }
                    if let end = instant(library["completedAt"]) {
                        #expect(library["completed"]?.boolValue == true)
                        #expect(
                            Double(end) - Double(previousEnd) + 0.5 >= seconds * 1000,
                            "\(at): sections in sequence")
                        #expect(completed.map { end <= $0 } == true, "\(at): section after completion")
                        previousEnd = end
                    } else {
                        #expect(seconds == 0 && score == 0, "\(at): an unfinished section has no result")
                    }
                }
                #expect(
                    !timed || abs(sectionTotal - elapsed) < 0.0005,
                    "\(at): sections \(sectionTotal) s, total \(elapsed) s")
            } else {
                for library in libraries {
                    let percentage = integer(library["scorePercentage"])
                    #expect(percentage >= 0 && percentage <= 100, "\(at)")
                    for skill in items(library["skills"]) {
                        let score = number(skill["score"])
                        #expect(score >= 0 && score <= 100, "\(at): skill score \(score)")
                    }
                }
                var customScores = 0
                for question in customQuestions {
                    #expect(question["_id"] == question["assessmentCQId"], "\(at)")
                    #expect(question["score"] == question["scoreV1"], "\(at)")
                    let score = integer(question["score"])
                    customScores += score
                    if question["isAnswered"]?.boolValue != true { #expect(score == 0, "\(at)") }
                }
                #expect(customScores <= achieved, "\(at): custom scores are part of the total")
            }
        }
    }

    // MARK: Regression tests for observed defects

    /// v2: `limits.totalTestLibrary` was 2 with one `testLibraries` item and `totalTime` 529
    /// with a `timeLimit` of 600.
    @Test func v2AssessmentLimitsCountAndSumItsLibraries() throws {
        for seed in UInt64(1)...40 {
            for event in ["assessment.archived", "assessment.updated"] {
                let body = try reparsed(
                    try catalog.generate(vendor: "testlify", event: event, seed: seed, clock: fixedClock))
                let r = record(body)
                #expect(r.totalTestLibrary == r.libraryIds.count, "seed \(seed) \(event)")
                #expect(r.totalTime >= r.timeLimits.reduce(0, +), "seed \(seed) \(event)")
            }
        }
    }

    /// v1: `totalTestLibrary` 3 with 2 items, `totalCustomQuestion` 5 with 3, a random `totalTime`.
    @Test func v1AssessmentTotalsAreSumsOfTheParts() throws {
        for seed in UInt64(1)...40 {
            for event in ["assessment.updated", "assessment.deleted", "assessment.archived"] {
                let body = try reparsed(
                    try catalog.generate(vendor: "testlify-v1", event: event, seed: seed, clock: fixedClock))
                let r = record(body)
                #expect(r.totalTestLibrary == r.libraryIds.count, "seed \(seed) \(event)")
                #expect(r.totalCustomQuestion == r.customQuestionIds.count, "seed \(seed) \(event)")
                #expect(
                    r.totalTime == r.timeLimits.reduce(0, +) + r.customDurations.reduce(0, +), "seed \(seed)")
            }
        }
    }

    /// v1 completed: `scoreAchieved` 4 of 2 questions, a section's 1575 s over its 900 s limit,
    /// sections summing to 1876 s against `totalTestElapsedTime` 136, `totalQuestion` 35 for 12.
    @Test func v1CompletedSectionsAreWithinTheirLimits() throws {
        for seed in UInt64(1)...40 {
            let events = try lifecycle(
                "testlify-v1", ["assessment.updated", "candidate.completed"], seed: seed
            ).map(reparsed)
            let limits = Dictionary(
                uniqueKeysWithValues: zip(record(events[0]).libraryIds, record(events[0]).timeLimits))
            let data = events[1]["data"]
            let libraries = items(data?["testLibrary"])
            #expect(!libraries.isEmpty)
            var total = 0.0
            var questions = 0
            for library in libraries {
                let count = items(library["questions"]).count
                questions += count
                #expect(integer(library["scoreAchieved"]) <= count, "seed \(seed)")
                let seconds = number(library["elapsedTime"])
                total += seconds
                let limit = try #require(limits[library["testLibraryId"]?.stringValue ?? ""])
                #expect(seconds <= Double(limit), "seed \(seed)")
            }
            #expect(abs(total - number(data?["totalTestElapsedTime"])) < 0.0005, "seed \(seed)")
            #expect(integer(data?["totalQuestion"]) == questions, "seed \(seed)")
        }
    }

    /// `archived` gave the same assessment new custom-question ids; `deleted` after `archived`
    /// reset `isArchived`.
    @Test func archiveAndDeleteKeepTheRecord() throws {
        for seed in UInt64(1)...40 {
            let v1 = try lifecycle(
                "testlify-v1", ["assessment.updated", "assessment.archived", "assessment.deleted"], seed: seed
            ).map(reparsed)
            #expect(record(v1[0]).customQuestionIds == record(v1[1]).customQuestionIds, "seed \(seed)")
            #expect(record(v1[0]).libraryIds == record(v1[1]).libraryIds, "seed \(seed)")
            #expect(
                v1[1]["data"]?["isArchived"] == true && v1[2]["data"]?["isArchived"] == true, "seed \(seed)")
            let v2 = try lifecycle("testlify", ["assessment.archived", "assessment.deleted"], seed: seed).map(
                reparsed)
            #expect(v2[1]["data"]?["status"]?["isArchived"] == true, "seed \(seed)")
            #expect(record(v2[0]) == record(v2[1]), "seed \(seed)")
        }
    }

    /// A standalone `invited_for_interview` was `COMPLETED` with a null `completedAt`.
    @Test func aCompletedStatusHasItsCompletionTime() throws {
        for seed in UInt64(1)...40 {
            for event in [
                "candidate.invited_for_interview", "candidate.score_updated", "candidate.completed",
            ] {
                let generated = try catalog.generate(
                    vendor: "testlify", event: event, seed: seed, clock: fixedClock)
                let status = try reparsed(generated)["data"]?["status"]
                #expect(status?["candidateStatus"] == "COMPLETED")
                let completed = try #require(instant(status?["completedAt"]), "seed \(seed) \(event)")
                let invited = try #require(instant(status?["invitedAt"]))
                #expect(
                    invited <= completed && completed <= generated.timeMilliseconds, "seed \(seed) \(event)")
            }
        }
    }

    /// v2 sent `0.0` where a JavaScript sender writes `0`.
    @Test func wholeNumbersHaveNoFraction() throws {
        for seed in UInt64(1)...20 {
            for vendor in ["testlify", "testlify-v1"] {
                for event in catalog.eventNames(vendor: vendor) {
                    let generated = try catalog.generate(
                        vendor: vendor, event: event, seed: seed, clock: fixedClock)
                    let body = try reparsed(generated)
                    #expect(
                        fractionalWholes(body).isEmpty,
                        "\(vendor) \(event) seed \(seed): \(fractionalWholes(body))")
                }
            }
        }
    }

    /// Time taken never exceeds the time between start and completion: the sections' elapsed
    /// times (v1) and the total (v1 and v2).
    @Test func elapsedTimeFitsBetweenStartAndCompletion() throws {
        for seed in UInt64(1)...40 {
            for vendor in ["testlify", "testlify-v1"] {
                let events = try lifecycle(
                    vendor, ["candidate.invited", "candidate.in_progress", "candidate.completed"], seed: seed)
                let started = events[1].timeMilliseconds
                let data = try reparsed(events[2])["data"]
                let legacy = vendor == "testlify-v1"
                let end = try #require(
                    instant(legacy ? data?["completedAt"] : data?["status"]?["completedAt"]))
                let total = number(
                    legacy ? data?["totalTestElapsedTime"] : data?["scores"]?["totalTestElapsedTime"])
                #expect(total * 1000 <= Double(end - started) + 0.5, "\(vendor) seed \(seed)")
                let sections = items(data?["testLibrary"]).map { number($0["elapsedTime"]) }
                #expect(sections.reduce(0, +) * 1000 <= Double(end - started) + 0.5, "\(vendor) seed \(seed)")
            }
        }
    }
}

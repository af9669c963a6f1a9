import ProctorCore
import ProctorJSON

/// The organisation's Testlify assessment, the same for every actor of a run: its test libraries
/// (sections) with their questions, skills and time limits, its custom and qualification
/// questions. Every Testlify event (v1 and v2, candidate and assessment) is a projection of this
/// record, so ids, counts and totals agree across events.
///
/// Its values come from the run's `assessment` stream (``ActorIdentity/runWideRecords``);
/// ``ActorIdentity/objectId(_:)`` still gives the assessment, organisation and job role ids, so a
/// scenario field (`assessmentId`) keeps setting them.
struct TestlifyAssessment: Sendable {
    struct Skill: Sendable {
        let id: String
        let name: String
    }

    struct Question: Sendable {
        let id: String
        let text: String
    }

    struct TestLibrary: Sendable {
        let id: String
        let title: String
        let typeId: String
        let typeName: String
        let difficulty: String
        let questions: [Question]
        /// Seconds.
        let timeLimit: Int
        /// The library's catalogue size (at least ``questionLimit``).
        let maxQuestionLimit: Int
        let skills: [Skill]
        var questionLimit: Int { questions.count }
        /// One point per question (the v2 example: `maximumScore` 7 with `questionLimit` 7).
        var maximumScore: Int { questions.count }
    }

    struct CustomQuestion: Sendable {
        let id: String
        let text: String
        let classification: String
        /// Seconds.
        let duration: Int
        let maximumScore: Int
    }

    struct QualificationQuestion: Sendable {
        let id: String
        let title: String
        /// Option ids: the first is the correct answer ("Yes"), the second the other ("No").
        let optionIds: [String]
    }

    let id: String
    let orgId: String
    let libraries: [TestLibrary]
    let customQuestions: [CustomQuestion]
    let qualificationQuestions: [QualificationQuestion]
    /// Ids of the registration form's fields (email, first name, last name, phone number, ...).
    let customFieldIds: [String]

    /// Test time: the libraries' time limits (`totalTestTimeLimit`).
    var testTime: Int { libraries.reduce(0) { $0 + $1.timeLimit } }
    /// Test time plus each custom question's duration (`totalTime`; the vendor's example:
    /// 1800 + 3 x 300 = 2700).
    var totalTime: Int { testTime + customQuestions.reduce(0) { $0 + $1.duration } }
    /// The libraries' questions (`totalQuestion`; custom questions are not counted).
    var totalQuestion: Int { libraries.reduce(0) { $0 + $1.questionLimit } }
    /// The libraries' and custom questions' maximum scores (`totalScore`).
    var totalScore: Int {
        libraries.reduce(0) { $0 + $1.maximumScore } + customQuestions.reduce(0) { $0 + $1.maximumScore }
    }

    static let libraryTypes = [
        "Situational Judgement", "Cognitive ability", "Programming skills", "Role specific skills",
        "Personality & culture", "Language",
    ]
    static let difficulties = ["Beginner", "Intermediate", "Advanced"]
    static let customClassifications = [
        "WRITTEN_ANSWER", "VIDEO_ANSWER", "AUDIO_ANSWER", "SINGLE_SELECT", "MULTI_SELECT", "CODING_ANSWER",
        "FILL_IN_BLANK", "CHAT_SIMULATION",
    ]
    static let qualificationTitles = [
        "Valid Passport Status", "Work Authorization", "Willing To Relocate", "Notice Period Under 30 Days",
        "Full-Time Availability",
    ]

    init(identity: ActorIdentity) {
        id = identity.objectId("assessment")
        orgId = identity.objectId("org")
        let stream = identity.random("assessment")
        // Record ids are dated before the actor's records, like ``ActorIdentity/objectId(_:)``.
        func objectId(_ label: String) -> String {
            var r = stream.derived("oid:" + label)
            let back = Int64(r.int(in: 30...500)) * 86_400_000
            return FakeData.objectId(atMilliseconds: identity.originMilliseconds - back, &r)
        }
        var r = stream.derived("shape")
        let libraryCount = r.int(in: 1...3)
        var libraries: [TestLibrary] = []
        var usedTitles: Set<String> = []
        for i in 0..<libraryCount {
            var l = stream.derived("library:\(i)")
            var title = l.element(of: FakeData.skills) ?? "Problem Solving"
            while usedTitles.contains(title) { title = l.element(of: FakeData.skills) ?? title + " II" }
            usedTitles.insert(title)
            let typeIndex = l.int(in: 0..<Self.libraryTypes.count)
            let questionCount = l.int(in: 3...12)
            var q = stream.derived("questions:\(i)")
            let questions = (0..<questionCount).map { j in
                Question(id: objectId("question:\(i):\(j)"), text: FakeData.question(j, &q))
            }
            let skillCount = l.int(in: 2...5)
            var s = stream.derived("skills:\(i)")
            var skillNames: [String] = []
            for _ in 0..<skillCount {
                let name = s.element(of: FakeData.skills) ?? "Teamwork"
                if !skillNames.contains(name) { skillNames.append(name) }
            }
            let minutes = [5, 10, 15, 20, 30, 40]
            let limit =
                max(questionCount, (l.element(of: minutes) ?? 10)) * 60
            libraries.append(
                TestLibrary(
                    id: objectId("library:\(i)"), title: title,
                    typeId: objectId("library-type:\(typeIndex)"), typeName: Self.libraryTypes[typeIndex],
                    difficulty: l.element(of: Self.difficulties) ?? "Intermediate", questions: questions,
                    timeLimit: limit, maxQuestionLimit: questionCount + l.int(in: 0...10),
                    skills: skillNames.enumerated().map { j, name in
                        Skill(id: objectId("skill:\(i):\(j)"), name: name)
                    }))
        }
        self.libraries = libraries
        let customCount = r.int(in: 1...3)
        var c = stream.derived("custom-questions")
        let firstQuestion = c.int(in: 0..<FakeData.questions.count)
        customQuestions = (0..<customCount).map { i in
            CustomQuestion(
                id: objectId("custom-question:\(i)"),
                text: FakeData.questions[(firstQuestion + 7 + i) % FakeData.questions.count],
                classification: c.element(of: Self.customClassifications) ?? "WRITTEN_ANSWER",
                duration: (c.element(of: [2, 3, 5, 10]) ?? 5) * 60,
                maximumScore: c.element(of: [5, 10]) ?? 5)
        }
        let qualificationCount = r.int(in: 1...2)
        var t = stream.derived("qualification-questions")
        let firstTitle = t.int(in: 0..<Self.qualificationTitles.count)
        qualificationQuestions = (0..<qualificationCount).map { i in
            QualificationQuestion(
                id: objectId("qualification-question:\(i)"),
                title: Self.qualificationTitles[(firstTitle + i) % Self.qualificationTitles.count],
                optionIds: [objectId("qualification-option:\(i):0"), objectId("qualification-option:\(i):1")])
        }
        customFieldIds = (0..<8).map { objectId("custom-field:\($0)") }
    }
}

/// The assessment record's life as one actor has seen it: created as a draft, published,
/// archived, deleted. It only moves forward: an archive or a delete never rewinds the rest.
public struct TestlifyProgress: Sendable, Hashable {
    /// The assessment carries its test libraries and custom questions (a draft has none).
    public internal(set) var published = false
    public internal(set) var archived = false
    public internal(set) var deleted = false
    /// An assessment event was generated before.
    public internal(set) var seen = false

    public init() {}

    /// `DRAFT`, then `PUBLISHED`; `SUBSCRIBED` once archived or deleted (as the vendor's archived
    /// and deleted examples show).
    var assessmentStatus: String {
        if archived || deleted { return "SUBSCRIBED" }
        return published ? "PUBLISHED" : "DRAFT"
    }

    /// Moves the record forward for an assessment event. `candidates` is true once the actor had
    /// candidate events (candidates are only invited to a published assessment).
    mutating func advance(event: String, candidates: Bool) {
        switch event {
        case "assessment.created":
            if seen || candidates { published = true }
        case "assessment.archived":
            published = true
            archived = true
        case "assessment.deleted":
            published = true
            deleted = true
        default:
            published = true
        }
        seen = true
    }
}

/// A candidate's attempt at the assessment at one moment: what each section took and scored.
struct TestlifyAttempt: Sendable {
    struct Section: Sendable {
        var elapsedMilliseconds: Int64 = 0
        var completedAt: Int64?
        var scoreAchieved = 0
        var finished: Bool { completedAt != nil }
    }

    struct CustomAnswer: Sendable {
        var answered = false
        var score = 0
    }

    var sections: [Section]
    var customAnswers: [CustomAnswer]
    /// Scored (completed at least once).
    let scored: Bool

    /// The attempt of the actor in `state`: empty before the candidate completes; once completed,
    /// sections run one after the other from `startedAt`, each within its time limit, and all
    /// within the time between start and completion.
    init(assessment: TestlifyAssessment, state: ActorState) {
        let identity = state.identity
        scored = state.scoringRound > 0
        sections = assessment.libraries.map { _ in Section() }
        customAnswers = assessment.customQuestions.map { _ in CustomAnswer() }
        guard scored, let end = state.completedAt else { return }
        let start = min(state.startedAt ?? end, end)
        let window = end - start
        var r = identity.random("testlify:elapsed")
        let wanted: [Int64] = assessment.libraries.map { library in
            let limit = Int64(library.timeLimit) * 1000
            return min(limit, limit * Int64(r.int(in: 20...95)) / 100 + Int64(r.int(in: 0...999)))
        }
        let sum = wanted.reduce(0, +)
        var clock = start
        for (i, want) in wanted.enumerated() {
            let elapsed = sum <= window || sum == 0 ? want : want * window / sum
            clock += elapsed
            sections[i].elapsedMilliseconds = elapsed
            sections[i].completedAt = clock
            // Library questions are graded automatically, once.
            var s = identity.random("testlify:library-score:\(i)")
            let questions = assessment.libraries[i].questionLimit
            let ability = s.int(in: 30...95)
            sections[i].scoreAchieved = min(
                questions, (questions * ability + s.int(in: 0...99)) / 100)
        }
        // Custom questions are graded by reviewers: each scoring round can change them.
        for (i, question) in assessment.customQuestions.enumerated() {
            var a = identity.random("testlify:custom-answered:\(i)")
            let answered = a.int(in: 0...9) > 0
            var s = identity.random("testlify:custom-score:\(i):\(state.scoringRound)")
            customAnswers[i] = CustomAnswer(
                answered: answered, score: answered ? s.int(in: 0...question.maximumScore) : 0)
        }
    }

    var totalElapsedMilliseconds: Int64 { sections.reduce(0) { $0 + $1.elapsedMilliseconds } }
    var totalScoreAchieved: Int {
        sections.reduce(0) { $0 + $1.scoreAchieved } + customAnswers.reduce(0) { $0 + $1.score }
    }

    /// A rounded percentage, 0 for an empty whole.
    static func percentage(_ part: Int, of whole: Int) -> Int {
        whole <= 0 ? 0 : (part * 100 + whole / 2) / whole
    }
}

extension JSONValue {
    /// A number as a JavaScript sender writes it: whole numbers without a fraction (`0`, not
    /// `0.0`).
    static func javaScript(_ value: Double) -> JSONValue {
        if value.isFinite, value == value.rounded(), value.magnitude < 1e15 { return .int(Int(value)) }
        return .double(value)
    }

    /// Milliseconds as JavaScript seconds: `314.764`, `300`.
    static func javaScriptSeconds(milliseconds: Int64) -> JSONValue {
        milliseconds % 1000 == 0 ? .int(Int(milliseconds / 1000)) : .double(Double(milliseconds) / 1000)
    }

    /// Every number that is whole written without a fraction, as `JSON.stringify` writes it.
    func javaScriptNumbers() -> JSONValue {
        switch self {
        case .number(let n):
            if !n.isIntegerLiteral, let whole = n.int64Value { return .number(JSONNumber(whole)) }
            return self
        case .object(let o):
            return .object(JSONObject(o.map { ($0.key, $0.value.javaScriptNumbers()) }))
        case .array(let a): return .array(a.map { $0.javaScriptNumbers() })
        default: return self
        }
    }
}

import ProctorCore
import ProctorJSON

/// The Qualified records of one run and actor, drawn from the seed: the organisation's assessment
/// with its challenges and a library challenge (the same for every actor of a run), and the
/// actor's team candidate, assessment result, solutions and reviews (stable ids, one solution per
/// challenge of the assessment, each with a fixed language). Values are a pure function of the
/// identity; what has happened so far lives in ``QualifiedProgress``.
struct QualifiedWorld: Sendable {
    struct Challenge: Sendable, Hashable {
        var id: String
        var type: String
        var title: String
        var estimatedTime: Int
        var topics: [String]
        var summary: String?
        var purpose: String?
        /// The names of the challenge's test cases (questions for a quiz), in the order they run.
        var testNames: [String]
    }

    /// How the actor's attempt at one challenge goes.
    struct SolutionPlan: Sendable, Hashable {
        var id: String
        var language: String
        /// Test cases passed once the solution is complete.
        var finalPassed: Int
        /// Attempts (test or submit runs) until the solution is complete.
        var attempts: Int
    }

    static let languages = ["javascript", "python", "java", "ruby", "csharp", "go", "typescript"]
    static let challengeTypes = ["CodeChallenge", "CodeChallenge", "QuizChallenge", "AdvancedCodeChallenge"]
    static let labelVocabulary = ["Shortlisted", "Interview", "Strong Hire", "Follow Up", "Hold"]
    static let colours = [
        "Crimson", "Amber", "Indigo", "Olive", "Coral", "Slate", "Ochre", "Jade", "Saffron", "Cobalt",
    ]
    static let animals = [
        "Otter", "Falcon", "Badger", "Gecko", "Marten", "Ibis", "Puffin", "Lynx", "Newt", "Wren",
    ]

    let identity: ActorIdentity
    let assessmentId: String
    let assessmentTitle: String
    let assessmentPurpose: String?
    /// The score (0 to 100) a result or a solution needs to pass.
    let cutScore: Int
    let challenges: [Challenge]
    /// The challenge the `challenge_*` events are about: a new challenge of the team's library,
    /// not one of the assessment's (a hard delete must not break the assessment).
    let libraryChallenge: Challenge
    let teamId: String
    let teamCandidateId: String
    let resultId: String
    let anonymousName: String
    let reviewerId: String
    let plans: [SolutionPlan]

    init(identity: ActorIdentity) {
        self.identity = identity
        assessmentId = identity.objectId("assessment")
        assessmentTitle = identity.jobRole
        teamId = identity.objectId("team")
        // The run-wide records come from the run's `assessment` and `team` streams.
        var run = identity.random("assessment").derived("qualified")
        assessmentPurpose = run.chance(0.5) ? FakeData.sentence(&run) : nil
        cutScore = run.element(of: [50, 60, 65, 70, 75, 80]) ?? 70
        let origin = identity.originMilliseconds
        func challenge(_ random: inout SeededRandom) -> Challenge {
            let type = random.element(of: Self.challengeTypes) ?? "CodeChallenge"
            let title = "\(random.element(of: FakeData.skills) ?? "Algorithms") #\(random.int(in: 100...999))"
            let estimate = random.element(of: [5, 10, 15, 20, 30, 45, 60]) ?? 15
            var topics: [String] = []
            for _ in 0..<random.int(in: 1...3) {
                if let t = random.element(of: FakeData.skills), !topics.contains(t) { topics.append(t) }
            }
            let summary = random.chance(0.7) ? FakeData.sentence(&random) : nil
            let purpose = random.chance(0.4) ? FakeData.sentence(&random) : nil
            let tests = type == "QuizChallenge" ? random.int(in: 3...10) : random.int(in: 3...12)
            let names = (0..<tests).map { i in
                (type == "QuizChallenge" ? "question \(i + 1): " : "should ") + FakeData.words(3, &random)
            }
            let back = Int64(random.int(in: 30...700)) * 86_400_000
            let id = FakeData.objectId(atMilliseconds: origin - back, &random)
            return Challenge(
                id: id, type: type, title: title, estimatedTime: estimate, topics: topics, summary: summary,
                purpose: purpose, testNames: names)
        }
        var list: [Challenge] = []
        for _ in 0..<run.int(in: 2...4) { list.append(challenge(&run)) }
        challenges = list
        var library = identity.random("team").derived("qualified:library-challenge")
        libraryChallenge = challenge(&library)
        let members = (0..<3).map { _ in
            FakeData.objectId(atMilliseconds: origin - 86_400_000 * 400, &library)
        }

        teamCandidateId = identity.objectId("team-candidate")
        resultId = identity.objectId("assessment-result")
        var names = identity.random("qualified:anonymous")
        anonymousName =
            "\(names.element(of: Self.colours) ?? "Teal") \(names.element(of: Self.animals) ?? "Heron")"
        var pick = identity.random("qualified:reviewer")
        reviewerId = pick.element(of: members) ?? identity.objectId("reviewer")
        plans = list.enumerated().map { index, challenge in
            var r = identity.random("qualified:solution:\(index)")
            return SolutionPlan(
                id: identity.objectId("solution:\(index)"),
                language: r.element(of: Self.languages) ?? "javascript",
                finalPassed: r.int(in: 0...challenge.testNames.count), attempts: r.int(in: 1...4))
        }
    }

    /// The assessment's summary after `revision` updates.
    func assessmentSummary(revision: Int) -> String {
        var r = identity.random("assessment").derived("qualified:summary:\(revision)")
        return FakeData.sentence(&r) + (revision > 0 ? " (revision \(revision + 1))" : "")
    }

    /// The library challenge after `revision` updates: only its summary changes.
    func libraryChallenge(revision: Int) -> Challenge {
        guard revision > 0 else { return libraryChallenge }
        var c = libraryChallenge
        var r = identity.random("team").derived("qualified:library-challenge:\(revision)")
        c.summary = FakeData.sentence(&r) + " (revision \(revision + 1))"
        return c
    }

    /// A solution's score: the share of test cases passed, in percent, rounded to a whole number
    /// and sent as a float (`67.0`), like the docs' `100.0` and `0.0`.
    static func solutionScore(passed: Int, total: Int) -> Double {
        guard total > 0 else { return 0 }
        return (Double(passed) * 100 / Double(total)).rounded()
    }

    /// A result's score: the average of its solutions' scores, rounded to a whole number; 0.0
    /// without solutions.
    static func resultScore(_ solutionScores: [Double]) -> Double {
        guard !solutionScores.isEmpty else { return 0 }
        return (solutionScores.reduce(0, +) / Double(solutionScores.count)).rounded()
    }

    static func solutionType(for challengeType: String) -> String {
        switch challengeType {
        case "QuizChallenge": return "QuizSolution"
        case "AdvancedCodeChallenge": return "AdvancedCodeSolution"
        default: return "CodeSolution"
        }
    }
}

/// What has happened to an actor's Qualified records so far. Events move it forward only: a state
/// never goes back, a time once set never changes, a destroyed review is gone without touching the
/// result or the candidate.
public struct QualifiedProgress: Sendable, Equatable {
    /// Team candidate `state` and `prev_state`; nil before the candidate exists.
    var teamState: String?
    var teamPreviousState: String?
    /// The assessment result's `state`; nil before the result exists.
    var resultState: String?
    var invitedAt: Int64?
    var startedAt: Int64?
    var submittedAt: Int64?
    /// When the result was submitted or terminated: active time stops counting.
    var endedAt: Int64?
    /// Solutions by challenge index.
    var solutions: [Int: SolutionProgress] = [:]
    /// The solution the candidate works on.
    var current: Int?
    /// Nil while the candidate never had a label; `[]` once every label was removed.
    var labels: [String]?
    var labelDraws = 0
    var assessmentRevision = 0
    var challengeRevision = 0
    /// Reviews created so far (each gets a new id); the live one, if any.
    var reviewCount = 0
    var review: ReviewProgress?
    /// The time of the actor's previous Qualified event: times filled in later (a submission
    /// without a start event) fall after it, so nothing contradicts what was already sent.
    var lastTime: Int64?
    /// The result data of an event whose twin (`assessment_result_started` and the deprecated
    /// `team_candidate_started_assessment`, same for submitted) has not been sent yet.
    var pendingTwin: PendingTwin?
    /// The result data last sent and the state it showed: events of the same moment (nothing
    /// moved since) send it again rather than a new projection.
    var moment: Moment?

    struct SolutionProgress: Sendable, Hashable {
        var createdAt: Int64
        var attempts = 0
        var passed = 0
        var firstSolvedAt: Int64?
        var completedAt: Int64?
        var wallTime: Int?
    }

    struct ReviewProgress: Sendable, Hashable {
        var number: Int
        var state = "started"
        var edited = false
        var submittedAt: Int64?
        /// Challenge indexes of the solutions reviewed.
        var reviewed: [Int] = []
    }

    struct PendingTwin: Sendable, Equatable {
        var event: String
        var data: JSONValue
    }

    struct Moment: Sendable, Equatable {
        var resultState: String?
        var data: JSONValue
    }

    public init() {}

    /// Whether the records (states, times, solutions, labels, reviews, revisions) are those of
    /// `other`: what was sent last and when aside.
    func holdsTheSameRecords(as other: QualifiedProgress) -> Bool {
        func records(_ p: QualifiedProgress) -> QualifiedProgress {
            var p = p
            p.lastTime = nil
            p.pendingTwin = nil
            p.moment = nil
            return p
        }
        return records(self) == records(other)
    }

    /// Team candidate states in their order: automatic moves only go up.
    static let teamRank: [String: Int] = [
        "idle": 0, "invited": 1, "started": 2, "submitted": 3, "risk_detected": 4, "reviewed": 5,
        "approved": 6, "rejected": 6, "archived": 7,
    ]
    static let resultRank: [String: Int] = [
        "invited": 1, "opened": 2, "started": 3, "submitting": 4, "submitted": 5, "terminated": 5,
    ]

    static func rank(_ state: String?, _ table: [String: Int]) -> Int { state.flatMap { table[$0] } ?? -1 }

    /// Moves the team candidate to `state` if that is forward (approved and rejected can replace
    /// each other: a team member changing the decision).
    mutating func moveTeam(to state: String) {
        let from = Self.rank(teamState, Self.teamRank)
        let to = Self.rank(state, Self.teamRank)
        guard teamState != state, to > from || (to == 6 && from == 6) else { return }
        teamPreviousState = teamState
        teamState = state
    }

    mutating func moveResult(to state: String) {
        guard Self.rank(state, Self.resultRank) > Self.rank(resultState, Self.resultRank) else { return }
        resultState = state
    }

    var resultIsOver: Bool { resultState == "submitted" || resultState == "terminated" }

    /// A time after the previous event and at or before `time`: `eighths` eighths of the way.
    func between(_ time: Int64, eighths: Int64) -> Int64 {
        let low = lastTime ?? (time - 3_600_000)
        return low + max(0, time - low) * eighths / 8
    }

    /// The candidate exists (invited now or a moment ago), with a result in state `invited`.
    mutating func ensureInvited(at time: Int64) {
        guard teamState == nil else { return }
        invitedAt = time
        moveTeam(to: "invited")
        moveResult(to: "invited")
    }

    /// The result is started (at `time`, or a moment before when `backfill`) with its first
    /// solution created.
    mutating func ensureStarted(at time: Int64, world: QualifiedWorld) {
        guard startedAt == nil, !resultIsOver else { return }
        startedAt = time
        moveResult(to: "started")
        moveTeam(to: "started")
        if solutions.isEmpty, !world.challenges.isEmpty {
            solutions[0] = SolutionProgress(createdAt: time)
            current = 0
        }
    }

    /// Creates the next solution not created yet (or keeps the last one) and works on it.
    mutating func createNextSolution(at time: Int64, world: QualifiedWorld) {
        guard !resultIsOver else { return }
        if let next = world.challenges.indices.first(where: { solutions[$0] == nil }) {
            solutions[next] = SolutionProgress(createdAt: time)
            current = next
        } else {
            current = current ?? world.challenges.indices.last
        }
    }

    /// One test or submit run of the current solution; a complete solution hands over to the next.
    mutating func updateSolution(at time: Int64, world: QualifiedWorld) {
        guard !resultIsOver else { return }
        if current.map({ solutions[$0]?.completedAt != nil }) ?? true {
            createNextSolution(at: time, world: world)
        }
        guard let index = current, var s = solutions[index], s.completedAt == nil else { return }
        let plan = world.plans[index]
        s.attempts += 1
        s.passed =
            s.attempts >= plan.attempts ? plan.finalPassed : plan.finalPassed * s.attempts / plan.attempts
        if s.passed > 0, s.firstSolvedAt == nil { s.firstSolvedAt = time }
        s.wallTime = max(1, Int((time - s.createdAt) / 1000))
        if s.attempts >= plan.attempts { s.completedAt = time }
        solutions[index] = s
    }

    /// Submission: every challenge gets its complete solution, worked on after the previous event.
    mutating func submit(at time: Int64, world: QualifiedWorld) {
        guard !resultIsOver else { return }
        ensureStarted(at: between(time, eighths: 1), world: world)
        for (index, plan) in world.plans.enumerated() {
            var s = solutions[index] ?? SolutionProgress(createdAt: between(time, eighths: 2))
            guard s.completedAt == nil else { continue }
            s.attempts = max(s.attempts, plan.attempts)
            s.passed = plan.finalPassed
            if s.passed > 0, s.firstSolvedAt == nil { s.firstSolvedAt = between(time, eighths: 4) }
            let completed = between(time, eighths: 6)
            s.completedAt = completed
            s.wallTime = max(1, Int((completed - s.createdAt) / 1000))
            solutions[index] = s
        }
        submittedAt = time
        endedAt = time
        moveResult(to: "submitted")
        moveTeam(to: "submitted")
    }

    mutating func terminate(at time: Int64) {
        guard !resultIsOver else { return }
        endedAt = time
        moveResult(to: "terminated")
    }

    /// The live review, created now if there is none.
    mutating func ensureReview() {
        guard review == nil else { return }
        reviewCount += 1
        review = ReviewProgress(number: reviewCount)
    }

    mutating func submitReview(at time: Int64) {
        ensureReview()
        guard var r = review else { return }
        if r.state != "submitted" {
            r.state = "submitted"
            r.submittedAt = time
        }
        r.edited = true
        r.reviewed = solutions.keys.sorted()
        review = r
        if [3, 4].contains(Self.rank(teamState, Self.teamRank)) { moveTeam(to: "reviewed") }
    }
}

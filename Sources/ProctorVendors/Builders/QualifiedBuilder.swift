import ProctorCore
import ProctorJSON

/// Qualified bodies: `{"event": <wire name>, "data": {...snake_case model...}}`, each a projection
/// of the actor's ``QualifiedWorld`` at the event's moment, in the key order of the event's
/// reference example.
struct QualifiedBuilder: PayloadBuilder {
    enum Model: String, Sendable {
        case assessment = "Assessment"
        case assessmentResult = "AssessmentResult"
        case solution = "Solution"
        case review = "AssessmentResultReview"
        case challenge = "Challenge"
        case teamCandidate = "TeamCandidate"
    }

    static let vocabulary: Set<String> = ["_type", "language", "ai_reviewed", "event"]

    /// The two names of the same occurrence: the current event and its deprecated twin.
    static let twins: [String: String] = [
        "assessment_result_started": "team_candidate_started_assessment",
        "team_candidate_started_assessment": "assessment_result_started",
        "assessment_result_submitted": "team_candidate_submitted_assessment",
        "team_candidate_submitted_assessment": "assessment_result_submitted",
    ]

    func body(
        for event: EventSpec, state: inout ActorState, time: Int64, quirks: Set<String>, overrides: [Override]
    ) throws(GenerationError) -> JSONValue {
        let template = try ReferenceTemplates.template(event.example)
        let world = QualifiedWorld(identity: state.identity)
        var progress = state.qualified
        let base = event.wireName
        let target = event.name.split(separator: ".").dropFirst().first.map(String.init)
        let model = VendorProfiles.qualifiedEvents.first { $0.wire == base }?.model ?? .assessment
        let templateData = template["data"] ?? .object(JSONObject())
        let projection = Projection(world: world, time: time)
        var data: JSONValue
        if let pending = progress.pendingTwin, Self.twins[base] == pending.event {
            // The other name of an occurrence already sent: the same result data.
            data = pending.data
            progress.pendingTwin = nil
        } else {
            var extra: (key: String, label: String)?
            let before = progress
            advance(&progress, event: base, target: target, world: world, time: time, extra: &extra)
            let moved = !progress.holdsTheSameRecords(as: before)
            if model == .assessmentResult, !moved, let moment = progress.moment,
                moment.resultState == progress.resultState
            {
                // Nothing moved since the result was last sent: the same moment (a state change
                // accompanying the event that made it), so the same result data.
                data = moment.data
            } else {
                data = try projection.data(
                    model: model, event: base, template: templateData, progress: progress, extra: extra)
                if model == .assessmentResult {
                    progress.moment = .init(resultState: progress.resultState, data: data)
                } else if moved {
                    progress.moment = nil
                }
            }
            if Self.twins[base] != nil { progress.pendingTwin = .init(event: base, data: data) }
        }
        if model == .review, base == "assessment_result_review_destroyed" { progress.review = nil }
        progress.lastTime = time
        state.qualified = progress

        if quirks.contains("missing-started-at"), model == .assessmentResult {
            data = data.replacing(["started_at": .null, "invited_at": .null])
        }
        var body = JSONObject()
        for (key, _) in template.objectValue ?? JSONObject() {
            body[key] = key == "event" ? .string(base) : data
        }
        var value = JSONValue.object(body)
        try applyOverrides(overrides, to: &value)
        return value
    }

    /// Moves the world to the event's moment.
    private func advance(
        _ p: inout QualifiedProgress, event: String, target: String?, world: QualifiedWorld, time: Int64,
        extra: inout (key: String, label: String)?
    ) {
        switch event {
        case "team_candidate_state_changed":
            switch target {
            // The team candidate moves with its result: starting or submitting it.
            case "started": p.ensureStarted(at: time, world: world)
            case "submitted": p.submit(at: time, world: world)
            case "reviewed":
                p.ensureInvited(at: time)
                p.submitReview(at: time)
                p.moveTeam(to: "reviewed")
            case let state?:
                p.ensureInvited(at: time)
                p.moveTeam(to: state)
            case nil: p.ensureInvited(at: time)
            }
        case "assessment_result_state_changed":
            switch target {
            case "invited": p.ensureInvited(at: time)
            case "started": p.ensureStarted(at: time, world: world)
            case "submitted": p.submit(at: time, world: world)
            default: p.ensureInvited(at: p.between(time, eighths: 4))
            }
            switch target {
            case "invited", "started", "submitted": break
            case "submitting":
                p.ensureStarted(at: p.between(time, eighths: 4), world: world)
                if !p.resultIsOver { p.moveResult(to: "submitting") }
            case "terminated": p.terminate(at: time)
            default: p.moveResult(to: "opened")
            }
        case "assessment_result_started", "team_candidate_started_assessment":
            p.ensureStarted(at: time, world: world)
        case "assessment_result_submitted", "team_candidate_submitted_assessment":
            p.submit(at: time, world: world)
        case "solution_created":
            // Starting the assessment creates its first solution; later ones start the next challenge.
            if p.startedAt == nil {
                p.ensureStarted(at: time, world: world)
            } else {
                p.createNextSolution(at: time, world: world)
            }
        case "solution_updated":
            p.ensureStarted(at: p.between(time, eighths: 4), world: world)
            p.updateSolution(at: time, world: world)
        case "assessment_result_review_created":
            p.reviewCount += 1
            p.review = .init(number: p.reviewCount)
        case "assessment_result_review_updated":
            p.ensureReview()
            if var r = p.review {
                r.edited = true
                let created = p.solutions.keys.sorted()
                if r.state != "submitted" { r.reviewed = Array(created.prefix((created.count + 1) / 2)) }
                p.review = r
            }
        case "assessment_result_review_submitted":
            p.submitReview(at: time)
        case "assessment_result_review_destroyed":
            p.ensureReview()
        case "team_candidate_label_added":
            p.ensureInvited(at: p.between(time, eighths: 4))
            var r = world.identity.random("qualified:label:\(p.labelDraws)")
            p.labelDraws += 1
            let labels = p.labels ?? []
            let next =
                r.element(of: QualifiedWorld.labelVocabulary.filter { !labels.contains($0) })
                ?? "\(QualifiedWorld.labelVocabulary[0]) \(labels.count + 1)"
            p.labels = labels + [next]
            extra = ("added_label", next)
        case "team_candidate_label_removed":
            p.ensureInvited(at: p.between(time, eighths: 4))
            var labels = p.labels ?? []
            let removed: String
            if let last = labels.popLast() {
                removed = last
            } else {
                // Removing a label the actor never had sent: it had one.
                var r = world.identity.random("qualified:label:\(p.labelDraws)")
                p.labelDraws += 1
                removed = r.element(of: QualifiedWorld.labelVocabulary) ?? "Shortlisted"
            }
            p.labels = labels
            extra = ("removed_label", removed)
        case "assessment_updated": p.assessmentRevision += 1
        case "challenge_updated": p.challengeRevision += 1
        default: break
        }
    }
}

/// Turns the world and its progress into the vendor's JSON, key order from the templates.
struct Projection {
    let world: QualifiedWorld
    let time: Int64

    var identity: ActorIdentity { world.identity }

    func iso(_ ms: Int64?) -> JSONValue {
        ms.map { .string(FakeData.isoTimestamp(milliseconds: $0)) } ?? .null
    }
    func text(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }

    /// `template`'s keys in order with the given values; a key without one keeps the template's
    /// value (nulls, booleans, empty objects). A leaf the actor's fields name takes that value.
    func ordered(_ template: JSONValue, _ values: [String: JSONValue]) -> JSONValue {
        var out = JSONObject()
        for (key, original) in template.objectValue ?? JSONObject() {
            var value = values[key] ?? original
            if !TemplateFiller.sharedKeys.contains(key), let given = identity.fieldOverride(for: key) {
                switch value {
                case .object, .array: break
                default: value = given
                }
            }
            out[key] = value
        }
        return .object(out)
    }

    static func example(_ name: String, _ path: String) throws(GenerationError) -> JSONValue {
        var value = try ReferenceTemplates.template(name)
        for key in path.split(separator: ".") {
            guard let next = key == "0" ? value.arrayValue?.first : value[String(key)] else {
                throw GenerationError("reference example \(name) has no \(path)")
            }
            value = next
        }
        return value
    }

    func data(
        model: QualifiedBuilder.Model, event: String, template: JSONValue, progress p: QualifiedProgress,
        extra: (key: String, label: String)?
    ) throws(GenerationError) -> JSONValue {
        switch model {
        case .assessment: return try assessment(template, p)
        case .challenge:
            return challenge(template, world.libraryChallenge(revision: p.challengeRevision))
        case .assessmentResult: return try result(template, p)
        case .solution:
            let index = p.current ?? 0
            return try solution(template, index: index, p)
        case .review: return try review(template, p)
        case .teamCandidate: return teamCandidate(template, p, extra: extra)
        }
    }

    func challenge(_ template: JSONValue, _ c: QualifiedWorld.Challenge) -> JSONValue {
        ordered(
            template,
            [
                "_type": .string(c.type), "title": .string(c.title), "estimated_time": .int(c.estimatedTime),
                "topics": .array(c.topics.map(JSONValue.string)), "summary": text(c.summary),
                "purpose": text(c.purpose), "id": .string(c.id),
            ])
    }

    func assessment(_ template: JSONValue, _ p: QualifiedProgress) throws(GenerationError) -> JSONValue {
        let item = try Self.example("qualified__assessment_created", "data.challenges.0")
        return ordered(
            template,
            [
                "labels": .null, "purpose": text(world.assessmentPurpose),
                "summary": .string(world.assessmentSummary(revision: p.assessmentRevision)),
                "title": .string(world.assessmentTitle), "id": .string(world.assessmentId),
                "challenges": .array(world.challenges.map { challenge(item, $0) }),
            ])
    }

    func solutionScore(_ index: Int, _ p: QualifiedProgress) -> Double {
        QualifiedWorld.solutionScore(
            passed: p.solutions[index]?.passed ?? 0, total: world.challenges[index].testNames.count)
    }

    func solution(_ template: JSONValue, index: Int, _ p: QualifiedProgress) throws(GenerationError)
        -> JSONValue
    {
        guard world.challenges.indices.contains(index) else { throw GenerationError("no challenge \(index)") }
        let c = world.challenges[index]
        let plan = world.plans[index]
        let s = p.solutions[index] ?? .init(createdAt: time)
        let score = solutionScore(index, p)
        let challengeTemplate = template["challenge"] ?? .object(JSONObject())
        return ordered(
            template,
            [
                "_type": .string(QualifiedWorld.solutionType(for: c.type)),
                "assessment_id": .string(world.assessmentId), "assessment_result_id": .string(world.resultId),
                "attempts": .int(s.attempts), "completed_at": iso(s.completedAt),
                "first_test_case_solved_at": iso(s.firstSolvedAt), "language": .string(plan.language),
                "passed_test_cases": .int(s.passed), "score": .double(score),
                "team_candidate_id": .string(world.teamCandidateId), "team_id": .string(world.teamId),
                "total_test_cases": .int(c.testNames.count),
                "wall_time": s.wallTime.map(JSONValue.int) ?? .null,
                "id": .string(plan.id),
                "failed_test_names": .array(
                    s.attempts == 0 ? [] : c.testNames.dropFirst(s.passed).map(JSONValue.string)),
                "submission_response_error": .null,
                "passing_score": .bool(s.attempts > 0 && score >= Double(world.cutScore)),
                "ai_reviewable": .bool(false), "ai_reviewed": .string("none"),
                "challenge": challenge(challengeTemplate, c),
            ])
    }

    func resultScore(_ p: QualifiedProgress) -> Double {
        QualifiedWorld.resultScore(p.solutions.keys.sorted().map { solutionScore($0, p) })
    }

    func result(_ template: JSONValue, _ p: QualifiedProgress) throws(GenerationError) -> JSONValue {
        let item = try Self.example("qualified__assessment_result_submitted", "data.solutions.0")
        let score = resultScore(p)
        let active = p.startedAt.map { max(0, Int((min(p.endedAt ?? time, time) - $0) / 1000)) } ?? 0
        return ordered(
            template,
            [
                "accumulated_seconds": .int(active), "invited_at": iso(p.invitedAt), "score": .double(score),
                "started_at": iso(p.startedAt), "state": .string(p.resultState ?? "invited"),
                "submitted_at": iso(p.submittedAt), "id": .string(world.resultId),
                "candidate": ordered(
                    template["candidate"] ?? .object(JSONObject()),
                    [
                        "email": .string(identity.email), "first_name": .string(identity.firstName),
                        "last_name": .string(identity.lastName),
                    ]),
                "team_candidate": ordered(
                    template["team_candidate"] ?? .object(JSONObject()),
                    [
                        "anonymous_name": .string(world.anonymousName),
                        "prev_state": text(p.teamPreviousState),
                        "state": .string(p.teamState ?? "invited"), "id": .string(world.teamCandidateId),
                    ]),
                "assessment": ordered(
                    template["assessment"] ?? .object(JSONObject()),
                    [
                        "labels": .null, "title": .string(world.assessmentTitle),
                        "id": .string(world.assessmentId),
                    ]
                ),
                "passing_score": .bool(p.submittedAt != nil && score >= Double(world.cutScore)),
                "solutions": .array(
                    try p.solutions.keys.sorted().map { index throws(GenerationError) in
                        try solution(item, index: index, p)
                    }),
            ])
    }

    func review(_ template: JSONValue, _ p: QualifiedProgress) throws(GenerationError) -> JSONValue {
        let item = try Self.example(
            "qualified__assessment_result_review_submitted", "data.solution_reviews.0")
        let r = p.review ?? .init(number: max(1, p.reviewCount))
        var random = identity.random("qualified:review:\(r.number)")
        let rating = random.element(of: [1, 2, 3, 4, 5]) ?? 3
        let feedback = FakeData.remark(&random)
        let solutionReviews: [JSONValue] = r.reviewed.filter { world.challenges.indices.contains($0) }.map {
            i in
            var sr = identity.random("qualified:review:\(r.number):solution:\(i)")
            return ordered(
                item,
                [
                    "challenge_id": .string(world.challenges[i].id),
                    "feedback": sr.chance(0.6) ? .string(FakeData.remark(&sr)) : .null,
                    "rating": .int(sr.int(in: 1...5)), "solution_id": .string(world.plans[i].id),
                    "id": .string(identity.objectId("review:\(r.number):solution:\(i)")),
                ])
        }
        return ordered(
            template,
            [
                "assessment_result_id": .string(world.resultId),
                "feedback": r.edited ? .string(feedback) : .null, "rating": r.edited ? .int(rating) : .null,
                "reviewed_by_id": .string(world.reviewerId), "state": .string(r.state),
                "submitted_at": iso(r.submittedAt), "team_candidate_id": .string(world.teamCandidateId),
                "id": .string(identity.objectId("review:\(r.number)")),
                "solution_reviews": .array(solutionReviews),
            ])
    }

    func teamCandidate(_ template: JSONValue, _ p: QualifiedProgress, extra: (key: String, label: String)?)
        -> JSONValue
    {
        var values: [String: JSONValue] = [
            "anonymous_name": .string(world.anonymousName), "email": .string(identity.email),
            "first_name": .string(identity.firstName),
            "labels": p.labels.map { JSONValue.array($0.map(JSONValue.string)) } ?? .null,
            "last_name": .string(identity.lastName), "name": .string(identity.fullName),
            "prev_state": text(p.teamPreviousState), "state": .string(p.teamState ?? "invited"),
            "test_team_member": .bool(false), "id": .string(world.teamCandidateId),
            "assessment_results_count": .int(p.resultState == nil ? 0 : 1),
        ]
        if let extra { values[extra.key] = .string(extra.label) }
        return ordered(template, values)
    }
}

extension JSONValue {
    /// The object with `values` set at its existing keys.
    func replacing(_ values: [String: JSONValue]) -> JSONValue {
        guard var object = objectValue else { return self }
        for (key, value) in values where object[key] != nil { object[key] = value }
        return .object(object)
    }
}

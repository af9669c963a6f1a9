import ProctorCore
import ProctorJSON

/// Qualified bodies: `{"event": <wire name>, "data": {...snake_case model...}}`.
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
    static let labelVocabulary = ["Shortlisted", "Interview", "Strong Hire", "Follow Up", "Hold"]
    static let colours = [
        "Crimson", "Amber", "Indigo", "Olive", "Coral", "Slate", "Ochre", "Jade", "Saffron", "Cobalt",
    ]
    static let animals = [
        "Otter", "Falcon", "Badger", "Gecko", "Marten", "Ibis", "Puffin", "Lynx", "Newt", "Wren",
    ]

    func body(
        for event: EventSpec, state: inout ActorState, time: Int64, quirks: Set<String>, overrides: [Override]
    ) throws(GenerationError) -> JSONValue {
        let template = try ReferenceTemplates.template(event.example)
        var label: String?
        advance(&state, event: event.name, time: time, label: &label)
        let context = Context(event: event, state: state, time: time, quirks: quirks, label: label)
        let filler = TemplateFiller(
            identity: state.identity, rule: { path, template, _ in context.value(path, template) },
            vocabularyKeys: Self.vocabulary)
        var body = filler.fill(template)
        try applyOverrides(overrides, to: &body)
        return body
    }

    /// Candidate and result state per event.
    private func advance(_ state: inout ActorState, event: String, time: Int64, label: inout String?) {
        func move(to next: String) {
            if state.status != next {
                state.previousState = state.status
                state.status = next
            }
        }
        switch event {
        case "team_candidate_state_changed":
            if state.status == nil { move(to: "invited") }
            state.invitedAt = state.invitedAt ?? time
        case "assessment_result_state_changed":
            if state.status == nil { move(to: "invited") }
            state.invitedAt = state.invitedAt ?? time
        case "assessment_result_started", "team_candidate_started_assessment":
            state.invitedAt = state.invitedAt ?? time - 3_600_000
            state.startedAt = state.startedAt ?? time
            move(to: "started")
        case "assessment_result_submitted", "team_candidate_submitted_assessment":
            state.invitedAt = state.invitedAt ?? time - 7_200_000
            state.startedAt = state.startedAt ?? time - 1_800_000
            state.completedAt = time
            state.scoringRound += 1
            move(to: "submitted")
        case "assessment_result_review_submitted":
            state.reviewSubmittedAt = time
            move(to: "reviewed")
        case "team_candidate_label_added":
            var r = state.identity.random("qualified:label:\(state.labels.count)")
            let next =
                r.element(of: Self.labelVocabulary.filter { !state.labels.contains($0) }) ?? "Shortlisted"
            state.labels.append(next)
            label = next
        case "team_candidate_label_removed":
            label = state.labels.popLast() ?? "Shortlisted"
        default: break
        }
    }

    struct Context: Sendable {
        let event: EventSpec
        let state: ActorState
        let time: Int64
        let quirks: Set<String>
        let label: String?

        var identity: ActorIdentity { state.identity }
        func iso(_ ms: Int64) -> JSONValue { .string(FakeData.isoTimestamp(milliseconds: ms)) }

        var model: Model {
            VendorProfiles.qualifiedEvents.first { $0.wire == event.name }?.model ?? .assessment
        }

        var resultState: String {
            if state.completedAt != nil { return "submitted" }
            if state.startedAt != nil { return "started" }
            return event.name == "assessment_result_state_changed" ? "opened" : "invited"
        }

        var resultScore: Double {
            guard state.completedAt != nil else { return 0 }
            return (state.achievedFraction() * 1000).rounded() / 10
        }

        /// Seconds since `milliseconds`, at least 1.
        func seconds(since milliseconds: Int64?) -> Int {
            guard let m = milliseconds else { return 0 }
            return max(1, Int((time - m) / 1000))
        }

        func idFor(_ keys: [String]) -> String? {
            if keys.count == 2 {
                switch model {
                case .assessment: return identity.objectId("assessment")
                case .assessmentResult: return identity.objectId("assessment-result")
                case .solution: return identity.objectId("solution")
                case .review: return identity.objectId("review")
                case .challenge: return identity.objectId("challenge")
                case .teamCandidate: return identity.objectId("team-candidate")
                }
            }
            switch keys.dropLast().last {
            case "team_candidate": return identity.objectId("team-candidate")
            case "assessment": return identity.objectId("assessment")
            default: return nil
            }
        }

        func value(_ path: FillPath, _ template: JSONValue) -> JSONValue? {
            let keys = path.keys
            let key = path.key
            switch key {
            case "event" where keys.count == 1: return .string(event.wireName)
            case "id": return idFor(keys).map { .string($0) }
            case "team_candidate_id": return .string(identity.objectId("team-candidate"))
            case "assessment_id": return .string(identity.objectId("assessment"))
            case "assessment_result_id": return .string(identity.objectId("assessment-result"))
            case "team_id": return .string(identity.objectId("team"))
            case "reviewed_by_id": return .string(identity.objectId("reviewer"))
            case "email": return .string(identity.email)
            case "first_name": return .string(identity.firstName)
            case "last_name": return .string(identity.lastName)
            case "name": return .string(identity.fullName)
            case "anonymous_name":
                var r = identity.random("qualified:anonymous")
                return .string(
                    "\(r.element(of: QualifiedBuilder.colours) ?? "Teal") \(r.element(of: QualifiedBuilder.animals) ?? "Heron")"
                )
            case "title":
                if keys.contains("challenge") || keys.contains("challenges") || model == .challenge {
                    var r = identity.random("qualified:challenge:" + path.text)
                    return .string(
                        "\(r.element(of: FakeData.skills) ?? "Algorithms") #\(r.int(in: 100...999))")
                }
                return .string(identity.jobRole)
            case "topics" where template.stringValue != nil:
                var r = identity.random("qualified:topic:" + path.text)
                return .string(r.element(of: FakeData.skills) ?? "Algorithms")
            case "summary", "purpose":
                guard !template.isNull else { return template }
                var r = identity.random("qualified:text:" + path.text)
                return .string(FakeData.sentence(&r))
            case "feedback", "candidate_remarks":
                guard !template.isNull else { return template }
                var r = identity.random("qualified:remark:" + path.text)
                return .string(FakeData.remark(&r))
            case "labels":
                if keys.count == 2 && model == .teamCandidate {
                    return state.labels.isEmpty ? .null : .array(state.labels.map { .string($0) })
                }
                return template.isNull ? template : nil
            case "added_label", "removed_label": return .string(label ?? "Shortlisted")
            case "state":
                if model == .review { return template }
                if keys.contains("team_candidate") || model == .teamCandidate {
                    return .string(state.status ?? "invited")
                }
                return .string(resultState)
            case "prev_state":
                return state.previousState.map { .string($0) } ?? .null
            case "invited_at":
                guard !template.isNull, let t = state.invitedAt else { return template }
                return iso(t)
            case "started_at":
                if template.isNull && quirks.contains("missing-started-at") { return template }
                if let t = state.startedAt { return iso(t) }
                return template.isNull ? template : iso(time)
            case "submitted_at":
                if model == .review {
                    guard !template.isNull else { return template }
                    return iso(state.reviewSubmittedAt ?? time)
                }
                if let t = state.completedAt { return iso(t) }
                return template.isNull ? template : iso(time)
            case "completed_at", "first_test_case_solved_at":
                // Within the attempt: the first test passes in its first half, the solution
                // completes in its second half; never after the event itself.
                guard !template.isNull else { return template }
                let start = min(state.startedAt ?? time - 900_000, time)
                let span = time - start
                var r = identity.random("qualified:solved:" + path.text)
                let percent = key == "completed_at" ? r.int(in: 50...99) : r.int(in: 5...49)
                return iso(start + span * Int64(percent) / 100)
            case "accumulated_seconds": return .int(seconds(since: state.startedAt))
            case "score":
                if keys.count == 2 { return .double(resultScore) }
                guard state.startedAt != nil || model == .solution else { return .double(0) }
                var r = identity.random("qualified:solution-score:" + path.text + ":\(state.scoringRound)")
                return .double(Double(r.int(in: 0...20)) * 5)
            case "passing_score":
                if keys.count == 2 && model == .assessmentResult { return .bool(resultScore >= 60) }
                return nil
            case "rating":
                guard !template.isNull else { return template }
                var r = identity.random("qualified:rating:" + path.text)
                return .int(r.int(in: 1...5))
            case "estimated_time":
                var r = identity.random("qualified:estimate:" + path.text)
                return .int(r.element(of: [5, 10, 15, 20, 30, 45, 60]) ?? 15)
            case "total_test_cases":
                var r = identity.random("qualified:tests:" + path.text)
                return .int(r.int(in: 3...12))
            case "passed_test_cases":
                guard template.intValue != 0 else { return template }
                var total = identity.random(
                    "qualified:tests:"
                        + path.text.replacingOccurrences(of: "passed_test_cases", with: "total_test_cases"))
                let count = total.int(in: 3...12)
                var r = identity.random("qualified:passed:" + path.text)
                return .int(r.int(in: 0...count))
            case "attempts":
                guard template.intValue != 0 else { return template }
                var r = identity.random("qualified:attempts:" + path.text)
                return .int(r.int(in: 1...6))
            case "wall_time":
                guard !template.isNull else { return template }
                var r = identity.random("qualified:wall:" + path.text)
                return .int(r.int(in: 8...400))
            case "assessment_results_count": return .int(state.startedAt == nil ? 0 : 1)
            case "abandoned", "dry_run", "test_team_member", "ai_reviewable": return template
            default: return nil
            }
        }
    }
}

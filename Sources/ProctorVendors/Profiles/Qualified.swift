import ProctorCore
import ProctorSigning

extension VendorProfiles {
    // Qualified

    /// Seed name (dotted), wire name, model.
    static let qualifiedEvents: [(seed: String?, wire: String, model: QualifiedBuilder.Model)] = [
        ("assessment.created", "assessment_created", .assessment),
        ("assessment.updated", "assessment_updated", .assessment),
        ("assessment.published", "assessment_published", .assessment),
        ("assessment.destroyed", "assessment_destroyed", .assessment),
        ("team_candidate.started_assessment", "team_candidate_started_assessment", .assessmentResult),
        ("team_candidate.submitted_assessment", "team_candidate_submitted_assessment", .assessmentResult),
        (nil, "assessment_result_started", .assessmentResult),
        (nil, "assessment_result_submitted", .assessmentResult),
        (nil, "assessment_result_state_changed", .assessmentResult),
        ("solution.created", "solution_created", .solution),
        ("solution.updated", "solution_updated", .solution),
        ("assessment_result_review.created", "assessment_result_review_created", .review),
        ("assessment_result_review.updated", "assessment_result_review_updated", .review),
        ("assessment_result_review.submitted", "assessment_result_review_submitted", .review),
        ("assessment_result_review.destroyed", "assessment_result_review_destroyed", .review),
        ("challenge.created", "challenge_created", .challenge),
        ("challenge.updated", "challenge_updated", .challenge),
        ("challenge.published", "challenge_published", .challenge),
        ("challenge.destroyed", "challenge_destroyed", .challenge),
        ("team_candidate.created", "team_candidate_state_changed", .teamCandidate),
        ("team_candidate.label_added", "team_candidate_label_added", .teamCandidate),
        ("team_candidate.label_removed", "team_candidate_label_removed", .teamCandidate),
    ]

    /// State changes a scenario (and a `lifecycle:` stage) asks for by name: `EVENT.STATE` sends
    /// EVENT (its wire name and example) with the world moved to STATE, or as it is when it is
    /// there already (the state change accompanying the event that moved it). The plain events
    /// move it the natural way: `team_candidate_state_changed` invites,
    /// `assessment_result_state_changed` opens.
    static let qualifiedStateChanges: [(event: String, state: String)] = [
        ("assessment_result_state_changed", "invited"), ("assessment_result_state_changed", "started"),
        ("assessment_result_state_changed", "submitting"), ("assessment_result_state_changed", "submitted"),
        ("assessment_result_state_changed", "terminated"),
        ("team_candidate_state_changed", "started"), ("team_candidate_state_changed", "submitted"),
        ("team_candidate_state_changed", "risk_detected"), ("team_candidate_state_changed", "reviewed"),
        ("team_candidate_state_changed", "approved"), ("team_candidate_state_changed", "rejected"),
        ("team_candidate_state_changed", "archived"),
    ]

    /// Every event name (state changes included) whose data is one of `models`.
    static func qualifiedNames(_ models: (QualifiedBuilder.Model) -> Bool) -> [String] {
        qualifiedEvents.filter { models($0.model) }.map(\.wire)
            + qualifiedStateChanges.filter { change in
                qualifiedEvents.contains { $0.wire == change.event && models($0.model) }
            }.map { $0.event + "." + $0.state }
    }

    /// The events Qualified fires for one change, in the order it sends them: the event that
    /// reports the change, the result's `assessment_result_state_changed` (it fires on every
    /// result state change), the team candidate's `team_candidate_state_changed` when its state
    /// moves with the result (the result's `team_candidate` shows it moved), and the deprecated
    /// twin last (only for endpoints subscribed to the old name, so never in a stage).
    static let qualifiedMoments: [[String]] = [
        ["team_candidate_state_changed", "assessment_result_state_changed.invited"],
        [
            "assessment_result_started", "assessment_result_state_changed.started",
            "team_candidate_state_changed.started", "team_candidate_started_assessment",
        ],
        [
            "assessment_result_submitted", "assessment_result_state_changed.submitted",
            "team_candidate_state_changed.submitted", "team_candidate_submitted_assessment",
        ],
    ]

    /// The events Qualified fires `name` together with (``EventSpec/firesWith``).
    static func qualifiedFiresWith(_ name: String) -> [String] {
        qualifiedMoments.filter { $0.contains(name) }.flatMap { $0.filter { $0 != name } }
    }

    /// A `lifecycle:` stage: the events of its moment without the deprecated twin, or `event` alone.
    static func qualifiedStage(_ stage: String, _ event: String) -> (stage: String, events: [String]) {
        let moment = qualifiedMoments.first { $0.first == event } ?? [event]
        return (stage, moment.filter { !qualifiedDeprecated($0) })
    }

    static func qualifiedDeprecated(_ name: String) -> Bool {
        name.hasPrefix("team_candidate_") && name.hasSuffix("_assessment")
    }

    static let qualifiedSubmittedEvents = [
        "assessment_result_submitted", "team_candidate_submitted_assessment",
        "assessment_result_state_changed.submitted", "team_candidate_state_changed.submitted",
    ]
    static let qualifiedStartedEvents = [
        "assessment_result_started", "team_candidate_started_assessment",
        "assessment_result_state_changed.started", "team_candidate_state_changed.started",
    ]
    static let qualifiedTerminated = "assessment_result_state_changed.terminated"

    /// The events Qualified can no longer send after `name` for the same record.
    static func qualifiedNotAfter(_ name: String) -> [String] {
        func team(_ states: String...) -> [String] { states.map { "team_candidate_state_changed." + $0 } }
        let afterSubmission = team("risk_detected", "reviewed", "approved", "rejected", "archived")
        switch name {
        case "assessment_result_state_changed.invited":
            return qualifiedStartedEvents + ["assessment_result_state_changed.submitting"]
                + qualifiedSubmittedEvents + [qualifiedTerminated]
        case "team_candidate_state_changed.started":
            return qualifiedSubmittedEvents + [qualifiedTerminated] + afterSubmission
        case "team_candidate_state_changed.submitted":
            return [qualifiedTerminated] + afterSubmission
        case "assessment_result_started", "team_candidate_started_assessment",
            "assessment_result_state_changed.started", "assessment_result_state_changed.submitting":
            return qualifiedSubmittedEvents + [qualifiedTerminated]
        case "assessment_result_submitted", "team_candidate_submitted_assessment",
            "assessment_result_state_changed.submitted":
            return [qualifiedTerminated]
        case qualifiedTerminated: return qualifiedSubmittedEvents
        case "team_candidate_state_changed.risk_detected":
            return team("reviewed", "approved", "rejected", "archived")
        case "team_candidate_state_changed.reviewed": return team("approved", "rejected", "archived")
        case "team_candidate_state_changed.approved", "team_candidate_state_changed.rejected":
            return team("archived")
        case "assessment_result_review_updated", "assessment_result_review_submitted",
            "assessment_result_review_destroyed":
            return ["assessment_result_review_destroyed"]
        case "assessment_updated", "assessment_published": return ["assessment_destroyed"]
        case "challenge_updated", "challenge_published": return ["challenge_destroyed"]
        default: return []
        }
    }

    /// Qualified: one retry after 60 s, only on connection failure, a 5 s connect timeout or one
    /// of these statuses.
    static let qualifiedRetries = RetryPolicy(
        name: "qualified", delays: [.seconds(60)],
        trigger: .connectionFailureOr(statuses: [502, 503, 504, 520, 521, 523, 525, 526, 527, 530]),
        connectTimeout: .seconds(5), note: "at least 60s after the failure")

    static let qualified = VendorProfile(
        id: VendorID("qualified"), displayName: "Qualified",
        events: qualifiedEvents.map { e in
            let deprecated = qualifiedDeprecated(e.wire)
            return EventSpec(
                vendor: "qualified", name: e.wire, wireName: e.wire, aliases: e.seed.map { [$0] } ?? [],
                envelope: "{event, data: \(e.model.rawValue)}" + (deprecated ? " (deprecated)" : ""),
                notAfter: qualifiedNotAfter(e.wire),
                organisational: e.model == .assessment || e.model == .challenge,
                firesWith: qualifiedFiresWith(e.wire))
        }
            + qualifiedStateChanges.map { change in
                let model = qualifiedEvents.first { $0.wire == change.event }?.model ?? .teamCandidate
                return EventSpec(
                    vendor: "qualified", name: change.event + "." + change.state, wireName: change.event,
                    envelope: "{event, data: \(model.rawValue)} moved to state \(change.state)",
                    example: "qualified__" + change.event,
                    exampleNote: "\(change.event) with the state moved to \(change.state)",
                    notAfter: qualifiedNotAfter(change.event + "." + change.state),
                    firesWith: qualifiedFiresWith(change.event + "." + change.state))
            },
        method: "POST",
        // Qualified documents no headers; it is a Ruby application and Ruby's HTTP client
        // sends this user agent by default.
        defaultHeaders: [
            HTTPHeader("Content-Type", "application/json"),
            HTTPHeader("User-Agent", "Ruby"),
        ],
        signing: .none,
        quirks: [
            QuirkSpec(
                "labels-null",
                "labels is null on a record that never had a label ([] once its labels were removed)",
                events: qualifiedNames { _ in true }, always: true),
            QuirkSpec(
                "float-score", "score is a float (0.0, 100.0)",
                events: qualifiedNames { $0 == .assessmentResult || $0 == .solution },
                always: true),
            QuirkSpec(
                "missing-started-at",
                "a submitted result with started_at and invited_at null, as in the docs' fixture",
                events: ["assessment_result_submitted", "team_candidate_submitted_assessment"]),
        ],
        lifecycle: [
            qualifiedStage("invited", "team_candidate_state_changed"),
            qualifiedStage("opened", "assessment_result_state_changed"),
            qualifiedStage("started", "assessment_result_started"),
            qualifiedStage("solved", "solution_updated"),
            qualifiedStage("submitting", "assessment_result_state_changed.submitting"),
            qualifiedStage("submitted", "assessment_result_submitted"),
            qualifiedStage("terminated", qualifiedTerminated),
            qualifiedStage("risk_detected", "team_candidate_state_changed.risk_detected"),
            qualifiedStage("reviewed", "team_candidate_state_changed.reviewed"),
            qualifiedStage("approved", "team_candidate_state_changed.approved"),
            qualifiedStage("rejected", "team_candidate_state_changed.rejected"),
            qualifiedStage("archived", "team_candidate_state_changed.archived"),
        ],
        retryPolicy: qualifiedRetries,
        readPayload: PayloadInspection.qualified,
        loadIdentity: [.objectId("team-candidateId"), .emailTag("email")],
        builder: QualifiedBuilder())
}

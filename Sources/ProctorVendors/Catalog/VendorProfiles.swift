import ProctorSigning

/// The four vendor profiles. Facts and their sources: reference/NOTES.md and reference/qualified.md
/// of the vendor reference pack; docs/README-vendors.md summarises them.
enum VendorProfiles {
    // MARK: Talview

    static let talview = VendorProfile(
        name: "talview", displayName: "Talview",
        events: [
            EventSpec(
                vendor: "talview", name: "ae.test_instance.created", wireName: "ae_test_instance_created",
                envelope: "the test-instance record itself (no wrapper)"),
            EventSpec(
                vendor: "talview", name: "ae.test_instance.updated", wireName: "ae_test_instance_updated",
                envelope: "the test-instance record plus `old` (previous values of the changed fields)",
                requiresAny: ["ae.test_instance.created"]),
        ],
        method: "POST",
        // Talview's webhooks are Hasura event triggers (subscriptions go through its Hasura
        // endpoint), hence Hasura's user agent. The method is selectable per subscription; POST
        // is the default here.
        defaultHeaders: [
            HTTPHeader("Content-Type", "application/json"),
            HTTPHeader("User-Agent", "hasura-graphql-engine/v2.44.0"),
        ],
        signing: .none,
        quirks: [
            QuirkSpec(
                "nullable-null",
                "send the fields the type showcase marks nullable as null (old_id, external_id, middle_name, phone_number, country, ordinal, skill)",
                events: ["ae.test_instance.created", "ae.test_instance.updated"]),
            QuirkSpec(
                "tenant-id",
                "top-level tenant_id is present (the concepts page says it was dropped; both examples still carry it)",
                events: ["ae.test_instance.created", "ae.test_instance.updated"], always: true),
            QuirkSpec(
                "candidate-tenant-id", "candidate.tenant_id appears in updated only",
                events: ["ae.test_instance.updated"], always: true),
        ],
        lifecycle: [("created", "ae.test_instance.created"), ("updated", "ae.test_instance.updated")],
        retries: "not documented; Proctor retries any failure after 30s, 5m and 30m",
        builder: TalviewBuilder())

    // MARK: Testlify (Svix)

    static let testlifyCandidateEvents = [
        "invited", "enrolled", "in_progress", "completed", "disqualified", "rejected", "invitation_expired",
        "invited_for_interview", "score_updated",
    ]

    static func candidateOrder(_ event: String) -> (requiresAny: [String], notAfter: [String]) {
        let c = { (names: [String]) in names.map { "candidate." + $0 } }
        switch event {
        case "invited": return ([], c(["enrolled", "in_progress", "completed", "disqualified", "rejected"]))
        case "enrolled":
            return (
                c(["invited"]),
                c(["in_progress", "completed", "invitation_expired", "disqualified", "rejected"])
            )
        case "in_progress":
            return (c(["enrolled"]), c(["completed", "invitation_expired", "disqualified", "rejected"]))
        case "completed":
            return (c(["in_progress", "enrolled"]), c(["invitation_expired", "disqualified", "rejected"]))
        case "invitation_expired": return (c(["invited"]), c(["enrolled", "in_progress", "completed"]))
        case "score_updated", "invited_for_interview": return (c(["completed"]), c(["invitation_expired"]))
        default: return (c(["invited"]), [])
        }
    }

    static let testlify = VendorProfile(
        name: "testlify", displayName: "Testlify",
        events: testlifyCandidateEvents.map { e in
            let order = candidateOrder(e)
            return EventSpec(
                vendor: "testlify", name: "candidate." + e, wireName: "candidate." + e,
                envelope: "{data, event, metadata, success, timestamp, type}",
                requiresAny: order.requiresAny, notAfter: order.notAfter)
        }
            + ["created", "updated", "deleted", "archived"].map { e in
                EventSpec(
                    vendor: "testlify", name: "assessment." + e, wireName: "assessment." + e,
                    envelope: "{data, event, success, type}",
                    example: "testlify__assessment.archived",
                    exampleNote: e == "archived"
                        ? nil
                        : "the Svix catalog shows the assessment.archived example for every assessment event",
                    notAfter: e == "deleted" || e == "created" ? [] : ["assessment.deleted"],
                    organisational: true)
            },
        method: "POST",
        defaultHeaders: [
            HTTPHeader("Content-Type", "application/json"),
            HTTPHeader(
                "User-Agent", "Svix-Webhooks/1.76.1 (sender-testlify; +https://www.svix.com/http-sender/)"),
        ],
        signing: .standardWebhooks(.svix),
        quirks: [
            QuirkSpec(
                "sorted-keys",
                "every object's keys in alphabetical order, as the Svix event catalog shows them",
                events: testlifyCandidateEvents.map { "candidate." + $0 }
                    + [
                        "assessment.created", "assessment.updated", "assessment.deleted",
                        "assessment.archived",
                    ],
                always: true),
            QuirkSpec(
                "null-signals", "signals.antiCheating endIPAddress, ipAddress and preciseLocation are null",
                events: testlifyCandidateEvents.map { "candidate." + $0 }, always: true),
        ],
        lifecycle: testlifyCandidateEvents.map { ($0, "candidate." + $0) },
        retries: "Svix: immediately, then 5s, 5m, 30m, 2h, 5h, 10h, 10h; success is a 2xx within 15s",
        builder: TestlifyBuilder(legacy: false))

    // MARK: Testlify v1 (legacy)

    static let legacyCandidateEvents = [
        "invited", "enrolled", "in_progress", "completed", "disqualified", "invitation_expired",
        "score_updated",
    ]

    static func legacyEnvelope(_ e: String) -> String {
        switch e {
        case "invitation_expired": return "{success, data} (no type, event, metadata or timestamp)"
        case "disqualified": return "{data, type, event, success, metadata: false} (no timestamp)"
        case "invited", "score_updated":
            return "{data, type, event: \"candidateStatusChanged\", success, metadata: false, timestamp}"
        default: return "{data, type, event, success, metadata: false, timestamp}"
        }
    }

    static let legacyCandidateNames = legacyCandidateEvents.map { "candidate." + $0 }
    static let withTimestamp = [
        "candidate.invited", "candidate.enrolled", "candidate.in_progress", "candidate.completed",
        "candidate.score_updated", "candidate.disqualified",
    ]
    static let resultLinkEvents = legacyCandidateNames.filter { $0 != "candidate.invitation_expired" }
    static let antiCheatingEvents = legacyCandidateNames

    static let testlifyV1 = VendorProfile(
        name: "testlify-v1", displayName: "Testlify (legacy v1)",
        events: legacyCandidateEvents.map { e in
            let order = candidateOrder(e)
            return EventSpec(
                vendor: "testlify-v1", name: "candidate." + e,
                wireName: e == "invited" || e == "score_updated"
                    ? "candidateStatusChanged" : (e == "invitation_expired" ? "(none)" : e),
                envelope: legacyEnvelope(e), requiresAny: order.requiresAny, notAfter: order.notAfter)
        }
            + ["created", "updated", "deleted", "archived"].map { e in
                EventSpec(
                    vendor: "testlify-v1", name: "assessment." + e, wireName: e,
                    envelope: "{data, type, event, success, metadata: {}} (no timestamp)",
                    notAfter: e == "deleted" || e == "created" ? [] : ["assessment.deleted"],
                    organisational: true)
            },
        method: "POST",
        // No user agent is documented for v1; Testlify's backend is Node, and axios is its
        // usual HTTP client.
        defaultHeaders: [
            HTTPHeader("Content-Type", "application/json"),
            HTTPHeader("User-Agent", "axios/1.7.2"),
        ],
        signing: .none,
        quirks: [
            QuirkSpec(
                "result-link-null", "resultLink is JSON null", events: resultLinkEvents,
                defaultOn: ["candidate.invited"], group: "result-link"),
            QuirkSpec(
                "result-link-null-string", "resultLink is the string \"null\"", events: resultLinkEvents,
                defaultOn: ["candidate.enrolled", "candidate.in_progress"], group: "result-link"),
            QuirkSpec(
                "result-link-relative", "resultLink is a path without host (reports/pdf/...)",
                events: resultLinkEvents,
                defaultOn: ["candidate.score_updated"], group: "result-link"),
            QuirkSpec(
                "result-link-url", "resultLink is an absolute URL", events: resultLinkEvents,
                defaultOn: ["candidate.completed"], group: "result-link"),
            QuirkSpec(
                "result-link-absent", "no resultLink key", events: resultLinkEvents,
                defaultOn: ["candidate.disqualified"], group: "result-link"),
            QuirkSpec(
                "anti-cheating-absent", "no antiCheatingMonitor key", events: antiCheatingEvents,
                defaultOn: ["candidate.invited", "candidate.disqualified", "candidate.score_updated"],
                group: "anti-cheating"),
            QuirkSpec(
                "anti-cheating-empty", "antiCheatingMonitor is \"\" (empty string)",
                events: antiCheatingEvents,
                defaultOn: ["candidate.enrolled", "candidate.invitation_expired"], group: "anti-cheating"),
            QuirkSpec(
                "anti-cheating-object", "antiCheatingMonitor is an object (masked IP, string coordinates)",
                events: antiCheatingEvents, defaultOn: ["candidate.in_progress", "candidate.completed"],
                group: "anti-cheating"),
            QuirkSpec(
                "missing-timestamp", "the envelope has no timestamp", events: withTimestamp,
                defaultOn: ["candidate.disqualified"], group: "timestamp"),
            QuirkSpec(
                "timestamp-present", "the envelope has a timestamp (ms since the epoch)",
                events: withTimestamp,
                defaultOn: [
                    "candidate.invited", "candidate.enrolled", "candidate.in_progress", "candidate.completed",
                    "candidate.score_updated",
                ], group: "timestamp"),
            QuirkSpec(
                "score-update-rejected",
                "a score update reports status REJECTED and stage Rejected, as the vendor's example does",
                events: ["candidate.score_updated"]),
            QuirkSpec(
                "status-change-event",
                "invitations and score updates are sent with event \"candidateStatusChanged\"",
                events: ["candidate.invited", "candidate.score_updated"], always: true),
            QuirkSpec(
                "invitation-expired-envelope",
                "invitation_expired is {success, data} with its own data set (assessmentName, title, orgId, expired: false)",
                events: ["candidate.invitation_expired"], always: true),
            QuirkSpec(
                "legacy-key-order", "data keys ordered by length, then bytewise (Postgres jsonb order)",
                events: legacyCandidateNames.filter { $0 != "candidate.invitation_expired" }
                    + [
                        "assessment.created", "assessment.updated", "assessment.deleted",
                        "assessment.archived",
                    ],
                always: true),
            QuirkSpec(
                "nullable-null", "companyId and resellerId are null", events: legacyCandidateNames,
                always: true),
        ],
        lifecycle: legacyCandidateEvents.map { ($0, "candidate." + $0) },
        retries: "none automatic (manual \"Force Retry\" only)",
        builder: TestlifyBuilder(legacy: true))

    // MARK: Qualified

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

    static func qualifiedOrder(_ wire: String) -> (requiresAny: [String], notAfter: [String]) {
        switch wire {
        case "assessment_result_started", "team_candidate_started_assessment":
            return ([], ["assessment_result_submitted", "team_candidate_submitted_assessment"])
        case "assessment_result_review_updated", "assessment_result_review_submitted",
            "assessment_result_review_destroyed":
            return (["assessment_result_review_created"], ["assessment_result_review_destroyed"])
        case "team_candidate_label_removed": return (["team_candidate_label_added"], [])
        case "assessment_updated", "assessment_published": return ([], ["assessment_destroyed"])
        case "challenge_updated", "challenge_published": return ([], ["challenge_destroyed"])
        default: return ([], [])
        }
    }

    static let qualified = VendorProfile(
        name: "qualified", displayName: "Qualified",
        events: qualifiedEvents.map { e in
            let order = qualifiedOrder(e.wire)
            let deprecated = e.wire.hasPrefix("team_candidate_") && e.wire.hasSuffix("_assessment")
            return EventSpec(
                vendor: "qualified", name: e.wire, wireName: e.wire, aliases: e.seed.map { [$0] } ?? [],
                envelope: "{event, data: \(e.model.rawValue)}" + (deprecated ? " (deprecated)" : ""),
                requiresAny: order.requiresAny, notAfter: order.notAfter,
                organisational: e.model == .assessment || e.model == .challenge)
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
                "labels-null", "labels is null rather than [] when the record has no labels",
                events: qualifiedEvents.map(\.wire), always: true),
            QuirkSpec(
                "float-score", "score is a float (0.0, 100.0)",
                events: qualifiedEvents.filter { $0.model == .assessmentResult || $0.model == .solution }.map(
                    \.wire),
                always: true),
            QuirkSpec(
                "missing-started-at",
                "a submitted result with started_at and invited_at null, as in the docs' fixture",
                events: ["assessment_result_submitted", "team_candidate_submitted_assessment"]),
        ],
        lifecycle: [
            ("invited", "team_candidate_state_changed"), ("opened", "assessment_result_state_changed"),
            ("started", "assessment_result_started"), ("solved", "solution_updated"),
            ("submitted", "assessment_result_submitted"), ("reviewed", "assessment_result_review_submitted"),
        ],
        retries:
            "one retry after at least 60s, only on connection failure, a 5s connect timeout or 502, 503, 504, 520, 521, 523, 525, 526, 527, 530",
        builder: QualifiedBuilder())
}

import ProctorCore
import ProctorSigning

extension VendorProfiles {
    // Testlify v1 (legacy)

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

    /// Legacy Testlify (v1) offers only manual "Force Retry": no automatic retries.
    static let legacyRetries = RetryPolicy(
        name: "testlify-v1", delays: [], note: "manual \"Force Retry\" only")

    static let testlifyV1 = VendorProfile(
        id: VendorID("testlify-v1"), displayName: "Testlify (legacy v1)",
        events: legacyCandidateEvents.map { e in
            return EventSpec(
                vendor: "testlify-v1", name: "candidate." + e,
                wireName: e == "invited" || e == "score_updated"
                    ? "candidateStatusChanged" : (e == "invitation_expired" ? "(none)" : e),
                envelope: legacyEnvelope(e), notAfter: candidateNotAfter(e))
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
        lifecycle: legacyCandidateEvents.map { ($0, ["candidate." + $0]) },
        retryPolicy: legacyRetries,
        readPayload: PayloadInspection.testlify,
        loadIdentity: [.objectId("candidateId"), .emailTag("email")],
        builder: TestlifyBuilder(legacy: true),
        migration: VendorMigration(partner: VendorID("testlify"), note: testlifyMigrationNote))
}

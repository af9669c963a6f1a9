import ProctorCore
import ProctorSigning

extension VendorProfiles {
    // Testlify (Svix)

    static let testlifyCandidateEvents = [
        "invited", "enrolled", "in_progress", "completed", "disqualified", "rejected", "invitation_expired",
        "invited_for_interview", "score_updated",
    ]

    /// The candidate events Testlify can no longer send after `event` (the order rule of
    /// `proctor check`; earlier events may be missing, as an endpoint may not be subscribed to them).
    static func candidateNotAfter(_ event: String) -> [String] {
        let c = { (names: [String]) in names.map { "candidate." + $0 } }
        switch event {
        case "invited": return c(["enrolled", "in_progress", "completed", "disqualified", "rejected"])
        case "enrolled":
            return c(["in_progress", "completed", "invitation_expired", "disqualified", "rejected"])
        case "in_progress": return c(["completed", "invitation_expired", "disqualified", "rejected"])
        case "completed": return c(["invitation_expired", "disqualified", "rejected"])
        case "invitation_expired": return c(["enrolled", "in_progress", "completed"])
        case "score_updated", "invited_for_interview": return c(["invitation_expired"])
        default: return []
        }
    }

    /// Svix: retries 5s, 5m, 30m, 2h, 5h, 10h, 10h after failures; success is a 2xx within 15 s;
    /// `webhook-delivery: abort-message` stops the retries.
    static let svixRetries = RetryPolicy(
        name: "svix",
        delays: [
            .seconds(5), .seconds(5 * 60), .seconds(30 * 60), .seconds(2 * 3600), .seconds(5 * 3600),
            .seconds(10 * 3600), .seconds(10 * 3600),
        ],
        trigger: .anyFailure, successWithin: .seconds(15), requestTimeout: .seconds(15),
        honoursAbortHeader: true
    )

    static let testlify = VendorProfile(
        id: VendorID("testlify"), displayName: "Testlify",
        events: testlifyCandidateEvents.map { e in
            return EventSpec(
                vendor: "testlify", name: "candidate." + e, wireName: "candidate." + e,
                envelope: "{data, event, metadata, success, timestamp, type}",
                notAfter: candidateNotAfter(e))
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
        lifecycle: testlifyCandidateEvents.map { ($0, ["candidate." + $0]) },
        retryPolicy: svixRetries,
        readPayload: PayloadInspection.testlify,
        loadIdentity: [.objectId("candidateId"), .emailTag("email")],
        builder: TestlifyBuilder(legacy: false),
        migration: VendorMigration(partner: VendorID("testlify-v1"), note: testlifyMigrationNote))

    static let testlifyMigrationNote =
        "Endpoints created before 2025-12-25 were v1; during the transition Testlify sent every event to both v1 and v2 endpoints, until v1 was discontinued on 2026-06-01."
}

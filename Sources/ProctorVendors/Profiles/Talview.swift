import ProctorCore
import ProctorSigning

extension VendorProfiles {
    // Talview

    /// Talview documents no schedule; Proctor retries any failure after 30 s, 5 m and 30 m.
    static let talviewRetries = RetryPolicy(
        name: "talview", delays: [.seconds(30), .seconds(5 * 60), .seconds(30 * 60)], trigger: .anyFailure,
        note: "not documented by Talview; Proctor's default")

    static let talview = VendorProfile(
        id: VendorID("talview"), displayName: "Talview",
        events: [
            EventSpec(
                vendor: "talview", name: "ae.test_instance.created", wireName: "ae_test_instance_created",
                envelope: "the test-instance record itself (no wrapper)"),
            EventSpec(
                vendor: "talview", name: "ae.test_instance.updated", wireName: "ae_test_instance_updated",
                envelope: "the test-instance record plus `old` (previous values of the changed fields)"),
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
                "top-level tenant_id is present (the concepts page says it was dropped; both examples still carry it); classic version only",
                events: ["ae.test_instance.created", "ae.test_instance.updated"], always: true),
            QuirkSpec(
                "candidate-tenant-id", "candidate.tenant_id appears in updated only; classic version only",
                events: ["ae.test_instance.updated"], always: true),
        ],
        lifecycle: [("created", ["ae.test_instance.created"]), ("updated", ["ae.test_instance.updated"])],
        retryPolicy: talviewRetries,
        readPayload: PayloadInspection.talview,
        loadIdentity: [
            .sixDigits("candidate_id", stride: 7919), .sixDigits("test_instance_id", stride: 104_729),
            .emailTag("email"),
        ],
        builder: TalviewBuilder(),
        versions: [TalviewBuilder.classic, TalviewBuilder.flat])
}

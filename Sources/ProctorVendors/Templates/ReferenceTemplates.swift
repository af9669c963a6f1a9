import ProctorJSON

/// The vendors' reference examples as the shape templates of payloads: keys, nesting, JSON types
/// and key order (the builders replace the values). The examples are the files of
/// `ReferenceExamples/`, embedded in the binary (`.embedInCode` in `Package.swift`).
enum ReferenceTemplates {
    /// Each example's bytes, keyed `vendor__event` (its file name without `.json`).
    static let files: [String: [UInt8]] = [
        "qualified__assessment_created": PackageResources.qualified__assessment_created_json,
        "qualified__assessment_destroyed": PackageResources.qualified__assessment_destroyed_json,
        "qualified__assessment_published": PackageResources.qualified__assessment_published_json,
        "qualified__assessment_result_review_created":
            PackageResources.qualified__assessment_result_review_created_json,
        "qualified__assessment_result_review_destroyed":
            PackageResources.qualified__assessment_result_review_destroyed_json,
        "qualified__assessment_result_review_submitted":
            PackageResources.qualified__assessment_result_review_submitted_json,
        "qualified__assessment_result_review_updated":
            PackageResources.qualified__assessment_result_review_updated_json,
        "qualified__assessment_result_started": PackageResources.qualified__assessment_result_started_json,
        "qualified__assessment_result_state_changed":
            PackageResources.qualified__assessment_result_state_changed_json,
        "qualified__assessment_result_submitted":
            PackageResources.qualified__assessment_result_submitted_json,
        "qualified__assessment_updated": PackageResources.qualified__assessment_updated_json,
        "qualified__challenge_created": PackageResources.qualified__challenge_created_json,
        "qualified__challenge_destroyed": PackageResources.qualified__challenge_destroyed_json,
        "qualified__challenge_published": PackageResources.qualified__challenge_published_json,
        "qualified__challenge_updated": PackageResources.qualified__challenge_updated_json,
        "qualified__solution_created": PackageResources.qualified__solution_created_json,
        "qualified__solution_updated": PackageResources.qualified__solution_updated_json,
        "qualified__team_candidate_label_added": PackageResources.qualified__team_candidate_label_added_json,
        "qualified__team_candidate_label_removed":
            PackageResources.qualified__team_candidate_label_removed_json,
        "qualified__team_candidate_started_assessment":
            PackageResources.qualified__team_candidate_started_assessment_json,
        "qualified__team_candidate_state_changed":
            PackageResources.qualified__team_candidate_state_changed_json,
        "qualified__team_candidate_submitted_assessment":
            PackageResources.qualified__team_candidate_submitted_assessment_json,
        "talview__ae.test_instance.created": PackageResources.talview__ae_test_instance_created_json,
        "talview__ae.test_instance.updated": PackageResources.talview__ae_test_instance_updated_json,
        "testlify-v1__assessment.archived": PackageResources.testlify_v1__assessment_archived_json,
        "testlify-v1__assessment.created": PackageResources.testlify_v1__assessment_created_json,
        "testlify-v1__assessment.deleted": PackageResources.testlify_v1__assessment_deleted_json,
        "testlify-v1__assessment.updated": PackageResources.testlify_v1__assessment_updated_json,
        "testlify-v1__candidate.completed": PackageResources.testlify_v1__candidate_completed_json,
        "testlify-v1__candidate.disqualified": PackageResources.testlify_v1__candidate_disqualified_json,
        "testlify-v1__candidate.enrolled": PackageResources.testlify_v1__candidate_enrolled_json,
        "testlify-v1__candidate.in_progress": PackageResources.testlify_v1__candidate_in_progress_json,
        "testlify-v1__candidate.invitation_expired":
            PackageResources.testlify_v1__candidate_invitation_expired_json,
        "testlify-v1__candidate.invited": PackageResources.testlify_v1__candidate_invited_json,
        "testlify-v1__candidate.score_updated": PackageResources.testlify_v1__candidate_score_updated_json,
        "testlify__assessment.archived": PackageResources.testlify__assessment_archived_json,
        "testlify__candidate.completed": PackageResources.testlify__candidate_completed_json,
        "testlify__candidate.disqualified": PackageResources.testlify__candidate_disqualified_json,
        "testlify__candidate.enrolled": PackageResources.testlify__candidate_enrolled_json,
        "testlify__candidate.in_progress": PackageResources.testlify__candidate_in_progress_json,
        "testlify__candidate.invitation_expired":
            PackageResources.testlify__candidate_invitation_expired_json,
        "testlify__candidate.invited": PackageResources.testlify__candidate_invited_json,
        "testlify__candidate.invited_for_interview":
            PackageResources.testlify__candidate_invited_for_interview_json,
        "testlify__candidate.rejected": PackageResources.testlify__candidate_rejected_json,
        "testlify__candidate.score_updated": PackageResources.testlify__candidate_score_updated_json,
    ]

    /// The examples, parsed once, keyed `vendor__event`. An example that is not valid JSON keeps
    /// its parse error, which ``template(_:)`` throws.
    static let parsed: [String: Result<JSONValue, GenerationError>] = {
        var parsed: [String: Result<JSONValue, GenerationError>] = [:]
        for (name, bytes) in files { parsed[name] = parse(name, bytes) }
        return parsed
    }()

    /// Parses the example `name`; the error names it.
    static func parse(_ name: String, _ bytes: [UInt8]) -> Result<JSONValue, GenerationError> {
        Result { () throws(JSONParseError) in try JSONValue(parsing: bytes) }
            .mapError { GenerationError("reference template \"\(name)\" is not valid JSON: \($0)") }
    }

    /// The parsed example named `vendor__event`.
    static func template(_ name: String) throws(GenerationError) -> JSONValue {
        guard let template = parsed[name] else { throw GenerationError("no reference template \"\(name)\"") }
        return try template.get()
    }
}

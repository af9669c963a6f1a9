import ProctorCore
import ProctorJSON

/// Talview test-instance records. The body is the record itself; `updated` adds `old`, computed
/// by diffing the previous snapshot with the new one (see ``TalviewDiff``).
struct TalviewBuilder: PayloadBuilder {
    static let vocabulary: Set<String> = ["level", "status"]

    /// Fields the Payload Type Showcase types as `T | null` (root, candidate, attribute).
    static let nullablePaths = [
        "old_id", "candidate.old_id", "candidate.external_id", "candidate.first_name", "candidate.last_name",
        "candidate.middle_name", "candidate.phone_number", "candidate.country",
    ]

    func body(
        for event: EventSpec, state: inout ActorState, time: Int64, quirks: Set<String>, overrides: [Override]
    ) throws(GenerationError) -> JSONValue {
        let isUpdate = event.name == "ae.test_instance.updated"
        if state.startedAt == nil {
            state.startedAt = isUpdate ? time - 600_000 : time
        }
        // The previous snapshot: the last one sent, or the record as it was created.
        var previous = state.lastSnapshot
        if isUpdate && previous == nil {
            previous = try record(state: state, time: state.startedAt ?? time, measured: false, quirks: [])
        }
        if isUpdate {
            if state.completedAt == nil { state.completedAt = time }
            state.scoringRound += 1
        }
        var snapshot = try record(state: state, time: time, measured: isUpdate, quirks: quirks)
        let (bodyOverrides, oldOverrides) = (
            overrides.filter { $0.path.components.first != .key("old") },
            overrides.filter { $0.path.components.first == .key("old") }
        )
        try applyOverrides(bodyOverrides, to: &snapshot)
        state.lastSnapshot = snapshot
        guard isUpdate, case .object(var object) = snapshot else {
            // Created: the candidate carries no tenant_id (as in the created example and type).
            var body = snapshot
            if case .object(var root) = body, case .object(var candidate)? = root["candidate"],
                !overrides.contains(where: { $0.path.text == "candidate.tenant_id" })
            {
                candidate.removeValue(forKey: "tenant_id")
                root["candidate"] = .object(candidate)
                body = .object(root)
            }
            try applyOverrides(oldOverrides, to: &body)
            return body
        }
        object["old"] = .object(TalviewDiff.old(previous: previous ?? .object([:]), current: snapshot))
        var body = JSONValue.object(object)
        try applyOverrides(oldOverrides, to: &body)
        return body
    }

    /// `old` holds the columns that changed since the last record sent, which depends on the
    /// actor's history and on earlier steps' overrides.
    func openObjects(for event: EventSpec) -> [JSONPath] {
        event.name == "ae.test_instance.updated" ? [JSONPath(components: [.key("old")])] : []
    }

    /// The full record (with candidate.tenant_id) at `time`.
    func record(state: ActorState, time: Int64, measured: Bool, quirks: Set<String>) throws(GenerationError)
        -> JSONValue
    {
        var template = try ReferenceTemplates.template("talview__ae.test_instance.updated")
        if case .object(var root) = template {
            root.removeValue(forKey: "old")
            template = .object(root)
        }
        let context = Context(state: state, time: time, measured: measured)
        let filler = TemplateFiller(
            identity: state.identity, rule: { path, template, _ in context.value(path, template) },
            vocabularyKeys: Self.vocabulary)
        var record = filler.fill(template)
        if measured, let score = Self.measurementScore(record) {
            // The instance's score is its measurement's: the mean of the attribute scores.
            try? record.set(.int(score), at: "score")
        }
        if quirks.contains("nullable-null") {
            for path in Self.nullablePaths {
                try? record.set(.null, at: path)
            }
            if case .array(var attributes)? = record["measurement"]?["measurement_attributes"] {
                for i in attributes.indices {
                    try? attributes[i].set(.null, at: "ordinal")
                    try? attributes[i].set(.null, at: "section_configuration_attribute.attribute.skill")
                }
                try? record.set(.array(attributes), at: "measurement.measurement_attributes")
            }
        }
        if state.identity.version == Self.flat.name {
            record = Self.flattened(record, state: state, measured: measured)
        }
        return record
    }

    /// The seeds' shape, from the `webhooks/ae_test_instance_*` pages: the default.
    static let classic = VendorVersion(
        "classic", "the seeds' test-instance shape: nested records, top-level and candidate tenant_id",
        source: "https://docs.talview.com/graph-api-reference/webhooks/ae_test_instance_updated")
    /// The newer pages' flatter shape.
    static let flat = VendorVersion(
        "flat",
        "the newer pages' shape: instance_status and the related records' ids at the top, score null until measured, no tenant_id, a slimmer candidate and assessment",
        source: "https://docs.talview.com/graph-api-reference/webhooks/ae/test-instance-updated")

    /// The fields the flat shape adds, after `external_id`.
    static let flatIdFields = [
        "instance_status", "candidate_id", "catalog_assessment_id", "measurement_id", "session_instance_id",
        "workflow_candidate_step_id",
    ]

    /// `record` (the classic shape) in the flat shape: `instance_status` (the measurement's status)
    /// and the ids of the related records after `external_id`, `score` null until measured, no
    /// `tenant_id`, a candidate without `is_active`, `old_id` and `tenant_id`, an assessment
    /// without `configuration_id` and `created_by`.
    static func flattened(_ record: JSONValue, state: ActorState, measured: Bool) -> JSONValue {
        guard case .object(let classic) = record else { return record }
        var flat = JSONObject()
        for (key, value) in classic where key != "tenant_id" {
            switch key {
            case "candidate":
                flat[key] = value.removingKeys(["is_active", "old_id", "tenant_id"])
            case "catalog_assessment":
                var catalogAssessment = value
                if let assessment = value["assessment"] {
                    try? catalogAssessment.set(
                        assessment.removingKeys(["configuration_id", "created_by"]), at: "assessment")
                }
                flat[key] = catalogAssessment
            case "score":
                flat[key] = measured ? value : .null
            default:
                flat[key] = value
            }
            guard key == "external_id" else { continue }
            let identity = state.identity
            flat["instance_status"] =
                classic["measurement"]?["status"] ?? .string(measured ? "completed" : "pending")
            flat["candidate_id"] = classic["candidate"]?["id"] ?? .null
            flat["catalog_assessment_id"] = classic["catalog_assessment"]?["id"] ?? .null
            flat["measurement_id"] = classic["measurement"]?["id"] ?? .null
            flat["session_instance_id"] = .int(identity.integerId("talview:session-instance", digits: 7))
            flat["workflow_candidate_step_id"] = .int(identity.integerId("talview:workflow-step", digits: 6))
        }
        return .object(flat)
    }

    /// The rounded mean of the measurement's attribute `numerical_score`s; nil without any.
    static func measurementScore(_ record: JSONValue) -> Int? {
        guard case .array(let attributes)? = record["measurement"]?["measurement_attributes"] else {
            return nil
        }
        let scores = attributes.compactMap { $0["numerical_score"]?.intValue }
        guard !scores.isEmpty else { return nil }
        return Int((Double(scores.reduce(0, +)) / Double(scores.count)).rounded())
    }

    struct Context: Sendable {
        let state: ActorState
        let time: Int64
        let measured: Bool

        var identity: ActorIdentity { state.identity }

        func iso(_ ms: Int64) -> JSONValue { .string(FakeData.isoTimestampSeconds(milliseconds: ms)) }

        var instanceId: Int { identity.integerId("test_instance", digits: 6) }

        /// The overall score for the current scoring round.
        var score: Int { Int((state.achievedFraction() * 100).rounded()) }

        func attributeScore(_ path: FillPath) -> Int {
            var r = identity.random("talview:attr:" + path.text + ":\(state.scoringRound)")
            return min(100, max(0, score + r.int(in: -12...12)))
        }

        static func band(_ score: Int) -> (label: String, sortKey: Int, min: Int) {
            score >= 80 ? ("High", 1, 80) : score >= 50 ? ("Medium", 2, 50) : ("Low", 3, 0)
        }

        func value(_ path: FillPath, _ template: JSONValue) -> JSONValue? {
            let keys = path.keys
            let key = path.key
            let inAttribute = keys.contains("measurement_attributes")
            switch key {
            case "id":
                if keys.count == 1 { return .int(instanceId) }
                if keys == ["candidate", "id"] { return .int(identity.integerId("candidate", digits: 6)) }
                var r = identity.random("talview:id:" + path.text)
                return .int(r.int(in: 10...99_999))
            case "old_id":
                var r = identity.random("talview:old-id:" + path.text)
                return .int(r.int(in: 1_000...9_999))
            case "external_id":
                return .string(
                    keys.count == 1
                        ? "ext_ti_\(instanceId)" : "ext_can_\(identity.integerId("candidate", digits: 6))")
            case "user_id": return .int(identity.integerId("user", digits: 6))
            case "email": return .string(identity.email)
            case "first_name": return .string(identity.firstName)
            case "last_name": return .string(identity.lastName)
            case "middle_name": return .string(identity.middleName)
            case "phone_number": return .string(identity.phoneNumber)
            case "country": return .string(identity.place.country)
            case "tenant_id": return .int(identity.integerId("tenant", digits: 3))
            case "resume_file_id", "profile_pic_file_id", "configuration_id":
                return .int(identity.integerId("talview:" + key, digits: 5))
            case "created_by", "updated_by": return .int(identity.integerId("talview:admin", digits: 3))
            case "name":
                if path.parentKey == "assessment" { return .string(identity.jobRole + " Assessment") }
                if path.parentKey == "catalog" { return .string(identity.company + " Assessments") }
                var r = identity.random("talview:skill:" + path.text)
                return .string(r.element(of: FakeData.skills) ?? "Problem Solving")
            case "description":
                if inAttribute && !measured { return "Awaiting evaluation." }
                var r = identity.random("talview:text:" + path.text)
                return .string(FakeData.sentence(&r))
            case "remarks":
                if !measured { return "N/A" }
                var r = identity.random("talview:remarks:\(state.scoringRound)")
                return .string(FakeData.remark(&r))
            case "created_at":
                if keys.contains("catalog_assessment") {
                    return iso(identity.pastMilliseconds("talview:" + path.text, minDays: 30, maxDays: 400))
                }
                return iso(state.startedAt ?? time)
            case "updated_at":
                if keys.contains("catalog_assessment") {
                    return iso(identity.pastMilliseconds("talview:" + path.text, minDays: 1, maxDays: 29))
                }
                return iso(time)
            case "status" where keys == ["measurement", "status"]:
                return .string(measured ? "completed" : "pending")
            case "time_taken":
                // A share of the time between the instance's creation and its first measurement:
                // the candidate cannot have taken longer than the test was open, and a re-scoring
                // does not change it.
                guard measured else { return "00:00:00" }
                let finished = state.completedAt ?? time
                let open = max(1, Int((finished - (state.startedAt ?? finished)) / 1000))
                var r = identity.random("talview:time-taken")
                return .string(FakeData.interval(seconds: max(1, open * r.int(in: 40...95) / 100)))
            case "report_url":
                return .string(
                    measured
                        ? "https://reports.talview.com/\(instanceId)" : "https://reports.talview.com/pending")
            case "report_file_id":
                return .int(
                    measured ? identity.integerId("talview:report", digits: 5) + state.scoringRound : 0)
            case "measured_at": return iso(time)
            case "score" where keys.count == 1: return .int(measured ? score : 0)
            case "numerical_score", "percentile_score":
                return .int(measured ? attributeScore(path) : 0)
            case "label" where keys.contains("ordinal"):
                return .string(Self.band(measured ? attributeScore(sibling(path)) : 0).label)
            case "value" where keys.contains("ordinal"):
                return .string(String(measured ? attributeScore(sibling(path)) : 0))
            case "sort_key": return .int(Self.band(measured ? attributeScore(sibling(path)) : 0).sortKey)
            case "min_value" where keys.contains("ordinal"):
                return .int(Self.band(measured ? attributeScore(sibling(path)) : 0).min)
            case "min_value", "max_value", "is_required": return template
            default: return nil
            }
        }

        /// The `numerical_score` path of the attribute an ordinal belongs to.
        func sibling(_ path: FillPath) -> FillPath {
            var components: [JSONPath.Component] = []
            for c in path.components {
                if c == .key("ordinal") { break }
                components.append(c)
            }
            return FillPath(components: components + [.key("numerical_score")])
        }
    }
}

/// Talview's `old`: `id`, which the vendor always includes, then the previous values of those of
/// the root record's own fields (its columns: the scalar top-level fields) that changed and that
/// the showcase's `Partial<{id, score, updated_at, updated_by}>` allows (``oldKeys``).
///
/// Nested records (candidate, catalog_assessment, measurement) are related rows, not columns of
/// the test instance: webhooks fire for root records only, so a change inside them arrives as an
/// `updated` of the root with the full snapshot, and shows in `old` through the root's
/// `updated_at` (touched in the same transaction), not as a nested entry. This is why the
/// showcase types `old` as `Partial<{id, score, updated_at, updated_by}>`.
public enum TalviewDiff {
    public static func old(previous: JSONValue, current: JSONValue) -> JSONObject {
        var old = JSONObject()
        let before = previous.objectValue ?? JSONObject()
        let after = current.objectValue ?? JSONObject()
        if let id = before["id"] ?? after["id"] { old["id"] = id }
        for (key, value) in after where key != "id" && oldKeys.contains(key) && isColumn(value) {
            if let was = before[key], isColumn(was), was != value { old[key] = was }
        }
        for (key, was) in before where oldKeys.contains(key) && after[key] == nil && isColumn(was) {
            old[key] = was
        }
        return old
    }

    /// The fields `old` may carry: the showcase's type for it.
    public static let oldKeys: Set<String> = ["id", "score", "updated_at", "updated_by"]

    /// The nested records whose values differ between the snapshots (they bubble up as an update).
    public static func changedRecords(previous: JSONValue, current: JSONValue) -> [String] {
        let before = previous.objectValue ?? JSONObject()
        let after = current.objectValue ?? JSONObject()
        return after.keys.filter { key in
            guard let value = after[key], !isColumn(value) else { return false }
            return !(before[key].map { $0.deepOrderedEquals(value) } ?? false)
        }
    }

    static func isColumn(_ value: JSONValue) -> Bool {
        switch value {
        case .object, .array: return false
        default: return true
        }
    }
}

extension JSONValue {
    /// Equality that also compares object key order.
    func deepOrderedEquals(_ other: JSONValue) -> Bool {
        switch (self, other) {
        case (.object(let a), .object(let b)):
            guard a.keys == b.keys else { return false }
            for (key, value) in a {
                guard let o = b[key], value.deepOrderedEquals(o) else { return false }
            }
            return true
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.deepOrderedEquals($1) }
        default:
            return self == other
        }
    }
}

extension JSONValue {
    /// An object without `keys`; any other value as it is.
    func removingKeys(_ keys: Set<String>) -> JSONValue {
        guard case .object(let object) = self else { return self }
        var kept = JSONObject()
        for (key, value) in object where !keys.contains(key) { kept[key] = value }
        return .object(kept)
    }
}

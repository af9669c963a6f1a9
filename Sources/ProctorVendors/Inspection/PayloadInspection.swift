import ProctorCore
import ProctorJSON

/// What the receiver reads out of a vendor payload.
public struct PayloadFacts: Sendable, Hashable {
    /// The event's name: as the vendor sends it from the vendor's reading (`completed`), and as
    /// the catalog names it (`candidate.completed`) from ``VendorProfile/inspect(_:)`` when the
    /// catalog holds it.
    public var event: String
    /// The candidate this event is about, when there is one.
    public var candidateId: String?
    public var candidateEmail: String?
    public var status: String?
    public var stage: String?
    /// A vendor id of the record, used to de-duplicate vendors without a message id header.
    public var recordId: String?
    /// When the state the payload reports came about, by the payload's own time fields (Testlify's
    /// `timestamp`, Talview's `updated_at`, Qualified's latest of `invited_at`, `started_at`,
    /// `submitted_at`); nil when it carries none. A consumer keeps the newer state by it.
    public var occurredAtMilliseconds: Int64?

    public init(
        event: String, candidateId: String? = nil, candidateEmail: String? = nil, status: String? = nil,
        stage: String? = nil, recordId: String? = nil, occurredAtMilliseconds: Int64? = nil
    ) {
        self.event = event
        self.candidateId = candidateId
        self.candidateEmail = candidateEmail
        self.status = status
        self.stage = stage
        self.recordId = recordId
        self.occurredAtMilliseconds = occurredAtMilliseconds
    }
}

/// Reads events, candidates and statuses out of the vendors' payload shapes: each profile's
/// `inspect` is one of these.
enum PayloadInspection {
    /// v2 `{data:{candidateId, candidate:{email}, status:{candidateStatus, candidateStage}}, event, type}`;
    /// v1 `{data:{candidateId, email, status|candidateStatus, candidateStage}, event, type}`, and the
    /// v1 invitation-expired envelope `{success, data}` without an event. v1 sends both an
    /// invitation and a score update as `candidateStatusChanged`: the status tells them apart
    /// (`INVITED` for the invitation; a score update reports the result's status).
    static func testlify(_ body: JSONValue) -> PayloadFacts {
        let data = body["data"]
        let statusObject = data?["status"]
        let status =
            statusObject?["candidateStatus"]?.stringValue ?? data?["candidateStatus"]?.stringValue
            ?? statusObject?.stringValue
        let type = body["type"]?.stringValue
        var event = body["event"]?.stringValue
        if event == nil, status == "INVITATION_EXPIRED" { event = "candidate.invitation_expired" }
        if event == "candidateStatusChanged", type == nil || type == "candidate" {
            event = status == "INVITED" ? "invited" : "score_updated"
        }
        let email = data?["candidate"]?["email"]?.stringValue ?? data?["email"]?.stringValue
        let isCandidate = type == nil || type == "candidate"
        return PayloadFacts(
            event: event ?? "unknown",
            candidateId: isCandidate ? (text(data?["candidateId"]) ?? email) : nil,
            candidateEmail: isCandidate ? email : nil,
            status: isCandidate ? status : nil,
            stage: isCandidate
                ? (statusObject?["candidateStage"]?.stringValue ?? data?["candidateStage"]?.stringValue)
                : nil,
            recordId: text(data?["candidateId"]) ?? text(data?["_id"]) ?? text(data?["assessmentId"]),
            occurredAtMilliseconds: body["timestamp"]?.intValue.map(Int64.init)
        )
    }

    /// The test-instance record itself; `old` marks an update.
    static func talview(_ body: JSONValue) -> PayloadFacts {
        let candidate = body["candidate"]
        let status = body["instance_status"]?.stringValue ?? body["measurement"]?["status"]?.stringValue
        return PayloadFacts(
            event: body["old"] == nil ? "ae_test_instance_created" : "ae_test_instance_updated",
            candidateId: text(candidate?["id"]) ?? text(body["candidate_id"])
                ?? candidate?["email"]?.stringValue,
            candidateEmail: candidate?["email"]?.stringValue,
            status: status,
            stage: body["catalog_assessment"]?["assessment"]?["status"]?.stringValue,
            recordId: text(body["id"]),
            occurredAtMilliseconds: time(body["updated_at"])
        )
    }

    /// `{event, data}`, every event routed to the team candidate it is about, told by the data's
    /// shape: a TeamCandidate (`team_candidate_state_changed`, label events) is the candidate; an
    /// AssessmentResult (also the deprecated `team_candidate_*_assessment`) embeds it as
    /// `team_candidate` with the person as `candidate`; solutions and reviews point at it with
    /// `team_candidate_id`; assessments and challenges concern no candidate. The candidate's status
    /// is its team-candidate `state` (never a review's or a solution's); the stage is the
    /// assessment result's `state`.
    static func qualified(_ body: JSONValue) -> PayloadFacts {
        let event = body["event"]?.stringValue ?? "unknown"
        let data = body["data"]
        var facts = PayloadFacts(event: event, recordId: text(data?["id"]))
        if let teamCandidate = data?["team_candidate"], teamCandidate.objectValue != nil {
            let email = data?["candidate"]?["email"]?.stringValue
            facts.candidateId = text(teamCandidate["id"]) ?? email
            facts.candidateEmail = email
            facts.status = teamCandidate["state"]?.stringValue
            facts.stage = data?["state"]?.stringValue
            facts.occurredAtMilliseconds = ["invited_at", "started_at", "submitted_at"].compactMap {
                time(data?[$0])
            }.max()
        } else if let id = text(data?["team_candidate_id"]) {
            facts.candidateId = id
        } else if data?["anonymous_name"] != nil
            || (event.hasPrefix("team_candidate_") && !event.hasSuffix("_assessment"))
        {
            let email = data?["email"]?.stringValue
            facts.candidateId = text(data?["id"]) ?? email
            facts.candidateEmail = email
            facts.status = data?["state"]?.stringValue
        }
        return facts
    }

    static func time(_ value: JSONValue?) -> Int64? {
        value?.stringValue.flatMap(FakeData.milliseconds(fromISOTimestamp:))
    }

    static func text(_ value: JSONValue?) -> String? {
        guard let value else { return nil }
        switch value {
        case .string(let s): return s.isEmpty ? nil : s
        case .number(let n): return n.description
        default: return nil
        }
    }
}

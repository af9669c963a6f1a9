import Foundation
import ProctorCore
import ProctorJSON

/// Testlify bodies, current (Svix, `legacy == false`) and legacy v1 (`legacy == true`).
struct TestlifyBuilder: PayloadBuilder {
    let legacy: Bool

    /// Candidate status and stage per event. v1 writes stages in prose, v2 in UPPER_SNAKE.
    /// `in_progress` keeps the enrolled stage (the vendor's stage lags the status).
    static let transitions: [String: (status: String, stage: String)] = [
        "candidate.invited": ("INVITED", "Invited For Assessment"),
        "candidate.enrolled": ("ENROLLED", "Enrolled For Assessment"),
        "candidate.in_progress": ("IN_PROGRESS", "Enrolled For Assessment"),
        "candidate.completed": ("COMPLETED", "Assessment Completed"),
        "candidate.disqualified": ("DISQUALIFIED", "Rejected"),
        "candidate.rejected": ("REJECTED", "Rejected"),
        "candidate.invitation_expired": ("INVITATION_EXPIRED", "Request Expired For Assessment"),
        "candidate.invited_for_interview": ("COMPLETED", "Invited For Interview"),
    ]

    /// `Invited For Assessment` -> `INVITED_FOR_ASSESSMENT`.
    static func upperSnake(_ prose: String) -> String {
        prose.uppercased().replacingOccurrences(of: " ", with: "_")
    }

    /// Keys whose template values are Testlify vocabulary and are kept as they are.
    static let vocabulary: Set<String> = [
        "label", "slug", "type", "visibility", "classification", "format", "language", "defaultLanguage",
        "difficultyLevel", "targetAudience", "redirectMethod", "customQuestionTimerType", "color", "status",
        "testTypeName", "testLibraryTypeName", "input", "output", "assessmentStatus", "event", "database",
    ]

    /// Personality-trait and yes/no vocabulary kept in `description`.
    static let vocabularyDescriptions: Set<String> = [
        "Extraversion", "Agreeableness", "Conscientiousness", "Neuroticism", "Openness", "Yes", "No",
    ]

    static let devices = ["PC – Macbook", "Macintosh PC", "PC – Windows", "Windows PC", "PC – Linux"]
    static let browsers = ["Chrome", "Brave", "Firefox", "Edge", "Safari"]

    func body(
        for event: EventSpec, state: inout ActorState, time: Int64, quirks: Set<String>, overrides: [Override]
    ) throws(GenerationError) -> JSONValue {
        var template = try ReferenceTemplates.template(event.example)
        if !event.organisational { advance(&state, event: event.name, time: time) }
        let context = Context(
            legacy: legacy, event: event, state: state, time: time, quirks: quirks,
            antiCheatingTemplate: legacy
                ? (try ReferenceTemplates.template("testlify-v1__candidate.in_progress"))["data"]?[
                    "antiCheatingMonitor"]
                : nil)
        if legacy { prepareLegacyQuirks(&template, event: event, quirks: quirks) }
        let filler = TemplateFiller(
            identity: state.identity,
            rule: { path, template, filler in context.value(path, template, filler) },
            vocabularyKeys: Self.vocabulary)
        var body = filler.fill(template)
        try applyOverrides(overrides, to: &body)
        if legacy {
            if event.name != "candidate.invitation_expired", var root = body.objectValue,
                let data = root["data"]
            {
                root["data"] = data.sortedByLengthThenBytes()
                body = .object(root)
            }
        } else {
            body = body.sortedKeys()
        }
        return body
    }

    /// Moves status, stage, times and scoring round forward for a candidate event.
    private func advance(_ state: inout ActorState, event: String, time: Int64) {
        if state.invitedAt == nil {
            // An actor whose first event is later than the invitation was invited a while before.
            var r = state.identity.random("invited-before")
            state.invitedAt =
                event == "candidate.invited" ? time : time - Int64(r.int(in: 600...7_200)) * 1000
        }
        switch event {
        case "candidate.in_progress": state.startedAt = state.startedAt ?? time
        case "candidate.completed":
            state.completedAt = time
            state.scoringRound += 1
        case "candidate.score_updated":
            if state.completedAt == nil {
                state.completedAt = time - 300_000
                state.scoringRound += 1
            }
            state.scoringRound += 1
        default: break
        }
        if let t = Self.transitions[event] {
            state.status = t.status
            state.stage = t.stage
        } else if state.status == nil {
            state.status = "COMPLETED"
            state.stage = "Assessment Completed"
        }
    }

    /// Adds or removes the fields whose presence is a quirk, before filling.
    private func prepareLegacyQuirks(_ template: inout JSONValue, event: EventSpec, quirks: Set<String>) {
        guard var root = template.objectValue, var data = root["data"]?.objectValue else { return }
        if quirks.contains("missing-timestamp") { root.removeValue(forKey: "timestamp") }
        if quirks.contains("timestamp-present") && root["timestamp"] == nil { root["timestamp"] = .int(1) }
        if quirks.contains("result-link-absent") {
            data.removeValue(forKey: "resultLink")
        } else if quirks.contains(where: { $0.hasPrefix("result-link-") }) && data["resultLink"] == nil {
            data["resultLink"] = .null
        }
        if quirks.contains("anti-cheating-absent") {
            data.removeValue(forKey: "antiCheatingMonitor")
        } else if quirks.contains(where: { $0.hasPrefix("anti-cheating-") })
            && data["antiCheatingMonitor"] == nil
        {
            data["antiCheatingMonitor"] = ""
        }
        root["data"] = .object(data)
        template = .object(root)
    }

    /// The per-leaf rules, with everything they read captured.
    struct Context: Sendable {
        let legacy: Bool
        let event: EventSpec
        let state: ActorState
        let time: Int64
        let quirks: Set<String>
        let antiCheatingTemplate: JSONValue?

        var identity: ActorIdentity { state.identity }
        var scored: Bool { state.completedAt != nil }
        var fraction: Double { state.achievedFraction() }

        func iso(_ ms: Int64) -> JSONValue { .string(FakeData.isoTimestamp(milliseconds: ms)) }

        func stable(_ path: FillPath, _ label: String = "") -> SeededRandom {
            identity.random("testlify:" + path.text + label)
        }

        var maxScore: Int {
            var r = identity.random("testlify:max-score")
            return r.int(in: 20...60)
        }

        var reportId: String { identity.objectId("report") }

        var jobRoleFile: String { identity.jobRole.replacingOccurrences(of: " ", with: "_") }

        func inviteLink(defaultLanguage: String) -> String {
            let key: JSONValue = .object([
                "email": .string(identity.email), "inviteKey": .string(identity.uuid("invite") + "-ik"),
                "defaultLanguage": .string(defaultLanguage),
            ])
            let encoded = Data(key.serializedBytes(style: .compact)).base64EncodedString()
            return "https://candidate.testlify.com/candidate/assessment/invite?key=\(encoded)&isPublic=false"
        }

        /// The body's `event` value: v1 sends invitations and score updates as `candidateStatusChanged`.
        var bodyEvent: String {
            if legacy && (event.name == "candidate.invited" || event.name == "candidate.score_updated") {
                return "candidateStatusChanged"
            }
            return String(event.name.split(separator: ".").last ?? "")
        }

        func value(_ path: FillPath, _ template: JSONValue, _ filler: TemplateFiller) -> JSONValue? {
            let key = path.key
            let keys = path.keys
            switch key {
            case "event" where keys.count == 1: return .string(bodyEvent)
            case "timestamp" where keys.count == 1: return .int(Int(time))
            case "candidateId": return .string(identity.objectId("candidate"))
            case "assessmentId": return .string(identity.objectId("assessment"))
            case "orgId": return template.stringValue == "" ? template : .string(identity.objectId("org"))
            case "jobRoleId": return .string(identity.objectId("job-role"))
            case "orgName", "workspaceUrl": return .string(identity.workspaceSlug)
            case "firstName": return .string(identity.firstName)
            case "lastName": return .string(identity.lastName)
            case "email": return .string(identity.email)
            case "recipientForNotification":
                return template.stringValue.map { _ in .string(identity.hiringManagerEmail) }
            case "assessment" where template.stringValue != nil: return .string(identity.jobRole)
            case "assessmentName", "assessmentTitle", "jobRoleName": return .string(identity.jobRole)
            case "title", "name":
                // Grading bands and test types are the vendor's vocabulary.
                if path.contains("grading") || path.parentKey == "testLibraryType" { return template }
                if keys.count == 2 || path.parentKey == "assessment" { return .string(identity.jobRole) }
                if path.contains("qualificationQuestions") { return nil }
                var r = stable(path)
                return .string(r.element(of: FakeData.skills) ?? "Problem Solving")
            case "testLibraryTitle":
                var r = stable(path)
                return .string(r.element(of: FakeData.skills) ?? "Teamwork")
            case "invitedAt": return iso(state.invitedAt ?? time)
            case "completedAt":
                if let c = state.completedAt { return iso(c) }
                if template.stringValue?.isEmpty == false { return legacy ? iso(time) : .null }
                return template
            case "status" where keys.count == 2 && template.stringValue != nil:
                return .string(
                    quirks.contains("score-update-rejected") ? "REJECTED" : state.status ?? "INVITED")
            case "candidateStatus":
                return .string(
                    quirks.contains("score-update-rejected") ? "REJECTED" : state.status ?? "INVITED")
            case "candidateStage":
                let prose =
                    quirks.contains("score-update-rejected")
                    ? "Rejected" : state.stage ?? "Invited For Assessment"
                return .string(legacy ? prose : TestlifyBuilder.upperSnake(prose))
            case "isArchived" where event.organisational: return .bool(event.name == "assessment.archived")
            case "assessmentStatus" where event.organisational && !legacy:
                switch event.name {
                case "assessment.created": return "DRAFT"
                case "assessment.updated": return "PUBLISHED"
                default: return template
                }
            case "inviteLink":
                var language = legacy ? "en" : "auto"
                if let link = template.stringValue,
                    let keyText = link.split(separator: "=").dropFirst().first?
                        .split(separator: "&").first,
                    let data = Data(base64Encoded: String(keyText)),
                    let decoded = try? JSONValue(parsing: Array(data)),
                    let lang = decoded["defaultLanguage"]?.stringValue
                {
                    language = lang
                }
                return .string(inviteLink(defaultLanguage: language))
            case "candidateDetailLink":
                return .string(
                    "https://\(identity.workspaceSlug).testlify.com/assessment/\(identity.objectId("assessment"))/candidate/\(identity.objectId("candidate"))"
                )
            case "resultLink": return resultLink()
            case "antiCheatingMonitor" where legacy:
                if quirks.contains("anti-cheating-object"), let t = antiCheatingTemplate {
                    return filler.fill(t, at: path.appending(.key("object")))
                }
                if quirks.contains("anti-cheating-empty") { return "" }
                return nil
            case "totalScore": return zeroOr(template) { .int(maxScore) }
            case "totalQuestion":
                return zeroOr(template) {
                    var r = identity.random("testlify:questions")
                    return .int(r.int(in: 10...50))
                }
            case "totalTestTimeLimit", "timeLimit":
                return zeroOr(template) {
                    var r = stable(path)
                    return .int((r.element(of: [10, 15, 20, 30, 40, 45]) ?? 30) * 60)
                }
            case "totalScoreAchieved":
                return scoredOr(template) { .int(Int((Double(maxScore) * fraction).rounded())) }
            case "avgScorePercentage": return scoredOr(template) { .int(Int((fraction * 100).rounded())) }
            case "isAnswered" where path.contains("customQuestions"): return .bool(scored)
            case "totalTestElapsedTime", "elapsedTime":
                return scoredOr(template) {
                    var r = stable(path)
                    var seconds = Double(r.int(in: 120_000...1_800_000)) / 1000
                    if key == "totalTestElapsedTime", let start = state.startedAt,
                        let end = state.completedAt, end > start
                    {
                        seconds = Double(end - start) / 1000
                    }
                    return template.numberValue?.isIntegerLiteral == true
                        ? .int(Int(seconds)) : .double(seconds)
                }
            case "completed" where template.boolValue != nil: return .bool(scored)
            case "scoreAchieved", "score", "scoreV1", "weightedScore", "scorePercentage":
                guard template.numberValue != nil else { return nil }
                return scoredOr(template) {
                    // scoreV1 repeats score, as the vendor sends it.
                    let label = path.text.hasSuffix("scoreV1") ? String(path.text.dropLast(2)) : path.text
                    var r = identity.random("testlify:" + label + ":\(state.scoringRound)")
                    if key == "scorePercentage" { return .int(r.int(in: 0...100)) }
                    if template.numberValue?.isIntegerLiteral == false {
                        return .double(Double(r.int(in: 20_000...95_000)) / 1000)
                    }
                    return .int(r.int(in: 0...10))
                }
            case "question":
                // Distinct questions within one list: a seeded offset per list plus the item index.
                var list = path.components
                var index = 0
                if let last = list.lastIndex(where: {
                    if case .index = $0 { return true } else { return false }
                }),
                    case .index(let i) = list[last]
                {
                    index = i
                    list.removeSubrange(last...)
                }
                var r = identity.random("testlify:questions:" + FillPath(components: list).text)
                return .string(FakeData.question(index, &r))
            case "description":
                if let s = template.stringValue,
                    TestlifyBuilder.vocabularyDescriptions.contains(s) || s.isEmpty
                {
                    return template
                }
                if path.parentKey == "skills" {
                    var r = stable(path)
                    return .string(r.element(of: FakeData.skills) ?? "Teamwork")
                }
                var r = stable(path)
                return .string(FakeData.sentence(&r))
            case "startIPAddress", "ipAddress", "endIPAddress":
                guard let s = template.stringValue, !s.hasPrefix("xxx") else { return template }
                var r = identity.random("testlify:ip")
                return .string(FakeData.ipv4(&r))
            case "recentLatitude", "recentLongitude":
                guard let s = template.stringValue, s != "xx", !s.isEmpty else { return template }
                var r = identity.random("testlify:" + key)
                let base = key == "recentLatitude" ? identity.place.latitude : identity.place.longitude
                return .string(String(base + Double(r.int(in: -500...500)) / 10_000))
            case "city": return template.stringValue == "" ? template : .string(identity.place.city)
            case "state" where template.stringValue != nil:
                return template.stringValue == "" ? template : .string(identity.place.region)
            case "country":
                guard let s = template.stringValue, !s.isEmpty else { return template }
                return .string(s.count == 2 ? identity.place.countryCode : identity.place.country)
            case "location", "recentLocation":
                guard let s = template.stringValue, !s.isEmpty else { return template }
                var r = identity.random("testlify:street")
                return .string(
                    "\(r.int(in: 2...240)) \(FakeData.title(1, &r)) Road, \(identity.place.city), \(identity.place.region), \(identity.place.country)"
                )
            case "device":
                var r = identity.random("testlify:device")
                return .string(r.element(of: TestlifyBuilder.devices) ?? "Windows PC")
            case "browserName":
                var r = identity.random("testlify:browser")
                return .string(r.element(of: TestlifyBuilder.browsers) ?? "Chrome")
            case "browserVersion":
                var r = identity.random("testlify:browser-version")
                return .string("\(r.int(in: 118...149)).0.0.0")
            case "download", "upload":
                var r = identity.random("testlify:" + key)
                return .string(String(Double(r.int(in: 5_000...300_000)) / 1000))
            case "reviewRemark":
                guard let s = template.stringValue, !s.isEmpty else { return template }
                var r = stable(path)
                return .string(FakeData.remark(&r))
            case "aiPrompt", "relevancy", "extendedDescription", "assessmentInstructions":
                guard let s = template.stringValue, !s.isEmpty else { return template }
                var r = stable(path)
                return .string(FakeData.sentence(&r))
            case "min", "max", "expectedAnswer":
                return template
            default:
                return nil
            }
        }

        private func zeroOr(_ template: JSONValue, _ make: () -> JSONValue) -> JSONValue {
            if template.isNull { return template }
            if let n = template.numberValue, n.decimal.isZero { return template }
            return make()
        }

        private func scoredOr(_ template: JSONValue, _ make: () -> JSONValue) -> JSONValue {
            if template.isNull { return template }
            guard scored else {
                if let n = template.numberValue, !n.isIntegerLiteral { return .double(0) }
                return .int(0)
            }
            return make()
        }

        private func resultLink() -> JSONValue {
            let absolute = "https://cdn-global.net/reports/pdf/assessment-candidate-report/\(reportId).pdf"
            if !legacy {
                guard scored else { return .null }
                return .string(
                    "https://cdn-global.net/workspace/\(identity.objectId("org"))/reports/pdf/assessment-candidate-report/\(reportId)/\(identity.firstName)_\(identity.lastName)-\(jobRoleFile).pdf"
                )
            }
            if quirks.contains("result-link-null-string") { return "null" }
            if quirks.contains("result-link-relative") {
                return .string("reports/pdf/assessment-candidate-report/\(reportId).pdf")
            }
            if quirks.contains("result-link-url") { return .string(absolute) }
            if quirks.contains("result-link-null") { return .null }
            return scored ? .string(absolute) : .null
        }
    }
}

extension JSONValue {
    /// Every object's keys sorted bytewise (the v2 catalog's order).
    func sortedKeys() -> JSONValue {
        switch self {
        case .object(let o):
            let pairs = o.map { ($0.key, $0.value.sortedKeys()) }.sorted {
                Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8))
            }
            return .object(JSONObject(pairs))
        case .array(let a): return .array(a.map { $0.sortedKeys() })
        default: return self
        }
    }

    /// Every object's keys ordered by length, then bytewise (Testlify v1's Postgres `jsonb` order).
    func sortedByLengthThenBytes() -> JSONValue {
        switch self {
        case .object(let o):
            let pairs = o.map { ($0.key, $0.value.sortedByLengthThenBytes()) }.sorted { a, b in
                let x = Array(a.0.utf8), y = Array(b.0.utf8)
                return x.count == y.count ? x.lexicographicallyPrecedes(y) : x.count < y.count
            }
            return .object(JSONObject(pairs))
        case .array(let a): return .array(a.map { $0.sortedByLengthThenBytes() })
        default: return self
        }
    }
}

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
        let assessment = TestlifyAssessment(identity: state.identity)
        if event.organisational {
            state.testlify.advance(
                event: event.name, candidates: state.history.contains { $0.hasPrefix("candidate.") })
        } else {
            advance(&state, event: event.name, time: time, assessment: assessment)
        }
        let listed: Bool
        if event.organisational {
            listed = state.testlify.published
        } else {
            // v1 lists the sections once the attempt has started (its invited and enrolled
            // examples have none); v2 always carries the assessment's sections.
            listed = !legacy || (state.startedAt != nil && event.name != "candidate.invitation_expired")
        }
        try prepareLists(&template, event: event, listed: listed)
        let context = Context(
            legacy: legacy, event: event, state: state, time: time, quirks: quirks,
            antiCheatingTemplate: legacy
                ? (try ReferenceTemplates.template("testlify-v1__candidate.in_progress"))["data"]?[
                    "antiCheatingMonitor"]
                : nil,
            assessment: assessment, attempt: TestlifyAttempt(assessment: assessment, state: state),
            listed: listed)
        if legacy { prepareLegacyQuirks(&template, event: event, quirks: quirks) }
        let filler = TemplateFiller(
            identity: state.identity,
            rule: { path, template, filler in context.value(path, template, filler) },
            vocabularyKeys: Self.vocabulary)
        var body = filler.fill(template).javaScriptNumbers()
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

    /// Moves status, stage, times and scoring round forward for a candidate event. A status
    /// implies its times: a completed candidate (also one first seen at a score update or an
    /// interview invitation) has started and completed times before the event, a disqualified one
    /// a completion time.
    private func advance(
        _ state: inout ActorState, event: String, time: Int64, assessment: TestlifyAssessment
    ) {
        switch event {
        case "candidate.invited": state.invitedAt = state.invitedAt ?? time
        case "candidate.in_progress": state.startedAt = state.startedAt ?? time
        case "candidate.completed": complete(&state, at: time, assessment: assessment)
        case "candidate.score_updated", "candidate.invited_for_interview":
            if state.scoringRound == 0 {
                var r = state.identity.random("testlify:completed-before")
                let earliest = state.completedAt ?? state.startedAt ?? state.invitedAt ?? Int64.min
                complete(
                    &state, at: max(earliest, time - Int64(r.int(in: 60_000...300_000))),
                    assessment: assessment)
            }
            if event == "candidate.score_updated" { state.scoringRound += 1 }
        case "candidate.disqualified": state.completedAt = state.completedAt ?? time
        default: break
        }
        if state.invitedAt == nil {
            // An actor whose first event is later than the invitation was invited a while before.
            var r = state.identity.random("invited-before")
            state.invitedAt =
                (state.startedAt ?? state.completedAt ?? time) - Int64(r.int(in: 600...7_200)) * 1000
        }
        if let t = Self.transitions[event] {
            state.status = t.status
            state.stage = t.stage
        } else if state.status == nil {
            state.status = "COMPLETED"
            state.stage = "Assessment Completed"
        }
    }

    /// Completes the attempt at `end` (or when it already ended) and scores it once. An attempt
    /// nobody saw start began a seeded part of the assessment's total time before, never before
    /// the invitation.
    private func complete(_ state: inout ActorState, at proposedEnd: Int64, assessment: TestlifyAssessment) {
        let end = state.completedAt ?? proposedEnd
        if state.startedAt == nil {
            var r = state.identity.random("testlify:attempt-duration")
            let duration = Int64(assessment.totalTime) * 1000 * Int64(r.int(in: 30...90)) / 100
            state.startedAt = max(state.invitedAt ?? Int64.min, end - duration)
        }
        state.completedAt = end
        if state.scoringRound == 0 { state.scoringRound = 1 }
    }

    /// Empties the assessment's lists where the payload has none (a draft, a v1 candidate who has
    /// not started), and borrows item templates from the nearest example where the record has
    /// items but the event's example shows none (a v1 draft published later, a v1 candidate
    /// disqualified after starting).
    private func prepareLists(_ template: inout JSONValue, event: EventSpec, listed: Bool)
        throws(GenerationError)
    {
        guard var root = template.objectValue, var data = root["data"]?.objectValue else { return }
        let keys: [String]
        let donor: String?
        switch (legacy, event.organisational) {
        case (true, true):
            (keys, donor) = (["testLibrary", "customQuestion"], "testlify-v1__assessment.updated")
        case (true, false):
            (keys, donor) = (["testLibrary", "customQuestions"], "testlify-v1__candidate.completed")
        case (false, true): (keys, donor) = (["testLibraries"], nil)
        case (false, false): (keys, donor) = ([], nil)
        }
        let donorData = try donor.map { name throws(GenerationError) in
            try ReferenceTemplates.template(name)["data"]
        }
        for key in keys where data[key] != nil {
            if !listed {
                data[key] = .array([])
            } else if data[key]?.arrayValue?.isEmpty == true, let items = donorData??[key] {
                data[key] = items
            }
        }
        root["data"] = .object(data)
        template = .object(root)
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

    /// The per-leaf rules, with everything they read captured: the assessment record, the
    /// candidate's attempt and where the payload is in their lives.
    struct Context: Sendable {
        let legacy: Bool
        let event: EventSpec
        let state: ActorState
        let time: Int64
        let quirks: Set<String>
        let antiCheatingTemplate: JSONValue?
        let assessment: TestlifyAssessment
        let attempt: TestlifyAttempt
        /// The payload lists the assessment's test libraries and custom questions.
        let listed: Bool

        var identity: ActorIdentity { state.identity }
        var scored: Bool { attempt.scored }

        func iso(_ ms: Int64) -> JSONValue { .string(FakeData.isoTimestamp(milliseconds: ms)) }

        func stable(_ path: FillPath, _ label: String = "") -> SeededRandom {
            identity.random("testlify:" + path.text + label)
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

        /// The index of the item of list `key` the path runs through.
        func index(in key: String, _ path: FillPath) -> Int? {
            let c = path.components
            for i in c.indices.dropLast() {
                if case .key(let k) = c[i], k == key, case .index(let n) = c[i + 1] { return n }
            }
            return nil
        }

        /// The test library the path runs through.
        func library(_ path: FillPath) -> (index: Int, value: TestlifyAssessment.TestLibrary)? {
            guard let i = index(in: "testLibrary", path) ?? index(in: "testLibraries", path),
                assessment.libraries.indices.contains(i)
            else { return nil }
            return (i, assessment.libraries[i])
        }

        func customQuestion(_ path: FillPath) -> (index: Int, value: TestlifyAssessment.CustomQuestion)? {
            guard let i = index(in: "customQuestions", path) ?? index(in: "customQuestion", path),
                assessment.customQuestions.indices.contains(i)
            else { return nil }
            return (i, assessment.customQuestions[i])
        }

        func qualificationQuestion(_ path: FillPath) -> TestlifyAssessment.QualificationQuestion? {
            guard let i = index(in: "qualificationQuestions", path),
                assessment.qualificationQuestions.indices.contains(i)
            else { return nil }
            return assessment.qualificationQuestions[i]
        }

        /// `count` items, item `i` filled from the template's item `i` modulo its count.
        func items(_ count: Int, _ path: FillPath, _ template: JSONValue, _ filler: TemplateFiller)
            -> JSONValue
        {
            guard let list = template.arrayValue, !list.isEmpty else { return .array([]) }
            return .array(
                (0..<count).map { filler.fill(list[$0 % list.count], at: path.appending(.index($0))) })
        }

        /// Lists of the world: how many items, or nil when the path is no such list.
        func list(_ path: FillPath, _ template: JSONValue, _ filler: TemplateFiller) -> JSONValue? {
            guard template.arrayValue != nil else { return nil }
            let keys = path.keys
            switch path.key {
            case "testLibrary", "testLibraries":
                return items(listed ? assessment.libraries.count : 0, path, template, filler)
            case "questions":
                guard let library = library(path) else { return nil }
                return items(library.value.questions.count, path, template, filler)
            case "skills":
                guard let library = library(path) else { return nil }
                return items(library.value.skills.count, path, template, filler)
            case "customQuestions", "customQuestion":
                return items(listed ? assessment.customQuestions.count : 0, path, template, filler)
            case "qualificationQuestions" where keys.count == 2:
                // v1's candidate examples carry none except the disqualification's.
                return items(assessment.qualificationQuestions.count, path, template, filler)
            case "answer":
                guard let question = qualificationQuestion(path) else { return nil }
                return .array([.string(question.optionIds[0])])
            case "testCases", "codingLanguages", "selectedCodingLanguages", "options":
                if let question = customQuestion(path), question.value.classification != "CODING_ANSWER",
                    path.key != "options" || !question.value.classification.hasSuffix("_SELECT")
                {
                    return .array([])
                }
                return nil
            default: return nil
            }
        }

        func value(_ path: FillPath, _ template: JSONValue, _ filler: TemplateFiller) -> JSONValue? {
            if let list = list(path, template, filler) { return list }
            if case .object = template, path.key != "antiCheatingMonitor" { return nil }
            let key = path.key
            let keys = path.keys
            let library = library(path)
            let section = library.map { attempt.sections[$0.index] }
            let custom = customQuestion(path)
            switch key {
            case "event" where keys.count == 1: return .string(bodyEvent)
            case "timestamp" where keys.count == 1: return .int(Int(time))
            case "candidateId": return .string(identity.objectId("candidate"))
            case "assessmentId": return .string(assessment.id)
            case "orgId": return template.stringValue == "" ? template : .string(assessment.orgId)
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
                if let library, path.parentKey == "testLibraryType" { return .string(library.value.typeName) }
                // Grading bands are the vendor's vocabulary.
                if path.contains("grading") { return template }
                if let question = qualificationQuestion(path) { return .string(question.title) }
                if let library { return .string(library.value.title) }
                if keys.count == 2 || path.parentKey == "assessment" { return .string(identity.jobRole) }
                var r = stable(path)
                return .string(r.element(of: FakeData.skills) ?? "Problem Solving")
            case "testLibraryTitle": return library.map { .string($0.value.title) }
            case "testLibraryId": return library.map { .string($0.value.id) }
            case "testTypeName", "testLibraryTypeName": return library.map { .string($0.value.typeName) }
            case "testLibraryTypeId": return library.map { .string($0.value.typeId) }
            case "id" where path.parentKey == "testLibraryType":
                return library.map { .string($0.value.typeId) }
            case "id" where path.contains("customFields"):
                guard let i = index(in: "customFields", path) else { return nil }
                return .string(assessment.customFieldIds[i % assessment.customFieldIds.count])
            case "difficultyLevel" where library != nil: return library.map { .string($0.value.difficulty) }
            case "timeLimit": return library.map { .int($0.value.timeLimit) }
            case "questionLimit": return library.map { .int($0.value.questionLimit) }
            case "maxQuestionLimit": return library.map { .int($0.value.maxQuestionLimit) }
            case "maximumScore":
                if let custom { return .int(custom.value.maximumScore) }
                return library.map { .int($0.value.maximumScore) }
            case "duration": return custom.map { .int($0.value.duration) }
            case "questionnaireId", "question":
                if let library, let j = index(in: "questions", path),
                    library.value.questions.indices.contains(j)
                {
                    let question = library.value.questions[j]
                    return .string(key == "question" ? question.text : question.id)
                }
                if key == "question", let custom { return .string(custom.value.text) }
                if key == "question", let question = qualificationQuestion(path) {
                    return .string(question.title)
                }
                return nil
            case "assessmentCQId": return custom.map { .string($0.value.id) }
            case "_id" where custom != nil && path.parentKey == "customQuestions":
                return custom.map { .string($0.value.id) }
            case "_id" where path.parentKey == "options":
                guard let question = qualificationQuestion(path), let j = index(in: "options", path) else {
                    return nil
                }
                return .string(question.optionIds[j % question.optionIds.count])
            case "_id" where path.parentKey == "skills":
                guard let library, let j = index(in: "skills", path) else { return nil }
                // v1's assessment lists the skills; v2's candidate rollup has a result per skill.
                return legacy
                    ? .string(library.value.skills[j].id)
                    : .string(identity.objectId("testlify-skill-result:\(library.index):\(j)"))
            case "_id" where library != nil:
                return library.map { .string(identity.objectId("testlify-section:\($0.index)")) }
            case "skillId":
                guard let library, let j = index(in: "skills", path) else { return nil }
                return .string(library.value.skills[j].id)
            case "assessmentQQId": return qualificationQuestion(path).map { .string($0.id) }
            case "classification":
                if let custom { return .string(custom.value.classification) }
                if qualificationQuestion(path) != nil { return "SINGLE_SELECT" }
                return template
            case "elapseDuration":
                // Seconds answering a qualification question, within the time since the invitation.
                var r = stable(path)
                let window = max(0, time - (state.invitedAt ?? time))
                return .javaScriptSeconds(milliseconds: min(window / 2, Int64(r.int(in: 1_000...12_000))))
            case "isAnswered" where custom != nil:
                return .bool(scored && custom.map { attempt.customAnswers[$0.index].answered } == true)
            case "score", "scoreV1":
                if let custom { return .int(scored ? attempt.customAnswers[custom.index].score : 0) }
                if let library, let section, path.parentKey == "skills" {
                    guard scored, let j = index(in: "skills", path) else { return 0 }
                    // A skill's score: the section's percentage, give or take a few points.
                    var r = identity.random("testlify:skill-score:\(library.index):\(j)")
                    let base = Double(
                        TestlifyAttempt.percentage(section.scoreAchieved, of: library.value.maximumScore))
                    let points = min(100, max(0, base + Double(r.int(in: -8_000...8_000)) / 1000))
                    return .javaScript(points)
                }
                return template
            case "weightedScore": return template
            case "completedAt":
                if let section {
                    if let done = section.completedAt { return iso(done) }
                    return template.stringValue != nil ? "" : .null
                }
                return state.completedAt.map(iso) ?? .null
            case "completed" where template.boolValue != nil: return .bool(section?.finished ?? scored)
            case "elapsedTime":
                return .javaScriptSeconds(milliseconds: section?.elapsedMilliseconds ?? 0)
            case "scoreAchieved": return .int(section?.scoreAchieved ?? 0)
            case "scorePercentage":
                guard let library, let section else { return 0 }
                return .int(TestlifyAttempt.percentage(section.scoreAchieved, of: library.value.maximumScore))
            case "totalQuestion": return .int(listed ? assessment.totalQuestion : 0)
            case "totalScore": return .int(listed ? assessment.totalScore : 0)
            case "totalTestTimeLimit": return .int(listed ? assessment.testTime : 0)
            case "totalTime": return .int(listed ? assessment.totalTime : 0)
            case "totalTestLibrary": return .int(listed ? assessment.libraries.count : 0)
            case "totalCustomQuestion": return .int(listed ? assessment.customQuestions.count : 0)
            case "totalScoreAchieved": return .int(listed ? attempt.totalScoreAchieved : 0)
            case "avgScorePercentage":
                if template.isNull { return template }
                return .int(
                    listed
                        ? TestlifyAttempt.percentage(attempt.totalScoreAchieved, of: assessment.totalScore)
                        : 0)
            case "totalTestElapsedTime":
                return .javaScriptSeconds(milliseconds: listed ? attempt.totalElapsedMilliseconds : 0)
            case "timeSpentOutside":
                // Milliseconds outside the assessment window: part of the time the sections took.
                guard template.numberValue?.decimal.isZero == false else { return template }
                var r = stable(path)
                return .int(Int(attempt.totalElapsedMilliseconds * Int64(r.int(in: 0...20)) / 100))
            case "invitedAt": return iso(state.invitedAt ?? time)
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
            case "isArchived" where event.organisational: return .bool(state.testlify.archived)
            case "assessmentStatus" where event.organisational:
                return .string(state.testlify.assessmentStatus)
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
                    "https://\(identity.workspaceSlug).testlify.com/assessment/\(assessment.id)/candidate/\(identity.objectId("candidate"))"
                )
            case "resultLink": return resultLink()
            case "antiCheatingMonitor" where legacy:
                if quirks.contains("anti-cheating-object"), let t = antiCheatingTemplate {
                    return filler.fill(t, at: path.appending(.key("object")))
                }
                if quirks.contains("anti-cheating-empty") { return "" }
                return nil
            case "description":
                if let library, path.parentKey == "skills", let j = index(in: "skills", path) {
                    return .string(library.value.skills[j].name)
                }
                if let s = template.stringValue,
                    TestlifyBuilder.vocabularyDescriptions.contains(s) || s.isEmpty
                {
                    return template
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

        private func resultLink() -> JSONValue {
            let absolute = "https://cdn-global.net/reports/pdf/assessment-candidate-report/\(reportId).pdf"
            if !legacy {
                guard scored else { return .null }
                return .string(
                    "https://cdn-global.net/workspace/\(assessment.orgId)/reports/pdf/assessment-candidate-report/\(reportId)/\(identity.firstName)_\(identity.lastName)-\(jobRoleFile).pdf"
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

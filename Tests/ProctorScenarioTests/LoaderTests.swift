import Foundation
import ProctorCore
import ProctorJSON
import Testing

@testable import ProctorScenario

private func load(_ yaml: String, environment: [String: String] = [:]) -> ScenarioLoadResult {
    ScenarioLoader(
        vocabulary: TestVocabulary(), environment: environment, currentDirectory: Fixtures.directory
    )
    .load(yaml: yaml, path: "test.yaml")
}

private func messages(_ yaml: String, environment: [String: String] = [:]) -> [String] {
    load(yaml, environment: environment).diagnostics.sorted.map(\.description)
}

@Suite struct LoaderTests {
    @Test func loadsTheDesignSketch() throws {
        let result = load(
            """
            scenario: testlify-candidate-completes
            vendor: testlify
            target: ${PROCTOR_TARGET:-}
            secret: ${TESTLIFY_SECRET:-whsec_abc}
            seed: 42
            defaults:
              timeout: 5s
              expect: { status: 2xx }
              headers: { X-Run: "{{actor.email}}" }
            actors:
              jane: { first_name: Jane, last_name: Doe, email: jane.doe@example.com }
            steps:
              - send: candidate.invited
                as: jane
              - send: candidate.in_progress
                as: jane
                after: 500ms
              - send: candidate.completed
                as: jane
                id: done
                with: { data.scores.totalScore: 37, "data.customQuestions[0].score": 2 }
                expect:
                  status: 200
                  within: 300ms
                  headers: { Content-Type: /json/, X-Id: abc, X-Gone: false, X-Any: true }
                  format: assert
              - send: candidate.completed
                as: jane
                fault: duplicate
              - probe: GET /candidates/{{jane.candidateId}}?from={{steps.done.response.status}}
                expect:
                  status: [200, 2xx]
                  body: { properties: { status: { const: COMPLETED } }, required: [status] }
            """)
        #expect(result.diagnostics.sorted.map(\.description) == [])
        let scenario = try #require(result.scenario)
        #expect(scenario.name.value == "testlify-candidate-completes")
        #expect(scenario.vendor.value == "testlify")
        #expect(scenario.vendor.location == SourceLocation(file: "test.yaml", line: 2, column: 9))
        #expect(scenario.target == nil)
        #expect(scenario.secret?.value == "whsec_abc")
        #expect(scenario.seed?.value == 42)
        #expect(scenario.defaults.timeout?.value == .seconds(5))
        #expect(
            scenario.defaults.headers.first?.value.references == [
                .actor(name: nil, field: FieldPath([.key("email")]))
            ])
        #expect(scenario.actors.named.map(\.name) == ["jane"])
        #expect(scenario.actors.generatedCount == 0)
        #expect(scenario.actors.named.first?.fields["email"] == "jane.doe@example.com")
        #expect(scenario.steps.count == 5)
        #expect(
            scenario.steps.map(\.event) == [
                "candidate.invited", "candidate.in_progress", "candidate.completed", "candidate.completed",
                nil,
            ])
        #expect(scenario.steps[1].after?.value == .milliseconds(500))
        let completed = scenario.steps[2]
        #expect(completed.id?.value == "done")
        #expect(
            completed.overrides.map(\.path.description) == [
                "data.scores.totalScore", "data.customQuestions[0].score",
            ])
        let expect = try #require(completed.expect)
        #expect(expect.status == .exact(200))
        #expect(expect.within == .milliseconds(300))
        #expect(expect.assertFormat)
        #expect(expect.headers.map(\.matcher) == [.regex("json"), .exact("abc"), .absent, .present])
        // Steps without their own expectation take the defaults.
        #expect(scenario.steps[0].expect?.status == .statusClass(2))
        #expect(scenario.steps[3].fault?.value == .duplicate)
        guard case .probe(let probe) = scenario.steps[4].action else {
            Issue.record("not a probe")
            return
        }
        #expect(probe.method == "GET")
        #expect(probe.path.references.count == 2)
        #expect(scenario.steps[4].expect?.status == .anyOf([.exact(200), .statusClass(2)]))
        #expect(scenario.steps[4].expect?.body?.schema["required"] == ["status"])
        #expect(scenario.steps[4].expect?.body?.baseFile == Fixtures.directory + "/test.yaml")
    }

    @Test func expandsLifecycleThroughTheVocabulary() throws {
        let result = load(
            """
            scenario: s
            vendor: testlify
            actors: { jane: {}, bob: {} }
            steps:
              - lifecycle: [invited, enrolled, in_progress, completed]
                as: bob
                after: 1s
            """)
        let scenario = try #require(result.scenario)
        #expect(
            scenario.steps.map(\.event) == [
                "candidate.invited", "candidate.enrolled", "candidate.in_progress", "candidate.completed",
            ])
        #expect(scenario.steps.allSatisfy { $0.actor?.value == "bob" && $0.after?.value == .seconds(1) })
        #expect(scenario.steps.map(\.lifecycleStage) == ["invited", "enrolled", "in_progress", "completed"])
        #expect(scenario.steps[2].location == SourceLocation(file: "test.yaml", line: 5, column: 36))
        #expect(scenario.steps(for: "jane").isEmpty)
        #expect(scenario.steps(for: "bob").count == 4)
    }

    /// A stage that stands for several events expands to all of them in order: `after:` waits
    /// before the stage's first event only, `as:` and `expect:` apply to each.
    @Test func expandsAStageToEveryEventItStandsFor() throws {
        let result = load(
            """
            scenario: s
            vendor: qualified
            actors: { jane: {} }
            steps:
              - lifecycle: [started, submitted]
                as: jane
                after: 2s
                expect: { status: 202 }
            """)
        let scenario = try #require(result.scenario)
        let moment = ["assessment_result.state_changed", "team_candidate.state_changed"]
        #expect(
            scenario.steps.map(\.event)
                == ["assessment_result.started"] + moment + ["assessment_result.submitted"] + moment)
        #expect(scenario.steps.map(\.after?.value) == [.seconds(2), nil, nil, .seconds(2), nil, nil])
        #expect(
            scenario.steps.map(\.lifecycleStage) == [
                "started", "started", "started", "submitted", "submitted", "submitted",
            ])
        #expect(scenario.steps.allSatisfy { $0.actor?.value == "jane" && $0.expect?.status == .exact(202) })
        #expect(scenario.steps[4].location == SourceLocation(file: "test.yaml", line: 5, column: 26))
    }

    @Test func resolvesWireNamesToCanonicalEvents() throws {
        let scenario = try #require(
            load("scenario: s\nvendor: talview\nsteps:\n  - send: ae_test_instance_created\n").scenario)
        #expect(scenario.steps.first?.event == "ae.test_instance.created")
    }

    @Test func generatedActorsAlongsideNamedOnes() throws {
        let scenario = try #require(
            load(
                "scenario: s\nvendor: testlify\nactors: { count: 3, jane: { email: j@example.com } }\nsteps:\n  - send: candidate.invited\n    as: actor-2\n"
            )
            .scenario)
        #expect(scenario.actors.allNames == ["jane", "actor-1", "actor-2", "actor-3"])
        #expect(scenario.steps.first?.actor?.value == "actor-2")
        #expect(
            messages(
                "scenario: s\nvendor: testlify\nactors: { count: 2 }\nsteps:\n  - send: candidate.invited\n    as: actor-3\n"
            )
                == ["test.yaml:6:9: error: unknown actor 'actor-3'; did you mean 'actor-1' or 'actor-2'?"])
    }

    @Test func noActorsMeansOneGeneratedActor() throws {
        let scenario = try #require(
            load("scenario: s\nvendor: qualified\nsteps:\n  - send: assessment_result.started\n").scenario)
        #expect(scenario.actors.allNames == ["actor-1"])
    }

    @Test func scenarioLevelDeliveryKeys() throws {
        let scenario = try #require(
            load(
                "scenario: s\nvendor: testlify\nretries: vendor\nfaults: { duplicate: 10%, reorder: 2.5% }\nconcurrency: 8\ntimeout: 2m\nsteps: []\n"
            ).scenario)
        #expect(scenario.retries?.value == .vendor)
        #expect(scenario.faults.map(\.fault) == [.duplicate, .reorder])
        #expect(scenario.faults.map(\.percent) == [10, 2.5])
        #expect(scenario.concurrency?.value == 8)
        #expect(scenario.timeout?.value == .seconds(120))
    }

    @Test func rejectsBadDeliveryKeys() {
        #expect(
            messages(
                "scenario: s\nvendor: testlify\nretries: always\nfaults: { duplicate: 10, dupe: 5% }\nconcurrency: 0\nsteps: []\n"
            ) == [
                "test.yaml:3:10: error: 'retries' must be one of vendor, none; found 'always'",
                "test.yaml:4:22: error: the rate of 'duplicate' must be a percentage from 0% to 100%, like 10%; found 10",
                "test.yaml:4:26: error: unknown fault 'dupe'; faults are duplicate, reorder, delay, bad-signature, malformed-signature, stale-timestamp, future-timestamp, rotated-secret, missing-signature, webhook-headers, vendor-retries, slow-send, truncated-body",
                "test.yaml:5:14: error: 'concurrency' must be a whole number of at least 1; found 0",
            ])
    }

    @Test func eventVocabularyChecks() {
        #expect(
            messages(
                """
                scenario: s
                vendor: testlify-v1
                steps:
                  - send: candidate.complted
                  - lifecycle: [invited, in_progres]
                  - send: candidate.invited
                    quirks: [missing-timestamp, result-l1nk-string-null, late]
                """) == [
                    "test.yaml:4:11: error: unknown testlify-v1 event 'candidate.complted'; did you mean 'candidate.completed', 'candidate.enrolled' or 'candidate.invited'?",
                    "test.yaml:5:26: error: unknown testlify-v1 lifecycle stage 'in_progres'; did you mean 'in_progress'?",
                    "test.yaml:7:33: error: unknown testlify-v1 quirk 'result-l1nk-string-null'; did you mean 'result-link-string-null'?",
                    "test.yaml:7:58: error: unknown testlify-v1 quirk 'late'; quirks are result-link-string-null, missing-timestamp, score-as-status-changed",
                ])
    }

    @Test func eventOrderIsCheckedPerActor() {
        let yaml = """
            scenario: s
            vendor: testlify
            actors: { jane: {}, bob: {} }
            steps:
              - send: candidate.completed
                as: jane
              - send: candidate.invited
                as: bob
              - send: candidate.invited
                as: jane
              - send: candidate.invited
                as: jane
                fault: reorder
            """
        #expect(
            messages(yaml) == [
                "test.yaml:9:11: error: events out of order: 'candidate.invited' cannot follow 'candidate.completed' (sent at test.yaml:5:11)"
            ])
    }

    /// Gaps are allowed (an endpoint need not be subscribed to every event), and every step counts
    /// in the order, faulted or not.
    @Test func gapsAreAllowedAndDeliveringFaultsCount() {
        let gaps = """
            scenario: s
            vendor: testlify
            steps:
              - send: candidate.completed
            """
        #expect(messages(gaps) == [])
        let delivering = """
            scenario: s
            vendor: testlify
            steps:
              - send: candidate.invited
              - send: candidate.enrolled
                fault: rotated-secret
              - send: candidate.in_progress
                fault: webhook-headers
              - send: candidate.completed
            """
        #expect(messages(delivering) == [])
        let regression = """
            scenario: s
            vendor: testlify
            steps:
              - send: candidate.completed
                fault: duplicate
              - send: candidate.invited
            """
        #expect(
            messages(regression) == [
                "test.yaml:6:11: error: events out of order: 'candidate.invited' cannot follow 'candidate.completed' (sent at test.yaml:4:11)"
            ])
        let rejected = """
            scenario: s
            vendor: testlify
            steps:
              - send: candidate.completed
                fault: bad-signature
              - send: candidate.invited
            """
        #expect(
            messages(rejected) == [
                "test.yaml:6:11: error: events out of order: 'candidate.invited' cannot follow 'candidate.completed' (sent at test.yaml:4:11)"
            ], "payloads are generated in the scenario's order, faulted or not")
        // `reorder` swaps the delivery only: the generation order is still judged.
        let reordered = """
            scenario: s
            vendor: testlify
            steps:
              - send: candidate.completed
                fault: reorder
              - send: candidate.in_progress
            """
        #expect(
            messages(reordered) == [
                "test.yaml:6:11: error: events out of order: 'candidate.in_progress' cannot follow 'candidate.completed' (sent at test.yaml:4:11)"
            ])
        let lifecycleOrder = """
            scenario: s
            vendor: testlify
            steps:
              - send: candidate.in_progress
                fault: reorder
              - send: candidate.completed
            """
        #expect(messages(lifecycleOrder) == [])
    }

    @Test func namesOnlyVocabularyAcceptsAnyEvent() throws {
        let loader = ScenarioLoader(
            vocabulary: VendorNamesOnlyVocabulary(vendorNames: TestVocabulary.vendorNames),
            currentDirectory: "/tmp")
        let result = loader.load(
            yaml:
                "scenario: s\nvendor: testlify\nsteps:\n  - send: anything.at.all\n  - lifecycle: [invited]\n    quirks: [x]\n",
            path: "t.yaml")
        #expect(result.diagnostics.isEmpty)
        #expect(try #require(result.scenario).steps.map(\.event) == ["anything.at.all", "invited"])
    }

    /// Without the catalog's actor fields and payloads, every field and path is accepted.
    @Test func namesOnlyVocabularyAcceptsAnyFieldAndPath() throws {
        let loader = ScenarioLoader(
            vocabulary: VendorNamesOnlyVocabulary(vendorNames: TestVocabulary.vendorNames),
            currentDirectory: "/tmp")
        let yaml = """
            scenario: s
            vendor: testlify
            actors: { jane: {} }
            steps:
              - send: candidate.invited
                id: invite
              - probe: GET /c/{{jane.nosuchfield}}/{{actor.x.y}}/{{steps.invite.payload.data.candidateID}}
            """
        let result = loader.load(yaml: yaml, path: "t.yaml")
        #expect(result.diagnostics.sorted.map(\.description) == [])
        #expect(
            messages(yaml) == [
                "test.yaml:7:12: error: '{{jane.nosuchfield}}': actor 'jane' has no field 'nosuchfield'; its fields are first_name, last_name, firstName, lastName, name, email, candidateId, assessmentId, orgId, workspaceUrl",
                "test.yaml:7:12: error: '{{actor.x.y}}': actor 'jane' has no field 'x.y'; its fields are first_name, last_name, firstName, lastName, name, email, candidateId, assessmentId, orgId, workspaceUrl",
                "test.yaml:7:12: error: '{{steps.invite.payload.data.candidateID}}': a testlify candidate.invited payload has no 'data.candidateID'; did you mean 'data.candidateId'?",
            ])
    }

    @Test func stepReferencesAreChecked() {
        let yaml = """
            scenario: s
            vendor: testlify
            actors: { jane: {} }
            steps:
              - send: candidate.invited
                id: invite
                with: { data.a: "{{steps.invite.response.status}}", data.b: "{{steps.later.payload.id}}" }
              - probe: GET /c/{{steps.invte.response.body.id}}/{{joan.candidateId}}
                id: look
              - send: candidate.enrolled
                id: later
                with: { data.c: "{{steps.look.payload.x}}", data.d: "{{steps.invite.response.headers.x-id}}" }
              - send: candidate.completed
                id: invite
            """
        #expect(
            messages(yaml) == [
                "test.yaml:7:21: error: '{{steps.invite.response.status}}' refers to its own step; a step can only use earlier steps",
                "test.yaml:7:65: error: '{{steps.later.payload.id}}' refers to step 'later', which comes later (line 10)",
                "test.yaml:8:12: error: '{{steps.invte.response.body.id}}' refers to an unknown step 'invte'; did you mean 'invite'?",
                "test.yaml:8:12: error: unknown actor 'joan' in '{{joan.candidateId}}'; did you mean 'jane'?",
                "test.yaml:12:21: error: '{{steps.look.payload.x}}': step 'look' is a probe and sends no payload",
                "test.yaml:14:9: error: step id 'invite' is already used (line 6)",
            ])
    }

    @Test func environmentInterpolation() throws {
        let env = EnvironmentInterpolation(environment: ["HOST": "example.com", "EMPTY": ""])
        let at = SourceLocation(file: "f", line: 3, column: 10)
        #expect(try env.interpolate("https://${HOST}/x", at: at) == "https://example.com/x")
        #expect(try env.interpolate("${MISSING:-fallback}", at: at) == "fallback")
        #expect(try env.interpolate("${EMPTY:-fallback}", at: at) == "fallback")
        #expect(try env.interpolate("${MISSING:-}", at: at) == "")
        #expect(try env.interpolate("cost $$5 and $x", at: at) == "cost $5 and $x")
        #expect(try env.interpolate("$${HOST}", at: at) == "${HOST}")
        #expect(
            throws: Diagnostic.error(
                "environment variable 'NOPE' is not set (give a default with '${NOPE:-value}')",
                at: SourceLocation(file: "f", line: 3, column: 13))
        ) { try env.interpolate("ab ${NOPE}", at: at) }
        #expect(throws: Diagnostic.self) { try env.interpolate("${HOST", at: at) }
        #expect(throws: Diagnostic.self) { try env.interpolate("${9X}", at: at) }
    }

    @Test func environmentTypesResolveAfterSubstitution() throws {
        let scenario = try #require(
            load(
                "scenario: s\nvendor: testlify\nseed: ${SEED:-7}\ntarget: ${T}\nsteps: []\n",
                environment: ["T": "http://127.0.0.1:9/h"]
            )
            .scenario)
        #expect(scenario.seed?.value == 7)
        #expect(scenario.target?.value == "http://127.0.0.1:9/h")
        #expect(
            messages("scenario: s\nvendor: testlify\nsecret: \"x-${SECRET}\"\nsteps: []\n") == [
                "test.yaml:3:12: error: environment variable 'SECRET' is not set (give a default with '${SECRET:-value}')"
            ])
    }

    /// A scenario's target is read by the same parser as `--target`.
    @Test(arguments: [
        (
            "ftp://example.com/hooks",
            "'target' must be an http:// or https:// URL; found 'ftp://example.com/hooks'"
        ),
        ("localhost:8080/hooks", "'target' must be an http:// or https:// URL; found 'localhost:8080/hooks'"),
        (
            "http://user:pw@example.com/",
            "'target' 'http://user:pw@example.com/' has user information before \"@\"; send credentials in a header instead"
        ),
        (
            "http://example.com:0/",
            "'target' 'http://example.com:0/' has the port \"0\"; expected a number from 1 to 65535"
        ),
        (
            "http://[::1/x",
            "'target' 'http://[::1/x' has a malformed IPv6 host; write it in brackets, like http://[::1]:8080/"
        ),
    ])
    func targetsAreParsedOnce(target: String, message: String) {
        #expect(
            messages("scenario: s\nvendor: testlify\ntarget: \"\(target)\"\nsteps: []\n")
                == ["test.yaml:3:9: error: \(message)"])
    }

    @Test func includesResolveRelativeToTheIncludingFile() throws {
        let loader = Fixtures.loader(in: Fixtures.directory)
        let result = loader.load(
            yaml:
                "scenario: s\nvendor: testlify\nactors: { jane: {} }\nsteps:\n  - include: includes/invite-and-start.yaml\n    as: jane\n  - send: candidate.completed\n",
            path: "main.yaml")
        #expect(result.diagnostics.sorted.map(\.description) == [])
        let scenario = try #require(result.scenario)
        #expect(
            scenario.steps.map(\.event) == [
                "candidate.invited", "candidate.in_progress", "candidate.completed",
            ])
        #expect(scenario.steps[0].actor?.value == "jane")
        #expect(scenario.steps[0].location.file == "includes/invite-and-start.yaml")
        #expect(scenario.steps[1].location.file == "includes/started.yaml")
    }
}

@Suite struct TemplateTests {
    @Test(arguments: [
        ("{{jane.email}}", TemplateReference.actor(name: "jane", field: FieldPath([.key("email")]))),
        ("{{ actor.profile.name }}", .actor(name: nil, field: FieldPath([.key("profile"), .key("name")]))),
        (
            "{{steps.a.payload.data.items[2].id}}",
            .stepPayload(step: "a", path: FieldPath([.key("data"), .key("items"), .index(2), .key("id")]))
        ),
        ("{{steps.a.payload}}", .stepPayload(step: "a", path: nil)),
        ("{{steps.a-1.response.body.id}}", .stepResponseBody(step: "a-1", path: FieldPath([.key("id")]))),
        ("{{steps.a.response.status}}", .stepResponseStatus(step: "a")),
        ("{{steps.a.response.headers.x-request-id}}", .stepResponseHeader(step: "a", name: "x-request-id")),
    ])
    func parsesReferences(text: String, reference: TemplateReference) throws {
        let template = try Template(parsing: text)
        #expect(template.segments == [.reference(reference)])
        #expect(template.description == "{{\(reference)}}")
    }

    @Test(arguments: [
        "{{jane}}", "{{steps.a}}", "{{steps.a.response}}", "{{steps.a.payload.}}", "{{x.y", "{{1x.y}}",
        "{{steps.a.response.cookies.x}}", "{{a.b[x]}}",
    ])
    func rejectsMalformedReferences(text: String) {
        #expect(throws: Diagnostic.self) { try Template(parsing: text) }
    }

    @Test func parsesFieldPaths() {
        #expect(
            FieldPath(parsing: "data.customQuestions[0].score")?.components == [
                .key("data"), .key("customQuestions"), .index(0), .key("score"),
            ])
        #expect(FieldPath(parsing: "a[1][2]")?.components == [.key("a"), .index(1), .index(2)])
        #expect(FieldPath(parsing: "naïve.clé")?.components == [.key("naïve"), .key("clé")])
        for bad in [
            "", ".a", "a.", "a..b", "[0]", "a[]", "a[x]", "a[0", "a]", "a[0]b", "a.[0]", "a[12345678901]",
        ] {
            #expect(FieldPath(parsing: bad) == nil, "\(bad)")
        }
    }

    /// `with:` paths and template paths read as `--set` paths do: one grammar.
    @Test(arguments: [
        "a[1", "a]", "a.[0]", "a[12345678901]", "a[+1]", "a[]", "", ".a", "a.", "a..b", "[0]", "a[0]b",
        "a[0]", "a.b[2].c", "naïve.clé", "a b",
    ])
    func fieldPathsFollowTheJSONPathGrammar(text: String) {
        let json = try? JSONPath(parsing: text)
        #expect(FieldPath(parsing: text)?.components == json?.components)
        #expect(FieldPath(parsing: text)?.description == json?.text)
    }

    @Test func resolvesAgainstAContext() throws {
        let context = TemplateContext(
            currentActor: "jane",
            actors: ["jane": ["candidateId": "abc123", "age": 31]],
            steps: [
                "s": StepRecord(
                    payload: ["data": ["scores": [10, 37]]], status: 202, headers: ["X-Id": "r-1"],
                    body: ["id": 9])
            ])
        #expect(
            try Template(parsing: "/c/{{actor.candidateId}}/{{steps.s.response.status}}").resolve(in: context)
                == "/c/abc123/202")
        #expect(try Template(parsing: "{{steps.s.payload.data.scores[1]}}").resolve(in: context) == 37)
        #expect(try Template(parsing: "{{jane.age}}").resolve(in: context) == 31)
        #expect(
            try Template(parsing: "id={{steps.s.response.body.id}} h={{steps.s.response.headers.x-id}}")
                .render(in: context) == "id=9 h=r-1")
        #expect(throws: Diagnostic.self) { try Template(parsing: "{{jane.missing}}").resolve(in: context) }
        #expect(throws: Diagnostic.self) {
            try Template(parsing: "{{steps.other.response.status}}").resolve(in: context)
        }
    }

    @Test func overridesSetNestedPaths() throws {
        let payload: JSONValue = ["data": ["scores": ["totalScore": 10], "customQuestions": [["score": 0]]]]
        let context = TemplateContext(actors: ["jane": ["id": "j1"]])
        var result = payload
        for (path, value) in [
            ("data.scores.totalScore", TemplatedValue.value(37)),
            ("data.customQuestions[0].score", .value(2)),
            ("data.owner", .template(try Template(parsing: "{{jane.id}}"))),
            ("data.new.list[1]", .value(true)),
        ] {
            let override = PayloadOverride(
                path: try #require(FieldPath(parsing: path)), value: value,
                location: SourceLocation(file: "f", line: 1, column: 1))
            result = try override.apply(to: result, in: context)
        }
        #expect(
            result.serialized()
                == #"{"data":{"scores":{"totalScore":37},"customQuestions":[{"score":2}],"owner":"j1","new":{"list":[null,true]}}}"#
        )
        let bad = PayloadOverride(
            path: try #require(FieldPath(parsing: "data.scores.totalScore.x")), value: .value(1),
            location: SourceLocation(file: "f", line: 1, column: 1))
        #expect(throws: Diagnostic.self) { try bad.apply(to: payload, in: context) }
    }
}

@Suite struct YAMLConversionTests {
    private func json(_ yaml: String) throws -> JSONValue {
        try #require(try YAMLReader().read(bytes: Array(yaml.utf8), displayPath: "t.yaml")).jsonValue
    }

    @Test func coreSchemaScalars() throws {
        let value = try json(
            """
            a: yes
            b: no
            c: on
            d: true
            e: 012
            f: 0x1F
            g: 1.50
            h: -3
            i: ~
            j: "42"
            k: .inf
            l: 1e3
            m: !!str 12
            n: 2024-01-01
            o:
            """)
        #expect(
            value.serialized()
                == #"{"a":"yes","b":"no","c":"on","d":true,"e":12,"f":31,"g":1.50,"h":-3,"i":null,"j":"42","k":".inf","l":1e3,"m":"12","n":"2024-01-01","o":null}"#
        )
        #expect(value["e"]?.typeName == "integer")
        #expect(value["g"]?.typeName == "number")
    }

    @Test func keepsKeyOrderAndPositions() throws {
        let node = try #require(
            try YAMLReader().read(
                bytes: Array("z: 1\na:\n  - x\n  - {q: r}\nm: 3\n".utf8), displayPath: "t.yaml"))
        #expect(node.jsonValue.objectValue?.keys == ["z", "a", "m"])
        let list = try #require(node.pairs?[1].value)
        #expect(list.location == SourceLocation(file: "t.yaml", line: 3, column: 3))
        #expect(list.elements?[1].location == SourceLocation(file: "t.yaml", line: 4, column: 5))
    }

    @Test func aliasesExpandWithinBudget() throws {
        let value = try json("base: &b { x: 1 }\ncopy: *b\n")
        #expect(value["copy"] == ["x": 1])
        let small = YAMLReader(maxNodes: 10)
        #expect(throws: Diagnostic.self) {
            try small.read(bytes: Array("a: &a [1, 2, 3]\nb: [*a, *a, *a]\n".utf8), displayPath: "t.yaml")
        }
    }

    @Test func invalidUTF8IsLocated() {
        let bytes = Array("a: 1\nb: caf".utf8) + [0xC3, 0x28] + Array("\n".utf8)
        #expect(
            throws: Diagnostic.error(
                "file is not valid UTF-8 (byte 0xC3 at offset 11)",
                at: SourceLocation(file: "t.yaml", line: 2, column: 7))
        ) {
            try YAMLReader().read(bytes: bytes, displayPath: "t.yaml")
        }
    }

    /// Nesting is refused in the reader's own words, for block forms the pre-scan counts
    /// (`? ? x`, `- ? - x`) and for those only the YAML library notices.
    @Test func deepNestingIsReportedWithoutLibraryNames() throws {
        for text in [String(repeating: "? ", count: 1100) + "x", String(repeating: "- ? ", count: 600) + "x"]
        {
            #expect(
                throws: Diagnostic.error(
                    "nesting is deeper than 256 levels",
                    at: SourceLocation(file: "t.yaml", line: 1, column: 511))
            ) {
                try YAMLReader().read(bytes: Array(text.utf8), displayPath: "t.yaml")
            }
        }
        let fromLibrary = YAMLReader.describe(
            problem: "Maximum nesting level reached, set with yaml_set_max_nest_level())")
        #expect(fromLibrary == "nesting is too deep (more than 1000 levels)")
    }
}

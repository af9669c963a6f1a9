import ProctorCore
import ProctorDelivery
import ProctorReceiver
import ProctorSigning
import ProctorVendors
import Testing

@Suite(.serialized) struct ReceiverTests {
    static let signer = try? Signer(
        scheme: .standardWebhooks(.svix), secrets: [WebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")])
    static let completed =
        #"{"data":{"candidateId":"69145db6968cb883ddfc598b","candidate":{"email":"jane@example.com"},"status":{"candidateStatus":"COMPLETED","candidateStage":"ASSESSMENT_COMPLETED"}},"event":"completed","type":"candidate"}"#

    func now() -> Int64 { SystemClock().nowMilliseconds() / 1000 }

    func send(
        _ receiver: ReferenceReceiver.Running, vendor: String = "testlify", body: String = completed,
        id: String = "msg_1",
        fault: FaultKind? = nil, signed: Bool = true
    ) async throws -> [Exchange] {
        let signer = try #require(Self.signer)
        let prepared = PreparedRequest(
            vendor: vendor, event: "e", url: receiver.url(vendor: vendor), body: Array(body.utf8),
            messageId: id,
            signers: signed ? [signer] : [], timeout: .seconds(5)
        )
        let plan = try FaultInjector.plan(prepared, fault: fault)
        return try await withHTTPTransport { transport in
            var exchanges: [Exchange] = []
            for planned in plan {
                exchanges.append(
                    await transport.send(planned.makeRequest(AttemptContext(attempt: 1, nowSeconds: now()))))
            }
            return exchanges
        }
    }

    func get(_ url: String) async throws -> ResponseSummary? {
        try await withHTTPTransport { transport in
            await transport.send(OutgoingRequest(method: "GET", url: url, body: [], timeout: .seconds(5)))
                .response
        }
    }

    @Test func acceptsAValidSignatureAndRecordsState() async throws {
        let receiver = try await ReferenceReceiver().start()
        let exchange = try await send(receiver)[0]
        #expect(exchange.response?.status == 200)
        #expect(exchange.response?.bodyText == #"{"status":"accepted","id":"msg_1"}"#)
        let events = try await get(receiver.baseURL + "/events")
        #expect(
            events?.bodyText.contains(#""vendor":"testlify","event":"candidate.completed","messageId":"msg_1""#) == true
        )
        #expect(events?.bodyText.contains(#""verified":true,"duplicate":false"#) == true)
        let candidate = try await get(receiver.baseURL + "/candidates/69145db6968cb883ddfc598b")
        #expect(candidate?.status == 200)
        #expect(
            candidate?.bodyText.contains(
                #""status":"COMPLETED","stage":"ASSESSMENT_COMPLETED","lastEvent":"candidate.completed""#) == true)
        let byEmail = try await get(receiver.baseURL + "/candidates/jane@example.com")
        #expect(byEmail?.status == 200)
        #expect(try await get(receiver.baseURL + "/candidates/nobody")?.status == 404)
        #expect(try await get(receiver.baseURL + "/health")?.bodyText == #"{"status":"ok"}"#)
        await receiver.stop()
    }

    @Test(arguments: [
        FaultKind.badSignature, .staleTimestamp, .futureTimestamp, .missingSignature, .malformedSignature,
    ])
    func rejectsBadSignatures(fault: FaultKind) async throws {
        let receiver = try await ReferenceReceiver().start()
        let exchange = try await send(receiver, fault: fault)[0]
        let events = await receiver.state.events
        await receiver.stop()
        #expect(exchange.response?.status == 401)
        #expect(exchange.response?.bodyText.contains(#""status":"rejected","reason":"#) == true)
        #expect(events.first?.verified == false)
    }

    @Test(arguments: [FaultKind.rotatedSecret, .webhookHeaders])
    func acceptsRotationAndStandardHeaderNames(fault: FaultKind) async throws {
        let receiver = try await ReferenceReceiver().start()
        let exchange = try await send(receiver, fault: fault)[0]
        await receiver.stop()
        #expect(exchange.response?.status == 200)
    }

    @Test func deduplicatesByMessageId() async throws {
        let receiver = try await ReferenceReceiver().start()
        let exchanges = try await send(receiver, fault: .duplicate)
        let events = await receiver.state.events
        let candidate = await receiver.state.candidate("69145db6968cb883ddfc598b")
        await receiver.stop()
        #expect(
            exchanges.map { $0.response?.bodyText } == [
                #"{"status":"accepted","id":"msg_1"}"#, #"{"status":"duplicate","id":"msg_1"}"#,
            ])
        #expect(events.map(\.duplicate) == [false, true])
        #expect(candidate?.history.count == 1)
    }

    @Test func deduplicatesUnsignedVendorsByBody() async throws {
        let receiver = try await ReferenceReceiver().start()
        let body =
            #"{"event":"team_candidate_state_changed","data":{"email":"a@example.com","state":"invited","id":"q1"}}"#
        let first = try await send(receiver, vendor: "qualified", body: body, signed: false)[0]
        let second = try await send(receiver, vendor: "qualified", body: body, signed: false)[0]
        let candidate = await receiver.state.candidate("q1")
        await receiver.stop()
        #expect(first.response?.bodyText.contains("accepted") == true)
        #expect(second.response?.bodyText.contains("duplicate") == true)
        #expect(candidate?.status == "invited")
    }

    /// Every Qualified event lands on the team candidate: the deprecated `team_candidate_*_assessment`
    /// events (an AssessmentResult) by the embedded team candidate, reviews and solutions by
    /// `team_candidate_id`; a review's state is not the candidate's status.
    @Test func qualifiedEventsLandOnTheTeamCandidate() async throws {
        let receiver = try await ReferenceReceiver().start()
        var actor = ActorState(vendor: "qualified", name: "ada", seed: 11)
        var bodies: [String] = []
        for event in [
            "team_candidate_state_changed", "team_candidate_started_assessment", "solution_updated",
            "team_candidate_submitted_assessment", "assessment_result_review_submitted",
            "assessment_result_review_created", "assessment_created",
        ] {
            let generated = try VendorCatalog.standard.generate(
                vendor: "qualified", event: event, actor: &actor,
                clock: FixedClock(milliseconds: 1_760_000_000_000))
            bodies.append(String(decoding: generated.bodyBytes, as: UTF8.self))
        }
        for body in bodies {
            let exchange = try await send(receiver, vendor: "qualified", body: body, signed: false)[0]
            #expect(exchange.response?.status == 200)
        }
        let references = actor.identity.references
        let teamCandidate = try #require(references["team_candidate_id"])
        let candidates = await receiver.state.allCandidates()
        let byResult = await receiver.state.candidate(try #require(references["assessment_result_id"]))
        let byEmail = await receiver.state.candidate(actor.identity.email)
        await receiver.stop()
        #expect(candidates.map(\.id) == [teamCandidate])
        #expect(byResult == nil)
        let candidate = try #require(candidates.first)
        #expect(byEmail?.id == teamCandidate)
        #expect(candidate.email == actor.identity.email)
        // A new review (state "started") does not make the submitted candidate "started".
        #expect(candidate.status == "submitted")
        #expect(candidate.history.map(\.event).contains("assessment_result_review_submitted"))
        #expect(
            candidate.history.filter { $0.event.hasPrefix("assessment_result_review_") }.allSatisfy {
                $0.status == nil
            })
        #expect(candidate.stage == "submitted")
    }

    @Test func invalidJSONAndOversizedBodies() async throws {
        let receiver = try await ReferenceReceiver(configuration: ReceiverConfiguration(maxBodyBytes: 100))
            .start()
        let invalid = try await send(receiver, body: "{not json", id: "msg_bad")[0]
        let large = try await send(
            receiver, body: "{\"a\":\"" + String(repeating: "x", count: 200) + "\"}", id: "msg_big")[0]
        let unknown = try await withHTTPTransport { transport in
            await transport.send(
                OutgoingRequest(
                    url: receiver.baseURL + "/webhooks/nobody", body: Array("{}".utf8), timeout: .seconds(5)))
        }
        await receiver.stop()
        #expect(invalid.response?.status == 400)
        #expect(large.response?.status == 413)
        #expect(unknown.response?.status == 404)
    }

    @Test func chaosFailFirstAndStatusSequence() async throws {
        let failing = try await ReferenceReceiver(
            configuration: ReceiverConfiguration(chaos: ChaosSettings(failFirst: 1))
        ).start()
        let a1 = try await send(failing, id: "m1")[0].response?.status
        let a2 = try await send(failing, id: "m1")[0].response?.status
        let b1 = try await send(failing, id: "m2")[0].response?.status
        await failing.stop()
        #expect([a1, a2, b1] == [503, 200, 503])

        let scripted = try await ReferenceReceiver(
            configuration: ReceiverConfiguration(chaos: ChaosSettings(statusSequence: [500, 429, 200]))
        ).start()
        var statuses: [Int?] = []
        for id in ["s1", "s2", "s3", "s4"] {
            statuses.append(try await send(scripted, id: id)[0].response?.status)
        }
        await scripted.stop()
        #expect(statuses == [500, 429, 200, 200])
    }

    @Test func chaosLatencyAndDroppedConnections() async throws {
        let slow = try await ReferenceReceiver(
            configuration: ReceiverConfiguration(chaos: ChaosSettings(latency: .milliseconds(200)))
        ).start()
        let exchange = try await send(slow)[0]
        await slow.stop()
        #expect(exchange.duration >= .milliseconds(200))

        let dropping = try await ReferenceReceiver(
            configuration: ReceiverConfiguration(chaos: ChaosSettings(dropConnectionRate: 1))
        ).start()
        let dropped = try await send(dropping)[0]
        await dropping.stop()
        #expect(dropped.response == nil)
        #expect(dropped.failure?.kind == .connectionReset, "\(String(describing: dropped.outcome))")
    }

    @Test func genericHMACForOtherVendors() async throws {
        let key = WebhookSecret("talview-secret")
        let receiver = try await ReferenceReceiver(
            configuration: ReceiverConfiguration(hmacChecks: [
                "talview": BodyHMACCheck(header: "X-Signature", secret: key)
            ])
        ).start()
        let body = Array(
            #"{"id":789,"candidate":{"id":101,"email":"c@example.com"},"measurement":{"status":"completed"}}"#
                .utf8)
        let (good, bad) = try await withHTTPTransport { transport in
            let good = await transport.send(
                OutgoingRequest(
                    url: receiver.url(vendor: "talview"),
                    headers: [
                        (
                            "X-Signature",
                            HMACSigning(prefix: "sha256=").signature(key: key.hmacKey, body: body)
                        )
                    ],
                    body: body,
                    timeout: .seconds(5)))
            let bad = await transport.send(
                OutgoingRequest(
                    url: receiver.url(vendor: "talview"), headers: [("X-Signature", "sha256=00")], body: body,
                    timeout: .seconds(5)))
            return (good, bad)
        }
        let candidate = await receiver.state.candidate("101")
        await receiver.stop()
        #expect(good.response?.status == 200)
        #expect(bad.response?.status == 401)
        #expect(candidate?.status == "completed")
    }
}

@Suite(.serialized) struct BodyHMACDeliveryTests {
    @Test(
        arguments: [
            (nil, 200), (FaultKind.badSignature, 401), (.missingSignature, 401), (.malformedSignature, 401),
        ] as [(FaultKind?, Int)])
    func talviewWithABodyHMAC(fault: FaultKind?, status: Int) async throws {
        let key = WebhookSecret("talview-secret")
        let receiver = try await ReferenceReceiver(
            configuration: ReceiverConfiguration(hmacChecks: [
                "talview": BodyHMACCheck(header: "X-Signature", secret: key)
            ])
        ).start()
        let prepared = PreparedRequest(
            vendor: "talview", event: "ae.test_instance.created", url: receiver.url(vendor: "talview"),
            body: Array(#"{"id":1,"candidate":{"id":7}}"#.utf8), messageId: "t1",
            signers: [
                try Signer(
                    scheme: .hmac(HMACSigning(header: "X-Signature", prefix: "sha256=")), secrets: [key])
            ],
            timeout: .seconds(5))
        let plan = try FaultInjector.plan(prepared, fault: fault)
        let exchange = try await withHTTPTransport { transport in
            await transport.send(plan[0].makeRequest(AttemptContext(attempt: 1, nowSeconds: 1_700_000_000)))
        }
        await receiver.stop()
        #expect(exchange.response?.status == status)
        #expect(throws: FaultError.self) { try FaultInjector.plan(prepared, fault: .staleTimestamp) }
    }
}

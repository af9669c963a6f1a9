import Hummingbird
import NIOCore
import ProctorCore
import ProctorJSON
import ProctorSigning
import ProctorVendors

/// Handles `POST /webhooks/{vendor}` the way a careful consumer does.
struct WebhookHandler: Sendable {
    let configuration: ReceiverConfiguration
    let state: ReceiverState
    /// One verifier per vendor route, with its keys parsed once.
    let verifiers: [String: WebhookVerifier]
    /// See every request before it is answered (`serve --record`, the live tail).
    let observers: [any ReceiverObserver]
    /// Where an observer's failure goes: it stops the receiver.
    let failures: AsyncStream<CaptureError>.Continuation

    init(
        configuration: ReceiverConfiguration, state: ReceiverState, observers: [any ReceiverObserver] = [],
        failures: AsyncStream<CaptureError>.Continuation
    ) {
        self.configuration = configuration
        self.state = state
        self.observers = observers
        self.failures = failures
        var verifiers: [String: WebhookVerifier] = [:]
        for vendor in VendorCatalog.standard.vendorNames {
            verifiers[vendor] = configuration.verifier(for: vendor)
        }
        self.verifiers = verifiers
    }

    /// Answers one request to `/webhooks/{vendor}` (`route` the vendor), or to any other path
    /// with `--accept-all` (`route` nil), and shows it to the observers before answering.
    func handle(request: Request, context: ReceiverRequestContext, route: String?) async -> Response {
        var received = HeaderFields()
        // HTTP/1.1's Host travels as the request's authority, apart from the other fields.
        if let authority = request.head.authority { received.add("Host", authority) }
        for field in request.headers { received.add(field.name.rawName, field.value) }
        var record = CaptureRecord(
            method: request.method.rawValue, path: request.uri.description, headers: received, body: [],
            event: ReceivedEvent(
                sequence: 0, vendor: route ?? "", event: "unknown", messageId: "",
                receivedAtMilliseconds: configuration.clock.nowMilliseconds(), verified: nil,
                duplicate: false,
                status: 200, reason: nil, candidateId: nil))
        let answer = await respond(request: request, context: context, record: &record)
        record.event.status = answer.status
        record.answer = answer.body
        var response = ReferenceReceiver.json(answer.status, answer.body)
        var relayed: [String] = []
        if let forward = configuration.forward, isRelayed(record, route: route) {
            let signing = route.flatMap { VendorCatalog.standard.profile(for: $0)?.signing }
            let relay = await forward.relay(
                record, signing: signing, hmacHeader: route.flatMap { configuration.hmacChecks[$0]?.header },
                nowSeconds: configuration.clock.nowMilliseconds() / 1000)
            record.forward = relay.outcome
            relayed = relay.sensitive
            if forward.answer == .consumer {
                record.event.status = relay.status
                record.answer = relay.answerJSON
                response = ReferenceReceiver.bytes(relay.status, relay.body, contentType: relay.contentType)
            }
        }
        if !observers.isEmpty {
            record.sensitive = CaptureRecord.sensitiveTexts(
                in: received,
                secrets: configuration.secrets.map(\.text)
                    + configuration.hmacChecks.values.compactMap(\.secret?.text) + relayed,
                hmacHeaders: configuration.hmacChecks.values.map(\.header))
            for observer in observers {
                do {
                    record = try await observer.observe(record)
                } catch {
                    failures.yield(error)
                    return ReferenceReceiver.json(
                        503,
                        Self.answer(
                            "unavailable", reason: "the request could not be recorded: \(error.message)"))
                }
            }
        }
        return response
    }

    /// Whether `record` goes on to the consumer of `--forward-to`: a request whose body was read
    /// whole on a vendor's route (or any path with `--accept-all`), whatever the receiver made of
    /// it, but not one whose connection a chaos flag closes.
    private func isRelayed(_ record: CaptureRecord, route: String?) -> Bool {
        let routed =
            configuration.acceptAll || route.map { VendorCatalog.standard.profile(for: $0) != nil } ?? true
        return routed && record.bodyComplete && record.event.status != 0
    }

    /// The answer to one request; `record` gets the body and the receiver's conclusions.
    private func respond(
        request: Request, context: ReceiverRequestContext, record: inout CaptureRecord
    ) async -> (status: Int, body: JSONValue) {
        let vendor = record.event.vendor
        let profile = VendorCatalog.standard.profile(for: vendor)
        if profile == nil && !configuration.acceptAll {
            let reason =
                "no route for vendor \"\(vendor)\"; known: \(VendorCatalog.standard.vendorNames.joined(separator: ", "))"
            record.event.reason = reason
            return (404, Self.answer("unknown", reason: reason))
        }
        let headers = record.headers

        do {
            for try await buffer in request.body {
                record.body += buffer.readableBytesView
                if record.body.count > configuration.maxBodyBytes {
                    record.bodyComplete = false
                    record.event.reason = "body larger than \(configuration.maxBodyBytes) bytes"
                    return (
                        413,
                        Self.answer(
                            "rejected", reason: "body larger than \(configuration.maxBodyBytes) bytes")
                    )
                }
            }
        } catch let timeout as RequestBodyTimeout {
            record.bodyComplete = false
            record.event.reason = timeout.description
            return (408, Self.answer("rejected", reason: timeout.description))
        } catch {
            record.bodyComplete = false
            record.event.reason = "the body could not be read completely"
            return (400, Self.answer("rejected", reason: "the body could not be read completely"))
        }
        let body = record.body
        record.event.bodySHA256 = BodyDigest.sha256Hex(body)
        record.event.bodyLength = body.count

        let headerId = StandardWebhooksHeaderStyle.allCases.lazy.compactMap { headers[$0.idHeader] }.first
        let messageId = headerId ?? "body-" + BodyDigest.fnv1a(body)
        let now = configuration.clock.nowMilliseconds()
        record.event.messageId = messageId
        record.event.receivedAtMilliseconds = now
        guard let profile else {
            // --accept-all, a path that names no vendor: the verdict is noted, nothing is kept.
            record.signature = configuration.verifier(for: "").verify(
                headers: headers, body: body, nowSeconds: now / 1000, explain: false)
            return (200, Self.captured(id: messageId, reason: nil))
        }

        if configuration.chaos.isEnabled {
            let chaos = await state.chaosAnswer(messageId: messageId, settings: configuration.chaos)
            if configuration.chaos.latency > .zero { try? await Task.sleep(for: configuration.chaos.latency) }
            switch chaos {
            case .drop:
                record.event.status = 0
                record.event.reason = "connection closed without an answer (--drop-connection-rate)"
                _ = await state.record(record.event)
                context.channel.close(promise: nil)
                return (0, Self.answer("dropped", reason: "dropped"))
            case .status(let status):
                record.event.status = status
                record.event.reason = "forced status (chaos)"
                _ = await state.record(record.event)
                return (status, Self.answer("unavailable", reason: "forced status \(status)"))
            case nil:
                break
            }
        }

        let verification = (verifiers[vendor] ?? configuration.verifier(for: vendor)).verify(
            headers: headers, body: body, nowSeconds: now / 1000,
            hmacHeader: configuration.hmacChecks[vendor]?.header, explain: false)
        record.signature = verification
        switch verification.verdict {
        case .valid: record.event.verified = true
        case .unsigned where profile.signing == .none: break
        case .unsigned, .invalid:
            let failure = verification.reason ?? "the signature does not verify"
            record.event.verified = false
            record.event.reason = failure
            // --accept-all: noted, and handled on.
            if !configuration.acceptAll {
                record.event.status = 401
                _ = await state.record(record.event)
                // For the capture and the tail: what the refused request was about.
                if let payload = try? JSONParser().parse(body) {
                    let facts = profile.inspect(payload)
                    record.event.event = facts.event
                    record.event.candidateId = facts.candidateId
                }
                return (401, Self.answer("rejected", reason: failure))
            }
        }

        let payload: JSONValue
        do {
            payload = try JSONParser().parse(body)
        } catch {
            record.event.reason = "invalid JSON at \(error.description)"
            if !configuration.acceptAll { record.event.status = 400 }
            _ = await state.record(record.event)
            if configuration.acceptAll {
                return (200, Self.captured(id: messageId, reason: record.event.reason))
            }
            return (400, Self.answer("invalid", reason: "invalid JSON at \(error.description)"))
        }
        let facts = profile.inspect(payload)
        record.event.event = facts.event
        record.event.candidateId = facts.candidateId

        guard await state.markProcessed(vendor + ":" + messageId) else {
            record.event.duplicate = true
            _ = await state.record(record.event)
            return (200, .object(JSONObject([("status", .string("duplicate")), ("id", .string(messageId))])))
        }
        _ = await state.record(record.event)
        await state.updateCandidate(vendor: vendor, facts: facts, messageId: messageId, at: now)
        if let reason = record.event.reason { return (200, Self.captured(id: messageId, reason: reason)) }
        return (200, .object(JSONObject([("status", .string("accepted")), ("id", .string(messageId))])))
    }

    /// `--accept-all`'s answer to a request the receiver would otherwise refuse (`reason`) or
    /// that names no vendor.
    static func captured(id: String, reason: String?) -> JSONValue {
        var object = JSONObject([("status", .string("captured")), ("id", .string(id))])
        if let reason { object["reason"] = .string(reason) }
        return .object(object)
    }

    static func answer(_ status: String, reason: String) -> JSONValue {
        .object(JSONObject([("status", .string(status)), ("reason", .string(reason))]))
    }
}

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

    init(configuration: ReceiverConfiguration, state: ReceiverState) {
        self.configuration = configuration
        self.state = state
        var verifiers: [String: WebhookVerifier] = [:]
        for vendor in VendorCatalog.standard.vendorNames {
            verifiers[vendor] = configuration.verifier(for: vendor)
        }
        self.verifiers = verifiers
    }

    func handle(request: Request, context: ReceiverRequestContext) async -> Response {
        let vendor = context.parameters.get("vendor") ?? ""
        guard let profile = VendorCatalog.standard.profile(for: vendor) else {
            return ReferenceReceiver.json(
                404,
                Self.answer(
                    "unknown",
                    reason:
                        "no route for vendor \"\(vendor)\"; known: \(VendorCatalog.standard.vendorNames.joined(separator: ", "))"
                ))
        }
        var headers = HeaderFields()
        for field in request.headers { headers.add(field.name.canonicalName, field.value) }

        var body: [UInt8] = []
        do {
            for try await buffer in request.body {
                body += buffer.readableBytesView
                if body.count > configuration.maxBodyBytes {
                    return ReferenceReceiver.json(
                        413,
                        Self.answer(
                            "rejected", reason: "body larger than \(configuration.maxBodyBytes) bytes"))
                }
            }
        } catch let timeout as RequestBodyTimeout {
            return ReferenceReceiver.json(408, Self.answer("rejected", reason: timeout.description))
        } catch {
            return ReferenceReceiver.json(
                400, Self.answer("rejected", reason: "the body could not be read completely"))
        }

        let headerId = StandardWebhooksHeaderStyle.allCases.lazy.compactMap { headers[$0.idHeader] }.first
        let messageId = headerId ?? "body-" + Self.fnv1a(body)
        let now = configuration.clock.nowMilliseconds()
        var entry = ReceivedEvent(
            sequence: 0, vendor: vendor, event: "unknown", messageId: messageId, receivedAtMilliseconds: now,
            verified: nil,
            duplicate: false, status: 200, reason: nil, candidateId: nil
        )
        entry.bodySHA256 = BodyDigest.sha256Hex(body)
        entry.bodyLength = body.count

        if configuration.chaos.isEnabled {
            let chaos = await state.chaosAnswer(messageId: messageId, settings: configuration.chaos)
            if configuration.chaos.latency > .zero { try? await Task.sleep(for: configuration.chaos.latency) }
            switch chaos {
            case .drop:
                entry.status = 0
                entry.reason = "connection closed without an answer (--drop-connection-rate)"
                _ = await state.record(entry)
                context.channel.close(promise: nil)
                return ReferenceReceiver.json(500, Self.answer("dropped", reason: "dropped"))
            case .status(let status):
                entry.status = status
                entry.reason = "forced status (chaos)"
                _ = await state.record(entry)
                return ReferenceReceiver.json(
                    status, Self.answer("unavailable", reason: "forced status \(status)"))
            case nil:
                break
            }
        }

        let verification = (verifiers[vendor] ?? configuration.verifier(for: vendor)).verify(
            headers: headers, body: body, nowSeconds: now / 1000,
            hmacHeader: configuration.hmacChecks[vendor]?.header, explain: false)
        switch verification.verdict {
        case .valid: entry.verified = true
        case .unsigned where profile.signing == .none: break
        case .unsigned, .invalid:
            let failure = verification.reason ?? "the signature does not verify"
            entry.verified = false
            entry.status = 401
            entry.reason = failure
            _ = await state.record(entry)
            return ReferenceReceiver.json(401, Self.answer("rejected", reason: failure))
        }

        let payload: JSONValue
        do {
            payload = try JSONParser().parse(body)
        } catch {
            entry.status = 400
            entry.reason = "invalid JSON at \(error.description)"
            _ = await state.record(entry)
            return ReferenceReceiver.json(
                400, Self.answer("invalid", reason: "invalid JSON at \(error.description)"))
        }
        let facts = profile.inspect(payload)
        entry.event = facts.event
        entry.candidateId = facts.candidateId

        guard await state.markProcessed(vendor + ":" + messageId) else {
            entry.duplicate = true
            _ = await state.record(entry)
            return ReferenceReceiver.json(
                200, .object(JSONObject([("status", .string("duplicate")), ("id", .string(messageId))])))
        }
        _ = await state.record(entry)
        await state.updateCandidate(vendor: vendor, facts: facts, messageId: messageId, at: now)
        return ReferenceReceiver.json(
            200, .object(JSONObject([("status", .string("accepted")), ("id", .string(messageId))])))
    }

    static func answer(_ status: String, reason: String) -> JSONValue {
        .object(JSONObject([("status", .string(status)), ("reason", .string(reason))]))
    }

    /// 64-bit FNV-1a of the body, in hex: the message id of vendors that send none.
    static func fnv1a(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

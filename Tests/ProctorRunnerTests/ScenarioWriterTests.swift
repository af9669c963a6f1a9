import Foundation
import ProctorCore
import ProctorDelivery
import ProctorJSON
import ProctorReceiver
import ProctorScenario
import ProctorSigning
import ProctorVendors
import Testing

@testable import ProctorRunner

/// ``ScenarioWriter`` on captures recorded in process (a reference receiver with a recorder): the
/// scenario it writes loads clean, its `with:` holds exactly the values the generator would not
/// give, and a body `with:` cannot express goes as a file holding the captured bytes.
@Suite(.serialized) struct ScenarioWriterTests {
    static let secret = WebhookSecret(SecretRule.exampleSecret)
    let folder: String

    init() throws {
        folder = NSTemporaryDirectory() + "proctor-writer-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    /// The bodies of one Testlify candidate's invited, enrolled and completed events, as the
    /// writer's own first actor would get them (seed 0, `candidate-1`), each passed through `edit`.
    static func bodies(edit: (Int, inout JSONValue) -> Void = { _, _ in }) throws -> [[UInt8]] {
        var state = ActorState(vendor: "testlify", name: "candidate-1", seed: 0)
        var bodies: [[UInt8]] = []
        let start: Int64 = 1_760_000_000_000
        for (index, event) in ["candidate.invited", "candidate.enrolled", "candidate.completed"].enumerated()
        {
            var body = try VendorCatalog.standard.generate(
                vendor: "testlify", event: event, actor: &state, atMilliseconds: start + Int64(index) * 60_000
            ).body
            edit(index, &body)
            bodies.append(body.serializedBytes())
        }
        return bodies
    }

    /// Records `bodies` sent signed to a reference receiver's Testlify route; the capture.
    func capture(_ bodies: [[UInt8]], into name: String) async throws -> Capture {
        let directory = folder + "/" + name
        let recorder = try CaptureRecorder(
            directory: directory, options: CaptureOptions(),
            startedAtMilliseconds: SystemClock().nowMilliseconds())
        let running = try await ReferenceReceiver(
            configuration: ReceiverConfiguration(secrets: [Self.secret]), observers: [recorder]
        ).start()
        for (index, body) in bodies.enumerated() {
            var headers = HeaderFields()
            headers.add("Content-Type", "application/json")
            let signer = try Signer(scheme: .standardWebhooks(.svix), secrets: [Self.secret])
            let sensitive = Signer.sign(
                [signer], into: &headers, messageId: "msg_\(index)",
                timestampSeconds: SystemClock().nowMilliseconds() / 1000, body: body)
            let request = OutgoingRequest(
                method: "POST", url: running.url(vendor: "testlify"), headers: headers, body: body,
                timeout: .seconds(10), sensitive: sensitive)
            let exchange = try await withHTTPTransport { transport in await transport.send(request) }
            #expect(exchange.response?.status == 200)
        }
        await running.stop()
        await recorder.finish()
        return try Capture(reading: directory)
    }

    /// Writes the scenario of `capture` into the scratch folder and loads it back.
    func writeAndLoad(_ capture: Capture, as name: String) throws -> (
        ScenarioWriter.Output, ScenarioLoadResult
    ) {
        let path = folder + "/" + name + ".yaml"
        let output = try ScenarioWriter().write(capture, to: path)
        let loaded = ScenarioLoader(vocabulary: VendorCatalog.standard).load(path: path)
        return (output, loaded)
    }

    /// The `with:` paths of each send step, by step id.
    static func overridePaths(_ scenario: Scenario?) -> [String: [String]] {
        var paths: [String: [String]] = [:]
        for step in scenario?.steps ?? [] {
            paths[step.id?.value ?? ""] = step.overrides.map { $0.path.description }
        }
        return paths
    }

    @Test func theWrittenScenarioLoadsClean() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let capture = try await capture(try Self.bodies(), into: "plain")
        let (output, loaded) = try writeAndLoad(capture, as: "plain")
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics.sorted)\n\(output.yaml)")
        let scenario = try #require(loaded.scenario)
        #expect(scenario.vendor.value == "testlify")
        #expect(
            scenario.steps.compactMap(\.event) == [
                "candidate.invited", "candidate.enrolled", "candidate.completed",
            ])
        #expect(scenario.steps.map { $0.id?.value } == ["r1", "r2", "r3"])
        #expect(scenario.steps.allSatisfy { $0.actor?.value == "candidate-1" && $0.body == nil })
        #expect(scenario.steps.allSatisfy { $0.expect?.status == .exact(200) })
        #expect(output.yaml.hasPrefix("# yaml-language-server: $schema=../Schemas/scenario.schema.json\n"))
        #expect(output.fixtures.isEmpty)
        #expect(!output.yaml.contains("secret:"))
        // Generating each step with its `with:` gives the captured body.
        var state = ActorState(vendor: "testlify", name: "candidate-1", seed: 0)
        for (step, record) in zip(scenario.steps, capture.records) {
            let overrides = step.overrides.map { override in
                Override(
                    path: override.path.jsonPath,
                    value: (try? override.value.resolve(in: TemplateContext())) ?? .null)
            }
            let made = try VendorCatalog.standard.generate(
                vendor: "testlify", event: step.event ?? "", actor: &state, atMilliseconds: 1_000_000_000_000,
                overrides: overrides)
            #expect(made.body == (try JSONValue(parsing: record.body)))
        }
    }

    @Test func oneChangedValueIsOneMoreWithEntry() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let plain = try await capture(try Self.bodies(), into: "plain")
        let changed = try await capture(
            try Self.bodies { index, body in
                if index == 2 { try? body.set(.number(JSONNumber(4242)), at: "data.scores.totalScore") }
            }, into: "changed")
        let (_, before) = try writeAndLoad(plain, as: "plain")
        let (output, after) = try writeAndLoad(changed, as: "changed")
        #expect(after.diagnostics.isEmpty, "\(after.diagnostics.sorted)")
        let a = Self.overridePaths(before.scenario)
        let b = Self.overridePaths(after.scenario)
        #expect(a["r1"] == b["r1"] && a["r2"] == b["r2"])
        #expect(Set(b["r3"] ?? []).subtracting(a["r3"] ?? []) == ["data.scores.totalScore"])
        #expect(Set(a["r3"] ?? []).isSubset(of: Set(b["r3"] ?? [])))
        #expect(output.yaml.contains("      data.scores.totalScore: 4242\n"))
    }

    @Test func aBodyWithCannotExpressIsWrittenAsAFile() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let bodies = try Self.bodies { index, body in
            guard index == 1, case .object(var object) = body else { return }
            object.removeValue(forKey: "metadata")  // a key the generator writes at the top
            body = .object(object)
        }
        let capture = try await capture(bodies, into: "shape")
        let (output, loaded) = try writeAndLoad(capture, as: "shape")
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics.sorted)\n\(output.yaml)")
        #expect(output.fixtures.map(\.path) == ["shape.fixtures/r2.json"])
        let written = try Data(contentsOf: URL(fileURLWithPath: folder + "/shape.fixtures/r2.json"))
        #expect([UInt8](written) == bodies[1])
        let step = try #require(loaded.scenario?.steps.first { $0.id?.value == "r2" })
        #expect(step.body?.value.bytes == bodies[1])
        #expect(step.overrides.isEmpty)
        #expect(output.yaml.contains("    body: \"shape.fixtures/r2.json\""))
    }

    @Test func valuesReadBackAsTheSameJSON() throws {
        let values: [JSONValue] = [
            .string("costs $5 and ${HOME} \"quoted\" \\ back\nline\ttab \u{7}"), .string("yes"),
            .string("123"),
            .string(""), .number(JSONNumber(literal: "37.50") ?? JSONNumber(0)), .number(JSONNumber(-3)),
            .bool(false), .null, .array([.string("a"), .object(JSONObject([("k.x", .string("é"))]))]),
        ]
        for value in values {
            let yaml =
                "scenario: s\nvendor: testlify\nsteps:\n  - send: candidate.invited\n    with:\n      data.x: \(ScenarioWriter.flow(value))\n"
            let loaded = ScenarioLoader(vocabulary: VendorCatalog.standard).load(yaml: yaml, path: "v.yaml")
            #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics.sorted)")
            let override = try #require(loaded.scenario?.steps.first?.overrides.first)
            let read = try override.value.resolve(in: TemplateContext())
            #expect(read == value)
            #expect(read.serialized() == value.serialized())
        }
    }

    @Test func severalVendorsNeedAChoice() async throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let capture = try await capture(try Self.bodies(), into: "one")
        #expect(throws: CaptureError.self) {
            try ScenarioWriter().write(capture, to: folder + "/x.yaml", vendor: "talview")
        }
    }
}

import Foundation
import ProctorCore
import ProctorJSON
import ProctorSchema
import Testing

@testable import ProctorContracts

private func response(
    _ status: Int, _ body: String = "", headers: [(String, String)] = [],
    latency: Duration = .milliseconds(20)
) -> DeliveryOutcome {
    .response(
        ReceivedResponse(
            status: status, headers: headers.map { ReceivedResponse.Header(name: $0.0, value: $0.1) },
            body: Array(body.utf8), latency: latency))
}

@Suite("Contract evaluator")
struct ContractEvaluatorTests {
    let ackSchema: JSONValue = [
        "type": "object",
        "properties": ["received": ["type": "boolean"], "id": ["type": "string", "pattern": "^evt_"]],
        "required": ["received"],
    ]

    @Test("a response meeting every part passes")
    func pass() {
        let expectation = Expectation(
            status: StatusPattern("2xx"),
            headers: [
                HeaderExpectation(name: "Content-Type", matcher: .regex("^application/json")),
                HeaderExpectation(name: "x-trace", matcher: .absent),
            ],
            body: BodyExpectation(schema: ackSchema), within: .milliseconds(100))
        let verdict = ContractEvaluator().evaluate(
            expectation,
            response(
                202, #"{"received": true, "id": "evt_1"}"#,
                headers: [("content-type", "application/json; charset=utf-8")]))
        #expect(verdict == .pass)
    }

    @Test("every unmet part is reported with what came back")
    func failures() throws {
        let expectation = Expectation(
            status: .exact(200),
            headers: [
                HeaderExpectation(name: "X-Request-Id", matcher: .present),
                HeaderExpectation(name: "Server", matcher: .exact("proctor")),
            ],
            body: BodyExpectation(schema: ackSchema), within: .milliseconds(50))
        let verdict = ContractEvaluator().evaluate(
            expectation,
            response(500, #"{"received": "yes"}"#, headers: [("server", "nginx")], latency: .milliseconds(80))
        )
        let failures = verdict.failures
        #expect(failures.map(\.aspect) == [.status, .header, .header, .latency, .body])
        #expect(failures[0].expected == "status 200")
        #expect(failures[0].actual == "status 500")
        #expect(failures[0].bodyExcerpt == #"{"received": "yes"}"#)
        #expect(failures.allSatisfy { $0.receivedStatus == 500 })
        #expect(failures[4].receivedHeaders == [ReceivedResponse.Header(name: "server", value: "nginx")])
        #expect(failures[1].actual == "no header X-Request-Id")
        #expect(failures[2].expected == #"header Server: "proctor""#)
        #expect(failures[2].actual == #"header Server: "nginx""#)
        #expect(failures[3].actual == "response after 80ms")
        let schemaError = try #require(failures[4].schemaErrors.first)
        #expect(schemaError.instanceLocation.description == "/received")
        #expect(schemaError.keywordLocation == "/properties/received/type")
        #expect(failures[4].description.contains(#"/received: expected boolean, got string "yes""#))
    }

    @Test("transport errors, empty and non-JSON bodies")
    func unusableResponses() {
        let evaluator = ContractEvaluator()
        let expectation = Expectation(status: .exact(200), body: BodyExpectation(schema: ackSchema))
        let transport = evaluator.evaluate(expectation, .transportError("connection refused"))
        #expect(transport.failures.map(\.aspect) == [.transport])
        #expect(transport.failures.first?.actual == "no response: connection refused")
        #expect(evaluator.evaluate(expectation, response(200)).failures.first?.actual == "an empty body")
        let html = evaluator.evaluate(expectation, response(200, "<html>"))
        #expect(html.failures.first?.actual.hasPrefix("a body that is not JSON (1:1") == true)
        #expect(html.failures.first?.bodyExcerpt == "<html>")
    }

    @Test("body excerpts are capped")
    func excerptCap() {
        let long = String(repeating: "é", count: 1000)
        let excerpt = ContractEvaluator.excerpt(Array(long.utf8))
        #expect(excerpt?.hasPrefix(String(repeating: "é", count: 256)) == true)
        #expect(excerpt?.hasSuffix("… (2000 bytes)") == true)
        #expect((excerpt?.utf8.count ?? 0) < ContractEvaluator.bodyExcerptLimit + 32)
    }

    @Test("schemas referenced from a scenario file resolve relative to it and compile once")
    func schemaCache() async throws {
        let folder = NSTemporaryDirectory() + "proctor-contracts-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(
            atPath: folder + "/Schemas/contracts", withIntermediateDirectories: true)
        try #"{"type": "object", "required": ["ok"]}"#.write(
            toFile: folder + "/Schemas/contracts/ack.schema.json", atomically: true, encoding: .utf8)
        let body = BodyExpectation(
            schema: ["$ref": "../Schemas/contracts/ack.schema.json"], baseFile: folder + "/Scenarios/x.yaml")
        let expectation = Expectation(body: body)
        let evaluator = ContractEvaluator()
        let verdicts = await withTaskGroup(of: Bool.self, returning: [Bool].self) { group in
            for i in 0..<40 {
                group.addTask {
                    evaluator.evaluate(expectation, response(200, i.isMultiple(of: 2) ? #"{"ok": 1}"# : "{}"))
                        .passed
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(verdicts.filter { $0 }.count == 20)
        #expect(evaluator.cachedSchemaCount == 1)
        let missing = Expectation(
            body: BodyExpectation(schema: ["$ref": "nope.json"], baseFile: folder + "/Scenarios/x.yaml"))
        let verdict = evaluator.evaluate(missing, response(200, "{}"))
        #expect(verdict.failures.first?.actual.contains("unresolvable reference \"nope.json\"") == true)
    }

    @Test("format assertion follows the expectation")
    func formats() {
        let body = BodyExpectation(schema: ["type": "string", "format": "email"])
        let evaluator = ContractEvaluator()
        #expect(evaluator.evaluate(Expectation(body: body), response(200, #""nope""#)).passed)
        #expect(
            !evaluator.evaluate(Expectation(body: body, assertFormat: true), response(200, #""nope""#)).passed
        )
    }

    @Test("a catastrophic header pattern answers at once: 40 a's and a '!' do not match /^(a+)+$/")
    func catastrophicHeaderPattern() {
        let expectation = Expectation(headers: [HeaderExpectation(name: "X-Bad", matcher: .regex("^(a+)+$"))])
        let value = String(repeating: "a", count: 40) + "!"
        let verdict = ContractEvaluator().evaluate(expectation, response(200, headers: [("X-Bad", value)]))
        #expect(verdict.failures.count == 1)
        #expect(verdict.failures.first?.expected == "header X-Bad matching /^(a+)+$/")
        #expect(verdict.failures.first?.actual == "header X-Bad: \"\(value)\"")
        let long = String(repeating: "a", count: 10_000)
        #expect(ContractEvaluator().evaluate(expectation, response(200, headers: [("X-Bad", long)])).passed)
    }

    @Test("a backtracking header pattern past its step budget fails the check, saying so")
    func expensiveHeaderPattern() {
        let expectation = Expectation(headers: [
            HeaderExpectation(name: "X-Bad", matcher: .regex("^(?=(a+)+b)"))
        ])
        let value = String(repeating: "a", count: 40)
        let verdict = ContractEvaluator().evaluate(expectation, response(200, headers: [("X-Bad", value)]))
        #expect(verdict.failures.first?.aspect == .header)
        #expect(
            verdict.failures.first?.actual
                == "header X-Bad: \"\(value)\", but pattern /^(?=(a+)+b)/ is too expensive to match: it needs "
                + "backtracking (backreferences or lookaround) and gave up after 10000000 steps on this input"
        )
    }

    @Test("a body schema that cannot reach a verdict fails the check with the reason")
    func bodyWithoutVerdict() {
        let body = BodyExpectation(schema: ["anyOf": [["$ref": "#"], ["$ref": "#"]]])
        let verdict = ContractEvaluator().evaluate(Expectation(body: body), response(200, "{}"))
        let failure = verdict.failures.first
        #expect(failure?.aspect == .body)
        #expect(
            failure?.actual.hasPrefix("no verdict, the schema is unusable for this body: reference cycle: ")
                == true)
    }

    @Test("invalid header regexes are reported, not crashed on")
    func badRegex() {
        let expectation = Expectation(headers: [HeaderExpectation(name: "x", matcher: .regex("(unclosed"))])
        let verdict = ContractEvaluator().evaluate(expectation, response(200, headers: [("x", "y")]))
        #expect(verdict.failures.first?.actual.hasPrefix("an unusable pattern") == true)
    }
}

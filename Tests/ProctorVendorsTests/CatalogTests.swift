import Foundation
import ProctorCore
import ProctorJSON
import Testing

@testable import ProctorVendors

let catalog = VendorCatalog.standard
let fixedClock = FixedClock(milliseconds: 1_778_491_596_453)

/// Every (vendor, event) pair of the catalog.
let allEvents: [(String, String)] = VendorCatalog.standard.profiles.flatMap { p in
    p.events.map { (p.name, $0.name) }
}

@Suite struct CatalogTests {
    @Test func eventCounts() {
        #expect(catalog.eventNames(vendor: "talview").count == 2)
        #expect(catalog.eventNames(vendor: "testlify").count == 13)
        #expect(catalog.eventNames(vendor: "testlify-v1").count >= 11)
        #expect(catalog.eventNames(vendor: "qualified").count >= 16)
        // 22 wire events and 12 state changes by name (`team_candidate_state_changed.approved`).
        #expect(catalog.eventNames(vendor: "qualified").count == 34)
        #expect(Set(catalog.profile(for: "qualified")?.events.map(\.wireName) ?? []).count == 22)
    }

    /// The scenario schema's `vendor` enum (what editors complete) lists exactly the catalog's vendors.
    @Test func scenarioSchemaListsTheCatalogVendors() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Schemas/scenario.schema.json")
        let schema = try JSONParser().parse(Array(try Data(contentsOf: url)))
        let names = try #require(schema["properties"]?["vendor"]?["enum"]?.arrayValue).compactMap(
            \.stringValue)
        #expect(names == catalog.vendorNames)
    }

    @Test func everyEventHasItsTemplate() throws {
        for p in catalog.profiles {
            for e in p.events {
                #expect(
                    ReferenceTemplates.files[e.example] != nil,
                    "\(p.name) \(e.name): no template \(e.example)")
                if !e.hasOwnExample { #expect(e.exampleNote?.isEmpty == false) }
            }
        }
    }

    @Test(arguments: allEvents.map { "\($0.0) \($0.1)" })
    func everyEventCanBeEmitted(_ pair: String) throws {
        let parts = pair.split(separator: " ").map(String.init)
        let event = try catalog.generate(vendor: parts[0], event: parts[1], seed: 7, clock: fixedClock)
        #expect(!event.bodyBytes.isEmpty)
        #expect(try JSONValue(parsing: event.bodyBytes) == event.body)
        #expect(event.messageId.hasPrefix("msg_"))
        #expect(event.method == "POST")
    }

    /// The receiver's reading of every generated event names it as the catalog does, so the
    /// tail, `/events`, captures and `replay --event` use the names of `send` and scenarios.
    @Test(arguments: allEvents.map { "\($0.0) \($0.1)" })
    func theReceiverNamesEveryEventAsTheCatalogDoes(_ pair: String) throws {
        let parts = pair.split(separator: " ").map(String.init)
        let profile = try #require(catalog.profile(for: parts[0]))
        let spec = try #require(profile.event(named: parts[1]))
        let event = try catalog.generate(vendor: parts[0], event: parts[1], seed: 7, clock: fixedClock)
        #expect(profile.inspect(event.body).event == spec.name)
    }

    @Test func qualifiedAcceptsSeedNamesAsAliases() {
        #expect(
            catalog.resolveEvent(vendor: "qualified", name: "team_candidate.created")
                == "team_candidate_state_changed")
        #expect(
            catalog.resolveEvent(vendor: "qualified", name: "assessment_result_review.submitted")
                == "assessment_result_review_submitted")
        #expect(
            catalog.resolveEvent(vendor: "talview", name: "ae_test_instance_updated")
                == "ae.test_instance.updated")
        #expect(catalog.resolveEvent(vendor: "testlify", name: "candidate.finished") == nil)
        let seedNames = catalog.profile(for: "qualified")?.events.flatMap(\.aliases) ?? []
        #expect(seedNames.count == 19)
    }

    @Test func unknownNamesSuggestCloseOnes() {
        #expect(throws: GenerationError.self) { try catalog.requireProfile("testlfy") }
        do {
            _ = try catalog.requireEvent(vendor: "testlify", event: "candidate.complete")
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("did you mean 'candidate.completed'"))
        }
        do {
            _ = try catalog.generate(
                vendor: "testlify", event: "candidate.invited", seed: 1, clock: fixedClock,
                quirks: ["result-link-null"])
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("unknown testlify quirk"))
        }
    }

    /// A Qualified stage stands for every event Qualified fires for its change, in the order
    /// docs/vendors.md gives: the event that reports it, the result's state change, the team
    /// candidate's when it moves with the result; never the deprecated twins.
    @Test func qualifiedStagesFireEveryEventOfTheirChange() {
        let expected: [String: [String]] = [
            "invited": ["team_candidate_state_changed", "assessment_result_state_changed.invited"],
            "opened": ["assessment_result_state_changed"],
            "started": [
                "assessment_result_started", "assessment_result_state_changed.started",
                "team_candidate_state_changed.started",
            ],
            "solved": ["solution_updated"],
            "submitting": ["assessment_result_state_changed.submitting"],
            "submitted": [
                "assessment_result_submitted", "assessment_result_state_changed.submitted",
                "team_candidate_state_changed.submitted",
            ],
            "terminated": ["assessment_result_state_changed.terminated"],
            "risk_detected": ["team_candidate_state_changed.risk_detected"],
            "reviewed": ["team_candidate_state_changed.reviewed"],
            "approved": ["team_candidate_state_changed.approved"],
            "rejected": ["team_candidate_state_changed.rejected"],
            "archived": ["team_candidate_state_changed.archived"],
        ]
        let stages = catalog.lifecycleStages(vendor: "qualified")
        #expect(Set(stages) == Set(expected.keys))
        for stage in stages {
            #expect(catalog.lifecycleEvents(vendor: "qualified", stage: stage) == expected[stage], "\(stage)")
        }
        // Every stage in order is an order Qualified can send (the terminated attempt apart).
        let all = stages.filter { $0 != "terminated" }.flatMap {
            catalog.lifecycleEvents(vendor: "qualified", stage: $0)
        }
        #expect(catalog.orderProblem(vendor: "qualified", events: all) == nil)
        #expect(
            catalog.orderProblem(
                vendor: "qualified",
                events: ["invited", "opened", "started", "terminated"].flatMap {
                    catalog.lifecycleEvents(vendor: "qualified", stage: $0)
                }) == nil)
        // A stage's events cannot come back once the attempt moved on.
        #expect(
            catalog.orderProblem(
                vendor: "qualified",
                events: ["team_candidate_state_changed.submitted", "team_candidate_state_changed.started"])
                != nil)
        #expect(
            catalog.orderProblem(
                vendor: "qualified",
                events: [
                    "assessment_result_state_changed.started", "assessment_result_state_changed.invited",
                ])
                != nil)
        // Other vendors' stages stay one event each.
        for vendor in ["testlify", "testlify-v1", "talview"] {
            for stage in catalog.lifecycleStages(vendor: vendor) {
                #expect(catalog.lifecycleEvents(vendor: vendor, stage: stage).count == 1)
            }
        }
    }

    @Test func lifecycleStagesAndOrder() {
        #expect(
            catalog.lifecycleStages(vendor: "testlify").prefix(4) == [
                "invited", "enrolled", "in_progress", "completed",
            ])
        #expect(catalog.lifecycleEvents(vendor: "testlify", stage: "completed") == ["candidate.completed"])
        #expect(catalog.lifecycleEvents(vendor: "testlify", stage: "enroled").isEmpty)
        #expect(
            catalog.orderProblem(
                vendor: "testlify",
                events: [
                    "candidate.invited", "candidate.enrolled", "candidate.in_progress", "candidate.completed",
                    "candidate.completed", "candidate.score_updated",
                ]) == nil)
        let problem = catalog.orderProblem(
            vendor: "testlify", events: ["candidate.invited", "candidate.completed", "candidate.enrolled"])
        #expect(
            problem
                == OrderProblem(
                    index: 2, earlierIndex: 1, reason: "candidate.enrolled cannot follow candidate.completed")
        )
        // Gaps: an endpoint subscribed to completions only receives just those.
        #expect(catalog.orderProblem(vendor: "testlify", events: ["candidate.completed"]) == nil)
        let late = catalog.orderProblem(
            vendor: "testlify",
            events: [
                "candidate.invited", "candidate.enrolled", "candidate.invitation_expired",
            ])
        #expect(late?.index == 2)
        #expect(late?.reason == "candidate.invitation_expired cannot follow candidate.enrolled")
        #expect(catalog.orderProblem(vendor: "talview", events: ["ae.test_instance.updated"]) == nil)
        #expect(
            catalog.orderProblem(
                vendor: "qualified",
                events: [
                    "assessment_result_review.created", "assessment_result_review_destroyed",
                    "assessment_result_review_updated",
                ])?.index == 2)
        #expect(catalog.quirkNames(vendor: "testlify-v1").contains("result-link-null-string"))
        #expect(!catalog.quirkNames(vendor: "testlify-v1").contains("legacy-key-order"))
    }

    @Test func listingShowsEveryEventAndQuirk() throws {
        let table = try CatalogListing.render(catalog, vendor: nil, format: .table, quirks: false)
        // The events, then each vendor's versions under a heading.
        let versions = catalog.profiles.filter { !$0.versions.isEmpty }
        #expect(
            table.split(separator: "\n").count
                == allEvents.count + 1 + versions.reduce(0) { $0 + 1 + $1.versions.count })
        #expect(table.contains("talview payload versions"))
        #expect(table.contains("  classic  (default)"))
        let talview = try JSONValue(
            parsing: try CatalogListing.render(catalog, vendor: "talview", format: .json, quirks: false))
        #expect(talview.arrayValue?.first?["versions"] == ["classic", "flat"])
        let json = try JSONValue(
            parsing: try CatalogListing.render(catalog, vendor: "qualified", format: .json, quirks: false))
        #expect(json.arrayValue?.count == 34)
        let quirks = try CatalogListing.render(catalog, vendor: "testlify-v1", format: .table, quirks: true)
        #expect(quirks.contains("result-link-relative"))
        #expect(quirks.contains("always"))
    }
}

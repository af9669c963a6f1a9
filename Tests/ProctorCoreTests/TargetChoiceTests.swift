import ProctorCore
import Testing

@Suite struct TargetChoiceTests {
    static let vendors = ["talview", "testlify", "qualified"]

    @Test func aVendorsOwnTargetWinsThenTheOneForAllThenTheScenarios() throws {
        let choice = try TargetChoice(
            parsing: ["http://127.0.0.1:1/all/{vendor}", "testlify=http://127.0.0.1:2/t"],
            vendors: Self.vendors)
        #expect(choice.target(for: "testlify", scenario: "http://s/") == "http://127.0.0.1:2/t")
        #expect(choice.target(for: "qualified", scenario: "http://s/") == "http://127.0.0.1:1/all/qualified")
        let scenarioOnly = TargetChoice()
        #expect(
            scenarioOnly.target(for: "talview", scenario: "http://h/webhooks/{vendor}")
                == "http://h/webhooks/talview")
        #expect(scenarioOnly.target(for: "talview", scenario: "") == nil)
        #expect(scenarioOnly.target(for: "talview", scenario: nil) == nil)
    }

    @Test func aURLWhoseQueryHoldsAnEqualsSignIsATargetForAll() throws {
        let choice = try TargetChoice(parsing: ["http://127.0.0.1:1/hook?token=abc"], vendors: Self.vendors)
        #expect(choice.all == "http://127.0.0.1:1/hook?token=abc")
        #expect(choice.byVendor.isEmpty)
    }

    @Test(arguments: ["testlify=ftp://x/", "ftp://x/", "qualified=", "http://exa mple/"])
    func badTargetsAreRefused(_ value: String) {
        #expect(throws: TargetURLError.self) { try TargetChoice(parsing: [value], vendors: Self.vendors) }
    }
}

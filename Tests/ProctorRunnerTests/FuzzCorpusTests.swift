import Testing

/// The fuzz targets' seeds (`fuzz/corpus/TARGET/`, with the inputs of fixed findings) replayed
/// through the built `proctor-fuzz`: every check of each target holds for each of them, on any
/// platform and without libFuzzer.
@Suite struct FuzzCorpusTests {
    static let targets = ["scenario", "json", "schema", "http-response", "verify-request"]

    @Test(arguments: targets)
    func seedsPassTheirChecks(target: String) async throws {
        let fuzz = try #require(TestProcesses.product("proctor-fuzz"), "build the proctor-fuzz product first")
        let result = try await TestProcesses.run(fuzz, [target, "fuzz/corpus/\(target)"])
        #expect(result.status == 0, "\(result.err)")
        #expect(result.out.hasPrefix("\(target): "))
        #expect(result.out.contains("every check held"))
    }

    @Test func usageListsEveryTarget() async throws {
        let fuzz = try #require(TestProcesses.product("proctor-fuzz"), "build the proctor-fuzz product first")
        let usage = try await TestProcesses.run(fuzz, ["--help"])
        for target in Self.targets {
            #expect(usage.err.contains("  \(target) "), "\(target) not in the usage")
        }
    }
}

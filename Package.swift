// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "proctor",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "proctor", targets: ["proctor"]),
        .library(name: "ProctorJSON", targets: ["ProctorJSON"]),
        .library(name: "ProctorCore", targets: ["ProctorCore"]),
        .library(name: "ProctorSchema", targets: ["ProctorSchema"]),
        .library(name: "ProctorContracts", targets: ["ProctorContracts"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/attaswift/BigInt", from: "6.0.1"),
    ],
    targets: [
        // Ordered JSON value, parser and serializer. No dependency on the rest of Proctor.
        .target(
            name: "ProctorJSON",
            dependencies: [.product(name: "OrderedCollections", package: "swift-collections")]
        ),
        // Diagnostics with source locations, seeded randomness, fake data, clocks.
        .target(name: "ProctorCore", dependencies: ["ProctorJSON"]),
        // JSON Schema 2020-12 validator. Depends on the JSON value only.
        .target(
            name: "ProctorSchema",
            dependencies: ["ProctorJSON", .product(name: "BigInt", package: "BigInt")]
        ),
        // Checks a received response (status, headers, body, latency) against an expectation.
        .target(name: "ProctorContracts", dependencies: ["ProctorCore", "ProctorSchema"]),
        // Scenario model, YAML loading with source positions, interpolation, `proctor check` rules.
        .target(
            name: "ProctorScenario",
            dependencies: ["ProctorCore", .product(name: "Yams", package: "Yams")]
        ),
        // Vendor catalog, payload builders, lifecycle state, signing schemes.
        .target(
            name: "ProctorVendors",
            dependencies: ["ProctorCore", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .executableTarget(
            name: "proctor",
            dependencies: [
                "ProctorCore",
                "ProctorSchema",
                "ProctorContracts",
                "ProctorScenario",
                "ProctorVendors",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Validations per second of realistic payloads; run by benchmarks/schema-bench.sh.
        .executableTarget(name: "proctor-schema-bench", dependencies: ["ProctorSchema"]),
        .testTarget(name: "ProctorJSONTests", dependencies: ["ProctorJSON"]),
        .testTarget(name: "ProctorCoreTests", dependencies: ["ProctorCore"]),
        .testTarget(name: "ProctorSchemaTests", dependencies: ["ProctorSchema"]),
        .testTarget(name: "ProctorContractsTests", dependencies: ["ProctorContracts"]),
        .testTarget(name: "ProctorScenarioTests", dependencies: ["ProctorScenario"], exclude: ["Fixtures"]),
        .testTarget(name: "ProctorVendorsTests", dependencies: ["ProctorVendors"]),
    ]
)

let sharedSwiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
]

for target in package.targets {
    target.swiftSettings = (target.swiftSettings ?? []) + sharedSwiftSettings
}

// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "proctor",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "proctor", targets: ["proctor"]),
        .library(name: "ProctorJSON", targets: ["ProctorJSON"]),
        .library(name: "ProctorCore", targets: ["ProctorCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-atomics", from: "1.3.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
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
        .target(name: "ProctorSchema", dependencies: ["ProctorJSON"]),
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
        // Load mode: arrival-rate and closed-model load over a lean SwiftNIO HTTP/1.1 path,
        // HDR latency histograms corrected for coordinated omission, mergeable shard reports.
        .target(
            name: "ProctorLoad",
            dependencies: [
                "ProctorCore",
                "ProctorJSON",
                "ProctorVendors",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        .executableTarget(
            name: "proctor",
            dependencies: [
                "ProctorCore",
                "ProctorLoad",
                "ProctorSchema",
                "ProctorScenario",
                "ProctorVendors",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "ProctorJSONTests", dependencies: ["ProctorJSON"]),
        .testTarget(name: "ProctorCoreTests", dependencies: ["ProctorCore"]),
        .testTarget(name: "ProctorSchemaTests", dependencies: ["ProctorSchema"]),
        .testTarget(name: "ProctorScenarioTests", dependencies: ["ProctorScenario"]),
        .testTarget(name: "ProctorVendorsTests", dependencies: ["ProctorVendors"]),
        .testTarget(
            name: "ProctorLoadTests",
            dependencies: [
                "ProctorCore",
                "ProctorLoad",
                "ProctorVendors",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
    ]
)

let sharedSwiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
]

for target in package.targets {
    target.swiftSettings = (target.swiftSettings ?? []) + sharedSwiftSettings
}

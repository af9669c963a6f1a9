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
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-http2", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
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
        // ECMA-262 regular expressions in linear time (an automaton), with a bounded backtracker
        // for backreferences and lookaround: schema `pattern`s and header expectations.
        .target(name: "ProctorRegex"),
        // The calling thread's stack bounds (pthread_getattr_np, which Swift's Glibc leaves out).
        .target(name: "CProctorStack"),
        // JSON Schema 2020-12 validator. Depends on the JSON value and the regex engine only.
        .target(
            name: "ProctorSchema",
            dependencies: ["ProctorJSON", "ProctorRegex", "CProctorStack", .product(name: "BigInt", package: "BigInt")],
            resources: [.embedInCode("MetaSchemas")]
        ),
        // Checks a received response (status, headers, body, latency) against an expectation.
        .target(name: "ProctorContracts", dependencies: ["ProctorCore", "ProctorSchema", "ProctorRegex"]),
        // Scenario model, YAML loading with source positions, interpolation, `proctor check` rules.
        .target(
            name: "ProctorScenario",
            dependencies: ["ProctorCore", "ProctorRegex", .product(name: "Yams", package: "Yams")]
        ),
        // The one signer and verifier (Standard Webhooks v1 and v1a, body HMACs), the secret rule,
        // the header type and the masking rule of every output.
        .target(
            name: "ProctorSigning",
            dependencies: ["ProctorCore", "ProctorJSON", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // Vendor catalog, payload builders, lifecycle state.
        .target(
            name: "ProctorVendors",
            dependencies: ["ProctorCore", "ProctorSigning"],
            exclude: ["Templates/ReferenceExamples/README.md"],
            resources: [.embedInCode("Templates/ReferenceExamples")]
        ),
        // HTTP transport (AsyncHTTPClient, plus a raw NIO path for malformed sends), retry
        // policies and request-level fault injection.
        .target(
            name: "ProctorDelivery",
            dependencies: [
                "ProctorCore",
                "ProctorSigning",
                "ProctorJSON",
                "ProctorVendors",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // The reference consumer (`proctor serve`), on Hummingbird.
        .target(
            name: "ProctorReceiver",
            dependencies: [
                "ProctorCore",
                "ProctorDelivery",
                "ProctorSigning",
                "ProctorJSON",
                "ProctorVendors",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // epoll declarations for load mode's socket loop (Swift's Glibc module leaves them out).
        .target(name: "CProctorPoll"),
        // Load mode: arrival-rate and closed-model load over a lean HTTP/1.1 socket loop,
        // HDR latency histograms corrected for coordinated omission, mergeable shard reports.
        .target(
            name: "ProctorLoad",
            dependencies: [
                "CProctorPoll",
                "ProctorCore",
                "ProctorSigning",
                "ProctorJSON",
                "ProctorScenario",
                "ProctorVendors",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        // The pipeline pieces: run-result model, delivery engine, console and file reports.
        .target(
            name: "ProctorRunner",
            dependencies: [
                "ProctorCore", "ProctorJSON", "ProctorScenario", "ProctorVendors", "ProctorContracts",
                "ProctorDelivery", "ProctorReceiver", "ProctorSigning",
            ]
        ),
        .executableTarget(
            name: "proctor",
            dependencies: [
                "ProctorCore",
                "ProctorLoad",
                "ProctorSchema",
                "ProctorContracts",
                "ProctorScenario",
                "ProctorVendors",
                "ProctorDelivery",
                "ProctorReceiver",
                "ProctorRunner",
                "ProctorSigning",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Validations per second of realistic payloads; run by benchmarks/schema-bench.sh.
        .executableTarget(name: "proctor-schema-bench", dependencies: ["ProctorSchema"]),
        // Fuzz targets of the parsers. A libFuzzer build (scripts/fuzz.sh) hands `main` to
        // libFuzzer; any other build replays input files through the same checks.
        .executableTarget(
            name: "proctor-fuzz",
            dependencies: [
                "ProctorCore", "ProctorJSON", "ProctorSchema", "ProctorScenario", "ProctorVendors",
                "ProctorSigning", "ProctorReceiver",
            ]
        ),
        .testTarget(name: "ProctorJSONTests", dependencies: ["ProctorJSON"]),
        .testTarget(name: "ProctorCoreTests", dependencies: ["ProctorCore"]),
        .testTarget(name: "ProctorSchemaTests", dependencies: ["ProctorSchema", "ProctorRegex"]),
        .testTarget(name: "ProctorContractsTests", dependencies: ["ProctorContracts"]),
        .testTarget(
            name: "ProctorScenarioTests", dependencies: ["ProctorScenario", "ProctorSchema"],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "ProctorVendorsTests", dependencies: ["ProctorVendors", "ProctorSchema", "ProctorSigning"]),
        .testTarget(
            name: "ProctorSigningTests", dependencies: ["ProctorSigning", "ProctorCore", "ProctorJSON"]),
        .testTarget(
            name: "ProctorDeliveryTests",
            dependencies: [
                "ProctorDelivery",
                "ProctorTestSupport",
                "ProctorReceiver",
                "ProctorVendors",
                "ProctorSigning",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
            ]
        ),
        // Raw TCP clients for the tests of the receiver's timeouts, connection cap and shutdown.
        .target(
            name: "ProctorTestSupport",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            path: "Tests/ProctorTestSupport"
        ),
        .testTarget(
            name: "ProctorReceiverTests",
            dependencies: [
                "ProctorReceiver", "ProctorDelivery", "ProctorVendors", "ProctorSigning", "ProctorJSON",
                "ProctorTestSupport",
            ]),
        .testTarget(
            name: "ProctorRunnerTests",
            dependencies: [
                "ProctorRunner", "ProctorReceiver", "ProctorDelivery", "ProctorVendors", "ProctorJSON",
                "ProctorSigning", "ProctorLoad", "ProctorScenario", "ProctorTestSupport", "ProctorSchema",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Yams", package: "Yams"),
            ],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "ProctorLoadTests",
            dependencies: [
                "ProctorCore",
                "ProctorTestSupport",
                "ProctorJSON",
                "ProctorSigning",
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
    .swiftLanguageMode(.v6)
]

for target in package.targets {
    target.swiftSettings = (target.swiftSettings ?? []) + sharedSwiftSettings
}

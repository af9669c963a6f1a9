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
    ],
    targets: [
        // Ordered JSON value, parser and serializer. No dependency on the rest of Proctor.
        .target(
            name: "ProctorJSON",
            dependencies: [.product(name: "OrderedCollections", package: "swift-collections")]
        ),
        // Diagnostics with source locations, seeded randomness, fake data, clocks.
        .target(name: "ProctorCore", dependencies: ["ProctorJSON"]),
        .executableTarget(
            name: "proctor",
            dependencies: [
                "ProctorCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "ProctorJSONTests", dependencies: ["ProctorJSON"]),
        .testTarget(name: "ProctorCoreTests", dependencies: ["ProctorCore"]),
    ]
)

let sharedSwiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
]

for target in package.targets {
    target.swiftSettings = (target.swiftSettings ?? []) + sharedSwiftSettings
}

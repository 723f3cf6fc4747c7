// swift-tools-version:6.1
import PackageDescription

/// Jembatan: one executable per SOP role, one shared module, one librdkafka system library.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

func service(_ name: String, product: String) -> Target {
    .executableTarget(
        name: name,
        dependencies: [
            "JembatanShared",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
        ],
        path: "Services/\(name)",
        swiftSettings: swiftSettings
    )
}

let package = Package(
    name: "Jembatan",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "jembatan-intake", targets: ["Intake"]),
        .executable(name: "jembatan-evaluation", targets: ["Evaluation"]),
        .executable(name: "jembatan-provisioning", targets: ["Provisioning"]),
        .executable(name: "jembatan-validation", targets: ["Validation"]),
        .executable(name: "jembatan-reporting", targets: ["Reporting"]),
        .executable(name: "jembatan", targets: ["Operator"]),
        .library(name: "JembatanShared", targets: ["JembatanShared"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CRdKafka",
            path: "Shared/CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"]), .brew(["librdkafka"])]
        ),
        .target(
            name: "JembatanShared",
            dependencies: [
                "CRdKafka",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Shared/JembatanShared",
            swiftSettings: swiftSettings
        ),
        service("Intake", product: "jembatan-intake"),
        service("Evaluation", product: "jembatan-evaluation"),
        service("Provisioning", product: "jembatan-provisioning"),
        service("Validation", product: "jembatan-validation"),
        service("Reporting", product: "jembatan-reporting"),
        .executableTarget(
            name: "Operator",
            dependencies: [
                "JembatanShared",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Services/Operator",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "JembatanSharedTests",
            dependencies: ["JembatanShared", .product(name: "Hummingbird", package: "hummingbird")],
            path: "Tests/JembatanSharedTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "JembatanShared",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/IntegrationTests",
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)

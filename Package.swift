// swift-tools-version:6.1
import PackageDescription

/// Jembatan: per SOP role a library and a thin executable, one shared module, one librdkafka system library.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

/// A role's library: its domain, store, rules, controllers and event handlers. Depends on
/// `JembatanShared` only; no role library imports another.
func role(_ name: String) -> Target {
    .target(
        name: name,
        dependencies: [
            "JembatanShared",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Crypto", package: "swift-crypto"),
        ],
        path: "Services/\(name)",
        exclude: ["Main"],
        resources: rolesWithViews.contains(name) ? [.copy("Templates")] : [],
        swiftSettings: swiftSettings
    )
}

/// Roles that render pages: their Mustache templates ship beside the executable (`<package>_<role>.resources`).
let rolesWithViews: Set<String> = ["Evaluation", "Intake", "Reporting"]

/// A role's process: `main` runs the role's service definition.
func server(_ name: String) -> Target {
    .executableTarget(
        name: "\(name)Server",
        dependencies: [.target(name: name), "JembatanShared"],
        path: "Services/\(name)/Main",
        swiftSettings: swiftSettings
    )
}

/// A role's unit tests: its rules, without a stack.
func roleTests(_ name: String) -> Target {
    .testTarget(
        name: "\(name)Tests",
        dependencies: [.target(name: name), "JembatanShared"],
        path: "Tests/\(name)Tests",
        swiftSettings: swiftSettings
    )
}

let roles = ["Intake", "Evaluation", "Provisioning", "Validation", "Reporting"]

let package = Package(
    name: "Jembatan",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "jembatan-intake", targets: ["IntakeServer"]),
        .executable(name: "jembatan-evaluation", targets: ["EvaluationServer"]),
        .executable(name: "jembatan-provisioning", targets: ["ProvisioningServer"]),
        .executable(name: "jembatan-validation", targets: ["ValidationServer"]),
        .executable(name: "jembatan-reporting", targets: ["ReportingServer"]),
        .executable(name: "jembatan-workspace", targets: ["WorkspaceServer"]),
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
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CRdKafka",
            path: "Shared/CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"]), .brew(["librdkafka"])]
        ),
        // libcurl's SMTP client (STARTTLS, AUTH) for the workspace's notification mails; the shim
        // gives the variadic curl_easy_setopt one typed function per argument kind.
        .systemLibrary(
            name: "CCurlShim",
            path: "Shared/CCurlShim",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"]), .brew(["curl"])]
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
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ],
            path: "Shared/JembatanShared",
            resources: [.copy("Views/Templates"), .copy("Profiles/Data")],
            swiftSettings: swiftSettings
        ),
        // The one HTTP client outside the services: the operator command's and the integration tests'.
        .target(
            name: "JembatanClient",
            dependencies: ["JembatanShared"],
            path: "Shared/JembatanClient",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "Operator",
            dependencies: [
                "JembatanShared",
                "JembatanClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Services/Operator",
            swiftSettings: swiftSettings
        ),
        // The people's workspace: sign-in, sessions, accounts, Tugas saya and every page; it acts
        // only through the five services' HTTP APIs (with the token minted for each session).
        .target(
            name: "Workspace",
            dependencies: [
                "JembatanShared",
                "CCurlShim",
                "JembatanClient",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Services/Workspace",
            exclude: ["Main"],
            resources: [.copy("Templates")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "WorkspaceServer",
            dependencies: ["Workspace", "JembatanShared"],
            path: "Services/Workspace/Main",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WorkspaceTests",
            dependencies: [
                "Workspace", "JembatanShared", .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            path: "Tests/WorkspaceTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "JembatanSharedTests",
            dependencies: [
                "JembatanShared", .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Configuration", package: "swift-configuration"),
            ],
            path: "Tests/JembatanSharedTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "JembatanShared",
                "JembatanClient",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/IntegrationTests",
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)

package.targets += roles.map(role) + roles.map(server) + roles.map(roleTests)

import Foundation
import JembatanShared
import Testing

@Suite("Deployment files")
struct DeploymentTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `docker-compose config` of the repository's compose file, as JSON (through PyYAML, which docker-compose itself uses).
    static func composeConfig() throws -> [String: Any] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [
            "-c",
            "JEMBATAN_POSTGRES_PASSWORD=check docker-compose -f '\(root.path)/docker-compose.yml' config | python3 -c 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'",
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "docker-compose config refused the file")
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test(
        "docker-compose accepts the compose file; its services are the five executables and the workspace plus Kafka, PostgreSQL, a mail server, the topic and migration jobs"
    )
    func composeMatchesExecutables() throws {
        let services = try #require(try Self.composeConfig()["services"] as? [String: [String: Any]])
        #expect(
            Set(services.keys)
                == Set(
                    ServiceName.allCases.map(\.rawValue) + [
                        "workspace", "postgres", "kafka", "topics", "migrate", "operator", "mail",
                    ]
                ))
        // The workspace: published on 8080, ready when its database is, after the services it calls.
        let workspace = try #require(services["workspace"])
        #expect(workspace["command"] as? [String] == ["workspace"])
        #expect((workspace["ports"] as? [Any] ?? []).map { "\($0)" }.joined().contains("8080"))
        let calls = workspace["environment"] as? [String: Any] ?? [:]
        #expect(calls["JEMBATAN_REPORTING_URL"] as? String == "http://reporting:8085")
        let waitsFor = workspace["depends_on"] as? [String: [String: String]] ?? [:]
        #expect(ServiceName.allCases.allSatisfy { waitsFor[$0.rawValue]?["condition"] == "service_healthy" })
        for service in ServiceName.allCases {
            let definition = try #require(services[service.rawValue])
            #expect(
                definition["command"] as? [String] == [service.rawValue],
                "\(service) runs its executable through the entrypoint")
            let ports = (definition["ports"] as? [Any] ?? []).map { "\($0)" }.joined()
            #expect(ports.contains("\(service.defaultPort)"), "\(service) is published on \(service.defaultPort)")
            let environment = definition["environment"] as? [String: Any] ?? [:]
            #expect("\(environment["JEMBATAN_HTTP_PORT"] ?? "")" == "\(service.defaultPort)")
            let health = ((definition["healthcheck"] as? [String: Any])?["test"] as? [String] ?? []).joined(
                separator: " ")
            #expect(health.contains("\(service.defaultPort)/readyz"))
            let dependencies = definition["depends_on"] as? [String: [String: String]] ?? [:]
            #expect(
                dependencies["postgres"]?["condition"] == "service_healthy"
                    && dependencies["kafka"]?["condition"] == "service_healthy")
            #expect(
                dependencies["topics"]?["condition"] == "service_completed_successfully"
                    && dependencies["migrate"]?["condition"] == "service_completed_successfully")
            #expect(
                environment["JEMBATAN_POSTGRES_PASSWORD"] as? String == "check", "the secret comes from the environment"
            )
        }
        #expect((services["kafka"]?["image"] as? String)?.hasPrefix("apache/kafka:") == true)
        #expect(
            ((services["kafka"]?["environment"] as? [String: Any])?["KAFKA_PROCESS_ROLES"] as? String)
                == "broker,controller", "KRaft, no ZooKeeper")
    }

    @Test("the image's entrypoint and Package.swift name exactly these executables")
    func executablesAgree() throws {
        let package = try String(contentsOf: Self.root.appendingPathComponent("Package.swift"), encoding: .utf8)
        let products = package.split(separator: "\n").compactMap { line -> String? in
            guard let range = line.range(of: ".executable(name: \"") else { return nil }
            return String(line[range.upperBound...].prefix { $0 != "\"" })
        }
        #expect(Set(products) == Set(ServiceName.allCases.map(\.executableName) + ["jembatan-workspace", "jembatan"]))
        let entrypoint = try String(
            contentsOf: Self.root.appendingPathComponent("deploy/entrypoint.sh"), encoding: .utf8)
        #expect(entrypoint.contains((ServiceName.allCases.map(\.rawValue) + ["workspace"]).joined(separator: "|")))
        let dockerfile = try String(contentsOf: Self.root.appendingPathComponent("deploy/Dockerfile"), encoding: .utf8)
        #expect(
            dockerfile.contains("USER jembatan") && dockerfile.contains("HEALTHCHECK")
                && dockerfile.contains("librdkafka1"))
    }
}

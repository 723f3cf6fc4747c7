import Configuration
import Foundation
import Testing

@testable import JembatanShared

@Suite("Configuration from the environment")
struct ConfigurationTests {
    @Test("defaults are the local stack's fixed ports")
    func defaults() throws {
        let configuration = try JembatanConfiguration(service: .reporting, environment: [:])
        #expect(configuration.http.port == 8085)
        #expect(configuration.database.port == 55432)
        #expect(configuration.kafka.bootstrapServers == "127.0.0.1:9092")
        #expect(configuration.logLevel == .info)
    }

    @Test("values are read from JEMBATAN_ variables")
    func overrides() throws {
        let configuration = try JembatanConfiguration(
            service: .intake,
            environment: [
                "JEMBATAN_HTTP_PORT": "18081", "JEMBATAN_POSTGRES_HOST": "db", "JEMBATAN_KAFKA_BROKERS": "kafka:9092",
                "JEMBATAN_LOG_LEVEL": "debug",
            ])
        #expect(configuration.http.port == 18081)
        #expect(configuration.database.host == "db")
        #expect(configuration.kafka.bootstrapServers == "kafka:9092")
        #expect(configuration.logLevel == .debug)
    }

    @Test(
        "an invalid value fails at start with the variable and the rule",
        arguments: [
            ("JEMBATAN_POSTGRES_PORT", "abc", "expected an integer in 1...65535, got 'abc'"),
            ("JEMBATAN_HTTP_PORT", "70000", "expected an integer in 1...65535, got '70000'"),
            (
                "JEMBATAN_LOG_LEVEL", "loud",
                "expected one of trace, debug, info, notice, warning, error, critical; got 'loud'"
            ),
            ("JEMBATAN_LOG_FORMAT", "xml", "expected text or json; got 'xml'"),
            ("JEMBATAN_MONITOR_SECONDS", "0", "expected an integer in 1...3600, got '0'"),
            ("JEMBATAN_KAFKA_HEARTBEAT_MS", "5000", "must be at most a third of JEMBATAN_KAFKA_SESSION_TIMEOUT_MS"),
        ])
    func invalid(variable: String, value: String, problem: String) {
        let error = #expect(throws: ConfigurationError.self) {
            try JembatanConfiguration(service: .intake, environment: [variable: value])
        }
        #expect(error?.variable == variable)
        #expect(error?.problem == problem)
    }

    @Test(
        "a secret can come from the file its _FILE variable names (Docker and Kubernetes secrets); both at once is refused"
    )
    func secretFromFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("jembatan-secret-\(UUID().uuidString)")
        try Data("s3cret-from-file\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let fromFile = try JembatanConfiguration(
            service: .intake, environment: ["JEMBATAN_POSTGRES_PASSWORD_FILE": file.path])
        #expect(
            fromFile.database.password == "s3cret-from-file",
            "the trailing line break of the file is not part of the secret")
        let both = #expect(throws: ConfigurationError.self) {
            try JembatanConfiguration(
                service: .intake,
                environment: ["JEMBATAN_POSTGRES_PASSWORD": "x", "JEMBATAN_POSTGRES_PASSWORD_FILE": file.path])
        }
        #expect(both?.variable == "JEMBATAN_POSTGRES_PASSWORD_FILE")
        let missing = #expect(throws: ConfigurationError.self) {
            try JembatanConfiguration(
                service: .intake, environment: ["JEMBATAN_POSTGRES_PASSWORD_FILE": "/nonexistent/secret"])
        }
        #expect(missing?.problem == "cannot read the file '/nonexistent/secret'")
    }

    @Test("backoff's ceiling doubles from 100 ms and stops at 5 s (the jittered delay: LivenessUnitTests)")
    func backoff() {
        #expect(Backoff.ceiling(attempt: 1) == 100)
        #expect(Backoff.ceiling(attempt: 2) == 200)
        #expect(Backoff.ceiling(attempt: 6) == 3200)
        #expect(Backoff.ceiling(attempt: 7) == 5000)
        #expect(Backoff.ceiling(attempt: 100) == 5000)
    }

    @Test("database errors: only data and integrity violations are permanent")
    func transientByDefault() {
        struct ConnectionLost: Error {}
        #expect(!DatabaseFailure.isPermanent(ConnectionLost()))
    }
}

@Suite("README")
struct ReadmeTests {
    @Test("the README's configuration table lists exactly the variables the code reads")
    func readmeTable() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let rows = Set(
            readme.split(separator: "\n").compactMap { line -> String? in
                guard line.hasPrefix("| `JEMBATAN_") else { return nil }
                return line.dropFirst(3).prefix { $0 != "`" }.description
            })
        #expect(rows == Set(JembatanConfiguration.documentedVariables.map(\.name)))
    }
}

import Foundation
import Testing

/// The real stack the integration suite runs against, started once for all suites.
///
/// By default the local process stack (PostgreSQL + tansu broker + the five services) through
/// `deploy/local/stack.sh` on its own ports and data folder, so it runs beside a `make run`
/// stack. With `JEMBATAN_STACK=compose` the same tests run against `docker compose` (Apache
/// Kafka, the PostgreSQL image, the built image of the services) on the compose file's ports;
/// the fault actions (kill, stop, start, pause, restart PostgreSQL) become compose commands.
enum LocalStack {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let usesCompose = ProcessInfo.processInfo.environment["JEMBATAN_STACK"] == "compose"
    /// `JEMBATAN_TEST_PORT_OFFSET` moves every port of the local test stack (a second checkout's
    /// tests beside the first's, e.g. 1000: PostgreSQL 26439, broker 20092, services 19081–19085).
    /// Every port is below 32768, outside Linux's ephemeral range: an outgoing connection never holds
    /// a port a service or a restarted PostgreSQL must bind.
    static let portOffset = Int(ProcessInfo.processInfo.environment["JEMBATAN_TEST_PORT_OFFSET"] ?? "") ?? 0
    static let postgresPort = usesCompose ? 5432 : 25439 + portOffset
    static let brokerPort = usesCompose ? 29092 : 19092 + portOffset
    static let portBase = usesCompose ? 8080 : 18080 + portOffset
    /// The test stack's SMTP server (aiosmtpd; compose: the `mail` service).
    static let smtpPort = usesCompose ? 2525 : 12525 + portOffset
    /// Where the test stack's SMTP server keeps the mails it took (an .eml and a .json each).
    static var sentMail: URL { root.appendingPathComponent(".local/test-stack/mail/sent") }
    static var brokers: String { "127.0.0.1:\(brokerPort)" }
    /// The compose stack's database password (`JEMBATAN_POSTGRES_PASSWORD`); the local stack uses trust authentication.
    static var postgresPassword: String { ProcessInfo.processInfo.environment["JEMBATAN_POSTGRES_PASSWORD"] ?? "" }

    static var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["JEMBATAN_LOCAL_DIR"] = root.appendingPathComponent(".local/test-stack").path
        environment["JEMBATAN_POSTGRES_PORT"] = String(postgresPort)
        environment["JEMBATAN_BROKER_PORT"] = String(brokerPort)
        environment["JEMBATAN_PORT_BASE"] = String(portBase)
        environment["JEMBATAN_SMTP_PORT"] = String(smtpPort)
        // A mail the server would not take is tried again within a second or two.
        environment["JEMBATAN_MAIL_RETRY_MAX_SECONDS"] = "2"
        environment["JEMBATAN_FRESH"] = "1"
        // librdkafka's group and consumer debug lines in the services' logs: when a consumer does
        // not resume, the logs say where its group membership stopped.
        environment["JEMBATAN_KAFKA_DEBUG"] = environment["JEMBATAN_KAFKA_DEBUG"] ?? "cgrp,consumer"
        // JSON log lines (what a log collector reads; the observability tests parse them) and lag
        // measured every second, so a held consumer shows on /metrics at once.
        environment["JEMBATAN_LOG_FORMAT"] = environment["JEMBATAN_LOG_FORMAT"] ?? "json"
        environment["JEMBATAN_MONITOR_SECONDS"] = environment["JEMBATAN_MONITOR_SECONDS"] ?? "1"
        return environment
    }

    static func port(of service: String) -> Int {
        if service == "workspace" { return portBase }
        return portBase + ["intake", "evaluation", "provisioning", "validation", "reporting"].firstIndex(of: service)!
            + 1
    }

    /// Runs `stack.sh <arguments>` (or its compose equivalent); throws with its output when it fails.
    @discardableResult
    static func script(_ arguments: String...) async throws -> String {
        usesCompose ? try await compose(arguments) : try await stackScript(arguments)
    }

    /// `stack.sh` actions as compose commands (project `jembatan-test`; the broker is the `kafka` service).
    static func compose(_ arguments: [String]) async throws -> String {
        let file = root.appendingPathComponent("docker-compose.yml").path
        let base = "docker compose -p jembatan-test -f '\(file)'"
        let service = arguments.count > 1 ? (arguments[1] == "broker" ? "kafka" : arguments[1]) : ""
        let command: String
        switch arguments.first ?? "" {
        case "up": command = "\(base) up -d --build --wait"
        case "down": command = "\(base) down -v"
        case "kill": command = "\(base) kill -s KILL \(service)"
        case "stop": command = "\(base) stop \(service)"
        case "start": command = "\(base) start \(service)"
        case "pause": command = "\(base) pause \(service)"
        case "resume": command = "\(base) unpause \(service)"
        case "restart-postgres": command = "\(base) restart postgres"
        case "stop-mail": command = "\(base) stop mail"
        case "start-mail": command = "\(base) start mail"
        case "pid": command = "docker inspect -f '{{.State.Pid}}' \"$(\(base) ps -q \(service))\""
        default: throw StackError(command: arguments.joined(separator: " "), output: "no compose equivalent")
        }
        return try await RealStack.ExchangeHubTests.shell(command)
    }

    /// `stack.sh <arguments>` with extra settings for what it starts (a service with a test fault, say).
    @discardableResult
    static func script(_ arguments: [String], settings extra: [String: String]) async throws -> String {
        try await stackScript(arguments, extra: extra)
    }

    static func stackScript(_ arguments: [String], extra: [String: String] = [:]) async throws -> String {
        let logURL = FileManager.default.temporaryDirectory.appendingPathComponent(
            "jembatan-stack-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: logURL) }
        let settings = environment.merging(extra) { $1 }.filter { $0.key.hasPrefix("JEMBATAN_") }.map {
            "\($0.key)='\($0.value)'"
        }.sorted().joined(separator: " ")
        let command =
            "env \(settings) /bin/bash '\(root.appendingPathComponent("deploy/local/stack.sh").path)' \(arguments.joined(separator: " ")) >'\(logURL.path)' 2>&1 </dev/null"
        let status: Int32 = await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: system(command)) }
            thread.start()
        }
        let text = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
        guard status == 0 else { throw StackError(command: arguments.joined(separator: " "), output: text) }
        return text
    }

    /// The hub checks region codes against the Kemendagri list: the tests load a sample of it
    /// (Jawa Timur, Pasuruan and Sidoarjo) through the same API operators use.
    static func loadRegionCodes() async throws {
        let file = root.appendingPathComponent("Tests/IntegrationTests/Fixtures/wilayah-sample.csv")
        let reply = try await ServiceHTTP.call(
            "PUT", "provisioning", "/v1/reference/wilayah", token: try await Actors.technical,
            rawBody: try Data(contentsOf: file), contentType: "text/csv")
        guard reply.status == 200 else { throw StackError(command: "load region codes", output: reply.text) }
    }

    struct StackError: Error, CustomStringConvertible {
        let command: String
        let output: String
        var description: String { "stack.sh \(command) failed:\n\(output)" }
    }
}

/// Starts the stack before the suite and stops it after.
struct LocalStackTrait: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void)
        async throws
    {
        try await LocalStack.script("up")
        do {
            try await LocalStack.loadRegionCodes()
            try await function()
        } catch {
            _ = try? await LocalStack.script("down")
            throw error
        }
        try await LocalStack.script("down")
    }
}

extension Trait where Self == LocalStackTrait {
    /// The suite runs against the real local stack.
    static var localStack: LocalStackTrait { LocalStackTrait() }
}

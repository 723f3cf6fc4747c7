import Foundation
import Logging

/// A configuration value that failed validation; the message names the variable and the rule.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    /// The environment variable.
    public var variable: String
    /// What is wrong and what is expected.
    public var problem: String
    /// `JEMBATAN_X: problem`.
    public var description: String { "\(variable): \(problem)" }
}

/// PostgreSQL connection settings.
///
/// Keys: `JEMBATAN_POSTGRES_HOST` (default `127.0.0.1`), `JEMBATAN_POSTGRES_PORT` (`55432`),
/// `JEMBATAN_POSTGRES_USER` (`jembatan`), `JEMBATAN_POSTGRES_PASSWORD` (secret, empty),
/// `JEMBATAN_POSTGRES_DATABASE` (`jembatan`).
public struct DatabaseConfiguration: Sendable, Equatable {
    public var host = "127.0.0.1"
    public var port = 55432
    public var user = "jembatan"
    /// Secret: never logged.
    public var password = ""
    public var database = "jembatan"
    /// Connections per process.
    public var maximumConnections = 8

    /// Creates the default (local stack) settings.
    public init() {}
}

/// HTTP listener settings. Keys: `JEMBATAN_HTTP_HOST` (`127.0.0.1`), `JEMBATAN_HTTP_PORT` (the service's fixed port).
public struct HTTPConfiguration: Sendable, Equatable {
    public var host = "127.0.0.1"
    public var port: Int

    /// Creates settings listening on `port`.
    public init(port: Int) { self.port = port }
}

/// Everything a service process reads from the environment, validated at start.
public struct JembatanConfiguration: Sendable {
    public var database = DatabaseConfiguration()
    public var kafka = KafkaConfiguration()
    public var http: HTTPConfiguration
    /// `JEMBATAN_LOG_LEVEL`: trace, debug, info (default), notice, warning, error, critical.
    public var logLevel: Logger.Level = .info
    /// `JEMBATAN_LOG_FORMAT`: `text` (default, one readable line) or `json` (one JSON object per line).
    public var logFormat: LogFormat = .text
    /// `JEMBATAN_MONITOR_SECONDS`: how often a service measures its consumer lag and outbox age for `/metrics` (default 15).
    public var monitorSeconds = 15
    /// `JEMBATAN_EXCHANGE_RATE_PER_MINUTE`: calls a minute a new exchange key may make (default 6000).
    public var exchangeRatePerMinute = 6000
    /// `JEMBATAN_FRESHNESS_CHECK_SECONDS`: how often validation looks for stale datasets (default 3600).
    public var freshnessCheckSeconds = 3600
    /// `JEMBATAN_SLA_CHECK_SECONDS`: how often reporting measures open steps against their standard (default 60).
    public var slaCheckSeconds = 60
    /// `JEMBATAN_CHROMIUM`: the headless browser that prints reports to PDF (default `chromium` on the PATH).
    public var chromium = "chromium"
    /// `JEMBATAN_CONSUMER_WATCHDOG_SECONDS`: how long a consumer's loop may stand still, or the consumer
    /// stay out of its group while the broker answers, before it is recreated (default 30; more than
    /// `JEMBATAN_KAFKA_MAX_POLL_INTERVAL_MS`).
    public var consumerWatchdogSeconds = 30
    /// `JEMBATAN_TEST_CONSUMER_FAULT`: a fault the tests inject into the consumers (never set in production).
    public var consumerFault: ConsumerFault?

    /// The consumers' timing chain: attempt limit < max poll interval < watchdog bound.
    public var consumerTiming: ConsumerTiming { ConsumerTiming(kafka: kafka, watchdogSeconds: consumerWatchdogSeconds) }

    /// Every variable this struct reads, with its default; the README's table lists the same.
    public static let documentedVariables: [(name: String, defaultValue: String)] = [
        ("JEMBATAN_POSTGRES_HOST", "127.0.0.1"), ("JEMBATAN_POSTGRES_PORT", "55432"),
        ("JEMBATAN_POSTGRES_USER", "jembatan"), ("JEMBATAN_POSTGRES_PASSWORD", "(empty)"),
        ("JEMBATAN_POSTGRES_PASSWORD_FILE", "(none)"),
        ("JEMBATAN_POSTGRES_DATABASE", "jembatan"), ("JEMBATAN_POSTGRES_MAX_CONNECTIONS", "8"),
        ("JEMBATAN_KAFKA_BROKERS", "127.0.0.1:9092"), ("JEMBATAN_KAFKA_SESSION_TIMEOUT_MS", "6000"),
        ("JEMBATAN_KAFKA_HEARTBEAT_MS", "1000"), ("JEMBATAN_KAFKA_MAX_POLL_INTERVAL_MS", "20000"),
        ("JEMBATAN_KAFKA_DEBUG", "(none)"), ("JEMBATAN_CONSUMER_WATCHDOG_SECONDS", "30"),
        ("JEMBATAN_HTTP_HOST", "127.0.0.1"), ("JEMBATAN_HTTP_PORT", "the service's port (8081–8085)"),
        ("JEMBATAN_LOG_LEVEL", "info"), ("JEMBATAN_LOG_FORMAT", "text"), ("JEMBATAN_MONITOR_SECONDS", "15"),
        ("JEMBATAN_EXCHANGE_RATE_PER_MINUTE", "6000"),
        ("JEMBATAN_FRESHNESS_CHECK_SECONDS", "3600"), ("JEMBATAN_SLA_CHECK_SECONDS", "60"),
        ("JEMBATAN_CALENDAR_FILE", "(none; read by the working-day calendar)"), ("JEMBATAN_CHROMIUM", "chromium"),
    ]

    /// Reads and validates the configuration of `service` from `environment`.
    public init(service: ServiceName?, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let reader = EnvironmentReader(environment: environment)
        http = HTTPConfiguration(port: service?.defaultPort ?? 0)
        database.host = try reader.string("JEMBATAN_POSTGRES_HOST", default: database.host)
        database.port = try reader.port("JEMBATAN_POSTGRES_PORT", default: database.port)
        database.user = try reader.string("JEMBATAN_POSTGRES_USER", default: database.user)
        database.password = try reader.secret("JEMBATAN_POSTGRES_PASSWORD") ?? ""
        database.database = try reader.string("JEMBATAN_POSTGRES_DATABASE", default: database.database)
        database.maximumConnections = try reader.integer(
            "JEMBATAN_POSTGRES_MAX_CONNECTIONS", default: 8, range: 1...200)
        kafka.bootstrapServers = try reader.string("JEMBATAN_KAFKA_BROKERS", default: kafka.bootstrapServers)
        kafka.sessionTimeoutMilliseconds = try reader.integer(
            "JEMBATAN_KAFKA_SESSION_TIMEOUT_MS", default: 6000, range: 1000...300_000)
        kafka.heartbeatIntervalMilliseconds = try reader.integer(
            "JEMBATAN_KAFKA_HEARTBEAT_MS", default: 1000, range: 100...60_000)
        kafka.maxPollIntervalMilliseconds = try reader.integer(
            "JEMBATAN_KAFKA_MAX_POLL_INTERVAL_MS", default: 20000, range: 1000...3_600_000)
        consumerWatchdogSeconds = try reader.integer("JEMBATAN_CONSUMER_WATCHDOG_SECONDS", default: 30, range: 2...3600)
        if let fault = reader.optional("JEMBATAN_TEST_CONSUMER_FAULT") {
            guard let parsed = ConsumerFault(fault) else {
                throw ConfigurationError(
                    variable: "JEMBATAN_TEST_CONSUMER_FAULT",
                    problem: "expected stall-loop or leave-group, then :once or :always; got '\(fault)'")
            }
            consumerFault = parsed
        }
        if let contexts = reader.optional("JEMBATAN_KAFKA_DEBUG") {
            let known: Set<Substring> = [
                "generic", "broker", "topic", "metadata", "cgrp", "consumer", "fetch", "protocol", "security", "all",
            ]
            let unknown = contexts.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                !known.contains(Substring($0))
            }
            guard unknown.isEmpty else {
                throw ConfigurationError(
                    variable: "JEMBATAN_KAFKA_DEBUG",
                    problem:
                        "unknown librdkafka debug context '\(unknown[0])'; expected a comma-separated list of \(known.sorted().joined(separator: ", "))"
                )
            }
            kafka.debugContexts = contexts
        }
        http.host = try reader.string("JEMBATAN_HTTP_HOST", default: http.host)
        if service != nil {
            http.port = try reader.port("JEMBATAN_HTTP_PORT", default: http.port)
        }
        exchangeRatePerMinute = try reader.integer(
            "JEMBATAN_EXCHANGE_RATE_PER_MINUTE", default: 6000, range: 1...1_000_000)
        freshnessCheckSeconds = try reader.integer(
            "JEMBATAN_FRESHNESS_CHECK_SECONDS", default: 3600, range: 10...604_800)
        slaCheckSeconds = try reader.integer("JEMBATAN_SLA_CHECK_SECONDS", default: 60, range: 1...86_400)
        chromium = try reader.string("JEMBATAN_CHROMIUM", default: "chromium")
        let level = try reader.string("JEMBATAN_LOG_LEVEL", default: "info")
        guard let parsed = Logger.Level(rawValue: level) else {
            throw ConfigurationError(
                variable: "JEMBATAN_LOG_LEVEL",
                problem: "expected one of trace, debug, info, notice, warning, error, critical; got '\(level)'")
        }
        logLevel = parsed
        let format = try reader.string("JEMBATAN_LOG_FORMAT", default: "text")
        guard let parsedFormat = LogFormat(rawValue: format) else {
            throw ConfigurationError(variable: "JEMBATAN_LOG_FORMAT", problem: "expected text or json; got '\(format)'")
        }
        logFormat = parsedFormat
        monitorSeconds = try reader.integer("JEMBATAN_MONITOR_SECONDS", default: 15, range: 1...3600)
        if kafka.heartbeatIntervalMilliseconds * 3 > kafka.sessionTimeoutMilliseconds {
            throw ConfigurationError(
                variable: "JEMBATAN_KAFKA_HEARTBEAT_MS",
                problem: "must be at most a third of JEMBATAN_KAFKA_SESSION_TIMEOUT_MS")
        }
        if kafka.maxPollIntervalMilliseconds < kafka.sessionTimeoutMilliseconds {
            throw ConfigurationError(
                variable: "JEMBATAN_KAFKA_MAX_POLL_INTERVAL_MS",
                problem: "must be at least JEMBATAN_KAFKA_SESSION_TIMEOUT_MS (librdkafka's rule)")
        }
        if consumerWatchdogSeconds * 1000 <= kafka.maxPollIntervalMilliseconds {
            throw ConfigurationError(
                variable: "JEMBATAN_CONSUMER_WATCHDOG_SECONDS",
                problem:
                    "must be longer than JEMBATAN_KAFKA_MAX_POLL_INTERVAL_MS (\(kafka.maxPollIntervalMilliseconds) ms): a handler attempt (40 % of it) and the group's own recovery come first"
            )
        }
    }
}

/// Typed access to `JEMBATAN_*` variables with clear errors.
struct EnvironmentReader {
    let environment: [String: String]

    func optional(_ name: String) -> String? {
        guard let value = environment[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    /// A secret: the variable itself, or the contents of the file `<name>_FILE` names (how Docker
    /// and Kubernetes mount secrets), one trailing line break removed. Setting both is an error.
    func secret(_ name: String) throws -> String? {
        let direct = optional(name)
        let file = optional(name + "_FILE")
        switch (direct, file) {
        case (.some, .some):
            throw ConfigurationError(variable: name + "_FILE", problem: "set either \(name) or \(name)_FILE, not both")
        case (let value?, nil):
            return value
        case (nil, let path?):
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
            else {
                throw ConfigurationError(variable: name + "_FILE", problem: "cannot read the file '\(path)'")
            }
            var secret = Substring(text)
            while secret.last == "\n" || secret.last == "\r" { secret = secret.dropLast() }
            guard !secret.isEmpty else {
                throw ConfigurationError(variable: name + "_FILE", problem: "the file '\(path)' is empty")
            }
            return String(secret)
        case (nil, nil):
            return nil
        }
    }

    func string(_ name: String, default defaultValue: String) throws -> String {
        optional(name) ?? defaultValue
    }

    func integer(_ name: String, default defaultValue: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = optional(name) else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            throw ConfigurationError(
                variable: name,
                problem: "expected an integer in \(range.lowerBound)...\(range.upperBound), got '\(text)'")
        }
        return value
    }

    func port(_ name: String, default defaultValue: Int) throws -> Int {
        try integer(name, default: defaultValue, range: 1...65535)
    }
}

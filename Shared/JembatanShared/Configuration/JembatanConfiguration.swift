import Configuration
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
    /// `JEMBATAN_POSTGRES_HOST`.
    public var host = "127.0.0.1"
    /// `JEMBATAN_POSTGRES_PORT`.
    public var port = 55432
    /// `JEMBATAN_POSTGRES_USER`.
    public var user = "jembatan"
    /// Secret: never logged.
    public var password = ""
    /// `JEMBATAN_POSTGRES_DATABASE`.
    public var database = "jembatan"
    /// Connections per process.
    public var maximumConnections = 8

    /// Creates the default (local stack) settings.
    public init() {}
}

/// HTTP listener settings. Keys: `JEMBATAN_HTTP_HOST` (`127.0.0.1`), `JEMBATAN_HTTP_PORT` (the service's fixed port).
public struct HTTPConfiguration: Sendable, Equatable {
    /// `JEMBATAN_HTTP_HOST`.
    public var host = "127.0.0.1"
    /// `JEMBATAN_HTTP_PORT` (default: the service's port).
    public var port: Int

    /// Creates settings listening on `port`.
    public init(port: Int) { self.port = port }
}

/// Everything a service process reads from the environment, validated at start.
public struct JembatanConfiguration: Sendable {
    /// PostgreSQL.
    public var database = DatabaseConfiguration()
    /// The broker and the consumer group timing.
    public var kafka = KafkaConfiguration()
    /// Where the service listens.
    public var http: HTTPConfiguration
    /// `JEMBATAN_PUBLIC_BASE_URL`: the workspace's address as people reach it (links, the
    /// reporting `/` redirect, `Secure` cookies when it is https). Default `http://127.0.0.1:8080`.
    public var publicBaseURL = "http://127.0.0.1:8080"
    /// `JEMBATAN_<SERVICE>_URL`: where the workspace calls each service (default `http://127.0.0.1:<port>`).
    public var serviceURLs: [ServiceName: String] = [:]
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
    /// `JEMBATAN_DEFAULT_PROFILE`: the SOP profile of a request that names none (default `pasuruan`);
    /// one of the shipped profiles (`Shared/JembatanShared/Profiles/Data`) or one an admin added.
    public var defaultProfile = SOPProfileCatalog.builtInDefaultID
    /// `JEMBATAN_CHROMIUM`: the headless browser that prints reports to PDF (default `chromium` on the PATH).
    public var chromium = "chromium"
    /// The file holding the Ed25519 key that seals signed documents (`JEMBATAN_SEAL_KEY_FILE`); nil: nothing can be signed.
    public var sealKeyFile: String?
    /// The mail server notifications go out through (`JEMBATAN_SMTP_HOST`); nil: in the workspace only.
    public var mail: MailConfiguration?
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
        ("JEMBATAN_HTTP_HOST", "127.0.0.1"), ("JEMBATAN_HTTP_PORT", "the service's port (8080 workspace, 8081–8085)"),
        ("JEMBATAN_PUBLIC_BASE_URL", "http://127.0.0.1:8080"),
        ("JEMBATAN_INTAKE_URL", "http://127.0.0.1:8081"), ("JEMBATAN_EVALUATION_URL", "http://127.0.0.1:8082"),
        ("JEMBATAN_PROVISIONING_URL", "http://127.0.0.1:8083"), ("JEMBATAN_VALIDATION_URL", "http://127.0.0.1:8084"),
        ("JEMBATAN_REPORTING_URL", "http://127.0.0.1:8085"),
        ("JEMBATAN_LOG_LEVEL", "info"), ("JEMBATAN_LOG_FORMAT", "text"), ("JEMBATAN_MONITOR_SECONDS", "15"),
        ("JEMBATAN_EXCHANGE_RATE_PER_MINUTE", "6000"),
        ("JEMBATAN_FRESHNESS_CHECK_SECONDS", "3600"), ("JEMBATAN_SLA_CHECK_SECONDS", "60"),
        ("JEMBATAN_DEFAULT_PROFILE", "pasuruan"),
        ("JEMBATAN_CALENDAR_FILE", "(none; read by the working-day calendar)"), ("JEMBATAN_CHROMIUM", "chromium"),
        ("JEMBATAN_SEAL_KEY_FILE", "(none: documents cannot be signed)"),
        ("JEMBATAN_SMTP_HOST", "(none: notifications stay in the workspace, no e-mail)"),
        ("JEMBATAN_SMTP_PORT", "587"), ("JEMBATAN_SMTP_TLS", "starttls (or smtps, none)"),
        ("JEMBATAN_SMTP_USERNAME", "(none: no AUTH)"), ("JEMBATAN_SMTP_PASSWORD", "(empty)"),
        ("JEMBATAN_SMTP_PASSWORD_FILE", "(none)"), ("JEMBATAN_SMTP_CA_FILE", "(the system's trust store)"),
        ("JEMBATAN_MAIL_FROM", "jembatan@localhost"), ("JEMBATAN_MAIL_FROM_NAME", "Jembatan Diskominfo"),
        ("JEMBATAN_MAIL_RETRY_MAX_SECONDS", "300"),
    ]

    /// Reads and validates the configuration of `service` from `environment`: one component at a
    /// time, each from its own scope of a swift-configuration reader.
    ///
    /// `port` is the listening port of a process that is not one of the five services (the
    /// workspace, 8080); `JEMBATAN_HTTP_PORT` overrides it as it does a service's.
    public init(
        service: ServiceName?, port: Int? = nil, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        let config = try Self.reader(environment: environment)
        database = try DatabaseConfiguration(config: config)
        kafka = try KafkaConfiguration(config: config)
        http = try HTTPConfiguration(config: config, defaultPort: service?.defaultPort ?? port)
        let scope = ConfigurationScope(config, "jembatan")
        publicBaseURL = scope.string("public_base_url", default: publicBaseURL)
        guard let base = URL(string: publicBaseURL), ["http", "https"].contains(base.scheme ?? ""), base.host != nil
        else {
            throw ConfigurationError(
                variable: scope.variable("public_base_url"),
                problem: "expected the workspace's address, http(s)://host[:port]; got '\(publicBaseURL)'")
        }
        if publicBaseURL.hasSuffix("/") { publicBaseURL.removeLast() }
        for name in ServiceName.allCases {
            let value = scope.string("\(name.rawValue)_url", default: "http://127.0.0.1:\(name.defaultPort)")
            guard let url = URL(string: value), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw ConfigurationError(
                    variable: scope.variable("\(name.rawValue)_url"),
                    problem: "expected the service's base address, http(s)://host:port; got '\(value)'")
            }
            serviceURLs[name] = value.hasSuffix("/") ? String(value.dropLast()) : value
        }
        consumerWatchdogSeconds = try scope.integer("consumer_watchdog_seconds", default: 30, range: 2...3600)
        if let fault = scope.optional("test_consumer_fault") {
            guard let parsed = ConsumerFault(fault) else {
                throw ConfigurationError(
                    variable: scope.variable("test_consumer_fault"),
                    problem: "expected stall-loop or leave-group, then :once or :always; got '\(fault)'")
            }
            consumerFault = parsed
        }
        exchangeRatePerMinute = try scope.integer("exchange_rate_per_minute", default: 6000, range: 1...1_000_000)
        freshnessCheckSeconds = try scope.integer("freshness_check_seconds", default: 3600, range: 10...604_800)
        slaCheckSeconds = try scope.integer("sla_check_seconds", default: 60, range: 1...86_400)
        chromium = scope.string("chromium", default: "chromium")
        sealKeyFile = scope.optional("seal_key_file")
        mail = try MailConfiguration(config: config)
        defaultProfile = scope.string("default_profile", default: SOPProfileCatalog.builtInDefaultID)
        guard SOPProfile.isValidID(defaultProfile) else {
            throw ConfigurationError(
                variable: scope.variable("default_profile"),
                problem: "expected a profile id (lower-case letters, digits, '-' or '_'); got '\(defaultProfile)'")
        }
        let level = scope.string("log_level", default: "info")
        guard let parsed = Logger.Level(rawValue: level) else {
            throw ConfigurationError(
                variable: scope.variable("log_level"),
                problem: "expected one of trace, debug, info, notice, warning, error, critical; got '\(level)'")
        }
        logLevel = parsed
        let format = scope.string("log_format", default: "text")
        guard let parsedFormat = LogFormat(rawValue: format) else {
            throw ConfigurationError(
                variable: scope.variable("log_format"), problem: "expected text or json; got '\(format)'")
        }
        logFormat = parsedFormat
        monitorSeconds = try scope.integer("monitor_seconds", default: 15, range: 1...3600)
        if consumerWatchdogSeconds * 1000 <= kafka.maxPollIntervalMilliseconds {
            throw ConfigurationError(
                variable: scope.variable("consumer_watchdog_seconds"),
                problem:
                    "must be longer than JEMBATAN_KAFKA_MAX_POLL_INTERVAL_MS (\(kafka.maxPollIntervalMilliseconds) ms): a handler attempt (40 % of it) and the group's own recovery come first"
            )
        }
    }

    /// Variables that hold secrets: marked secret for swift-configuration (never in its access
    /// reports) and each readable from the file `<name>_FILE` names.
    public static let secretVariables: Set<String> = ["JEMBATAN_POSTGRES_PASSWORD", "JEMBATAN_SMTP_PASSWORD"]

    /// A reader of `environment`, each secret's `_FILE` variant resolved first.
    public static func reader(environment: [String: String]) throws -> ConfigReader {
        var resolved = environment
        for name in secretVariables {
            if let secret = try SecretFile.value(of: name, in: environment) { resolved[name] = secret }
            resolved[name + "_FILE"] = nil
        }
        return ConfigReader(
            provider: EnvironmentVariablesProvider(
                environmentVariables: resolved, secretsSpecifier: .specific(secretVariables)))
    }
}

extension DatabaseConfiguration {
    /// Reads `JEMBATAN_POSTGRES_*` (scope `jembatan.postgres`); what is not set keeps its default.
    public init(config: ConfigReader) throws {
        self.init()
        let scope = ConfigurationScope(config, "jembatan.postgres")
        host = scope.string("host", default: host)
        port = try scope.port("port", default: port)
        user = scope.string("user", default: user)
        password = scope.optional("password", secret: true) ?? ""
        database = scope.string("database", default: database)
        maximumConnections = try scope.integer("max_connections", default: maximumConnections, range: 1...200)
    }
}

/// Where notification mails go: an SMTP server, with STARTTLS (or implicit TLS) and AUTH as set.
public struct MailConfiguration: Sendable, Equatable {
    /// How the connection is protected.
    public enum Security: String, Sendable, Equatable {
        /// Plain connection upgraded with STARTTLS, which the server must offer (port 587).
        case starttls
        /// TLS from the first byte (port 465).
        case smtps
        /// No TLS (a relay on the same host only).
        case none
    }

    /// Server host.
    public var host: String
    /// Server port.
    public var port = 587
    /// Protection.
    public var security = Security.starttls
    /// AUTH user; nil: no AUTH.
    public var username: String?
    /// AUTH password.
    public var password = ""
    /// PEM file of the CA that signed the server's certificate; nil: the system's trust store.
    public var caFile: String?
    /// Envelope and `From:` address.
    public var from = "jembatan@localhost"
    /// `From:` display name.
    public var fromName = "Jembatan Diskominfo"
    /// The longest wait between two attempts of one mail.
    public var retryMaxSeconds = 300

    /// Reads `JEMBATAN_SMTP_*` and `JEMBATAN_MAIL_*`; nil when `JEMBATAN_SMTP_HOST` is not set.
    public init?(config: ConfigReader) throws {
        let scope = ConfigurationScope(config, "jembatan.smtp")
        guard let host = scope.optional("host") else { return nil }
        self.host = host
        port = try scope.port("port", default: 587)
        let security = scope.string("tls", default: "starttls")
        guard let parsed = Security(rawValue: security) else {
            throw ConfigurationError(
                variable: scope.variable("tls"), problem: "expected starttls, smtps or none; got '\(security)'")
        }
        self.security = parsed
        username = scope.optional("username")
        password = scope.optional("password", secret: true) ?? ""
        caFile = scope.optional("ca_file")
        let mail = ConfigurationScope(config, "jembatan.mail")
        from = mail.string("from", default: from)
        guard Self.isPlausibleAddress(from) else {
            throw ConfigurationError(
                variable: mail.variable("from"), problem: "expected an e-mail address; got '\(from)'")
        }
        fromName = mail.string("from_name", default: fromName)
        retryMaxSeconds = try mail.integer("retry_max_seconds", default: 300, range: 1...86_400)
    }

    /// One '@' with text on both sides, no blanks, angle brackets or line breaks.
    public static func isPlausibleAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty
            && !text.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," })
    }
}

extension HTTPConfiguration {
    /// Reads `JEMBATAN_HTTP_*` (scope `jembatan.http`); a service listens on its own port unless
    /// `JEMBATAN_HTTP_PORT` says otherwise (the operator command, `service` nil, listens nowhere).
    public init(config: ConfigReader, defaultPort: Int?) throws {
        self.init(port: defaultPort ?? 0)
        let scope = ConfigurationScope(config, "jembatan.http")
        host = scope.string("host", default: host)
        if defaultPort != nil { port = try scope.port("port", default: port) }
    }
}

extension KafkaConfiguration {
    /// Reads `JEMBATAN_KAFKA_*` (scope `jembatan.kafka`) and checks librdkafka's timing rules.
    public init(config: ConfigReader) throws {
        self.init()
        let scope = ConfigurationScope(config, "jembatan.kafka")
        bootstrapServers = scope.string("brokers", default: bootstrapServers)
        sessionTimeoutMilliseconds = try scope.integer("session_timeout_ms", default: 6000, range: 1000...300_000)
        heartbeatIntervalMilliseconds = try scope.integer("heartbeat_ms", default: 1000, range: 100...60_000)
        maxPollIntervalMilliseconds = try scope.integer("max_poll_interval_ms", default: 20000, range: 1000...3_600_000)
        if let contexts = scope.optional("debug") {
            let known: Set<Substring> = [
                "generic", "broker", "topic", "metadata", "cgrp", "consumer", "fetch", "protocol", "security", "all",
            ]
            let unknown = contexts.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                !known.contains(Substring($0))
            }
            guard unknown.isEmpty else {
                throw ConfigurationError(
                    variable: scope.variable("debug"),
                    problem:
                        "unknown librdkafka debug context '\(unknown[0])'; expected a comma-separated list of \(known.sorted().joined(separator: ", "))"
                )
            }
            debugContexts = contexts
        }
        if heartbeatIntervalMilliseconds * 3 > sessionTimeoutMilliseconds {
            throw ConfigurationError(
                variable: scope.variable("heartbeat_ms"),
                problem: "must be at most a third of JEMBATAN_KAFKA_SESSION_TIMEOUT_MS")
        }
        if maxPollIntervalMilliseconds < sessionTimeoutMilliseconds {
            throw ConfigurationError(
                variable: scope.variable("max_poll_interval_ms"),
                problem: "must be at least JEMBATAN_KAFKA_SESSION_TIMEOUT_MS (librdkafka's rule)")
        }
    }
}

/// One component's keys in a swift-configuration reader, with our rules and messages: key `k` of
/// scope `jembatan.postgres` is the environment variable `JEMBATAN_POSTGRES_K`, and an error names it.
struct ConfigurationScope {
    let config: ConfigReader
    let prefix: String

    init(_ config: ConfigReader, _ scope: String) {
        self.config = config.scoped(to: ConfigKey(scope))
        prefix = scope.uppercased().replacingOccurrences(of: ".", with: "_")
    }

    /// The environment variable of `key`.
    func variable(_ key: String) -> String { prefix + "_" + key.uppercased() }

    /// The value, trimmed; nil when unset or empty.
    func optional(_ key: String, secret: Bool = false) -> String? {
        guard let value = config.string(forKey: ConfigKey(key), isSecret: secret)?.trimmingCharacters(in: .whitespaces),
            !value.isEmpty
        else { return nil }
        return value
    }

    func string(_ key: String, default defaultValue: String) -> String {
        optional(key) ?? defaultValue
    }

    func integer(_ key: String, default defaultValue: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = optional(key) else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            throw ConfigurationError(
                variable: variable(key),
                problem: "expected an integer in \(range.lowerBound)...\(range.upperBound), got '\(text)'")
        }
        return value
    }

    func port(_ key: String, default defaultValue: Int) throws -> Int {
        try integer(key, default: defaultValue, range: 1...65535)
    }
}

/// A secret given as a file (`<name>_FILE`, how Docker and Kubernetes mount secrets).
enum SecretFile {
    /// The secret `name`: the variable itself, or the contents of the file `<name>_FILE` names, one
    /// trailing line break removed; nil when neither is set. Setting both is an error.
    static func value(of name: String, in environment: [String: String]) throws -> String? {
        func set(_ variable: String) -> String? {
            guard let value = environment[variable]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
                return nil
            }
            return value
        }
        switch (set(name), set(name + "_FILE")) {
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
}

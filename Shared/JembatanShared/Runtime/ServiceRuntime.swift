import Foundation
import Hummingbird
import Logging
import Metrics
import PostgresNIO
import Prometheus
import ServiceLifecycle

/// What a service's routes and event handlers are given.
public struct ServiceContext: Sendable {
    /// The service.
    public let service: ServiceName
    /// The pooled PostgreSQL client.
    public let client: PostgresClient
    /// The service's outbox.
    public let outbox: Outbox
    /// The process-wide producer.
    public let producer: KafkaProducer
    /// The validated configuration.
    public let configuration: JembatanConfiguration
    /// The service's logger.
    public let logger: Logger
    /// Opens once migrations are applied.
    public let gate: StartupGate
    /// Authenticates callers (read-only access to accounts).
    public let accounts: AccountDirectory
}

/// A consumer a service declares: which topics, which event types, and how to apply them.
public struct ConsumerDefinition: Sendable {
    /// Consumer name (group `jembatan-<name>`).
    public var name: String
    /// Topics to subscribe to.
    public var topics: [Topic]
    /// Event types it applies; other types are skipped.
    public var handledTypes: Set<EventType>
    /// The handler, run in the inbox transaction.
    public var handler: EventHandler

    /// Creates a consumer definition.
    public init(name: String, topics: [Topic], handledTypes: Set<EventType>, handler: @escaping EventHandler) {
        self.name = name
        self.topics = topics
        self.handledTypes = handledTypes
        self.handler = handler
    }
}

/// How one role service is put together; each service's `@main` fills it in.
public struct ServiceDefinition: Sendable {
    /// Which service.
    public var service: ServiceName
    /// The service's own migrations (versions ≥ 10; 1–9 are the messaging tables).
    public var migrations: [Migration]
    /// The OpenAPI 3.1 document of everything it serves.
    public var openAPIDocument: String
    /// Its consumers.
    public var consumers: @Sendable (ServiceContext) -> [ConsumerDefinition]
    /// Its HTTP routes.
    public var routes: @Sendable (Router<JembatanRequestContext>, ServiceContext) -> Void
    /// Its own long-running tasks (schedules), run in the service group beside the rest.
    public var background: @Sendable (ServiceContext) -> [any Service]

    /// Creates a definition.
    public init(
        service: ServiceName, migrations: [Migration], openAPIDocument: String,
        consumers: @escaping @Sendable (ServiceContext) -> [ConsumerDefinition],
        routes: @escaping @Sendable (Router<JembatanRequestContext>, ServiceContext) -> Void,
        background: @escaping @Sendable (ServiceContext) -> [any Service] = { _ in [] }
    ) {
        self.service = service
        self.migrations = migrations
        self.openAPIDocument = openAPIDocument
        self.consumers = consumers
        self.routes = routes
        self.background = background
    }
}

/// Builds and runs one service process: PostgreSQL client → migrations → producer → outbox
/// relay → consumers → HTTP server, in one service group with graceful shutdown.
public enum ServiceRuntime {
    /// Reads the configuration (exiting with a clear message if it is invalid) and runs `definition`.
    public static func main(_ definition: ServiceDefinition) async {
        let configuration: JembatanConfiguration
        do {
            configuration = try JembatanConfiguration(service: definition.service)
        } catch {
            FileHandle.standardError.write(
                Data("\(definition.service.executableName): invalid configuration: \(error)\n".utf8))
            exit(78)
        }
        let registry = bootstrapObservability(configuration)
        let logger = Logger(label: definition.service.executableName)
        // `jembatan-<service> migrate`: apply the schema's migrations and exit (the compose migration job).
        if CommandLine.arguments.dropFirst().first == "migrate" {
            await migrateAndExit(definition, configuration: configuration, logger: logger)
        }
        do {
            let application = try buildApplication(
                definition, configuration: configuration, registry: registry, logger: logger)
            var group = ServiceGroupConfiguration(
                services: [.init(service: application), .init(service: ShutdownBound(logger: logger))],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
            // Graceful first (drain, commit, leave the group); past 7 s, cancellation; ShutdownBound ends it at 9 s.
            group.maximumGracefulShutdownDuration = .seconds(7)
            try await ServiceGroup(configuration: group).run()
        } catch {
            logger.critical("Service stopped with an error", metadata: [LogKey.error: "\(String(reflecting: error))"])
            exit(1)
        }
    }

    /// Sets up logging (text or JSON lines at the configured level) and the Prometheus metrics of
    /// the process; returns the registry `/metrics` serves. Once per process, before anything logs.
    public static func bootstrapObservability(_ configuration: JembatanConfiguration) -> PrometheusCollectorRegistry {
        let (level, format) = (configuration.logLevel, configuration.logFormat)
        LoggingSystem.bootstrap { label in
            switch format {
            case .text:
                var handler = StreamLogHandler.standardOutput(label: label)
                handler.logLevel = level
                return handler
            case .json:
                var handler = JSONLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
        }
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Prometheus names: a library's dotted label or dimension ("http.route") becomes "http_route".
        factory.nameAndLabelSanitizer = { name, labels in
            (
                name.replacingOccurrences(of: ".", with: "_"),
                labels.map { ($0.0.replacingOccurrences(of: ".", with: "_"), $0.1) }
            )
        }
        MetricsSystem.bootstrap(factory)
        return registry
    }

    /// The migrations of `definition`'s schema (and the shared identity schema), in order.
    public static func migrationPlans(_ definition: ServiceDefinition) -> [SchemaMigrations] {
        let schema = SchemaName(definition.service.schema)
        return [
            SchemaMigrations(schema: IdentityMigrations.schema, migrations: IdentityMigrations.all),
            SchemaMigrations(
                schema: schema, migrations: MessagingMigrations.all(schema: schema) + definition.migrations),
        ]
    }

    static func migrateAndExit(_ definition: ServiceDefinition, configuration: JembatanConfiguration, logger: Logger)
        async -> Never
    {
        let client = configuration.database.makeClient(logger: logger)
        let status: Int32 = await withTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            var lastError: (any Error)?
            // PostgreSQL may still be starting: retry for a minute.
            for attempt in 1...30 {
                do {
                    for plan in migrationPlans(definition) {
                        try await MigrationService.applyPending(plan, client: client, logger: logger)
                    }
                    logger.notice("Migrations applied", metadata: ["db.schema": "\(definition.service.schema)"])
                    return 0
                } catch {
                    lastError = error
                    try? await Task.sleep(for: Backoff.delay(attempt: attempt))
                }
            }
            logger.critical("Migrations failed", metadata: [LogKey.error: "\(String(reflecting: lastError))"])
            return 1
        }
        exit(status)
    }

    /// Assembles the application; tests call this too.
    public static func buildApplication(
        _ definition: ServiceDefinition, configuration: JembatanConfiguration,
        registry: PrometheusCollectorRegistry, logger: Logger
    ) throws -> some ApplicationProtocol {
        let schema = SchemaName(definition.service.schema)
        let client = configuration.database.makeClient(logger: logger)
        let producer = try KafkaProducer(configuration: configuration.kafka, logger: logger)
        let gate = StartupGate()
        let broker = BrokerMonitor(producer: producer, logger: logger)
        let health = ConsumerHealth(timing: configuration.consumerTiming)
        let context = ServiceContext(
            service: definition.service, client: client, outbox: Outbox(service: definition.service),
            producer: producer, configuration: configuration, logger: logger, gate: gate,
            accounts: AccountDirectory(client: client, logger: logger)
        )
        let router = Router(context: JembatanRequestContext.self)
        let database = DatabaseMonitor(client: client, configuration: configuration.database, logger: logger)
        router.middlewares.add(RequestObservationMiddleware(logger: logger, database: database))
        router.middlewares.add(InputCharactersMiddleware())
        router.middlewares.add(AuthenticationMiddleware(accounts: context.accounts))
        OperationalRoutes(
            client: client, broker: broker, health: health, gate: gate, registry: registry,
            openAPIDocument: definition.openAPIDocument
        )
        .register(on: router)
        definition.routes(router, context)
        var services: [any Service] = [
            client,
            database,
            MigrationService(client: client, plans: migrationPlans(definition), gate: gate, logger: logger),
            ProducerService(producer: producer),
            broker,
            OutboxRelay(client: client, producer: producer, service: definition.service, gate: gate, logger: logger),
        ]
        let consumers = definition.consumers(context)
        let probes = try consumers.map { consumer in
            try ConsumerLagProbe(
                group: "jembatan-\(consumer.name)", topics: consumer.topics.map(\.rawValue),
                configuration: configuration.kafka, logger: logger)
        }
        services.append(
            ServiceMonitor(
                client: client, service: definition.service, probes: probes, gate: gate,
                interval: .seconds(configuration.monitorSeconds), logger: logger))
        for consumer in consumers {
            services.append(
                EventConsumerService(
                    name: consumer.name, topics: consumer.topics, handledTypes: consumer.handledTypes, schema: schema,
                    client: client, producer: producer, kafka: configuration.kafka, gate: gate,
                    health: health, broker: broker, fault: configuration.consumerFault, logger: logger,
                    handler: consumer.handler
                ))
        }
        services += definition.background(context)
        return Application(
            router: router,
            configuration: .init(
                address: .hostname(configuration.http.host, port: configuration.http.port),
                serverName: definition.service.executableName),
            services: services,
            logger: logger
        )
    }
}

/// Ends the process at most 9 s after SIGTERM or SIGINT, whatever PostgreSQL and the broker are
/// doing (stopped, frozen, restarting): the service group drains, commits and leaves the group
/// within that time when it can; what is not committed by then is re-read and absorbed by the
/// inboxes after the restart, and unpublished outbox rows stay in the outbox.
struct ShutdownBound: Service {
    let logger: Logger
    var bound: Duration = .seconds(9)

    func run() async throws {
        try? await gracefulShutdown()
        let (logger, bound) = (logger, bound)
        // Unstructured and not cancelled with the group: it must outlive everything else.
        Task.detached {
            try? await Task.sleep(for: bound)
            logger.critical(
                "Shutdown took longer than \(bound); exiting now (uncommitted work is redone after the restart)")
            fflush(nil)  // every output stream
            _exit(0)
        }
    }
}

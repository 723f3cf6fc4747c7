import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// One versioned schema change. Statements run in order, in one transaction.
public struct Migration: Sendable {
    /// Position in the owner's history; applied once, in ascending order.
    public let version: Int
    /// Short description stored with the version.
    public let name: String
    /// SQL statements (one statement each: the extended protocol runs one at a time).
    public let statements: [String]

    /// Creates a migration.
    public init(version: Int, name: String, statements: [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }
}

/// Opens once; everything that needs the schema waits on it.
public final class StartupGate: Sendable {
    private let opened = Atomic<Bool>(false)

    /// Creates a closed gate.
    public init() {}

    /// True once the gate opened.
    public var isOpen: Bool { opened.load(ordering: .acquiring) }

    /// Opens the gate.
    public func open() { opened.store(true, ordering: .releasing) }

    /// Waits until the gate is open; false when the process is asked to stop first (then the
    /// caller returns instead of working), throws `CancellationError` if the task is cancelled.
    public func wait() async throws -> Bool {
        while !isOpen {
            if Task.isShuttingDownGracefully { return false }
            try await Task.sleep(for: .milliseconds(20))
        }
        return true
    }
}

/// The migrations of one schema.
public struct SchemaMigrations: Sendable {
    /// The schema.
    public var schema: SchemaName
    /// Its migrations.
    public var migrations: [Migration]

    /// Creates the plan for `schema`.
    public init(schema: SchemaName, migrations: [Migration]) {
        self.schema = schema
        self.migrations = migrations.sorted { $0.version < $1.version }
    }
}

/// Applies a service's migrations (its own schema, and schemas it reads) under an advisory
/// lock per schema, then opens the startup gate.
///
/// Retries while PostgreSQL is unreachable; several instances starting together apply
/// each migration once.
public struct MigrationService: Service {
    let client: PostgresClient
    let plans: [SchemaMigrations]
    let gate: StartupGate
    let logger: Logger

    /// Creates the service applying `plans` in order.
    public init(client: PostgresClient, plans: [SchemaMigrations], gate: StartupGate, logger: Logger) {
        self.client = client
        self.plans = plans
        self.gate = gate
        self.logger = logger
    }

    /// Applies pending migrations, opens the gate, then idles until shutdown.
    public func run() async throws {
        do {
            // Asked to stop while PostgreSQL is still away: stop waiting for it (Ctrl-C must work).
            try await cancelWhenGracefulShutdown {
                var attempt = 0
                while true {
                    do {
                        for plan in plans { try await Self.applyPending(plan, client: client, logger: logger) }
                        return
                    } catch
                        where !DatabaseFailure.isPermanent(error) && !(error is CancellationError) && !Task.isCancelled
                    {
                        attempt += 1
                        logger.warning(
                            "Migrations waiting for PostgreSQL",
                            metadata: ["error": "\(String(reflecting: error))", "attempt": "\(attempt)"])
                        try await Task.sleep(for: Backoff.delay(attempt: attempt))
                    }
                }
            }
        } catch  where Task.isShuttingDownGracefully {
            logger.notice("Stopped before PostgreSQL was reachable; no migration was applied")
            return
        }
        gate.open()
        try? await gracefulShutdown()
    }

    /// Applies every migration of `plan` newer than the recorded version.
    public static func applyPending(_ plan: SchemaMigrations, client: PostgresClient, logger: Logger) async throws {
        let schema = plan.schema
        let migrations = plan.migrations
        try await client.inTransaction(logger: logger) { connection in
            try await connection.queryUnlessClosed(
                "SELECT pg_advisory_xact_lock(hashtext(\(schema.rawValue + ".migrations")))", logger: logger)
            try await connection.queryUnlessClosed(
                PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(schema)"), logger: logger)
            try await connection.queryUnlessClosed(
                PostgresQuery(
                    unsafeSQL: """
                        CREATE TABLE IF NOT EXISTS \(schema).schema_migrations (
                            version integer PRIMARY KEY,
                            name text NOT NULL,
                            applied_at timestamptz NOT NULL DEFAULT now()
                        )
                        """), logger: logger)
            var applied = Set<Int>()
            for try await version in try await connection.queryUnlessClosed(
                PostgresQuery(unsafeSQL: "SELECT version FROM \(schema).schema_migrations"), logger: logger
            ).decode(Int.self) {
                applied.insert(version)
            }
            for migration in migrations where !applied.contains(migration.version) {
                for statement in migration.statements {
                    try await connection.queryUnlessClosed(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                var binds = PostgresBindings()
                binds.append(migration.version)
                binds.append(migration.name)
                try await connection.queryUnlessClosed(
                    PostgresQuery(
                        unsafeSQL: "INSERT INTO \(schema).schema_migrations (version, name) VALUES ($1, $2)",
                        binds: binds), logger: logger)
                logger.info(
                    "Migration applied",
                    metadata: [
                        "db.schema": "\(schema)", "migration.version": "\(migration.version)",
                        "migration.name": "\(migration.name)",
                    ])
            }
        }
    }
}

/// Exponential backoff with a cap, for transient failures.
public enum Backoff {
    /// The ceiling of attempt `attempt`: 100 ms doubling per attempt, at most 5 s.
    public static func ceiling(attempt: Int) -> Int {
        min(5000, 100 * (1 << min(max(attempt - 1, 0), 6)))
    }

    /// A delay between half the ceiling and the ceiling, chosen at random ("equal jitter"), so
    /// consumers and relays that failed together do not retry in step.
    public static func delay(attempt: Int) -> Duration {
        let ceiling = ceiling(attempt: attempt)
        return .milliseconds(ceiling / 2 + Int.random(in: 0...(ceiling / 2)))
    }
}

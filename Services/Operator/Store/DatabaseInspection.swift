import Foundation
import JembatanShared
import Logging
import PostgresNIO

/// The operator's reads across every role's schema — backups, the fault run's audit, replays and
/// benchmarks look at the whole database, which no role may do. The only place with SQL for them.
/// Table names enter SQL only as checked identifiers.
enum DatabaseInspection {
    // MARK: - Health

    /// Unpublished events of `service`'s outbox, and how old the oldest is.
    static func outboxBacklog(of service: ServiceName, client: PostgresClient, logger: Logger) async throws
        -> OutboxBacklog
    {
        try await Outbox.backlog(in: SchemaName(service.schema), client: client, logger: logger)
    }

    // MARK: - Backups

    /// Every base table of the application's schemas (`schema.table`), the replay scratch aside.
    static func applicationTables(on connection: PostgresConnection, logger: Logger) async throws -> [(
        schema: String, table: String
    )] {
        var tables: [(String, String)] = []
        for try await (schema, table) in try await connection.queryUnlessClosed(
            """
            SELECT table_schema, table_name FROM information_schema.tables
            WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') AND table_schema NOT LIKE 'pg_temp%'
              AND table_schema <> 'reporting_replay' ORDER BY 1, 2
            """, logger: logger
        ).decode((String, String).self) { tables.append((schema, table)) }
        return tables
    }

    /// A table's row count and an order-independent checksum of its rows.
    static func tableSum(schema: String, table: String, on connection: PostgresConnection, logger: Logger) async throws
        -> (rows: Int, checksum: String)
    {
        guard let name = SQLIdentifier(schema: schema, name: table) else {
            throw UnsafeIdentifier(text: "\(schema).\(table)")
        }
        let query: PostgresQuery = """
            SELECT count(*)::int, coalesce(md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))), '') FROM \(identifier: name) t
            """
        for try await (rows, checksum) in try await connection.queryUnlessClosed(query, logger: logger).decode(
            (Int, String).self)
        {
            return (rows, checksum)
        }
        return (0, "")
    }

    /// Opens a read-only repeatable-read transaction on `connection` and exports its snapshot, so a
    /// dump and the manifest's sums see the same data; end it with ``endSnapshot(on:commit:logger:)``.
    static func exportSnapshot(on connection: PostgresConnection, logger: Logger) async throws -> String {
        try await connection.queryUnlessClosed("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
        for try await id in try await connection.queryUnlessClosed("SELECT pg_export_snapshot()", logger: logger)
            .decode(
                String.self)
        { return id }
        throw NoSnapshot()
    }

    struct NoSnapshot: Error, CustomStringConvertible {
        var description: String { "PostgreSQL exported no snapshot" }
    }

    static func endSnapshot(on connection: PostgresConnection, commit: Bool, logger: Logger) async throws {
        try await connection.queryUnlessClosed(commit ? "COMMIT" : "ROLLBACK", logger: logger)
    }

    /// Creates the scratch database a backup is restored into.
    static func createDatabase(_ name: SQLIdentifier, client: PostgresClient, logger: Logger) async throws {
        try await client.queryUnlessClosed("CREATE DATABASE \(identifier: name)", logger: logger)
    }

    static func dropDatabase(_ name: SQLIdentifier, client: PostgresClient, logger: Logger) async throws {
        try await client.queryUnlessClosed("DROP DATABASE IF EXISTS \(identifier: name) WITH (FORCE)", logger: logger)
    }

    // MARK: - Replay

    /// A request's events as reporting stored them (type, CloudEvent JSON), in the order they happened.
    static func storedEvents(of requestId: String, client: PostgresClient, logger: Logger) async throws -> [(
        type: String, envelope: String
    )] {
        var events: [(String, String)] = []
        for try await row in try await client.queryUnlessClosed(
            """
            SELECT event_type, envelope::text FROM reporting.events WHERE request_id = \(requestId) ORDER BY occurred_at, event_id
            """, logger: logger
        ).decode((String, String).self) { events.append(row) }
        return events
    }

    // MARK: - The fault run's audit

    /// Completed requests still without their stored integration report.
    static func completedWithoutReport(client: PostgresClient, logger: Logger) async throws -> Int {
        for try await count in try await client.queryUnlessClosed(
            """
            SELECT count(*)::int FROM reporting.requests r WHERE r.completed_at IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM reporting.reports p WHERE p.kind = 'integration' AND p.subject = r.request_id)
            """, logger: logger
        ).decode(Int.self) { return count }
        return 0
    }

    /// Something each request must have exactly once (or, for credentials, the same number of).
    enum Outcome: String, CaseIterable {
        case completedInReadModel, agreedContract, hubDataset, passedIntegrationTest, acceptedFinalDecision,
            storedReport, credentials

        var query: PostgresQuery {
            switch self {
            case .completedInReadModel:
                "SELECT request_id, count(*)::int FROM reporting.requests WHERE state = 'completed' AND completed_at IS NOT NULL GROUP BY 1"
            case .agreedContract: "SELECT request_id, count(*)::int FROM evaluation.contracts GROUP BY 1"
            case .hubDataset: "SELECT request_id, count(*)::int FROM provisioning.hub_datasets GROUP BY 1"
            case .passedIntegrationTest:
                "SELECT request_id, count(*)::int FROM provisioning.integration_tests WHERE passed GROUP BY 1"
            case .acceptedFinalDecision:
                "SELECT request_id, count(*)::int FROM validation.cases WHERE state = 'accepted' GROUP BY 1"
            case .storedReport:
                "SELECT subject, count(*)::int FROM reporting.reports WHERE kind = 'integration' GROUP BY 1"
            case .credentials: "SELECT request_id, count(*)::int FROM provisioning.credentials GROUP BY 1"
            }
        }
    }

    /// How many of `outcome` each request has.
    static func count(_ outcome: Outcome, client: PostgresClient, logger: Logger) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for try await (id, count) in try await client.queryUnlessClosed(outcome.query, logger: logger).decode(
            (String, Int).self)
        {
            counts[id] = count
        }
        return counts
    }

    // MARK: - Benchmarks

    /// One page of a hub table's records after `key`, in key order.
    static func hubRecords(
        of table: SQLIdentifier, after key: String, limit: Int, client: PostgresClient, logger: Logger
    ) async throws -> [(key: String, record: String)] {
        var page: [(String, String)] = []
        for try await row in try await client.queryUnlessClosed(
            """
            SELECT record_key, record::text FROM provisioning.\(identifier: table) WHERE record_key > \(key) ORDER BY record_key LIMIT \(limit)
            """, logger: logger
        ).decode((String, String).self) { page.append(row) }
        return page
    }

    static func hubRecordCount(of table: SQLIdentifier, client: PostgresClient, logger: Logger) async throws -> Int64 {
        for try await count in try await client.queryUnlessClosed(
            "SELECT count(*) FROM provisioning.\(identifier: table)", logger: logger
        ).decode(Int64.self) { return count }
        return 0
    }

    /// `psql` statements for the ingest bench's physical limit: `COPY` of the same CSV into a plain
    /// table of the visit dataset's columns (`table` is generated by the bench: `bench_copy_<hex>`).
    struct CopyBaseline {
        let table: String
        let file: String
        var create: String {
            "CREATE TABLE public.\(table) (id_kunjungan text PRIMARY KEY, kode_puskesmas text, kode_wilayah text, tanggal_kunjungan date, jenis_layanan text, umur_pasien integer, jenis_kelamin text, biaya numeric, bpjs boolean)"
        }
        var copy: String { "\\\\copy public.\(table) FROM '\(file)' WITH (FORMAT csv, HEADER true)" }
        var drop: String { "DROP TABLE public.\(table)" }
    }

    /// Transactions committed in this database so far.
    static func commits(client: PostgresClient, logger: Logger) async throws -> Int {
        for try await value in try await client.queryUnlessClosed(
            "SELECT xact_commit::int8 FROM pg_stat_database WHERE datname = current_database()", logger: logger
        ).decode(Int.self) { return value }
        return 0
    }
}

import Foundation
import JembatanShared
import Logging
import NIOCore
import PostgresNIO

/// A dataset as the hub registered it.
struct HubDataset: Sendable {
    var datasetId: String
    var requestId: String
    var agencyCode: String
    var name: String
    var contractId: String
    var contractVersion: Int
    var definition: DatasetDefinition
    var consumers: [String]
    var storageTable: String
    var storageVersion: Int
    var state: DatasetState
    var provisionedAt: Date
    var updatedAt: Date

    /// `<name>-<first 8 hex of the request id>`: stable across contract versions of one request.
    static func identifier(name: String, requestId: String) -> String {
        HubDatasetID.of(name: name, requestId: requestId)
    }

    /// `hub_<first 8 hex of the request id>_<name>_v<storage version>`.
    static func tableName(requestId: String, name: String, storageVersion: Int) -> String {
        "hub_\(requestId.prefix(8))_\(name)_v\(storageVersion)"
    }

    static func isSafeName(_ name: String) -> Bool {
        guard let first = name.first, first.isASCII, first.isLowercase, name.count <= 40 else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }
    }

    static let columns = """
        dataset_id, request_id, agency_code, name, contract_id, contract_version, definition::text, consumers, storage_table, storage_version, state, provisioned_at, updated_at
        """

    typealias Row = (String, String, String, String, String, Int, String, [String], String, Int, String, Date, Date)

    init(row: Row) throws {
        (
            datasetId, requestId, agencyCode, name, contractId, contractVersion, _, consumers, storageTable,
            storageVersion, _, provisionedAt, updatedAt
        ) = row
        state = try DatasetState(stored: row.10)
        definition = try CloudEventCodec.decodeJSON(DatasetDefinition.self, from: row.6)
    }

    static func find(_ datasetId: String, on connection: PostgresConnection, logger: Logger, forUpdate: Bool = false)
        async throws -> HubDataset?
    {
        let lock = forUpdate ? " FOR UPDATE" : ""
        let rows = try await connection.queryUnlessClosed(
            PostgresQuery(
                unsafeSQL: "SELECT \(columns) FROM provisioning.datasets WHERE dataset_id = $1\(lock)",
                binds: binds(datasetId)), logger: logger)
        for try await row in rows.decode(Row.self) { return try HubDataset(row: row) }
        return nil
    }

    static func find(_ datasetId: String, client: PostgresClient, logger: Logger) async throws -> HubDataset? {
        let rows = try await client.queryUnlessClosed(
            PostgresQuery(
                unsafeSQL: "SELECT \(columns) FROM provisioning.datasets WHERE dataset_id = $1", binds: binds(datasetId)
            ), logger: logger)
        for try await row in rows.decode(Row.self) { return try HubDataset(row: row) }
        return nil
    }

    static func binds(_ values: String...) -> PostgresBindings {
        var binds = PostgresBindings()
        for value in values { binds.append(value) }
        return binds
    }
}

/// The hub's record storage: one table per dataset storage version, `record_key` (the contract's
/// primary key, composite parts joined with `|`), the record as `jsonb`, and `change_seq` from
/// one sequence, bumped only when a record really changes (the feed of `/changes`).
enum HubStore {
    static func createStorage(_ table: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.queryUnlessClosed(
            PostgresQuery(
                unsafeSQL: """
                    CREATE TABLE IF NOT EXISTS provisioning.\(table) (
                        record_key text PRIMARY KEY,
                        record jsonb NOT NULL,
                        change_seq bigint NOT NULL,
                        updated_at timestamptz NOT NULL
                    )
                    """), logger: logger)
        try await connection.queryUnlessClosed(
            PostgresQuery(
                unsafeSQL: "CREATE INDEX IF NOT EXISTS \(table)_changes ON provisioning.\(table) (change_seq)"),
            logger: logger)
    }

    /// Applies the staged records: the last of several with one key wins; unchanged records keep
    /// their `change_seq`. Serialised per table, so change sequence numbers commit in order.
    ///
    /// Most batches hold each key once, so the upsert first runs straight from the staging table;
    /// only when PostgreSQL reports a key twice (SQLSTATE 21000) is it repeated, in a savepoint,
    /// with the sort that keeps the last record per key.
    static func upsertStaged(into table: String, at date: Date, on connection: PostgresConnection, logger: Logger)
        async throws -> (inserted: Int, updated: Int)
    {
        try await connection.queryUnlessClosed(
            PostgresQuery(
                unsafeSQL: "SELECT pg_advisory_xact_lock(hashtext($1))", binds: HubDataset.binds("hub:\(table)")),
            logger: logger)
        try await connection.queryUnlessClosed("SAVEPOINT jembatan_upsert", logger: logger)
        do {
            let counts = try await upsert(
                into: table, from: "SELECT record_key, record FROM pg_temp.jembatan_stage", at: date, on: connection,
                logger: logger)
            try await connection.queryUnlessClosed("RELEASE SAVEPOINT jembatan_upsert", logger: logger)
            return counts
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "21000" {
            try await connection.queryUnlessClosed("ROLLBACK TO SAVEPOINT jembatan_upsert", logger: logger)
            return try await upsert(
                into: table,
                from: """
                    SELECT DISTINCT ON (record_key) record_key, record FROM pg_temp.jembatan_stage ORDER BY record_key, ordinal DESC
                    """, at: date, on: connection, logger: logger)
        }
    }

    private static func upsert(
        into table: String, from source: String, at date: Date, on connection: PostgresConnection, logger: Logger
    ) async throws -> (inserted: Int, updated: Int) {
        var binds = PostgresBindings()
        binds.append(date)
        let rows = try await connection.queryUnlessClosed(
            PostgresQuery(
                unsafeSQL: """
                    WITH latest AS (\(source)), applied AS (
                        INSERT INTO provisioning.\(table) AS hub (record_key, record, change_seq, updated_at)
                        SELECT record_key, record, nextval('provisioning.hub_change_seq'), $1 FROM latest
                        ON CONFLICT (record_key) DO UPDATE SET record = EXCLUDED.record, change_seq = EXCLUDED.change_seq, updated_at = EXCLUDED.updated_at
                        WHERE hub.record IS DISTINCT FROM EXCLUDED.record
                        RETURNING (xmax = 0) AS inserted
                    )
                    SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM applied
                    """, binds: binds), logger: logger)
        for try await (inserted, updated) in rows.decode((Int, Int).self) { return (inserted, updated) }
        return (0, 0)
    }
}

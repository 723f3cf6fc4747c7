import Foundation
import JembatanShared
import Logging
import NIOCore
import PostgresNIO

/// The exchange API's own rows: push idempotency (`provisioning.ingest_batches`), credential usage
/// counters, and reads of a dataset's stored records (streamed to the caller row by row).
enum ExchangeStore {
    // MARK: - Push idempotency

    /// Reserves `key` for this credential's push; false when it was seen before. A concurrent push
    /// with the same key waits here until the first one commits or rolls back.
    static func reserve(
        _ key: String, credential: String, batchId: String, at date: Date, on connection: PostgresConnection,
        logger: Logger
    ) async throws -> Bool {
        let reserved = try await connection.queryUnlessClosed(
            """
            INSERT INTO provisioning.ingest_batches (credential_id, idempotency_key, batch_id, body_sha256, status, response, created_at)
            VALUES (\(credential), \(key), \(batchId), '\\x'::bytea, 0, '{}'::jsonb, \(date))
            ON CONFLICT (credential_id, idempotency_key) DO NOTHING RETURNING batch_id
            """, logger: logger)
        for try await _ in reserved.decode(String.self) { return true }
        return false
    }

    /// The body hash and the answer of the push that used `key` first.
    static func answer(to key: String, credential: String, on connection: PostgresConnection, logger: Logger)
        async throws -> (bodySHA256: [UInt8], response: String)?
    {
        for try await (stored, response) in try await connection.queryUnlessClosed(
            """
            SELECT body_sha256, response::text FROM provisioning.ingest_batches WHERE credential_id = \(credential) AND idempotency_key = \(key)
            """, logger: logger
        ).decode((ByteBuffer, String).self) {
            return (Array(stored.readableBytesView), response)
        }
        return nil
    }

    static func recordAnswer(
        to key: String, credential: String, bodySHA256: [UInt8], response: String, on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        try await connection.queryUnlessClosed(
            """
            UPDATE provisioning.ingest_batches SET body_sha256 = \(ByteBuffer(bytes: bodySHA256)), status = 200, response = \(response)::jsonb
            WHERE credential_id = \(credential) AND idempotency_key = \(key)
            """, logger: logger)
    }

    // MARK: - Usage

    /// One more call of the credential, with the records it pushed.
    static func countCall(
        of credential: String, records: Int, at date: Date, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.queryUnlessClosed(
            """
            UPDATE provisioning.credentials SET request_count = request_count + 1, record_count = record_count + \(records), last_used_at = \(date)
            WHERE credential_id = \(credential)
            """, logger: logger)
    }

    /// One more read call of the credential (the database's clock).
    static func countRead(of credential: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.queryUnlessClosed(
            """
            UPDATE provisioning.credentials SET request_count = request_count + 1, last_used_at = now() WHERE credential_id = \(credential)
            """, logger: logger)
    }

    // MARK: - Records

    static func table(_ dataset: HubDataset) throws -> SQLIdentifier {
        guard let table = SQLIdentifier(schema: "provisioning", name: dataset.storageTable) else {
            throw UnsafeIdentifier(text: dataset.storageTable)
        }
        return table
    }

    /// Up to `limit` records with keys after `after` whose fields equal `filters`, in key order.
    static func records(
        of dataset: HubDataset, after: String, filters: [(field: String, value: String)], limit: Int,
        client: PostgresClient, logger: Logger, each: (_ key: String, _ record: String) throws -> Void
    ) async throws {
        var binds = PostgresBindings()
        binds.append(after)
        binds.append(limit)
        var conditions = "record_key > $1"
        for (name, value) in filters {
            binds.append(name)
            binds.append(value)
            conditions += " AND record->>$\(binds.count - 1) = $\(binds.count)"
        }
        let rows = try await client.queryUnlessClosed(
            PostgresQuery(
                unsafeSQL: """
                    SELECT record_key, record::text FROM \(try table(dataset)) WHERE \(conditions) ORDER BY record_key LIMIT $2
                    """, binds: binds), logger: logger)
        for try await (key, record) in rows.decode((String, String).self) { try each(key, record) }
    }

    static func record(_ key: String, of dataset: HubDataset, client: PostgresClient, logger: Logger) async throws
        -> String?
    {
        let rows = try await client.queryUnlessClosed(
            PostgresQuery(
                unsafeSQL: "SELECT record::text FROM \(try table(dataset)) WHERE record_key = $1",
                binds: HubDataset.binds(key)), logger: logger)
        for try await record in rows.decode(String.self) { return record }
        return nil
    }

    /// Up to `limit` changes after change number `since`, in order.
    static func changes(
        of dataset: HubDataset, since: Int64, limit: Int, client: PostgresClient, logger: Logger,
        each: (_ sequence: Int64, _ key: String, _ record: String) throws -> Void
    ) async throws {
        var binds = PostgresBindings()
        binds.append(since)
        binds.append(limit)
        let rows = try await client.queryUnlessClosed(
            PostgresQuery(
                unsafeSQL: """
                    SELECT change_seq, record_key, record::text FROM \(try table(dataset)) WHERE change_seq > $1 ORDER BY change_seq LIMIT $2
                    """, binds: binds), logger: logger)
        for try await (sequence, key, record) in rows.decode((Int64, String, String).self) {
            try each(sequence, key, record)
        }
    }

    /// True when the dataset stores a record with `key`.
    static func exists(_ key: String, in table: String, on connection: PostgresConnection, logger: Logger) async throws
        -> Bool
    {
        guard let identifier = SQLIdentifier(schema: "provisioning", name: table) else {
            throw UnsafeIdentifier(text: table)
        }
        for try await _ in try await connection.queryUnlessClosed(
            PostgresQuery(
                unsafeSQL: "SELECT 1 FROM \(identifier) WHERE record_key = $1",
                binds: HubDataset.binds(key)), logger: logger
        ).decode(Int.self) { return true }
        return false
    }

    /// True when the stored record with `key` is exactly `json`.
    static func holds(_ key: String, json: String, in table: String, on connection: PostgresConnection, logger: Logger)
        async throws -> Bool
    {
        guard let identifier = SQLIdentifier(schema: "provisioning", name: table) else {
            throw UnsafeIdentifier(text: table)
        }
        var same = false
        for try await equal in try await connection.queryUnlessClosed(
            PostgresQuery(
                unsafeSQL: "SELECT record = $2::jsonb FROM \(identifier) WHERE record_key = $1",
                binds: HubDataset.binds(key, json)), logger: logger
        ).decode(Bool.self) { same = equal }
        return same
    }

    /// Runs `body` in a savepoint that is always rolled back (the integration test's own writes).
    static func rolledBack(on connection: PostgresConnection, logger: Logger, _ body: () async throws -> Void)
        async throws
    {
        try await connection.queryUnlessClosed("SAVEPOINT integration_test", logger: logger)
        do { try await body() } catch {
            try await connection.queryUnlessClosed("ROLLBACK TO SAVEPOINT integration_test", logger: logger)
            try await connection.queryUnlessClosed("RELEASE SAVEPOINT integration_test", logger: logger)
            throw error
        }
        try await connection.queryUnlessClosed("ROLLBACK TO SAVEPOINT integration_test", logger: logger)
        try await connection.queryUnlessClosed("RELEASE SAVEPOINT integration_test", logger: logger)
    }
}

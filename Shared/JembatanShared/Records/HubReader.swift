import Foundation
import Logging
import PostgresNIO

/// A dataset stored in the hub, as other services may read it.
public struct HubDatasetView: Sendable {
    /// The hub dataset.
    public var datasetId: String
    /// The request the event belongs to (the Kafka key; operations events use their subject).
    public var requestId: String
    /// The producing agency's code.
    public var agencyCode: String
    /// The dataset's name in the contract.
    public var name: String
    /// The dataset contract.
    public var contractId: String
    /// The contract's version.
    public var contractVersion: Int
    /// The contract's definition of it.
    public var definition: DatasetDefinition
    /// `hub_<request8>_<name>_v<N>` in schema `provisioning`; checked to be a plain identifier.
    public var storageTable: String
    /// When the API was provisioned.
    public var provisionedAt: Date
}

/// The read-only view of the hub's tables for services other than provisioning (which alone
/// writes them): validation checks records, reporting counts them. Nothing here writes.
public enum HubReader {
    /// Provisioned datasets, all or those of one request.
    public static func datasets(ofRequest requestId: String? = nil, on connection: PostgresConnection, logger: Logger)
        async throws -> [HubDatasetView]
    {
        var binds = PostgresBindings()
        var condition = "state = 'provisioned'"
        if let requestId {
            binds.append(requestId)
            condition += " AND request_id = $1"
        }
        var views: [HubDatasetView] = []
        let rows = try await connection.queryUnlessClosed(
            PostgresQuery(
                unsafeSQL: """
                    SELECT dataset_id, request_id, agency_code, name, contract_id, contract_version, definition::text, storage_table, provisioned_at
                    FROM provisioning.datasets WHERE \(condition) ORDER BY dataset_id
                    """, binds: binds), logger: logger)
        for try await (dataset, request, agency, name, contract, version, definition, table, provisioned)
            in rows.decode((String, String, String, String, String, Int, String, String, Date).self)
        {
            guard isStorageTable(table) else { continue }
            views.append(
                HubDatasetView(
                    datasetId: dataset, requestId: request, agencyCode: agency, name: name, contractId: contract,
                    contractVersion: version,
                    definition: try CloudEventCodec.decodeJSON(DatasetDefinition.self, from: definition),
                    storageTable: table, provisionedAt: provisioned))
        }
        return views
    }

    /// A condition fragment, true when the text `value` (an SQL expression over a record) is not a
    /// code of the reference list whose name is bound at `list` (a placeholder such as `$V`).
    /// The reference lists are provisioning's; this is the only way other roles read them.
    public static func notAReferenceCode(_ value: String, list: String) -> String {
        "NOT EXISTS (SELECT 1 FROM provisioning.reference_codes rc WHERE rc.reference_set = \(list) AND rc.code = \(value))"
    }

    /// True for names provisioning gives storage tables (safe to put into SQL text).
    public static func isStorageTable(_ name: String) -> Bool {
        name.hasPrefix("hub_") && name.count <= 63
            && name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }
    }
}

/// A condition on a hub record (`record`, the stored `jsonb`) that renders its SQL with its values
/// bound: validation's quality rules are written this way and counted by ``HubReader``.
public protocol HubRecordCondition: Sendable {
    /// The condition's SQL, its values appended to `bindings` as `$n` placeholders.
    func rendered(into bindings: inout PostgresBindings) -> String
}

/// What one pass over a dataset's records counted.
public struct HubRecordCounts: Sendable, Equatable {
    /// Records stored.
    public var total: Int
    /// The last time a record changed (nil: never pushed).
    public var lastUpdate: Date?
    /// Per condition, in order: the records that satisfy it.
    public var matching: [Int]
}

/// A comparison of the records a producer sent (staged with ``RecordStage``) with the hub's.
public struct HubComparison: Sendable {
    /// Records the producer's system declared.
    public var sourceRecords = 0, hubRecords = 0, missingInHub = 0, extraInHub = 0, changed = 0, matched = 0
    /// Up to 20 keys each (sorted), and how many keys the producer sent more than once.
    public var missingExamples: [String] = [], extraExamples: [String] = []
    /// Keys held twice, with examples.
    public var duplicateKeys = 0, duplicateExamples: [String] = []
    /// Up to 20 changed records with the fields that differ.
    public var changedRecords: [(key: String, fields: [String])] = []
}

extension HubReader {
    /// The dataset's table, checked.
    static func table(_ dataset: HubDatasetView) throws -> SQLIdentifier {
        guard isStorageTable(dataset.storageTable),
            let table = SQLIdentifier(schema: "provisioning", name: dataset.storageTable)
        else {
            throw UnsafeIdentifier(text: dataset.storageTable)
        }
        return table
    }

    /// When a record of the dataset last changed (nil: nothing pushed yet).
    public static func lastUpdate(of dataset: HubDatasetView, on connection: PostgresConnection, logger: Logger)
        async throws -> Date?
    {
        let table = try table(dataset)
        for try await last in try await connection.queryUnlessClosed(
            "SELECT max(updated_at) FROM \(identifier: table)", logger: logger
        ).decode(Date?.self) {
            return last
        }
        return nil
    }

    /// One pass over the dataset's records: the total, the last update, and how many records
    /// satisfy each condition.
    public static func count(
        _ conditions: [any HubRecordCondition], in dataset: HubDatasetView,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> HubRecordCounts {
        let table = try table(dataset)
        var bindings = PostgresBindings()
        var select = ["count(*)::bigint", "max(updated_at)"]
        for condition in conditions {
            select.append("count(*) FILTER (WHERE \(condition.rendered(into: &bindings)))::bigint")
        }
        var counts = HubRecordCounts(total: 0, lastUpdate: nil, matching: [])
        let rows = try await connection.queryUnlessClosed(
            PostgresQuery(unsafeSQL: "SELECT \(select.joined(separator: ", ")) FROM \(table)", binds: bindings),
            logger: logger)
        for try await values in rows {
            var cells = values.makeIterator()
            counts.total = Int(try cells.next()!.decode(Int64.self))
            counts.lastUpdate = try cells.next()!.decode(Date?.self)
            while let cell = cells.next() { counts.matching.append(Int(try cell.decode(Int64.self))) }
        }
        return counts
    }

    /// Keys of up to `limit` records that satisfy `condition`, in key order.
    public static func keys(
        where condition: any HubRecordCondition, in dataset: HubDatasetView, limit: Int = 5,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> [String] {
        let table = try table(dataset)
        var bindings = PostgresBindings()
        let sql = condition.rendered(into: &bindings)
        var keys: [String] = []
        for try await key in try await connection.queryUnlessClosed(
            PostgresQuery(
                unsafeSQL: "SELECT record_key FROM \(table) WHERE \(sql) ORDER BY record_key LIMIT \(max(1, limit))",
                binds: bindings), logger: logger
        ).decode(String.self) {
            keys.append(key)
        }
        return keys
    }

    /// Groups of records that share every one of `fields` (records lacking one are not compared):
    /// how many groups, and up to five of them as `key = key`.
    public static func sharedValues(
        of fields: [String], in dataset: HubDatasetView,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> (groups: Int, examples: [String]) {
        let table = try table(dataset)
        var bindings = PostgresBindings()
        var parts: [String] = []
        for field in fields {
            bindings.append(field)
            parts.append("record->>$\(bindings.count)")
        }
        let complete = (1...max(1, fields.count)).map { "record ? $\($0)" }.joined(separator: " AND ")
        var groups = 0
        var examples: [String] = []
        let rows = try await connection.queryUnlessClosed(
            PostgresQuery(
                unsafeSQL: """
                    SELECT count(*) OVER ()::bigint, keys FROM (
                        SELECT string_agg(record_key, ' = ' ORDER BY record_key) AS keys, count(*) AS n FROM \(table) WHERE \(complete) GROUP BY \(parts.joined(separator: ", ")) HAVING count(*) > 1
                    ) d ORDER BY keys LIMIT 5
                    """, binds: bindings), logger: logger)
        for try await (count, keys) in rows.decode((Int64, String).self) {
            groups = Int(count)
            examples.append(keys)
        }
        return (groups, examples)
    }

    /// Compares the records staged in this transaction (``RecordStage``; the last of a key wins)
    /// with the dataset's records, on the key.
    public static func compareStaged(with dataset: HubDatasetView, on connection: PostgresConnection, logger: Logger)
        async throws -> HubComparison
    {
        let hub = try table(dataset)
        try await connection.queryUnlessClosed(
            """
            CREATE TEMP TABLE jembatan_source ON COMMIT DROP AS
            SELECT DISTINCT ON (record_key) record_key, record FROM pg_temp.jembatan_stage ORDER BY record_key, ordinal DESC
            """, logger: logger)
        var comparison = HubComparison()
        for try await (key, total) in try await connection.queryUnlessClosed(
            """
            SELECT record_key, count(*) OVER ()::bigint FROM pg_temp.jembatan_stage GROUP BY record_key HAVING count(*) > 1 ORDER BY record_key LIMIT 20
            """, logger: logger
        ).decode((String, Int64).self) {
            comparison.duplicateExamples.append(key)
            comparison.duplicateKeys = max(Int(total), comparison.duplicateExamples.count)
        }
        for try await (source, hubCount, missing, extra, changed, matched) in try await connection.queryUnlessClosed(
            """
            SELECT count(s.record_key)::bigint, count(h.record_key)::bigint,
                   count(*) FILTER (WHERE h.record_key IS NULL)::bigint, count(*) FILTER (WHERE s.record_key IS NULL)::bigint,
                   count(*) FILTER (WHERE s.record <> h.record)::bigint, count(*) FILTER (WHERE s.record = h.record)::bigint
            FROM pg_temp.jembatan_source s FULL JOIN \(identifier: hub) h USING (record_key)
            """, logger: logger
        ).decode((Int64, Int64, Int64, Int64, Int64, Int64).self) {
            (comparison.sourceRecords, comparison.hubRecords) = (Int(source), Int(hubCount))
            (comparison.missingInHub, comparison.extraInHub, comparison.changed, comparison.matched) = (
                Int(missing), Int(extra), Int(changed), Int(matched)
            )
        }
        for try await key in try await connection.queryUnlessClosed(
            """
            SELECT s.record_key FROM pg_temp.jembatan_source s LEFT JOIN \(identifier: hub) h USING (record_key) WHERE h.record_key IS NULL ORDER BY s.record_key LIMIT 20
            """, logger: logger
        ).decode(String.self) { comparison.missingExamples.append(key) }
        for try await key in try await connection.queryUnlessClosed(
            """
            SELECT h.record_key FROM \(identifier: hub) h LEFT JOIN pg_temp.jembatan_source s USING (record_key) WHERE s.record_key IS NULL ORDER BY h.record_key LIMIT 20
            """, logger: logger
        ).decode(String.self) { comparison.extraExamples.append(key) }
        for try await (key, fields) in try await connection.queryUnlessClosed(
            """
            SELECT s.record_key, ARRAY(
                SELECT k FROM (SELECT jsonb_object_keys(s.record) AS k UNION SELECT jsonb_object_keys(h.record)) names
                WHERE s.record->k IS DISTINCT FROM h.record->k ORDER BY k)
            FROM pg_temp.jembatan_source s JOIN \(identifier: hub) h USING (record_key) WHERE s.record <> h.record ORDER BY s.record_key LIMIT 20
            """, logger: logger
        ).decode((String, [String]).self) {
            comparison.changedRecords.append((key, fields))
        }
        return comparison
    }

    /// When the results of `contractId` were delivered to the producer (SOP: "Menyerahkan laporan
    /// hasil integrasi"), nil when not yet.
    public static func deliveredAt(
        ofRequest requestId: String, contractId: String, on connection: PostgresConnection, logger: Logger
    ) async throws -> Date? {
        try await firstDate(
            "SELECT delivered_at FROM provisioning.deliveries WHERE request_id = $1 AND contract_id = $2",
            requestId, contractId, on: connection, logger: logger)
    }

    /// When the results document of `contractId` was handed over (Kaltim step 10), nil when not yet.
    public static func handedOverAt(
        ofRequest requestId: String, contractId: String, on connection: PostgresConnection, logger: Logger
    ) async throws -> Date? {
        try await firstDate(
            "SELECT handed_over_at FROM provisioning.hand_overs WHERE request_id = $1 AND contract_id = $2",
            requestId, contractId, on: connection, logger: logger)
    }

    private static func firstDate(
        _ sql: String, _ requestId: String, _ contractId: String, on connection: PostgresConnection, logger: Logger
    ) async throws -> Date? {
        var binds = PostgresBindings()
        binds.append(requestId)
        binds.append(contractId)
        for try await at in try await connection.queryUnlessClosed(
            PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger
        )
        .decode(Date.self) {
            return at
        }
        return nil
    }
}

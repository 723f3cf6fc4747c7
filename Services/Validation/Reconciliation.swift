import Foundation
import Hummingbird
import JembatanShared
import Logging
import PostgresNIO

/// The comparison of the producer's own records with the hub's.
struct ReconciliationReport: Codable, Sendable {
    struct Keys: Codable, Sendable {
        var count: Int
        /// Up to 20 keys.
        var examples: [String]
    }

    struct Changed: Codable, Sendable {
        var key: String
        /// Fields whose values differ between the producer's system and the hub.
        var fields: [String]
    }

    var reconciliationId: String
    var requestId: String
    var datasetId: String
    /// The count the producer declared for its system, if it did.
    var declaredCount: Int?
    /// Rows received.
    var sourceRows: Int
    /// Rows that break the contract (they cannot be compared), with the first errors.
    var invalidInSource: Int
    var sourceErrors: [RecordError]
    /// Keys present more than once in what the producer sent.
    var duplicateKeysInSource: Keys
    /// Distinct valid keys the producer holds.
    var sourceRecords: Int
    var hubRecords: Int
    var missingInHub: Keys
    var extraInHub: Keys
    var changedCount: Int
    var changed: [Changed]
    var matched: Int
    /// True when the declared count (if any) equals the hub's count and nothing is missing, extra or changed.
    var consistent: Bool
    var submittedBy: String
    var completedAt: Date
}

/// Streams the producer's records (CSV, NDJSON or a JSON array, as for a push), brings them
/// into the contract's canonical form, stages them with `COPY` and compares them with the hub
/// in SQL (a full join on the key), so a million records need no more memory than a push.
struct Reconciliation: Sendable {
    let context: ServiceContext
    let references: ReferenceCodes

    func run(requestId: String, datasetId: String, declaredCount: Int?, format: PushFormat, body: RequestBody, account: Account) async throws -> ReconciliationReport {
        let logger = context.logger
        return try await context.client.inTransaction(logger: logger) { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", logger: logger)
            var agency: String?
            var contract = ""
            for try await (contractId, owner) in try await connection.query(
                "SELECT contract_id, agency_code FROM validation.cases WHERE request_id = \(requestId)", logger: logger
            ).decode((String, String).self) { (contract, agency) = (contractId, owner) }
            guard let agency, account.mayAccess(agency: agency) else { throw APIError.notFound("validation case of request") }
            guard let dataset = try await HubReader.datasets(ofRequest: requestId, on: connection, logger: logger).first(where: { $0.datasetId == datasetId }) else {
                throw APIError(.badRequest, code: "invalid_parameter", message: "'\(datasetId)' is not a provisioned dataset of this request", field: "dataset")
            }
            let lists = try await references.lists(RecordValidator.referenceSets(of: dataset.definition), on: connection, logger: logger)
            let validator = try RecordValidator(dataset: dataset.definition, references: lists)
            var parser = IngestParser(validator: validator, format: format)
            _ = try await RecordStage.stage(on: connection, logger: logger) { stage in try await parser.run(body, into: &stage) }
            let hub = "provisioning.\(dataset.storageTable)"
            try await connection.query("""
                CREATE TEMP TABLE jembatan_source ON COMMIT DROP AS
                SELECT DISTINCT ON (record_key) record_key, record FROM pg_temp.jembatan_stage ORDER BY record_key, ordinal DESC
                """, logger: logger)
            let duplicates = try await keys("""
                SELECT record_key, count(*) OVER ()::bigint FROM pg_temp.jembatan_stage GROUP BY record_key HAVING count(*) > 1 ORDER BY record_key LIMIT 20
                """, on: connection)
            var counts = (source: 0, hub: 0, missing: 0, extra: 0, changed: 0, matched: 0)
            for try await (source, hubCount, missing, extra, changed, matched) in try await connection.query(PostgresQuery(unsafeSQL: """
                SELECT count(s.record_key)::bigint, count(h.record_key)::bigint,
                       count(*) FILTER (WHERE h.record_key IS NULL)::bigint, count(*) FILTER (WHERE s.record_key IS NULL)::bigint,
                       count(*) FILTER (WHERE s.record <> h.record)::bigint, count(*) FILTER (WHERE s.record = h.record)::bigint
                FROM pg_temp.jembatan_source s FULL JOIN \(hub) h USING (record_key)
                """), logger: logger).decode((Int64, Int64, Int64, Int64, Int64, Int64).self) {
                counts = (Int(source), Int(hubCount), Int(missing), Int(extra), Int(changed), Int(matched))
            }
            let missing = try await keys("""
                SELECT s.record_key, 0::bigint FROM pg_temp.jembatan_source s LEFT JOIN \(hub) h USING (record_key) WHERE h.record_key IS NULL ORDER BY s.record_key LIMIT 20
                """, on: connection)
            let extra = try await keys("""
                SELECT h.record_key, 0::bigint FROM \(hub) h LEFT JOIN pg_temp.jembatan_source s USING (record_key) WHERE s.record_key IS NULL ORDER BY h.record_key LIMIT 20
                """, on: connection)
            var changed: [ReconciliationReport.Changed] = []
            for try await (key, fields) in try await connection.query(PostgresQuery(unsafeSQL: """
                SELECT s.record_key, ARRAY(
                    SELECT k FROM (SELECT jsonb_object_keys(s.record) AS k UNION SELECT jsonb_object_keys(h.record)) names
                    WHERE s.record->k IS DISTINCT FROM h.record->k ORDER BY k)
                FROM pg_temp.jembatan_source s JOIN \(hub) h USING (record_key) WHERE s.record <> h.record ORDER BY s.record_key LIMIT 20
                """), logger: logger).decode((String, [String]).self) {
                changed.append(.init(key: key, fields: fields))
            }
            let consistent = counts.missing == 0 && counts.extra == 0 && counts.changed == 0 && parser.rejected == 0 && (declaredCount.map { $0 == counts.hub } ?? true)
            let report = ReconciliationReport(
                reconciliationId: UUID().uuidString.lowercased(), requestId: requestId, datasetId: datasetId, declaredCount: declaredCount,
                sourceRows: parser.received, invalidInSource: parser.rejected, sourceErrors: Array(parser.errors.prefix(100)),
                duplicateKeysInSource: .init(count: duplicates.count, examples: duplicates.examples), sourceRecords: counts.source, hubRecords: counts.hub,
                missingInHub: .init(count: counts.missing, examples: missing.examples), extraInHub: .init(count: counts.extra, examples: extra.examples),
                changedCount: counts.changed, changed: changed, matched: counts.matched, consistent: consistent, submittedBy: account.name, completedAt: Date()
            )
            try await connection.query("""
                INSERT INTO validation.reconciliations (reconciliation_id, request_id, contract_id, dataset_id, submitted_by, completed_at, source_records, hub_records,
                    missing_in_hub, extra_in_hub, changed, matched, report)
                VALUES (\(report.reconciliationId), \(requestId), \(contract), \(datasetId), \(account.name), \(report.completedAt), \(counts.source), \(counts.hub),
                    \(counts.missing), \(counts.extra), \(counts.changed), \(counts.matched), \(try CloudEventCodec.jsonText(report))::jsonb)
                """, logger: logger)
            try await context.outbox.enqueue(ReconciliationCompleted(
                requestId: requestId, reconciliationId: report.reconciliationId, datasetId: datasetId, sourceRecords: counts.source, hubRecords: counts.hub,
                missingInHub: counts.missing, extraInHub: counts.extra, changed: counts.changed, matched: counts.matched, submittedBy: account.actor, completedAt: report.completedAt
            ), on: connection, logger: logger)
            return report
        }
    }

    /// Keys from a query returning (key, total) rows; `count` is the total when the query has one.
    private func keys(_ sql: String, on connection: PostgresConnection) async throws -> ReconciliationReport.Keys {
        var result = ReconciliationReport.Keys(count: 0, examples: [])
        for try await (key, total) in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: context.logger).decode((String, Int64).self) {
            result.examples.append(key)
            result.count = max(Int(total), result.examples.count)
        }
        return result
    }
}

/// Scheduled check: a dataset not updated within its declared frequency (plus a quarter) raises a
/// finding, once per stale period (a new push starts a new period).
struct FreshnessCheck: Sendable {
    let context: ServiceContext

    func run(asOf: Date) async throws -> [FreshnessFinding] {
        let logger = context.logger
        return try await context.client.inTransaction(logger: logger) { connection in
            var findings: [FreshnessFinding] = []
            for dataset in try await HubReader.datasets(on: connection, logger: logger) {
                guard let frequency = dataset.definition.updateFrequency, let limit = QualityRules.graceDays(frequency) else { continue }
                var lastUpdate = dataset.provisionedAt
                for try await last in try await connection.query(PostgresQuery(unsafeSQL: "SELECT max(updated_at) FROM provisioning.\(dataset.storageTable)"),
                                                                logger: logger).decode(Date?.self) {
                    lastUpdate = last ?? dataset.provisionedAt
                }
                let age = Int(asOf.timeIntervalSince(lastUpdate) / 86_400)
                guard age > limit else { continue }
                let inserted = try await connection.query("""
                    INSERT INTO validation.freshness_findings (dataset_id, last_update, request_id, update_frequency, as_of, age_days, allowed_days)
                    VALUES (\(dataset.datasetId), \(lastUpdate), \(dataset.requestId), \(frequency), \(asOf), \(age), \(limit))
                    ON CONFLICT (dataset_id, last_update) DO NOTHING RETURNING dataset_id
                    """, logger: logger)
                var new = false
                for try await _ in inserted.decode(String.self) { new = true }
                guard new else { continue }
                let finding = FreshnessFinding(requestId: dataset.requestId, datasetId: dataset.datasetId, updateFrequency: frequency, lastUpdate: lastUpdate,
                                               asOf: asOf, ageDays: age, allowedDays: limit)
                try await context.outbox.enqueue(finding, on: connection, logger: logger)
                findings.append(finding)
            }
            return findings
        }
    }
}

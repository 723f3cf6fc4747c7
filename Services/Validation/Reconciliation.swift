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

    func run(
        requestId: String, datasetId: String, declaredCount: Int?, format: PushFormat, body: RequestBody,
        account: Account
    ) async throws -> ReconciliationReport {
        let logger = context.logger
        return try await context.client.inTransaction(logger: logger) { connection in
            try await connection.repeatableRead(logger: logger)
            guard let found = try await ValidationStore.caseContract(requestId, on: connection, logger: logger),
                account.mayAccess(agency: found.agencyCode)
            else {
                throw APIError.notFound("validation case of request")
            }
            guard
                let dataset = try await HubReader.datasets(ofRequest: requestId, on: connection, logger: logger).first(
                    where: { $0.datasetId == datasetId })
            else {
                throw APIError(
                    .badRequest, code: "invalid_parameter",
                    message: "'\(datasetId)' is not a provisioned dataset of this request", field: "dataset")
            }
            let lists = try await references.lists(
                RecordValidator.referenceSets(of: dataset.definition), on: connection, logger: logger)
            let validator = try RecordValidator(dataset: dataset.definition, references: lists)
            var parser = IngestParser(validator: validator, format: format)
            _ = try await RecordStage.stage(on: connection, logger: logger) { stage in
                try await parser.run(body, into: &stage)
            }
            let compared = try await HubReader.compareStaged(with: dataset, on: connection, logger: logger)
            let consistent =
                compared.missingInHub == 0 && compared.extraInHub == 0 && compared.changed == 0 && parser.rejected == 0
                && (declaredCount.map { $0 == compared.hubRecords } ?? true)
            let report = ReconciliationReport(
                reconciliationId: UUID().uuidString.lowercased(), requestId: requestId, datasetId: datasetId,
                declaredCount: declaredCount,
                sourceRows: parser.received, invalidInSource: parser.rejected,
                sourceErrors: Array(parser.errors.prefix(100)),
                duplicateKeysInSource: .init(count: compared.duplicateKeys, examples: compared.duplicateExamples),
                sourceRecords: compared.sourceRecords,
                hubRecords: compared.hubRecords,
                missingInHub: .init(count: compared.missingInHub, examples: compared.missingExamples),
                extraInHub: .init(count: compared.extraInHub, examples: compared.extraExamples),
                changedCount: compared.changed,
                changed: compared.changedRecords.map { .init(key: $0.key, fields: $0.fields) },
                matched: compared.matched, consistent: consistent,
                submittedBy: account.name, completedAt: Date()
            )
            try await ValidationStore.insertReconciliation(
                report, contractId: found.contractId, on: connection, logger: logger)
            try await context.outbox.enqueue(
                ReconciliationCompleted(
                    requestId: requestId, reconciliationId: report.reconciliationId, datasetId: datasetId,
                    sourceRecords: compared.sourceRecords,
                    hubRecords: compared.hubRecords, missingInHub: compared.missingInHub,
                    extraInHub: compared.extraInHub, changed: compared.changed,
                    matched: compared.matched, submittedBy: account.actor, completedAt: report.completedAt
                ), on: connection, logger: logger)
            return report
        }
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
                guard let frequency = dataset.definition.updateFrequency, let limit = QualityRules.graceDays(frequency)
                else { continue }
                let lastUpdate =
                    try await HubReader.lastUpdate(of: dataset, on: connection, logger: logger) ?? dataset.provisionedAt
                let age = Int(asOf.timeIntervalSince(lastUpdate) / 86_400)
                guard age > limit else { continue }
                let finding = FreshnessFinding(
                    requestId: dataset.requestId, datasetId: dataset.datasetId, updateFrequency: frequency,
                    lastUpdate: lastUpdate,
                    asOf: asOf, ageDays: age, allowedDays: limit)
                guard try await ValidationStore.recordFreshnessFinding(finding, on: connection, logger: logger) else {
                    continue
                }
                try await context.outbox.enqueue(finding, on: connection, logger: logger)
                findings.append(finding)
            }
            return findings
        }
    }
}

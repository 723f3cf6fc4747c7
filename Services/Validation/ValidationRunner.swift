import Foundation
import JembatanShared
import Logging
import PostgresNIO

/// A completed validation run: the scorecard of every dataset of the request.
struct ValidationRun: Codable, Sendable {
    var runId: String
    var requestId: String
    var contractId: String
    var trigger: String
    var runBy: String
    var asOf: Date
    var startedAt: Date
    var completedAt: Date
    var passed: Bool
    /// Share of checks passed, 0–100.
    var score: Double
    var records: Int
    var failedChecks: [String]
    var datasets: [DatasetScorecard]
}

/// Runs the quality checks of a request's datasets on one consistent snapshot and stores the scorecard.
struct ValidationRunner: Sendable {
    let context: ServiceContext

    /// Runs now (or as of `asOf` for timeliness) and records the run and its event in one transaction.
    func run(requestId: String, trigger: String, actor: ActorReference, account: Account?, asOf: Date = Date())
        async throws -> ValidationRun
    {
        let logger = context.logger
        let started = Date()
        return try await context.client.inTransaction(logger: logger) { connection in
            // Every count of the run sees the same records.
            try await connection.repeatableRead(logger: logger)
            guard let found = try await ValidationStore.caseContract(requestId, on: connection, logger: logger) else {
                // The hub may have announced the API a moment ago and the event not be here yet.
                let announced = try await HubReader.datasets(ofRequest: requestId, on: connection, logger: logger)
                if let owner = announced.first?.agencyCode, account.map({ $0.mayAccess(agency: owner) }) ?? true {
                    throw APIError(
                        .serviceUnavailable, code: "catching_up",
                        message:
                            "the hub provisioned this request a moment ago; validation is catching up — retry shortly")
                }
                throw APIError(
                    .notFound, code: "not_found", message: "no provisioned API for this request (nothing to validate)")
            }
            guard account.map({ $0.mayAccess(agency: found.agencyCode) }) ?? true else {
                throw APIError(
                    .notFound, code: "not_found", message: "no provisioned API for this request (nothing to validate)")
            }
            let datasets = try await HubReader.datasets(ofRequest: requestId, on: connection, logger: logger)
            guard !datasets.isEmpty else {
                throw APIError(
                    .conflict, code: "not_provisioned", message: "the hub holds no provisioned dataset for this request"
                )
            }
            var scorecards: [DatasetScorecard] = []
            for dataset in datasets {
                scorecards.append(
                    try await QualityChecks(dataset: dataset, asOf: asOf, logger: logger).run(on: connection))
            }
            let checks = scorecards.flatMap { card in card.checks.map { (card.datasetId, $0) } }
            let failed = checks.filter { !$0.1.passed }.map {
                "\($0.0)/\($0.1.dimension)/\($0.1.rule)\($0.1.field.map { "/\($0)" } ?? "")"
            }
            let score =
                checks.isEmpty ? 0 : (Double(checks.count - failed.count) * 1000 / Double(checks.count)).rounded() / 10
            let run = ValidationRun(
                runId: UUID().uuidString.lowercased(), requestId: requestId, contractId: found.contractId,
                trigger: trigger, runBy: actor.id, asOf: asOf,
                startedAt: started, completedAt: Date(), passed: failed.isEmpty, score: score,
                records: scorecards.reduce(0) { $0 + $1.records },
                failedChecks: failed, datasets: scorecards
            )
            try await ValidationStore.insertRun(run, on: connection, logger: logger)
            try await context.outbox.enqueue(
                ValidationRunCompleted(
                    requestId: requestId, runId: run.runId, contractId: run.contractId, trigger: trigger,
                    passed: run.passed, score: score, checks: checks.count,
                    failedChecks: failed, records: run.records, runBy: actor, completedAt: run.completedAt
                ), on: connection, logger: logger)
            return run
        }
    }
}

import Foundation
import JembatanShared
import Logging
import PostgresNIO

/// Applies intake's and validation's events: keeps the submitted definition and runs the
/// automated review whenever the team has something new to decide on.
struct IntakeEventsHandler: Sendable {
    let context: ServiceContext

    var consumer: ConsumerDefinition {
        ConsumerDefinition(
            name: "evaluation", topics: ServiceName.evaluation.consumedTopics,
            handledTypes: [.requestSubmitted, .requestDispositioned, .requestResubmitted, .requestWithdrawn, .requestReopened]
        ) { event, connection, logger in
            switch event.attributes.type {
            case .requestSubmitted: try await recordSubmission(try event.payload(RequestSubmitted.self), on: connection, logger: logger)
            case .requestDispositioned:
                _ = try event.payload(RequestDispositioned.self)
                try await startReview(event.requestId, datasets: nil, version: nil, extra: [], from: ["awaiting_disposition"], trigger: "disposition", on: connection, logger: logger)
            case .requestResubmitted:
                let resubmitted = try event.payload(RequestResubmitted.self)
                try await startReview(event.requestId, datasets: resubmitted.datasets, version: resubmitted.version, extra: [], from: ["returned"], trigger: "resubmission", on: connection, logger: logger)
            case .requestReopened:
                let reopened = try event.payload(RequestReopened.self)
                let findings = reopened.reasons.map { ReviewFinding(severity: "warning", dataset: "*", field: nil, rule: "reopened_by_producer", message: $0) }
                try await startReview(event.requestId, datasets: nil, version: nil, extra: findings, from: ["agreed"], trigger: "reopened", on: connection, logger: logger)
            case .requestWithdrawn:
                try await connection.query("UPDATE evaluation.submissions SET state = 'withdrawn' WHERE request_id = \(event.requestId)", logger: logger)
            default: break
            }
        }
    }

    func recordSubmission(_ submitted: RequestSubmitted, on connection: PostgresConnection, logger: Logger) async throws {
        let datasets = try CloudEventCodec.jsonText(submitted.datasets)
        let consumers = try CloudEventCodec.jsonText(submitted.intendedConsumers ?? [])
        try await connection.query("""
            INSERT INTO evaluation.submissions (request_id, agency_code, datasets, consumers, submitted_at)
            VALUES (\(submitted.requestId), \(submitted.agencyCode), \(datasets)::jsonb, \(consumers)::jsonb, \(submitted.submittedAt))
            ON CONFLICT (request_id) DO NOTHING
            """, logger: logger)
    }

    /// SOP step 3 begins: review the (new) structure and wait for the team's decision.
    /// An event that does not fit the current state (e.g. a disposition for a request already decided) changes nothing.
    func startReview(_ requestId: String, datasets newDatasets: [DatasetDefinition]?, version newVersion: Int?, extra: [ReviewFinding], from allowedStates: Set<String>, trigger: String, on connection: PostgresConnection, logger: Logger) async throws {
        var current: (datasets: [DatasetDefinition], version: Int, state: String)?
        let rows = try await connection.query("SELECT datasets::text, version, state FROM evaluation.submissions WHERE request_id = \(requestId) FOR UPDATE", logger: logger)
        for try await (datasets, version, state) in rows.decode((String, Int, String).self) {
            current = (try CloudEventCodec.decodeJSON([DatasetDefinition].self, from: datasets), version, state)
        }
        guard let current else { throw EventRejected(reason: "request \(requestId) reached evaluation without its submission") }
        guard allowedStates.contains(current.state) else {
            logger.notice("Event does not fit the evaluation state; nothing changed", metadata: ["evaluation.state": "\(current.state)"])
            return
        }
        let datasets = newDatasets ?? current.datasets
        let version = newVersion ?? current.version
        let findings = TechnicalReview.findings(
            for: datasets,
            existing: try await agreedElsewhere(than: requestId, on: connection, logger: logger),
            previousContract: try await latestContract(of: requestId, on: connection, logger: logger)
        ) + extra
        let datasetsJSON = try CloudEventCodec.jsonText(datasets)
        let findingsJSON = try CloudEventCodec.jsonText(findings)
        try await connection.query("""
            UPDATE evaluation.submissions SET datasets = \(datasetsJSON)::jsonb, version = \(version), findings = \(findingsJSON)::jsonb, state = 'awaiting_decision'
            WHERE request_id = \(requestId)
            """, logger: logger)
        try await context.outbox.enqueue(EvaluationStarted(requestId: requestId, version: version, trigger: trigger, findings: findings, startedBy: .system(.evaluation), startedAt: Date()), on: connection, logger: logger)
    }

    /// The newest contract of every other request: the datasets already in the hub.
    func agreedElsewhere(than requestId: String, on connection: PostgresConnection, logger: Logger) async throws -> [TechnicalReview.ExistingDataset] {
        var existing: [TechnicalReview.ExistingDataset] = []
        let rows = try await connection.query("""
            SELECT DISTINCT ON (request_id) request_id, datasets::text FROM evaluation.contracts
            WHERE request_id <> \(requestId) ORDER BY request_id, version DESC
            """, logger: logger)
        for try await (otherRequest, datasets) in rows.decode((String, String).self) {
            for dataset in try CloudEventCodec.decodeJSON([DatasetDefinition].self, from: datasets) {
                existing.append(.init(requestId: otherRequest, dataset: dataset))
            }
        }
        return existing
    }

    /// The request's own latest contract, to compare a reopened or revised structure with.
    func latestContract(of requestId: String, on connection: PostgresConnection, logger: Logger) async throws -> [DatasetDefinition]? {
        let rows = try await connection.query("SELECT datasets::text FROM evaluation.contracts WHERE request_id = \(requestId) ORDER BY version DESC LIMIT 1", logger: logger)
        for try await datasets in rows.decode(String.self) {
            return try CloudEventCodec.decodeJSON([DatasetDefinition].self, from: datasets)
        }
        return nil
    }
}

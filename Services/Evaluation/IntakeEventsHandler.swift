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
            handledTypes: [
                .requestSubmitted, .requestDispositioned, .requestResubmitted, .requestWithdrawn, .requestDeclined,
                .requestReopened,
            ]
        ) { event, connection, logger in
            switch event.attributes.type {
            case .requestSubmitted:
                try await recordSubmission(try event.payload(RequestSubmitted.self), on: connection, logger: logger)
            case .requestDispositioned:
                _ = try event.payload(RequestDispositioned.self)
                try await startReview(
                    event.requestId, datasets: nil, version: nil, extra: [], from: [.awaitingDisposition],
                    trigger: "disposition", on: connection, logger: logger)
            case .requestResubmitted:
                let resubmitted = try event.payload(RequestResubmitted.self)
                try await startReview(
                    event.requestId, datasets: resubmitted.datasets, version: resubmitted.version, extra: [],
                    from: [.returned], trigger: "resubmission", on: connection, logger: logger)
            case .requestReopened:
                let reopened = try event.payload(RequestReopened.self)
                let findings = reopened.reasons.map {
                    ReviewFinding(
                        severity: .warning, dataset: "*", field: nil, rule: "reopened_by_producer", message: $0)
                }
                try await startReview(
                    event.requestId, datasets: nil, version: nil, extra: findings, from: [.agreed], trigger: "reopened",
                    on: connection, logger: logger)
            case .requestWithdrawn, .requestDeclined:
                // Declined by the head before any evaluation: closed here as a withdrawn one is.
                try await EvaluationStore.setState(.withdrawn, of: event.requestId, on: connection, logger: logger)
            default: break
            }
        }
    }

    func recordSubmission(_ submitted: RequestSubmitted, on connection: PostgresConnection, logger: Logger) async throws
    {
        try await EvaluationStore.recordSubmission(submitted, on: connection, logger: logger)
    }

    /// SOP step 3 begins: review the (new) structure and wait for the team's decision.
    /// An event that does not fit the current state (e.g. a disposition for a request already decided) changes nothing.
    func startReview(
        _ requestId: String, datasets newDatasets: [DatasetDefinition]?, version newVersion: Int?,
        extra: [ReviewFinding], from allowedStates: Set<EvaluationState>, trigger: String,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        guard let current = try await EvaluationStore.lockedSubmission(requestId, on: connection, logger: logger) else {
            throw EventRejected(reason: "request \(requestId) reached evaluation without its submission")
        }
        guard allowedStates.contains(current.state) else {
            logger.notice(
                "Event does not fit the evaluation state; nothing changed",
                metadata: ["evaluation.state": "\(current.state.rawValue)"])
            return
        }
        let datasets = newDatasets ?? current.datasets
        let version = newVersion ?? current.version
        let findings =
            TechnicalReview.findings(
                for: datasets,
                existing: try await EvaluationStore.agreedElsewhere(than: requestId, on: connection, logger: logger),
                previousContract: try await EvaluationStore.latestContractDatasets(
                    of: requestId, on: connection, logger: logger)
            ) + extra
        try await EvaluationStore.awaitDecision(
            requestId, datasets: datasets, version: version, findings: findings, on: connection, logger: logger)
        try await context.outbox.enqueue(
            EvaluationStarted(
                requestId: requestId, version: version, trigger: trigger, findings: findings,
                startedBy: .system(.evaluation), startedAt: Date()), on: connection, logger: logger)
    }
}

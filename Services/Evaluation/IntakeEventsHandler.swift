import Foundation
import JembatanShared
import Logging
import PostgresNIO

/// Applies intake's events: keeps the submitted definition, reviews it on disposition.
struct IntakeEventsHandler: Sendable {
    let context: ServiceContext

    var consumer: ConsumerDefinition {
        ConsumerDefinition(name: "evaluation", topics: [.intake], handledTypes: [.requestSubmitted, .requestDispositioned]) { event, connection, logger in
            switch event.attributes.type {
            case .requestSubmitted: try await recordSubmission(try event.payload(RequestSubmitted.self), on: connection, logger: logger)
            case .requestDispositioned: try await review(try event.payload(RequestDispositioned.self), on: connection, logger: logger)
            default: break
            }
        }
    }

    func recordSubmission(_ submitted: RequestSubmitted, on connection: PostgresConnection, logger: Logger) async throws {
        let datasets = String(decoding: try CloudEventCodec.makeEncoder().encode(submitted.datasets), as: UTF8.self)
        try await connection.query("""
            INSERT INTO evaluation.submissions (request_id, agency_code, datasets, submitted_at)
            VALUES (\(submitted.requestId), \(submitted.agencyCode), \(datasets)::jsonb, \(submitted.submittedAt))
            ON CONFLICT (request_id) DO UPDATE SET datasets = EXCLUDED.datasets, submitted_at = EXCLUDED.submitted_at
            """, logger: logger)
    }

    /// SOP steps 3–4: review the structure; agree a contract version or return with the findings.
    func review(_ dispositioned: RequestDispositioned, on connection: PostgresConnection, logger: Logger) async throws {
        var submission: (agency: String, datasets: [DatasetDefinition])?
        let rows = try await connection.query("SELECT agency_code, datasets::text FROM evaluation.submissions WHERE request_id = \(dispositioned.requestId)", logger: logger)
        for try await (agency, datasets) in rows.decode((String, String).self) {
            submission = (agency, try CloudEventCodec.makeDecoder().decode([DatasetDefinition].self, from: Data(datasets.utf8)))
        }
        guard let submission else {
            throw EventRejected(reason: "disposition for request \(dispositioned.requestId) arrived without its submission")
        }
        let findings = TechnicalReview.findings(for: submission.datasets)
        let reviewer = ActorReference.system(.evaluation)
        let now = Date()
        let findingsJSON = String(decoding: try CloudEventCodec.makeEncoder().encode(findings), as: UTF8.self)
        let agreed = !findings.contains { $0.severity == "blocking" }
        try await connection.query("""
            INSERT INTO evaluation.reviews (request_id, findings, decision, decided_by, decided_at)
            VALUES (\(dispositioned.requestId), \(findingsJSON)::jsonb, \(agreed ? "agreed" : "returned"), \(reviewer.id), \(now))
            """, logger: logger)
        guard agreed else {
            try await context.outbox.enqueue(RequestReturned(requestId: dispositioned.requestId, findings: findings, returnedBy: reviewer, returnedAt: now), on: connection, logger: logger)
            return
        }
        var version = 1
        for try await latest in try await connection.query("SELECT coalesce(max(version), 0) + 1 FROM evaluation.contracts WHERE request_id = \(dispositioned.requestId)", logger: logger).decode(Int.self) {
            version = latest
        }
        let contractId = UUID().uuidString.lowercased()
        let datasetsJSON = String(decoding: try CloudEventCodec.makeEncoder().encode(submission.datasets), as: UTF8.self)
        try await connection.query("""
            INSERT INTO evaluation.contracts (contract_id, request_id, version, datasets, agreed_at)
            VALUES (\(contractId), \(dispositioned.requestId), \(version), \(datasetsJSON)::jsonb, \(now))
            """, logger: logger)
        try await context.outbox.enqueue(ContractAgreed(
            requestId: dispositioned.requestId, contractId: contractId, contractVersion: version, agencyCode: submission.agency,
            datasets: submission.datasets, findings: findings, agreedBy: reviewer, agreedAt: now
        ), on: connection, logger: logger)
    }
}

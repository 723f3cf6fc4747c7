import Foundation
import JembatanShared
import Logging
import PostgresNIO

/// Opens a validation case when the hub announces a provisioned API; queues a validation run
/// when the producer pushed data.
struct ProvisioningEventsHandler: Sendable {
    var consumer: ConsumerDefinition {
        ConsumerDefinition(name: "validation", topics: ServiceName.validation.consumedTopics, handledTypes: [.apiProvisioned, .recordsIngested]) { event, connection, logger in
            switch event.attributes.type {
            case .recordsIngested:
                let ingested = try event.payload(RecordsIngested.self)
                guard ingested.accepted > 0 else { return }
                try await connection.query("""
                    INSERT INTO validation.pending_runs (request_id, requested_at) VALUES (\(ingested.requestId), now())
                    ON CONFLICT (request_id) DO UPDATE SET requested_at = EXCLUDED.requested_at
                    """, logger: logger)
            default:
                let provisioned = try event.payload(APIProvisioned.self)
                try await connection.query("""
                    INSERT INTO validation.cases (request_id, contract_id, agency_code, provisioned_at, state)
                    VALUES (\(provisioned.requestId), \(provisioned.contractId), \(provisioned.agencyCode), \(provisioned.provisionedAt), 'awaiting_decision')
                    ON CONFLICT (request_id) DO UPDATE SET contract_id = EXCLUDED.contract_id, provisioned_at = EXCLUDED.provisioned_at,
                        state = 'awaiting_decision', decided_by = NULL, decided_at = NULL, decision_note = NULL, decision_run_id = NULL
                    """, logger: logger)
            }
        }
    }
}

import Foundation
import JembatanShared
import Logging
import PostgresNIO

/// Opens a validation case when the hub announces a provisioned API; queues a validation run
/// when the producer pushed data.
struct ProvisioningEventsHandler: Sendable {
    var consumer: ConsumerDefinition {
        ConsumerDefinition(
            name: "validation", topics: ServiceName.validation.consumedTopics,
            handledTypes: [.apiProvisioned, .recordsIngested]
        ) { event, connection, logger in
            switch event.attributes.type {
            case .recordsIngested:
                let ingested = try event.payload(RecordsIngested.self)
                guard ingested.accepted > 0 else { return }
                try await ValidationStore.queueRun(of: ingested.requestId, on: connection, logger: logger)
            default:
                try await ValidationStore.openCase(
                    try event.payload(APIProvisioned.self), on: connection, logger: logger)
            }
        }
    }
}

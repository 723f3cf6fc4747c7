import Foundation
import JembatanShared
import Logging
import PostgresNIO

/// Marks a request returned when the technical team sends it back, so the producer can revise it.
struct EvaluationEventsHandler: Sendable {
    var consumer: ConsumerDefinition {
        ConsumerDefinition(name: "intake", topics: ServiceName.intake.consumedTopics, handledTypes: [.requestReturned]) { event, connection, logger in
            let returned = try event.payload(RequestReturned.self)
            let reasons = try CloudEventCodec.jsonText(returned.reasons)
            try await connection.query("""
                UPDATE intake.requests SET state = 'returned', return_reasons = \(reasons)::jsonb
                WHERE request_id = \(returned.requestId) AND state <> 'withdrawn'
                """, logger: logger)
        }
    }
}

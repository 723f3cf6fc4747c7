import Foundation
import JembatanShared
import Logging
import PostgresNIO

/// Marks a request returned when the technical team sends it back, so the producer can revise it.
struct EvaluationEventsHandler: Sendable {
    var consumer: ConsumerDefinition {
        ConsumerDefinition(name: "intake", topics: ServiceName.intake.consumedTopics, handledTypes: [.requestReturned])
        { event, connection, logger in
            try await RequestStore.recordReturn(try event.payload(RequestReturned.self), on: connection, logger: logger)
        }
    }
}

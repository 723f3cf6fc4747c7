import Foundation
import JembatanShared
import Logging
import PostgresNIO

/// Projects every event onto the read model; on acceptance records the request as completed.
struct ReadModelProjector: Sendable {
    let context: ServiceContext

    static let projectedTypes: Set<EventType> = Set(EventType.allCases.filter { $0.topic != .reporting })

    var consumer: ConsumerDefinition {
        ConsumerDefinition(name: "reporting", topics: [.intake, .evaluation, .provisioning, .validation], handledTypes: Self.projectedTypes) { event, connection, logger in
            try await project(event, on: connection, logger: logger)
        }
    }

    /// What an event means for the request: its actor, the state and SOP step it leads to.
    struct Transition {
        var actor: ActorReference
        var state: String
        var step: Int
    }

    func transition(of event: ReceivedEvent) throws -> Transition {
        switch event.attributes.type {
        case .requestSubmitted: Transition(actor: try event.payload(RequestSubmitted.self).submittedBy, state: "submitted", step: 1)
        case .requestDispositioned: Transition(actor: try event.payload(RequestDispositioned.self).dispositionedBy, state: "under_evaluation", step: 3)
        case .contractAgreed: Transition(actor: try event.payload(ContractAgreed.self).agreedBy, state: "provisioning", step: 5)
        case .requestReturned: Transition(actor: try event.payload(RequestReturned.self).returnedBy, state: "returned", step: 3)
        case .apiProvisioned: Transition(actor: try event.payload(APIProvisioned.self).provisionedBy, state: "validating", step: 8)
        case .requestAccepted: Transition(actor: try event.payload(RequestAccepted.self).decidedBy, state: "completed", step: 10)
        case .requestReopened: Transition(actor: try event.payload(RequestReopened.self).decidedBy, state: "reopened", step: 3)
        case .requestCompleted: throw EventRejected(reason: "reporting does not project its own events")
        }
    }

    func project(_ event: ReceivedEvent, on connection: PostgresConnection, logger: Logger) async throws {
        let transition = try transition(of: event)
        let requestId = event.requestId
        let occurredAt = event.attributes.time
        try await connection.query("""
            INSERT INTO reporting.timeline (event_id, request_id, event_type, source, actor_id, actor_role, occurred_at)
            VALUES (\(event.attributes.id), \(requestId), \(event.attributes.type.rawValue), \(event.attributes.source),
                    \(transition.actor.id), \(transition.actor.role.rawValue), \(occurredAt))
            ON CONFLICT (event_id) DO NOTHING
            """, logger: logger)
        if event.attributes.type == .requestSubmitted {
            let submitted = try event.payload(RequestSubmitted.self)
            try await connection.query("""
                INSERT INTO reporting.requests (request_id, agency_code, title, profile, state, sop_step, submitted_at, updated_at)
                VALUES (\(requestId), \(submitted.agencyCode), \(submitted.title), \(submitted.profile), 'submitted', 1, \(submitted.submittedAt), \(occurredAt))
                ON CONFLICT (request_id) DO UPDATE SET agency_code = EXCLUDED.agency_code, title = EXCLUDED.title,
                    profile = EXCLUDED.profile, submitted_at = EXCLUDED.submitted_at
                """, logger: logger)
        } else {
            try await connection.query("""
                INSERT INTO reporting.requests (request_id, state, sop_step, updated_at)
                VALUES (\(requestId), \(transition.state), \(transition.step), \(occurredAt))
                ON CONFLICT (request_id) DO UPDATE SET state = EXCLUDED.state, sop_step = EXCLUDED.sop_step, updated_at = EXCLUDED.updated_at
                """, logger: logger)
        }
        guard event.attributes.type == .requestAccepted else { return }
        var agency = ""
        var events = 0
        for try await (code, count) in try await connection.query("""
            SELECT coalesce(r.agency_code, ''), (SELECT count(*) FROM reporting.timeline t WHERE t.request_id = r.request_id)
            FROM reporting.requests r WHERE r.request_id = \(requestId)
            """, logger: logger).decode((String, Int).self) {
            agency = code
            events = count
        }
        try await connection.query("UPDATE reporting.requests SET completed_at = \(occurredAt) WHERE request_id = \(requestId)", logger: logger)
        try await context.outbox.enqueue(RequestCompleted(requestId: requestId, agencyCode: agency, timelineEvents: events, completedAt: occurredAt), on: connection, logger: logger)
    }
}

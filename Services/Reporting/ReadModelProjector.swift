import Foundation
import JembatanShared
import Logging
import PostgresNIO

/// Projects every event onto the read model; on acceptance records the request as completed.
struct ReadModelProjector: Sendable {
    let context: ServiceContext
    /// Where the read model lives: `reporting`, or a scratch schema when replaying the topics to check it.
    var store = ReadModelStore.live
    /// Only the live read model announces completions; a replay must not publish anything.
    var announces = true

    /// Batch summaries of the exchange API are volume, not steps: they stay off the timeline.
    static let projectedTypes: Set<EventType> = Set(
        EventType.allCases.filter {
            $0.topic != .reporting && $0.topic != .operations
                && ![.recordsIngested, .validationRunCompleted, .reconciliationCompleted, .freshnessFinding].contains(
                    $0)
        })

    /// Every event of the other services and of the operator is kept for the reports; the state-changing ones also move the timeline.
    static let storedTypes: Set<EventType> = Set(EventType.allCases.filter { $0.topic != .reporting })

    var consumer: ConsumerDefinition {
        ConsumerDefinition(
            name: "reporting", topics: ServiceName.reporting.consumedTopics, handledTypes: Self.storedTypes
        ) { event, connection, logger in
            try await apply(event, on: connection, logger: logger)
        }
    }

    /// Stores the event and, for the state-changing types, moves the request's timeline and state.
    func apply(_ event: ReceivedEvent, on connection: PostgresConnection, logger: Logger) async throws {
        // Every stored event is read against its type's schema first: reports decode them later, so a
        // payload that does not match is dead-lettered now instead of breaking a report.
        _ = try event.payload(event.attributes.type.payloadType)
        try await store.storeEvent(event, on: connection, logger: logger)
        guard Self.projectedTypes.contains(event.attributes.type) else { return }
        try await project(event, on: connection, logger: logger)
    }

    /// What an event means for the request: its actor, the state it leads to and the phase it opens.
    struct Transition {
        var actor: ActorReference
        var state: RequestState
        var next: Phase
        /// The SOP step the request is at, numbered as the read model numbers steps (SYSTEM.md §1).
        var step: Int { SOPProfileCatalog.readModelSteps.stepNumber(of: next) ?? 0 }
    }

    func transition(of event: ReceivedEvent) throws -> Transition {
        switch event.attributes.type {
        case .requestSubmitted:
            Transition(
                actor: try event.payload(RequestSubmitted.self).submittedBy, state: .submitted, next: .disposition)
        case .requestDispositioned:
            Transition(
                actor: try event.payload(RequestDispositioned.self).dispositionedBy, state: .dispositioned,
                next: .definition)
        case .requestResubmitted:
            Transition(
                actor: try event.payload(RequestResubmitted.self).resubmittedBy, state: .resubmitted, next: .evaluation)
        case .requestWithdrawn:
            Transition(actor: try event.payload(RequestWithdrawn.self).withdrawnBy, state: .withdrawn, next: .request)
        case .evaluationStarted:
            Transition(
                actor: try event.payload(EvaluationStarted.self).startedBy, state: .underEvaluation, next: .evaluation)
        case .contractAgreed:
            Transition(
                actor: try event.payload(ContractAgreed.self).agreedBy, state: .provisioning, next: .apiPreparation)
        case .requestReturned:
            Transition(actor: try event.payload(RequestReturned.self).returnedBy, state: .returned, next: .evaluation)
        case .integrationTestPassed:
            Transition(actor: .system(.provisioning), state: .integrationTested, next: .integrationTest)
        case .integrationTestFailed:
            Transition(actor: .system(.provisioning), state: .integrationTestFailed, next: .integrationTest)
        case .apiProvisioned:
            Transition(
                actor: try event.payload(APIProvisioned.self).provisionedBy, state: .provisioned, next: .delivery)
        case .resultsDelivered:
            Transition(
                actor: try event.payload(ResultsDelivered.self).deliveredBy, state: .validating,
                next: .producerValidation)
        case .requestAccepted:
            Transition(actor: try event.payload(RequestAccepted.self).decidedBy, state: .completed, next: .report)
        case .requestReopened:
            Transition(actor: try event.payload(RequestReopened.self).decidedBy, state: .reopened, next: .evaluation)
        case .requestCompleted, .slaWarning, .slaBreached, .reportPublished, .opsCheckCompleted, .incidentOpened,
            .incidentEscalated, .incidentClosed, .backupCompleted, .deadLetterRedriven, .recordsIngested,
            .validationRunCompleted, .reconciliationCompleted, .freshnessFinding:
            throw EventRejected(reason: "\(event.attributes.type.rawValue) is not projected onto the timeline")
        }
    }

    /// Records the event on the timeline, then derives the request's state from its latest event.
    ///
    /// Reporting reads several topics, and Kafka orders events only within a partition of one
    /// topic, so events of one request can arrive in any order; deriving the state from the
    /// timeline (ordered by when each step happened) makes the result independent of arrival order.
    func project(_ event: ReceivedEvent, on connection: PostgresConnection, logger: Logger) async throws {
        let transition = try transition(of: event)
        let requestId = event.requestId
        try await store.addToTimeline(
            event, actor: transition.actor, state: transition.state, step: transition.step, on: connection,
            logger: logger)
        if event.attributes.type == .requestSubmitted {
            try await store.recordSubmission(try event.payload(RequestSubmitted.self), on: connection, logger: logger)
        }
        guard let settled = try await store.settle(requestId, on: connection, logger: logger) else { return }
        // Complete once: the latest step is the producer's acceptance and the submission is known.
        guard settled.state == .completed, settled.completedAt == nil, let agency = settled.agencyCode else { return }
        try await store.markCompleted(requestId, at: settled.updatedAt, on: connection, logger: logger)
        guard announces else { return }
        try await context.outbox.enqueue(
            RequestCompleted(
                requestId: requestId, agencyCode: agency, timelineEvents: settled.timelineEvents,
                completedAt: settled.updatedAt),
            on: connection, logger: logger)
    }
}

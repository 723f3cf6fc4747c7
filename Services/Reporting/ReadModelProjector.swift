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

    /// The events that move a request through its steps; batch summaries of the exchange API are
    /// volume, not steps: they stay off the timeline.
    static let projectedTypes: Set<EventType> = ProcedureClock.steppingEvents

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

    /// What an event tells the procedure clock: who acted, and for step records and decisions the
    /// phase recorded as done or the moment the decision's evidence was ready.
    func milestone(of event: ReceivedEvent) throws -> Milestone {
        let type = event.attributes.type
        let at = event.attributes.time
        let id = event.attributes.id
        switch type {
        case .requestSubmitted:
            return Milestone(type, at: at, by: try event.payload(RequestSubmitted.self).submittedBy, id: id)
        case .requestDispositioned:
            return Milestone(type, at: at, by: try event.payload(RequestDispositioned.self).dispositionedBy, id: id)
        case .requestResubmitted:
            return Milestone(type, at: at, by: try event.payload(RequestResubmitted.self).resubmittedBy, id: id)
        case .requestWithdrawn:
            return Milestone(type, at: at, by: try event.payload(RequestWithdrawn.self).withdrawnBy, id: id)
        case .requestDeclined:
            return Milestone(type, at: at, by: try event.payload(RequestDeclined.self).declinedBy, id: id)
        case .evaluationStarted:
            return Milestone(type, at: at, by: try event.payload(EvaluationStarted.self).startedBy, id: id)
        case .phaseRecorded:
            let recorded = try event.payload(PhaseRecorded.self)
            return Milestone(type, at: at, by: recorded.recordedBy, completedPhase: recorded.phase, id: id)
        case .contractAgreed:
            return Milestone(type, at: at, by: try event.payload(ContractAgreed.self).agreedBy, id: id)
        case .requestReturned:
            return Milestone(type, at: at, by: try event.payload(RequestReturned.self).returnedBy, id: id)
        case .integrationTestPassed, .integrationTestFailed:
            return Milestone(type, at: at, by: .system(.provisioning), id: id)
        case .apiProvisioned:
            return Milestone(type, at: at, by: try event.payload(APIProvisioned.self).provisionedBy, id: id)
        case .resultsDelivered:
            return Milestone(type, at: at, by: try event.payload(ResultsDelivered.self).deliveredBy, id: id)
        case .requestAccepted:
            let accepted = try event.payload(RequestAccepted.self)
            return Milestone(
                type, at: at, by: accepted.decidedBy, evidenceAt: accepted.evidence?.completedAt, id: id)
        case .requestReopened:
            return Milestone(type, at: at, by: try event.payload(RequestReopened.self).decidedBy, id: id)
        case .resultsHandedOver:
            return Milestone(type, at: at, by: try event.payload(ResultsHandedOver.self).handedOverBy, id: id)
        case .integrationApproved:
            return Milestone(type, at: at, by: try event.payload(IntegrationApproved.self).approvedBy, id: id)
        case .requestCompleted, .slaWarning, .slaBreached, .reportPublished, .deviationJustified, .receiptAcknowledged,
            .opsCheckCompleted,
            .incidentOpened,
            .incidentEscalated, .incidentClosed, .backupCompleted, .deadLetterRedriven, .recordsIngested,
            .validationRunCompleted, .reconciliationCompleted, .freshnessFinding:
            throw EventRejected(reason: "\(type.rawValue) is not projected onto the timeline")
        }
    }

    /// Records the event on the timeline, then reads the whole timeline through the request's
    /// profile (``ProcedureClock``): the phase each entry opened, the request's state and step.
    ///
    /// Reporting reads several topics, and Kafka orders events only within a partition of one
    /// topic, so events of one request can arrive in any order; reading the whole timeline (ordered
    /// by when each step happened) each time makes the result independent of arrival order.
    func project(_ event: ReceivedEvent, on connection: PostgresConnection, logger: Logger) async throws {
        let milestone = try milestone(of: event)
        let requestId = event.requestId
        try await store.addToTimeline(event, milestone: milestone, on: connection, logger: logger)
        if event.attributes.type == .requestSubmitted {
            try await store.recordSubmission(try event.payload(RequestSubmitted.self), on: connection, logger: logger)
        }
        let profile = try await store.profile(of: requestId, on: connection, logger: logger)
        let milestones = try await store.milestones(of: requestId, on: connection, logger: logger)
        let reading = ProcedureClock(profile: profile, clock: ReportingService.clock).read(milestones, now: Date())
        guard
            let settled = try await store.apply(
                reading, profile: profile, to: requestId, on: connection, logger: logger)
        else { return }
        // Complete once: the profile's last decision is made (the producer's acceptance, or the
        // head's approval after the hand-over) and the submission is known.
        guard settled.state == .completed, settled.completedAt == nil, let agency = settled.agencyCode,
            let completedAt = reading.completedAt
        else { return }
        try await store.markCompleted(requestId, at: completedAt, on: connection, logger: logger)
        guard announces else { return }
        try await context.outbox.enqueue(
            RequestCompleted(
                requestId: requestId, agencyCode: agency, timelineEvents: settled.timelineEvents,
                completedAt: completedAt),
            on: connection, logger: logger)
    }
}

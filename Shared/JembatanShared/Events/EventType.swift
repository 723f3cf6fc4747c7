/// Every event type Jembatan writes. The version is part of the type name.
public enum EventType: String, CaseIterable, Sendable, Codable {
    case requestSubmitted = "id.jembatan.request.submitted.v1"
    case requestDispositioned = "id.jembatan.request.dispositioned.v1"
    case requestResubmitted = "id.jembatan.request.resubmitted.v1"
    case requestWithdrawn = "id.jembatan.request.withdrawn.v1"
    case requestDeclined = "id.jembatan.request.declined.v1"
    case evaluationStarted = "id.jembatan.evaluation.started.v1"
    case contractAgreed = "id.jembatan.contract.agreed.v1"
    case requestReturned = "id.jembatan.request.returned.v1"
    case apiProvisioned = "id.jembatan.api.provisioned.v1"
    case integrationTestPassed = "id.jembatan.api.integration-test.passed.v1"
    case integrationTestFailed = "id.jembatan.api.integration-test.failed.v1"
    case resultsDelivered = "id.jembatan.results.delivered.v1"
    case recordsIngested = "id.jembatan.records.ingested.v1"
    case validationRunCompleted = "id.jembatan.validation.run-completed.v1"
    case reconciliationCompleted = "id.jembatan.reconciliation.completed.v1"
    case freshnessFinding = "id.jembatan.freshness.finding.v1"
    case requestAccepted = "id.jembatan.request.accepted.v1"
    case requestReopened = "id.jembatan.request.reopened.v1"
    case requestCompleted = "id.jembatan.request.completed.v1"
    case slaWarning = "id.jembatan.sla.warning.v1"
    case slaBreached = "id.jembatan.sla.breached.v1"
    case reportPublished = "id.jembatan.report.published.v1"
    case opsCheckCompleted = "id.jembatan.ops.check-completed.v1"
    case incidentOpened = "id.jembatan.incident.opened.v1"
    case incidentEscalated = "id.jembatan.incident.escalated.v1"
    case incidentClosed = "id.jembatan.incident.closed.v1"
    case backupCompleted = "id.jembatan.backup.completed.v1"
    case deadLetterRedriven = "id.jembatan.deadletter.redriven.v1"
    case phaseRecorded = "id.jembatan.phase.recorded.v1"
    case resultsHandedOver = "id.jembatan.results.handed-over.v1"
    case integrationApproved = "id.jembatan.integration.approved.v1"
    case deviationJustified = "id.jembatan.deviation.justified.v1"
    case receiptAcknowledged = "id.jembatan.receipt.acknowledged.v1"

    /// The topic events of this type are written to (by the service named in the topic).
    public var topic: Topic {
        switch self {
        case .requestSubmitted, .requestDispositioned, .requestResubmitted, .requestWithdrawn, .requestDeclined: .intake
        case .evaluationStarted, .contractAgreed, .requestReturned, .phaseRecorded: .evaluation
        case .apiProvisioned, .integrationTestPassed, .integrationTestFailed, .resultsDelivered, .recordsIngested,
            .resultsHandedOver:
            .provisioning
        case .requestAccepted, .requestReopened, .validationRunCompleted, .reconciliationCompleted, .freshnessFinding,
            .integrationApproved:
            .validation
        case .requestCompleted, .slaWarning, .slaBreached, .reportPublished, .deviationJustified,
            .receiptAcknowledged:
            .reporting
        case .opsCheckCompleted, .incidentOpened, .incidentEscalated, .incidentClosed, .backupCompleted,
            .deadLetterRedriven:
            .operations
        }
    }

    /// The type name without its version suffix, e.g. `id.jembatan.request.submitted`.
    public var unversionedName: String { Self.splitVersion(rawValue).name }

    /// How a type name read from a record relates to the known types.
    public enum Resolution: Equatable, Sendable {
        case known(EventType)
        case unsupportedVersion
        case unknown
    }

    /// Resolves a type name: known, a known name with another version, or unknown.
    public static func resolve(_ name: String) -> Resolution {
        if let known = EventType(rawValue: name) { return .known(known) }
        let unversioned = splitVersion(name).name
        if allCases.contains(where: { $0.unversionedName == unversioned }) { return .unsupportedVersion }
        return .unknown
    }

    private static func splitVersion(_ name: String) -> (name: String, version: String?) {
        guard let dot = name.lastIndex(of: "."), name[name.index(after: dot)...].hasPrefix("v") else {
            return (name, nil)
        }
        return (String(name[..<dot]), String(name[name.index(after: dot)...]))
    }
}

/// A typed event payload (the CloudEvent `data`), bound to exactly one event type.
public protocol EventPayload: Codable, Sendable {
    /// The type this payload is published as.
    static var eventType: EventType { get }
    /// The request the event is about; the Kafka key and CloudEvent subject.
    var requestId: String { get }
    /// The type this value is published as; `eventType` unless one payload shape serves two types.
    var publishedType: EventType { get }
}

extension EventPayload {
    /// The type the payload is published as.
    public var publishedType: EventType { Self.eventType }
}

import Foundation

// Events of topic `jembatan.evaluation.v1` (SOP steps 3–4).

/// The automated review of a (re)submitted structure is done; the team now decides.
public struct EvaluationStarted: EventPayload, Equatable {
    /// The type this payload is published as.
    public static let eventType = EventType.evaluationStarted
    /// The request the event belongs to (the Kafka key; operations events use their subject).
    public var requestId: String
    /// The definition version under review.
    public var version: Int
    /// What brought the request to evaluation: `disposition`, `resubmission` or `reopened` (validation sent it back).
    public var trigger: String?
    /// The technical review's findings.
    public var findings: [ReviewFinding]
    /// Who started it (the service, on the disposition).
    public var startedBy: ActorReference
    /// When it started.
    public var startedAt: Date

    /// Creates the payload.
    public init(
        requestId: String, version: Int, trigger: String? = nil, findings: [ReviewFinding], startedBy: ActorReference,
        startedAt: Date
    ) {
        self.requestId = requestId
        self.version = version
        self.trigger = trigger
        self.findings = findings
        self.startedBy = startedBy
        self.startedAt = startedAt
    }
}

/// Why the team returns a request: tied to a dataset field where it is about one.
public struct ReturnReason: Codable, Sendable, Equatable {
    /// `dataset.field`, or nil for the request as a whole.
    public var field: String?
    /// What the producer should change.
    public var message: String

    /// Creates the payload.
    public init(field: String?, message: String) {
        self.field = field
        self.message = message
    }
}

/// The technical team agreed the dataset contract (SOP steps 3–4).
public struct ContractAgreed: EventPayload, Equatable {
    /// The type this payload is published as.
    public static let eventType = EventType.contractAgreed
    /// The request the event belongs to (the Kafka key; operations events use their subject).
    public var requestId: String
    /// The dataset contract.
    public var contractId: String
    /// The contract's version.
    public var contractVersion: Int
    /// The producing agency's code.
    public var agencyCode: String
    /// The datasets, as defined.
    public var datasets: [DatasetDefinition]
    /// Agencies that get read access to every dataset of the contract.
    public var consumers: [String]?
    /// The technical review's findings.
    public var findings: [ReviewFinding]
    /// The technical team member who agreed.
    public var agreedBy: ActorReference
    /// When.
    public var agreedAt: Date

    /// Creates the payload.
    public init(
        requestId: String, contractId: String, contractVersion: Int, agencyCode: String, datasets: [DatasetDefinition],
        consumers: [String]? = nil, findings: [ReviewFinding], agreedBy: ActorReference, agreedAt: Date
    ) {
        self.consumers = consumers
        self.requestId = requestId
        self.contractId = contractId
        self.contractVersion = contractVersion
        self.agencyCode = agencyCode
        self.datasets = datasets
        self.findings = findings
        self.agreedBy = agreedBy
        self.agreedAt = agreedAt
    }
}

/// The technical team returned the request to the producer with reasons (SOP step 3, "not agreed").
public struct RequestReturned: EventPayload, Equatable {
    /// The type this payload is published as.
    public static let eventType = EventType.requestReturned
    /// The request the event belongs to (the Kafka key; operations events use their subject).
    public var requestId: String
    /// The technical review's findings.
    public var findings: [ReviewFinding]
    /// The team's reasons.
    public var reasons: [ReturnReason]
    /// Who returned it.
    public var returnedBy: ActorReference
    /// When.
    public var returnedAt: Date

    /// Creates the payload.
    public init(
        requestId: String, findings: [ReviewFinding], reasons: [ReturnReason], returnedBy: ActorReference,
        returnedAt: Date
    ) {
        self.requestId = requestId
        self.findings = findings
        self.reasons = reasons
        self.returnedBy = returnedBy
        self.returnedAt = returnedAt
    }
}

/// A step the profile has the team (or its actor) record as done: the end of the evaluation
/// (agreed; step 3), the laboratory's assignment, or a document step before the API (the interchange
/// document, the laboratory's design). The last of them is announced as ``ContractAgreed`` instead.
public struct PhaseRecorded: EventPayload, Equatable {
    /// The type this payload is published as.
    public static let eventType = EventType.phaseRecorded
    /// The request the event belongs to (the Kafka key; operations events use their subject).
    public var requestId: String
    /// The phase recorded as done.
    public var phase: Phase
    /// What was produced (at most 2 000 characters).
    public var note: String
    /// Who recorded it.
    public var recordedBy: ActorReference
    /// When.
    public var recordedAt: Date

    /// Creates the payload.
    public init(requestId: String, phase: Phase, note: String, recordedBy: ActorReference, recordedAt: Date) {
        self.requestId = requestId
        self.phase = phase
        self.note = note
        self.recordedBy = recordedBy
        self.recordedAt = recordedAt
    }
}

import Foundation

// Events of topic `jembatan.evaluation.v1` (SOP steps 3–4).

/// The automated review of a (re)submitted structure is done; the team now decides.
public struct EvaluationStarted: EventPayload, Equatable {
    public static let eventType = EventType.evaluationStarted
    public var requestId: String
    /// The definition version under review.
    public var version: Int
    /// What brought the request to evaluation: `disposition`, `resubmission` or `reopened` (validation sent it back).
    public var trigger: String?
    public var findings: [ReviewFinding]
    public var startedBy: ActorReference
    public var startedAt: Date

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

    public init(field: String?, message: String) {
        self.field = field
        self.message = message
    }
}

/// The technical team agreed the dataset contract (SOP steps 3–4).
public struct ContractAgreed: EventPayload, Equatable {
    public static let eventType = EventType.contractAgreed
    public var requestId: String
    public var contractId: String
    public var contractVersion: Int
    public var agencyCode: String
    public var datasets: [DatasetDefinition]
    /// Agencies that get read access to every dataset of the contract.
    public var consumers: [String]?
    public var findings: [ReviewFinding]
    public var agreedBy: ActorReference
    public var agreedAt: Date

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
    public static let eventType = EventType.requestReturned
    public var requestId: String
    public var findings: [ReviewFinding]
    /// The team's reasons.
    public var reasons: [ReturnReason]
    public var returnedBy: ActorReference
    public var returnedAt: Date

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

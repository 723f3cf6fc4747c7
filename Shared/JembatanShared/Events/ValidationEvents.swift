import Foundation

// Events of topic `jembatan.validation.v1` (SOP steps 8–9).

/// What a decision rested on: the validation run and, when one was made, the reconciliation.
public struct ValidationEvidence: Codable, Sendable, Equatable {
    /// The validation run.
    public var runId: String
    /// Share of checks passed, 0–100.
    public var score: Double
    /// Whether every check passed.
    public var passed: Bool
    /// `dataset/check/field` of each failed check.
    public var failedChecks: [String]
    /// The reconciliation.
    public var reconciliationId: String?
    /// Source records the hub does not hold.
    public var missingInHub: Int?
    /// Hub records the source does not hold.
    public var extraInHub: Int?
    /// Records whose values differ.
    public var changed: Int?
    /// When the run was complete: the moment the final evaluation (its own step) began.
    public var completedAt: Date?

    /// Creates the payload.
    public init(
        runId: String, score: Double, passed: Bool, failedChecks: [String], reconciliationId: String? = nil,
        missingInHub: Int? = nil, extraInHub: Int? = nil, changed: Int? = nil, completedAt: Date? = nil
    ) {
        self.runId = runId
        self.score = score
        self.passed = passed
        self.failedChecks = failedChecks
        self.reconciliationId = reconciliationId
        self.missingInHub = missingInHub
        self.extraInHub = extraInHub
        self.changed = changed
        self.completedAt = completedAt
    }
}

/// The quality checks of a request's datasets ran (SOP step 8): a scorecard summary.
public struct ValidationRunCompleted: EventPayload, Equatable {
    /// The type this payload is published as.
    public static let eventType = EventType.validationRunCompleted
    /// The request the event belongs to (the Kafka key; operations events use their subject).
    public var requestId: String
    /// The validation run.
    public var runId: String
    /// The dataset contract.
    public var contractId: String
    /// `manual` (someone asked) or `ingest` (after a push).
    public var trigger: String
    /// Whether every check passed.
    public var passed: Bool
    /// Share of checks passed, 0–100.
    public var score: Double
    /// Each check with its outcome.
    public var checks: Int
    /// Names of the checks that failed.
    public var failedChecks: [String]
    /// Records counted.
    public var records: Int
    /// Who asked for the run.
    public var runBy: ActorReference
    /// When it completed.
    public var completedAt: Date

    /// Creates the payload.
    public init(
        requestId: String, runId: String, contractId: String, trigger: String, passed: Bool, score: Double, checks: Int,
        failedChecks: [String], records: Int, runBy: ActorReference, completedAt: Date
    ) {
        self.requestId = requestId
        self.runId = runId
        self.contractId = contractId
        self.trigger = trigger
        self.passed = passed
        self.score = score
        self.checks = checks
        self.failedChecks = failedChecks
        self.records = records
        self.runBy = runBy
        self.completedAt = completedAt
    }
}

/// The producer's own records were compared with the hub's.
public struct ReconciliationCompleted: EventPayload, Equatable {
    /// The type this payload is published as.
    public static let eventType = EventType.reconciliationCompleted
    /// The request the event belongs to (the Kafka key; operations events use their subject).
    public var requestId: String
    /// The reconciliation.
    public var reconciliationId: String
    /// The hub dataset.
    public var datasetId: String
    /// Records the producer's system declared.
    public var sourceRecords: Int
    /// Records the hub holds.
    public var hubRecords: Int
    /// Source records the hub does not hold.
    public var missingInHub: Int
    /// Hub records the source does not hold.
    public var extraInHub: Int
    /// Records whose values differ.
    public var changed: Int
    /// Records identical on both sides.
    public var matched: Int
    /// Who submitted it.
    public var submittedBy: ActorReference
    /// When it completed.
    public var completedAt: Date

    /// Creates the payload.
    public init(
        requestId: String, reconciliationId: String, datasetId: String, sourceRecords: Int, hubRecords: Int,
        missingInHub: Int,
        extraInHub: Int, changed: Int, matched: Int, submittedBy: ActorReference, completedAt: Date
    ) {
        self.requestId = requestId
        self.reconciliationId = reconciliationId
        self.datasetId = datasetId
        self.sourceRecords = sourceRecords
        self.hubRecords = hubRecords
        self.missingInHub = missingInHub
        self.extraInHub = extraInHub
        self.changed = changed
        self.matched = matched
        self.submittedBy = submittedBy
        self.completedAt = completedAt
    }
}

/// A dataset was not updated within its declared frequency (scheduled check).
public struct FreshnessFinding: EventPayload, Equatable {
    /// The type this payload is published as.
    public static let eventType = EventType.freshnessFinding
    /// The request the event belongs to (the Kafka key; operations events use their subject).
    public var requestId: String
    /// The hub dataset.
    public var datasetId: String
    /// The contract's update frequency.
    public var updateFrequency: String
    /// When records last changed.
    public var lastUpdate: Date
    /// When the finding was made.
    public var asOf: Date
    /// Days since the last update.
    public var ageDays: Int
    /// Days the frequency allows.
    public var allowedDays: Int

    /// Creates the payload.
    public init(
        requestId: String, datasetId: String, updateFrequency: String, lastUpdate: Date, asOf: Date, ageDays: Int,
        allowedDays: Int
    ) {
        self.requestId = requestId
        self.datasetId = datasetId
        self.updateFrequency = updateFrequency
        self.lastUpdate = lastUpdate
        self.asOf = asOf
        self.ageDays = ageDays
        self.allowedDays = allowedDays
    }
}

/// The producer accepted the integrated data (SOP step 9, "yes").
public struct RequestAccepted: EventPayload, Equatable {
    /// The type this payload is published as.
    public static let eventType = EventType.requestAccepted
    /// The request the event belongs to (the Kafka key; operations events use their subject).
    public var requestId: String
    /// The actor's note (at most 2 000 characters).
    public var note: String
    /// The validation run (and reconciliation) the decision rested on.
    public var evidence: ValidationEvidence?
    /// Who decided.
    public var decidedBy: ActorReference
    /// When it was decided.
    public var decidedAt: Date

    /// Creates the payload.
    public init(
        requestId: String, note: String, evidence: ValidationEvidence? = nil, decidedBy: ActorReference, decidedAt: Date
    ) {
        self.requestId = requestId
        self.note = note
        self.evidence = evidence
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
    }
}

/// The producer found the data not right: back to evaluation (SOP step 9, "no" → step 3).
public struct RequestReopened: EventPayload, Equatable {
    /// The type this payload is published as.
    public static let eventType = EventType.requestReopened
    /// The request the event belongs to (the Kafka key; operations events use their subject).
    public var requestId: String
    /// Why the producer sends it back.
    public var reasons: [String]
    /// The scorecard and reconciliation attached for the technical team.
    public var evidence: ValidationEvidence?
    /// Who decided.
    public var decidedBy: ActorReference
    /// When it was decided.
    public var decidedAt: Date

    /// Creates the payload.
    public init(
        requestId: String, reasons: [String], evidence: ValidationEvidence? = nil, decidedBy: ActorReference,
        decidedAt: Date
    ) {
        self.requestId = requestId
        self.reasons = reasons
        self.evidence = evidence
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
    }
}

/// The head judged the integrated data on the dashboard and found it right: the request is done
/// and its data "terus dilakukan update" (Kaltim step 11). Sending it back is a ``RequestReopened``
/// decided by the head.
public struct IntegrationApproved: EventPayload, Equatable {
    /// The type this payload is published as.
    public static let eventType = EventType.integrationApproved
    /// The request the event belongs to (the Kafka key; operations events use their subject).
    public var requestId: String
    /// The head's note (at most 2 000 characters).
    public var note: String
    /// Who judged.
    public var approvedBy: ActorReference
    /// When.
    public var approvedAt: Date

    /// Creates the payload.
    public init(requestId: String, note: String, approvedBy: ActorReference, approvedAt: Date) {
        self.requestId = requestId
        self.note = note
        self.approvedBy = approvedBy
        self.approvedAt = approvedAt
    }
}

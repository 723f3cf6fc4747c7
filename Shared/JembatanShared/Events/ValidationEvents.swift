import Foundation

// Events of topic `jembatan.validation.v1` (SOP steps 8–9).

/// What a decision rested on: the validation run and, when one was made, the reconciliation.
public struct ValidationEvidence: Codable, Sendable, Equatable {
    public var runId: String
    /// Share of checks passed, 0–100.
    public var score: Double
    public var passed: Bool
    /// `dataset/check/field` of each failed check.
    public var failedChecks: [String]
    public var reconciliationId: String?
    public var missingInHub: Int?
    public var extraInHub: Int?
    public var changed: Int?

    public init(
        runId: String, score: Double, passed: Bool, failedChecks: [String], reconciliationId: String? = nil,
        missingInHub: Int? = nil, extraInHub: Int? = nil, changed: Int? = nil
    ) {
        self.runId = runId
        self.score = score
        self.passed = passed
        self.failedChecks = failedChecks
        self.reconciliationId = reconciliationId
        self.missingInHub = missingInHub
        self.extraInHub = extraInHub
        self.changed = changed
    }
}

/// The quality checks of a request's datasets ran (SOP step 8): a scorecard summary.
public struct ValidationRunCompleted: EventPayload, Equatable {
    public static let eventType = EventType.validationRunCompleted
    public var requestId: String
    public var runId: String
    public var contractId: String
    /// `manual` (someone asked) or `ingest` (after a push).
    public var trigger: String
    public var passed: Bool
    public var score: Double
    public var checks: Int
    public var failedChecks: [String]
    public var records: Int
    public var runBy: ActorReference
    public var completedAt: Date

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
    public static let eventType = EventType.reconciliationCompleted
    public var requestId: String
    public var reconciliationId: String
    public var datasetId: String
    public var sourceRecords: Int
    public var hubRecords: Int
    public var missingInHub: Int
    public var extraInHub: Int
    public var changed: Int
    public var matched: Int
    public var submittedBy: ActorReference
    public var completedAt: Date

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
    public static let eventType = EventType.freshnessFinding
    public var requestId: String
    public var datasetId: String
    public var updateFrequency: String
    public var lastUpdate: Date
    public var asOf: Date
    public var ageDays: Int
    public var allowedDays: Int

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
    public static let eventType = EventType.requestAccepted
    public var requestId: String
    public var note: String
    /// The validation run (and reconciliation) the decision rested on.
    public var evidence: ValidationEvidence?
    public var decidedBy: ActorReference
    public var decidedAt: Date

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
    public static let eventType = EventType.requestReopened
    public var requestId: String
    public var reasons: [String]
    /// The scorecard and reconciliation attached for the technical team.
    public var evidence: ValidationEvidence?
    public var decidedBy: ActorReference
    public var decidedAt: Date

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

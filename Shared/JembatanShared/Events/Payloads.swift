import Foundation

/// The roles of the SOPs (SYSTEM.md §1), plus `system` for automated steps.
public enum Role: String, Codable, Sendable, CaseIterable {
    case producer, head, supervisor, technical, consumer, admin, system
}

/// Who did a step: attribution carried on every event.
public struct ActorReference: Codable, Sendable, Equatable {
    /// Account or service identifier.
    public var id: String
    /// The role the actor acted in.
    public var role: Role

    /// Creates an actor reference.
    public init(id: String, role: Role) {
        self.id = id
        self.role = role
    }

    /// The automated part of a service.
    public static func system(_ service: ServiceName) -> ActorReference {
        ActorReference(id: service.executableName, role: .system)
    }
}

/// One field of a dataset definition.
public struct FieldDefinition: Codable, Sendable, Equatable {
    /// Column name.
    public var name: String
    /// Declared type, e.g. `string`, `integer`, `decimal`, `date`, `boolean`.
    public var type: String
    /// Whether every record must carry a value.
    public var required: Bool
    /// What the field means.
    public var description: String?
    /// The only values allowed (an enumeration), if the field has such a list.
    public var allowedValues: [String]?
    /// `table.column` this field refers to (reference data), if any.
    public var references: String?
    /// A regular expression every value must match in full (strings and codes).
    public var pattern: String?
    /// Smallest allowed value (numbers).
    public var minimum: Double?
    /// Largest allowed value (numbers).
    public var maximum: Double?

    /// Creates a field definition.
    public init(name: String, type: String, required: Bool, description: String? = nil, allowedValues: [String]? = nil, references: String? = nil,
                pattern: String? = nil, minimum: Double? = nil, maximum: Double? = nil) {
        self.name = name
        self.type = type
        self.required = required
        self.description = description
        self.allowedValues = allowedValues
        self.references = references
        self.pattern = pattern
        self.minimum = minimum
        self.maximum = maximum
    }
}

/// A dataset the producer offers for integration or exchange.
public struct DatasetDefinition: Codable, Sendable, Equatable {
    /// Dataset name (lower snake case).
    public var name: String
    /// What the dataset holds.
    public var description: String?
    /// The fields.
    public var fields: [FieldDefinition]
    /// Names of the primary-key fields.
    public var primaryKey: [String]
    /// `public`, `internal` or `restricted` (Satu Data classification).
    public var classification: String?
    /// `daily`, `weekly`, `monthly`, `quarterly`, `yearly` or `on_change`.
    public var updateFrequency: String?
    /// Fields that identify a real-world thing besides the primary key (checked for duplicates by validation).
    public var naturalKey: [String]?
    /// Cross-field consistency rules checked by validation.
    public var rules: [ConsistencyRule]?
    /// How many records the dataset is expected to hold (checked by validation).
    public var expectedRecords: RecordCountRange?

    /// Creates a dataset definition.
    public init(name: String, description: String? = nil, fields: [FieldDefinition], primaryKey: [String], classification: String? = nil, updateFrequency: String? = nil) {
        self.name = name
        self.description = description
        self.fields = fields
        self.primaryKey = primaryKey
        self.classification = classification
        self.updateFrequency = updateFrequency
    }
}

/// A rule between a field and another field or a fixed value, e.g. `tanggal_keluar >= tanggal_masuk`.
public struct ConsistencyRule: Codable, Sendable, Equatable {
    /// What the rule is called in findings.
    public var name: String
    public var field: String
    /// One of `<`, `<=`, `=`, `!=`, `>=`, `>`.
    public var `operator`: String
    /// The field compared with (or `value`).
    public var otherField: String?
    /// A fixed value compared with (or `otherField`).
    public var value: String?

    public init(name: String, field: String, operator: String, otherField: String? = nil, value: String? = nil) {
        self.name = name
        self.field = field
        self.operator = `operator`
        self.otherField = otherField
        self.value = value
    }

    public static let operators: Set<String> = ["<", "<=", "=", "!=", ">=", ">"]
}

/// The expected number of records.
public struct RecordCountRange: Codable, Sendable, Equatable {
    public var minimum: Int?
    public var maximum: Int?

    public init(minimum: Int? = nil, maximum: Int? = nil) {
        self.minimum = minimum
        self.maximum = maximum
    }
}

/// Who at the producing agency answers questions about the request.
public struct ContactPerson: Codable, Sendable, Equatable {
    public var name: String
    public var email: String?
    public var phone: String?

    public init(name: String, email: String? = nil, phone: String? = nil) {
        self.name = name
        self.email = email
        self.phone = phone
    }
}

/// Metadata of a document attached to the request (the document itself stays with the agency).
public struct AttachmentMetadata: Codable, Sendable, Equatable {
    public var name: String
    public var mediaType: String
    public var sizeBytes: Int

    public init(name: String, mediaType: String, sizeBytes: Int) {
        self.name = name
        self.mediaType = mediaType
        self.sizeBytes = sizeBytes
    }
}

/// One finding of the technical review.
public struct ReviewFinding: Codable, Sendable, Equatable {
    /// `blocking` findings make the team return the request.
    public var severity: String
    /// Dataset the finding is about.
    public var dataset: String
    /// Field, when the finding is about one.
    public var field: String?
    /// Machine-readable rule name.
    public var rule: String
    /// Explanation with a suggestion.
    public var message: String

    /// Creates a finding.
    public init(severity: String, dataset: String, field: String?, rule: String, message: String) {
        self.severity = severity
        self.dataset = dataset
        self.field = field
        self.rule = rule
        self.message = message
    }
}

// MARK: - Intake (SOP steps 1–2)

/// A producer submitted a request with its data definition (SOP step 1).
public struct RequestSubmitted: EventPayload, Equatable {
    public static let eventType = EventType.requestSubmitted
    public var requestId: String
    public var agencyCode: String
    public var title: String
    public var purpose: String
    /// The SOP profile the request pins.
    public var profile: String
    /// The version of that profile's data the request pins.
    public var profileVersion: Int?
    public var legalBasis: String?
    public var contactPerson: ContactPerson?
    /// Agencies that will read the shared data.
    public var intendedConsumers: [String]?
    public var attachments: [AttachmentMetadata]?
    public var datasets: [DatasetDefinition]
    public var submittedBy: ActorReference
    public var submittedAt: Date

    public init(requestId: String, agencyCode: String, title: String, purpose: String, profile: String, profileVersion: Int? = nil,
                legalBasis: String? = nil, contactPerson: ContactPerson? = nil, intendedConsumers: [String]? = nil, attachments: [AttachmentMetadata]? = nil,
                datasets: [DatasetDefinition], submittedBy: ActorReference, submittedAt: Date) {
        self.profileVersion = profileVersion
        self.legalBasis = legalBasis
        self.contactPerson = contactPerson
        self.intendedConsumers = intendedConsumers
        self.attachments = attachments
        self.requestId = requestId
        self.agencyCode = agencyCode
        self.title = title
        self.purpose = purpose
        self.profile = profile
        self.datasets = datasets
        self.submittedBy = submittedBy
        self.submittedAt = submittedAt
    }
}

/// The head issued the disposition to the technical team (end of SOP step 1).
public struct RequestDispositioned: EventPayload, Equatable {
    public static let eventType = EventType.requestDispositioned
    public var requestId: String
    public var note: String
    public var dispositionedBy: ActorReference
    public var dispositionedAt: Date

    public init(requestId: String, note: String, dispositionedBy: ActorReference, dispositionedAt: Date) {
        self.requestId = requestId
        self.note = note
        self.dispositionedBy = dispositionedBy
        self.dispositionedAt = dispositionedAt
    }
}

/// After a return, the producer revised the definition and submitted it again (a new version).
public struct RequestResubmitted: EventPayload, Equatable {
    public static let eventType = EventType.requestResubmitted
    public var requestId: String
    /// The new version number (the first submission is version 1).
    public var version: Int
    public var datasets: [DatasetDefinition]
    public var resubmittedBy: ActorReference
    public var resubmittedAt: Date

    public init(requestId: String, version: Int, datasets: [DatasetDefinition], resubmittedBy: ActorReference, resubmittedAt: Date) {
        self.requestId = requestId
        self.version = version
        self.datasets = datasets
        self.resubmittedBy = resubmittedBy
        self.resubmittedAt = resubmittedAt
    }
}

/// The producer withdrew the request; nothing further happens to it.
public struct RequestWithdrawn: EventPayload, Equatable {
    public static let eventType = EventType.requestWithdrawn
    public var requestId: String
    public var reason: String
    public var withdrawnBy: ActorReference
    public var withdrawnAt: Date

    public init(requestId: String, reason: String, withdrawnBy: ActorReference, withdrawnAt: Date) {
        self.requestId = requestId
        self.reason = reason
        self.withdrawnBy = withdrawnBy
        self.withdrawnAt = withdrawnAt
    }
}

// MARK: - Evaluation (SOP steps 3–4)

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

    public init(requestId: String, version: Int, trigger: String? = nil, findings: [ReviewFinding], startedBy: ActorReference, startedAt: Date) {
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

    public init(requestId: String, contractId: String, contractVersion: Int, agencyCode: String, datasets: [DatasetDefinition], consumers: [String]? = nil, findings: [ReviewFinding], agreedBy: ActorReference, agreedAt: Date) {
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

    public init(requestId: String, findings: [ReviewFinding], reasons: [ReturnReason], returnedBy: ActorReference, returnedAt: Date) {
        self.requestId = requestId
        self.findings = findings
        self.reasons = reasons
        self.returnedBy = returnedBy
        self.returnedAt = returnedAt
    }
}

// MARK: - Provisioning (SOP steps 5–7)

/// One exchange endpoint prepared on the hub.
public struct ProvisionedEndpoint: Codable, Sendable, Equatable {
    public var dataset: String
    public var path: String
    /// The hub's identifier of the dataset (`<name>-<first 8 hex of the request id>`), stable across contract versions.
    public var datasetId: String?

    public init(dataset: String, path: String, datasetId: String? = nil) {
        self.dataset = dataset
        self.path = path
        self.datasetId = datasetId
    }
}

/// A credential the hub issued (never its secret).
public struct IssuedCredential: Codable, Sendable, Equatable {
    /// The key's public id (the part after `jbk_`).
    public var credentialId: String
    public var datasetId: String
    /// The agency the key belongs to.
    public var agencyCode: String
    /// `read` or `write`.
    public var scope: String
    public var expiresAt: Date

    public init(credentialId: String, datasetId: String, agencyCode: String, scope: String, expiresAt: Date) {
        self.credentialId = credentialId
        self.datasetId = datasetId
        self.agencyCode = agencyCode
        self.scope = scope
        self.expiresAt = expiresAt
    }
}

/// One check of the integration unit test and what it found.
public struct IntegrationCheck: Codable, Sendable, Equatable {
    public var dataset: String
    /// e.g. `write_with_write_scope`, `read_back_with_read_scope`, `wrong_scope_refused`.
    public var check: String
    public var passed: Bool
    public var detail: String

    public init(dataset: String, check: String, passed: Bool, detail: String) {
        self.dataset = dataset
        self.check = check
        self.passed = passed
        self.detail = detail
    }
}

/// The integration unit test of a contract's endpoints ran (SOP step 6); `passed` says how it went.
public struct IntegrationTested: EventPayload, Equatable {
    public static var eventType: EventType { .integrationTestPassed }
    public var requestId: String
    public var contractId: String
    public var passed: Bool
    public var checks: [IntegrationCheck]
    public var testedAt: Date

    public init(requestId: String, contractId: String, passed: Bool, checks: [IntegrationCheck], testedAt: Date) {
        self.requestId = requestId
        self.contractId = contractId
        self.passed = passed
        self.checks = checks
        self.testedAt = testedAt
    }

    /// Published as `…integration-test.passed` or `…integration-test.failed`.
    public var publishedType: EventType { passed ? .integrationTestPassed : .integrationTestFailed }
}

/// The supervisor delivered the integration results to the producer (SOP step 7).
public struct ResultsDelivered: EventPayload, Equatable {
    public static let eventType = EventType.resultsDelivered
    public var requestId: String
    public var contractId: String
    public var note: String
    public var deliveredBy: ActorReference
    public var deliveredAt: Date

    public init(requestId: String, contractId: String, note: String, deliveredBy: ActorReference, deliveredAt: Date) {
        self.requestId = requestId
        self.contractId = contractId
        self.note = note
        self.deliveredBy = deliveredBy
        self.deliveredAt = deliveredAt
    }
}

/// A batch pushed to the hub was applied: a summary, never the records.
public struct RecordsIngested: EventPayload, Equatable {
    public static let eventType = EventType.recordsIngested
    public var requestId: String
    public var datasetId: String
    public var batchId: String
    /// `json`, `ndjson` or `csv`.
    public var format: String
    public var received: Int
    public var accepted: Int
    public var rejected: Int
    public var credentialId: String
    public var agencyCode: String
    public var ingestedAt: Date

    public init(requestId: String, datasetId: String, batchId: String, format: String, received: Int, accepted: Int, rejected: Int,
                credentialId: String, agencyCode: String, ingestedAt: Date) {
        self.requestId = requestId
        self.datasetId = datasetId
        self.batchId = batchId
        self.format = format
        self.received = received
        self.accepted = accepted
        self.rejected = rejected
        self.credentialId = credentialId
        self.agencyCode = agencyCode
        self.ingestedAt = ingestedAt
    }
}

/// The API was prepared on the hub and its integration unit test passed (SOP steps 5–6).
public struct APIProvisioned: EventPayload, Equatable {
    public static let eventType = EventType.apiProvisioned
    public var requestId: String
    public var contractId: String
    /// The producing agency (owner of the request).
    public var agencyCode: String
    public var endpoints: [ProvisionedEndpoint]
    /// What the integration unit test checked, one line per check.
    public var integrationTestChecks: [String]
    /// Credentials issued for the endpoints (ids and scopes; secrets are collected once through the API).
    public var credentials: [IssuedCredential]?
    public var provisionedBy: ActorReference
    public var provisionedAt: Date

    public init(requestId: String, contractId: String, agencyCode: String, endpoints: [ProvisionedEndpoint], integrationTestChecks: [String],
                credentials: [IssuedCredential]? = nil, provisionedBy: ActorReference, provisionedAt: Date) {
        self.credentials = credentials
        self.requestId = requestId
        self.contractId = contractId
        self.agencyCode = agencyCode
        self.endpoints = endpoints
        self.integrationTestChecks = integrationTestChecks
        self.provisionedBy = provisionedBy
        self.provisionedAt = provisionedAt
    }
}

// MARK: - Validation (SOP steps 8–9)

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

    public init(runId: String, score: Double, passed: Bool, failedChecks: [String], reconciliationId: String? = nil,
                missingInHub: Int? = nil, extraInHub: Int? = nil, changed: Int? = nil) {
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

    public init(requestId: String, runId: String, contractId: String, trigger: String, passed: Bool, score: Double, checks: Int,
                failedChecks: [String], records: Int, runBy: ActorReference, completedAt: Date) {
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

    public init(requestId: String, reconciliationId: String, datasetId: String, sourceRecords: Int, hubRecords: Int, missingInHub: Int,
                extraInHub: Int, changed: Int, matched: Int, submittedBy: ActorReference, completedAt: Date) {
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

    public init(requestId: String, datasetId: String, updateFrequency: String, lastUpdate: Date, asOf: Date, ageDays: Int, allowedDays: Int) {
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

    public init(requestId: String, note: String, evidence: ValidationEvidence? = nil, decidedBy: ActorReference, decidedAt: Date) {
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

    public init(requestId: String, reasons: [String], evidence: ValidationEvidence? = nil, decidedBy: ActorReference, decidedAt: Date) {
        self.requestId = requestId
        self.reasons = reasons
        self.evidence = evidence
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
    }
}

// MARK: - Reporting (SOP step 10)

/// A step of a request used 50, 75 or 90 % of its standard duration (or 100 %: a breach,
/// escalated to the head — the SOPs count a deviation from the standard as a failure to account for).
public struct SLAAlert: EventPayload, Equatable {
    public static var eventType: EventType { .slaWarning }
    public var requestId: String
    public var agencyCode: String
    public var profile: String
    public var step: Int
    public var stepName: String
    /// 50, 75, 90 or 100.
    public var threshold: Int
    /// Share of the standard used when checked, in percent.
    public var usedPercent: Double
    /// e.g. `1 working_days`.
    public var standard: String
    public var stepStartedAt: Date
    public var deadline: Date
    public var checkedAt: Date
    /// `head` for a breach.
    public var escalatedTo: Role?

    public init(requestId: String, agencyCode: String, profile: String, step: Int, stepName: String, threshold: Int, usedPercent: Double, standard: String,
                stepStartedAt: Date, deadline: Date, checkedAt: Date, escalatedTo: Role?) {
        self.requestId = requestId
        self.agencyCode = agencyCode
        self.profile = profile
        self.step = step
        self.stepName = stepName
        self.threshold = threshold
        self.usedPercent = usedPercent
        self.standard = standard
        self.stepStartedAt = stepStartedAt
        self.deadline = deadline
        self.checkedAt = checkedAt
        self.escalatedTo = escalatedTo
    }

    /// Published as `…sla.warning` below 100 %, `…sla.breached` at 100 %.
    public var publishedType: EventType { threshold >= 100 ? .slaBreached : .slaWarning }
}

/// Reporting recorded the request as complete (SOP step 10).
public struct RequestCompleted: EventPayload, Equatable {
    public static let eventType = EventType.requestCompleted
    public var requestId: String
    public var agencyCode: String
    /// Number of events on the request's timeline when it completed.
    public var timelineEvents: Int
    public var completedAt: Date

    public init(requestId: String, agencyCode: String, timelineEvents: Int, completedAt: Date) {
        self.requestId = requestId
        self.agencyCode = agencyCode
        self.timelineEvents = timelineEvents
        self.completedAt = completedAt
    }
}

/// Reporting generated and stored a report: a request's integration report (subject: the request id)
/// or a periodic one (subject: `monthly-<yyyy-MM>` or `maintenance-<yyyy-MM>`).
public struct ReportPublished: EventPayload, Equatable {
    public static let eventType = EventType.reportPublished
    /// The request id, or the periodic report's key.
    public var requestId: String
    public var reportId: String
    /// `integration`, `monthly` or `maintenance`.
    public var kind: String
    /// `yyyy-MM` for periodic reports.
    public var period: String?
    public var title: String
    /// Where to read it (reporting service), e.g. `/v1/reports/<reportId>` (+ `.pdf` when printed).
    public var path: String
    /// `html` always; `pdf` when the renderer was available.
    public var formats: [String]
    /// SHA-256 (hex) of the stored HTML.
    public var sha256: String
    public var publishedAt: Date

    public init(requestId: String, reportId: String, kind: String, period: String?, title: String, path: String, formats: [String], sha256: String, publishedAt: Date) {
        self.requestId = requestId
        self.reportId = reportId
        self.kind = kind
        self.period = period
        self.title = title
        self.path = path
        self.formats = formats
        self.sha256 = sha256
        self.publishedAt = publishedAt
    }
}

// MARK: - Operations (maintenance SOP, written by the operator command)

/// One component's state in a monitoring check.
public struct ComponentCheck: Codable, Sendable, Equatable {
    /// e.g. `postgresql`, `broker`, `topics`, `service:intake`, `lag:jembatan-reporting`, `outbox:validation`, `disk`.
    public var component: String
    public var ok: Bool
    public var detail: String

    public init(component: String, ok: Bool, detail: String) {
        self.component = component
        self.ok = ok
        self.detail = detail
    }
}

/// `jembatan ops check` looked at every component (subject `ops-check-<checkId>`).
public struct OpsCheckCompleted: EventPayload, Equatable {
    public static let eventType = EventType.opsCheckCompleted
    public var requestId: String
    public var checkId: String
    public var passed: Bool
    public var checks: [ComponentCheck]
    public var checkedBy: String
    public var checkedAt: Date

    public init(checkId: String, passed: Bool, checks: [ComponentCheck], checkedBy: String, checkedAt: Date) {
        self.requestId = "ops-check-\(checkId)"
        self.checkId = checkId
        self.passed = passed
        self.checks = checks
        self.checkedBy = checkedBy
        self.checkedAt = checkedAt
    }
}

/// A component failed a check and no incident was open for it (subject `incident-<incidentId>`).
public struct IncidentOpened: EventPayload, Equatable {
    public static let eventType = EventType.incidentOpened
    public var requestId: String
    public var incidentId: String
    public var component: String
    public var detail: String
    public var checkId: String
    public var openedAt: Date

    public init(incidentId: String, component: String, detail: String, checkId: String, openedAt: Date) {
        self.requestId = "incident-\(incidentId)"
        self.incidentId = incidentId
        self.component = component
        self.detail = detail
        self.checkId = checkId
        self.openedAt = openedAt
    }
}

/// An incident stayed open past the escalation threshold: the head is told (once).
public struct IncidentEscalated: EventPayload, Equatable {
    public static let eventType = EventType.incidentEscalated
    public var requestId: String
    public var incidentId: String
    public var component: String
    public var openMinutes: Int
    public var escalatedTo: Role
    public var escalatedAt: Date

    public init(incidentId: String, component: String, openMinutes: Int, escalatedAt: Date) {
        self.requestId = "incident-\(incidentId)"
        self.incidentId = incidentId
        self.component = component
        self.openMinutes = openMinutes
        self.escalatedTo = .head
        self.escalatedAt = escalatedAt
    }
}

/// A later check found the component healthy again.
public struct IncidentClosed: EventPayload, Equatable {
    public static let eventType = EventType.incidentClosed
    public var requestId: String
    public var incidentId: String
    public var component: String
    public var openedAt: Date
    public var closedAt: Date
    public var checkId: String

    public init(incidentId: String, component: String, openedAt: Date, closedAt: Date, checkId: String) {
        self.requestId = "incident-\(incidentId)"
        self.incidentId = incidentId
        self.component = component
        self.openedAt = openedAt
        self.closedAt = closedAt
        self.checkId = checkId
    }
}

/// Row count and checksum of one table, in the database and in the restored backup.
public struct TableComparison: Codable, Sendable, Equatable {
    public var table: String
    public var rows: Int
    public var restoredRows: Int?
    public var checksum: String
    public var restoredChecksum: String?
    public var equal: Bool

    public init(table: String, rows: Int, restoredRows: Int?, checksum: String, restoredChecksum: String?) {
        self.table = table
        self.rows = rows
        self.restoredRows = restoredRows
        self.checksum = checksum
        self.restoredChecksum = restoredChecksum
        self.equal = rows == restoredRows && checksum == restoredChecksum
    }
}

/// `jembatan backup` made (or checked) a backup and restored it into a scratch database (subject `backup-<backupId>`).
public struct BackupCompleted: EventPayload, Equatable {
    public static let eventType = EventType.backupCompleted
    public var requestId: String
    public var backupId: String
    public var file: String
    public var sizeBytes: Int
    /// Restored and every table equal in rows and checksum.
    public var verified: Bool
    public var tables: Int
    /// What differed or failed (empty when verified).
    public var problems: [String]
    public var startedAt: Date
    public var completedAt: Date

    public init(backupId: String, file: String, sizeBytes: Int, verified: Bool, tables: Int, problems: [String], startedAt: Date, completedAt: Date) {
        self.requestId = "backup-\(backupId)"
        self.backupId = backupId
        self.file = file
        self.sizeBytes = sizeBytes
        self.verified = verified
        self.tables = tables
        self.problems = problems
        self.startedAt = startedAt
        self.completedAt = completedAt
    }
}

/// A dead letter was sent back to its topic after a fix (subject: the original record's key).
public struct DeadLetterRedriven: EventPayload, Equatable {
    public static let eventType = EventType.deadLetterRedriven
    public var requestId: String
    public var redriveId: String
    public var deadLetterPartition: Int
    public var deadLetterOffset: Int64
    public var originalTopic: String
    public var originalPartition: Int
    public var originalOffset: Int64
    /// The value was replaced by a corrected one (`--value-file`), not sent as it was.
    public var replaced: Bool
    public var reason: String
    public var redrivenBy: String
    public var redrivenAt: Date

    public init(requestId: String, redriveId: String, deadLetterPartition: Int, deadLetterOffset: Int64, originalTopic: String, originalPartition: Int,
                originalOffset: Int64, replaced: Bool, reason: String, redrivenBy: String, redrivenAt: Date) {
        self.requestId = requestId
        self.redriveId = redriveId
        self.deadLetterPartition = deadLetterPartition
        self.deadLetterOffset = deadLetterOffset
        self.originalTopic = originalTopic
        self.originalPartition = originalPartition
        self.originalOffset = originalOffset
        self.replaced = replaced
        self.reason = reason
        self.redrivenBy = redrivenBy
        self.redrivenAt = redrivenAt
    }
}

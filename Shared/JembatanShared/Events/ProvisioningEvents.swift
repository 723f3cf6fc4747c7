import Foundation

// Events of topic `jembatan.provisioning.v1` (SOP steps 5–7).

/// One exchange endpoint prepared on the hub.
public struct ProvisionedEndpoint: Codable, Sendable, Equatable {
    /// The dataset's name in the contract.
    public var dataset: String
    /// The records endpoint on the hub.
    public var path: String
    /// The hub's identifier of the dataset (`<name>-<first 8 hex of the request id>`), stable across contract versions.
    public var datasetId: String?

    /// Creates the payload.
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
    /// The hub dataset.
    public var datasetId: String
    /// The agency the key belongs to.
    public var agencyCode: String
    /// `read` or `write`.
    public var scope: String
    /// When it stops being valid.
    public var expiresAt: Date

    /// Creates the payload.
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
    /// The dataset tested.
    public var dataset: String
    /// e.g. `write_with_write_scope`, `read_back_with_read_scope`, `wrong_scope_refused`.
    public var check: String
    /// Whether this check passed.
    public var passed: Bool
    /// What was found, in one line.
    public var detail: String

    /// Creates the payload.
    public init(dataset: String, check: String, passed: Bool, detail: String) {
        self.dataset = dataset
        self.check = check
        self.passed = passed
        self.detail = detail
    }
}

/// The integration unit test of a contract's endpoints ran (SOP step 6); `passed` says how it went.
public struct IntegrationTested: EventPayload, Equatable {
    /// The type this payload is published as.
    public static var eventType: EventType { .integrationTestPassed }
    /// The request the event belongs to (the Kafka key; operations events use their subject).
    public var requestId: String
    /// The dataset contract.
    public var contractId: String
    /// Whether every check passed.
    public var passed: Bool
    /// Each check with its outcome.
    public var checks: [IntegrationCheck]
    /// When the test ran.
    public var testedAt: Date

    /// Creates the payload.
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
    /// The type this payload is published as.
    public static let eventType = EventType.resultsDelivered
    /// The request the event belongs to (the Kafka key; operations events use their subject).
    public var requestId: String
    /// The dataset contract.
    public var contractId: String
    /// The actor's note (at most 2 000 characters).
    public var note: String
    /// Who delivered the results.
    public var deliveredBy: ActorReference
    /// When.
    public var deliveredAt: Date

    /// Creates the payload.
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
    /// The type this payload is published as.
    public static let eventType = EventType.recordsIngested
    /// The request the event belongs to (the Kafka key; operations events use their subject).
    public var requestId: String
    /// The hub dataset.
    public var datasetId: String
    /// The push.
    public var batchId: String
    /// `json`, `ndjson` or `csv`.
    public var format: String
    /// Records received.
    public var received: Int
    /// Records stored.
    public var accepted: Int
    /// Records refused.
    public var rejected: Int
    /// The key that pushed them.
    public var credentialId: String
    /// The producing agency's code.
    public var agencyCode: String
    /// When they were stored.
    public var ingestedAt: Date

    /// Creates the payload.
    public init(
        requestId: String, datasetId: String, batchId: String, format: String, received: Int, accepted: Int,
        rejected: Int,
        credentialId: String, agencyCode: String, ingestedAt: Date
    ) {
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
    /// The type this payload is published as.
    public static let eventType = EventType.apiProvisioned
    /// The request the event belongs to (the Kafka key; operations events use their subject).
    public var requestId: String
    /// The dataset contract.
    public var contractId: String
    /// The producing agency (owner of the request).
    public var agencyCode: String
    /// The endpoints created, one per dataset.
    public var endpoints: [ProvisionedEndpoint]
    /// What the integration unit test checked, one line per check.
    public var integrationTestChecks: [String]
    /// Credentials issued for the endpoints (ids and scopes; secrets are collected once through the API).
    public var credentials: [IssuedCredential]?
    /// Who provisioned it (the service itself).
    public var provisionedBy: ActorReference
    /// When the API was provisioned.
    public var provisionedAt: Date

    /// Creates the payload.
    public init(
        requestId: String, contractId: String, agencyCode: String, endpoints: [ProvisionedEndpoint],
        integrationTestChecks: [String],
        credentials: [IssuedCredential]? = nil, provisionedBy: ActorReference, provisionedAt: Date
    ) {
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

/// The results document was handed over (berita acara serah terima: Kaltim step 10, the
/// laboratory's hand-over of the final result), after the producer accepted.
public struct ResultsHandedOver: EventPayload, Equatable {
    /// The type this payload is published as.
    public static let eventType = EventType.resultsHandedOver
    /// The request the event belongs to (the Kafka key; operations events use their subject).
    public var requestId: String
    /// The dataset contract.
    public var contractId: String
    /// What was handed over to whom (at most 2 000 characters).
    public var note: String
    /// Who handed it over.
    public var handedOverBy: ActorReference
    /// When.
    public var handedOverAt: Date

    /// Creates the payload.
    public init(requestId: String, contractId: String, note: String, handedOverBy: ActorReference, handedOverAt: Date) {
        self.requestId = requestId
        self.contractId = contractId
        self.note = note
        self.handedOverBy = handedOverBy
        self.handedOverAt = handedOverAt
    }
}

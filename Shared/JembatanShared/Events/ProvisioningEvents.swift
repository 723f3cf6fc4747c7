import Foundation

// Events of topic `jembatan.provisioning.v1` (SOP steps 5–7).

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

import Foundation
import JembatanShared
import Logging
import PostgresNIO

/// A submission as evaluation keeps it: the structure under review and where its review stands.
struct StoredSubmission: Sendable {
    let agencyCode: String
    let datasets: [DatasetDefinition]
    let version: Int
    let state: EvaluationState
    let findings: [ReviewFinding]
    let consumers: [String]
}

/// One decision of the technical team on one version of the structure.
struct StoredReview: Sendable {
    let decision: ReviewOutcome
    let version: Int
    let findings: [ReviewFinding]
    let reasons: [ReturnReason]
    let decidedBy: String
    let decidedAt: Date
}

/// An agreed dataset contract (the interchange document).
struct StoredContract: Sendable {
    let contractId: String
    let requestId: String
    let version: Int
    let agencyCode: String
    let consumers: [String]
    let agreedAt: Date
    let datasets: [DatasetDefinition]
}

/// The only place with SQL for evaluation's schema (`evaluation.submissions`, `reviews`,
/// `contracts`). Methods that take part in a state change run on the caller's connection.
enum EvaluationStore {
    // MARK: - Submissions

    /// Keeps intake's submission (once; a redelivery changes nothing).
    static func recordSubmission(_ submitted: RequestSubmitted, on connection: PostgresConnection, logger: Logger)
        async throws
    {
        let datasets = try CloudEventCodec.jsonText(submitted.datasets)
        let consumers = try CloudEventCodec.jsonText(submitted.intendedConsumers ?? [])
        try await connection.queryUnlessClosed(
            """
            INSERT INTO evaluation.submissions (request_id, agency_code, datasets, consumers, submitted_at)
            VALUES (\(submitted.requestId), \(submitted.agencyCode), \(datasets)::jsonb, \(consumers)::jsonb, \(submitted.submittedAt))
            ON CONFLICT (request_id) DO NOTHING
            """, logger: logger)
    }

    /// The submission with its row locked until commit; nil when evaluation has none.
    static func lockedSubmission(_ requestId: String, on connection: PostgresConnection, logger: Logger) async throws
        -> StoredSubmission?
    {
        for try await (agency, datasets, version, state, findings, consumers) in try await connection.queryUnlessClosed(
            """
            SELECT agency_code, datasets::text, version, state, findings::text, consumers::text FROM evaluation.submissions WHERE request_id = \(requestId) FOR UPDATE
            """, logger: logger
        ).decode((String, String, Int, String, String, String).self) {
            return try submission(agency, datasets, version, state, findings, consumers)
        }
        return nil
    }

    /// The submission as it stands now (no lock); nil when evaluation has none.
    static func submission(_ requestId: String, client: PostgresClient, logger: Logger) async throws
        -> StoredSubmission?
    {
        for try await (agency, datasets, version, state, findings, consumers) in try await client.queryUnlessClosed(
            """
            SELECT agency_code, datasets::text, version, state, findings::text, consumers::text FROM evaluation.submissions WHERE request_id = \(requestId)
            """, logger: logger
        ).decode((String, String, Int, String, String, String).self) {
            return try submission(agency, datasets, version, state, findings, consumers)
        }
        return nil
    }

    private static func submission(
        _ agency: String, _ datasets: String, _ version: Int, _ state: String, _ findings: String, _ consumers: String
    ) throws -> StoredSubmission {
        StoredSubmission(
            agencyCode: agency, datasets: try CloudEventCodec.decodeJSON([DatasetDefinition].self, from: datasets),
            version: version, state: try EvaluationState(stored: state),
            findings: try CloudEventCodec.decodeJSON([ReviewFinding].self, from: findings),
            consumers: try CloudEventCodec.decodeJSON([String].self, from: consumers))
    }

    /// A new structure (or the same) is under review with these findings, awaiting the team's decision.
    static func awaitDecision(
        _ requestId: String, datasets: [DatasetDefinition], version: Int, findings: [ReviewFinding],
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        let datasetsJSON = try CloudEventCodec.jsonText(datasets)
        let findingsJSON = try CloudEventCodec.jsonText(findings)
        try await connection.queryUnlessClosed(
            """
            UPDATE evaluation.submissions SET datasets = \(datasetsJSON)::jsonb, version = \(version), findings = \(findingsJSON)::jsonb, state = \(EvaluationState.awaitingDecision.rawValue)
            WHERE request_id = \(requestId)
            """, logger: logger)
    }

    static func setState(
        _ state: EvaluationState, of requestId: String, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.queryUnlessClosed(
            "UPDATE evaluation.submissions SET state = \(state.rawValue) WHERE request_id = \(requestId)",
            logger: logger)
    }

    // MARK: - Reviews

    /// Records the team's decision (`returned` or `agreed`) on one version of the structure.
    static func recordReview(
        of requestId: String, decision: ReviewOutcome, findings: [ReviewFinding], reasons: [ReturnReason],
        by actor: String, at date: Date,
        version: Int, on connection: PostgresConnection, logger: Logger
    ) async throws {
        let findingsJSON = try CloudEventCodec.jsonText(findings)
        let reasonsJSON = try CloudEventCodec.jsonText(reasons)
        try await connection.queryUnlessClosed(
            """
            INSERT INTO evaluation.reviews (request_id, findings, decision, decided_by, decided_at, version, reasons)
            VALUES (\(requestId), \(findingsJSON)::jsonb, \(decision.rawValue), \(actor), \(date), \(version), \(reasonsJSON)::jsonb)
            """, logger: logger)
    }

    static func reviews(of requestId: String, client: PostgresClient, logger: Logger) async throws -> [StoredReview] {
        var reviews: [StoredReview] = []
        for try await (decision, version, findings, reasons, by, at) in try await client.queryUnlessClosed(
            """
            SELECT decision, version, findings::text, reasons::text, decided_by, decided_at FROM evaluation.reviews WHERE request_id = \(requestId) ORDER BY review_id
            """, logger: logger
        ).decode((String, Int, String, String, String, Date).self) {
            reviews.append(
                StoredReview(
                    decision: try ReviewOutcome(stored: decision), version: version,
                    findings: try CloudEventCodec.decodeJSON([ReviewFinding].self, from: findings),
                    reasons: try CloudEventCodec.decodeJSON([ReturnReason].self, from: reasons), decidedBy: by,
                    decidedAt: at))
        }
        return reviews
    }

    // MARK: - Contracts

    /// The version the request's next contract gets.
    static func nextContractVersion(of requestId: String, on connection: PostgresConnection, logger: Logger)
        async throws -> Int
    {
        for try await next in try await connection.queryUnlessClosed(
            "SELECT coalesce(max(version), 0) + 1 FROM evaluation.contracts WHERE request_id = \(requestId)",
            logger: logger
        ).decode(Int.self) {
            return next
        }
        return 1
    }

    static func insertContract(_ contract: StoredContract, on connection: PostgresConnection, logger: Logger)
        async throws
    {
        let datasetsJSON = try CloudEventCodec.jsonText(contract.datasets)
        let consumersJSON = try CloudEventCodec.jsonText(contract.consumers)
        try await connection.queryUnlessClosed(
            """
            INSERT INTO evaluation.contracts (contract_id, request_id, version, datasets, agreed_at, agency_code, consumers)
            VALUES (\(contract.contractId), \(contract.requestId), \(contract.version), \(datasetsJSON)::jsonb, \(contract.agreedAt), \(contract.agencyCode), \(consumersJSON)::jsonb)
            """, logger: logger)
    }

    /// The request's contracts, oldest first.
    static func contracts(of requestId: String, client: PostgresClient, logger: Logger) async throws -> [StoredContract]
    {
        var contracts: [StoredContract] = []
        for try await (id, version, agency, consumers, at, datasets) in try await client.queryUnlessClosed(
            """
            SELECT contract_id, version, coalesce(agency_code, ''), consumers::text, agreed_at, datasets::text FROM evaluation.contracts WHERE request_id = \(requestId) ORDER BY version
            """, logger: logger
        ).decode((String, Int, String, String, Date, String).self) {
            contracts.append(
                StoredContract(
                    contractId: id, requestId: requestId, version: version, agencyCode: agency,
                    consumers: try CloudEventCodec.decodeJSON([String].self, from: consumers), agreedAt: at,
                    datasets: try CloudEventCodec.decodeJSON([DatasetDefinition].self, from: datasets)))
        }
        return contracts
    }

    static func contract(_ contractId: String, client: PostgresClient, logger: Logger) async throws -> StoredContract? {
        for try await (requestId, version, agency, consumers, agreedAt, datasets) in try await client.queryUnlessClosed(
            """
            SELECT request_id, version, coalesce(agency_code, ''), consumers::text, agreed_at, datasets::text FROM evaluation.contracts WHERE contract_id = \(contractId)
            """, logger: logger
        ).decode((String, Int, String, String, Date, String).self) {
            return StoredContract(
                contractId: contractId, requestId: requestId, version: version, agencyCode: agency,
                consumers: try CloudEventCodec.decodeJSON([String].self, from: consumers), agreedAt: agreedAt,
                datasets: try CloudEventCodec.decodeJSON([DatasetDefinition].self, from: datasets))
        }
        return nil
    }

    /// The newest contract of every other request: the datasets already in the hub.
    static func agreedElsewhere(than requestId: String, on connection: PostgresConnection, logger: Logger) async throws
        -> [TechnicalReview.ExistingDataset]
    {
        var existing: [TechnicalReview.ExistingDataset] = []
        let rows = try await connection.queryUnlessClosed(
            """
            SELECT DISTINCT ON (request_id) request_id, datasets::text FROM evaluation.contracts
            WHERE request_id <> \(requestId) ORDER BY request_id, version DESC
            """, logger: logger)
        for try await (otherRequest, datasets) in rows.decode((String, String).self) {
            for dataset in try CloudEventCodec.decodeJSON([DatasetDefinition].self, from: datasets) {
                existing.append(.init(requestId: otherRequest, dataset: dataset))
            }
        }
        return existing
    }

    /// The request's own latest contract, to compare a reopened or revised structure with.
    static func latestContractDatasets(of requestId: String, on connection: PostgresConnection, logger: Logger)
        async throws -> [DatasetDefinition]?
    {
        let rows = try await connection.queryUnlessClosed(
            "SELECT datasets::text FROM evaluation.contracts WHERE request_id = \(requestId) ORDER BY version DESC LIMIT 1",
            logger: logger)
        for try await datasets in rows.decode(String.self) {
            return try CloudEventCodec.decodeJSON([DatasetDefinition].self, from: datasets)
        }
        return nil
    }

    // MARK: - Recorded phases

    /// Records a phase as done: once per request (before the agreement) or per contract version (after it).
    static func recordPhase(
        _ phase: Phase, of requestId: String, contractId: String?, note: String, by actor: String, at date: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.queryUnlessClosed(
            """
            INSERT INTO evaluation.phase_records (request_id, phase, contract_id, note, recorded_by, recorded_at)
            VALUES (\(requestId), \(phase.rawValue), \(contractId), \(note), \(actor), \(date))
            """, logger: logger)
    }

    /// The phases recorded for the request: before the agreement (`contractId` nil) or for one contract version.
    static func recordedPhases(
        of requestId: String, contractId: String?, on connection: PostgresConnection, logger: Logger
    ) async throws -> Set<Phase> {
        var phases: Set<Phase> = []
        for try await phase in try await connection.queryUnlessClosed(
            """
            SELECT phase FROM evaluation.phase_records WHERE request_id = \(requestId)
              AND coalesce(contract_id, '') = coalesce(\(contractId), '')
            """, logger: logger
        ).decode(String.self) {
            phases.insert(try Phase(stored: phase))
        }
        return phases
    }

    /// The request's latest contract, if any (locked with its submission by the caller).
    static func latestContract(of requestId: String, on connection: PostgresConnection, logger: Logger) async throws
        -> StoredContract?
    {
        for try await (id, version, agency, consumers, at, datasets) in try await connection.queryUnlessClosed(
            """
            SELECT contract_id, version, coalesce(agency_code, ''), consumers::text, agreed_at, datasets::text
            FROM evaluation.contracts WHERE request_id = \(requestId) ORDER BY version DESC LIMIT 1
            """, logger: logger
        ).decode((String, Int, String, String, Date, String).self) {
            return StoredContract(
                contractId: id, requestId: requestId, version: version, agencyCode: agency,
                consumers: try CloudEventCodec.decodeJSON([String].self, from: consumers), agreedAt: at,
                datasets: try CloudEventCodec.decodeJSON([DatasetDefinition].self, from: datasets))
        }
        return nil
    }
}

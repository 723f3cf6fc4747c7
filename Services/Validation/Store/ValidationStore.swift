import Foundation
import JembatanShared
import Logging
import PostgresNIO

/// A validation case: one per request whose API the hub provisioned.
struct StoredCase: Sendable {
    let requestId: String
    let contractId: String
    let state: String
    let provisionedAt: Date
    let decidedBy: String?
    let decidedAt: Date?
    let note: String?
    let agencyCode: String
    let decisionRunId: String?
}

/// A completed run, as the decision reads it.
struct StoredRunOutcome: Sendable {
    let score: Double
    let passed: Bool
    let failedChecks: [String]
    let startedAt: Date
    let completedAt: Date
}

/// A queued run taken on a lease (see ``ValidationStore/claimQueuedRun(client:logger:)``).
struct QueuedRun: Sendable {
    let requestId: String
    /// Until when the entry is ours, as PostgreSQL wrote it (compared exactly when the run is done).
    let lease: String
}

/// The latest reconciliation's counts.
struct StoredReconciliationCounts: Sendable {
    let reconciliationId: String
    let missingInHub: Int
    let extraInHub: Int
    let changed: Int
}

/// The only place with SQL for validation's schema (`validation.cases`, `runs`,
/// `reconciliations`, `freshness_findings`, `pending_runs`). Reads of the hub go through
/// `HubReader`. Methods that take part in a state change run on the caller's connection.
enum ValidationStore {
    // MARK: - Cases

    /// Opens (or reopens for a new contract) the case of a provisioned API.
    static func openCase(_ provisioned: APIProvisioned, on connection: PostgresConnection, logger: Logger) async throws
    {
        try await connection.queryUnlessClosed(
            """
            INSERT INTO validation.cases (request_id, contract_id, agency_code, provisioned_at, state)
            VALUES (\(provisioned.requestId), \(provisioned.contractId), \(provisioned.agencyCode), \(provisioned.provisionedAt), 'awaiting_decision')
            ON CONFLICT (request_id) DO UPDATE SET contract_id = EXCLUDED.contract_id, provisioned_at = EXCLUDED.provisioned_at,
                state = 'awaiting_decision', decided_by = NULL, decided_at = NULL, decision_note = NULL, decision_run_id = NULL
            """, logger: logger)
    }

    /// The case's state and agency, its row locked until commit.
    static func lockedCase(_ requestId: String, on connection: PostgresConnection, logger: Logger) async throws -> (
        state: String, agencyCode: String
    )? {
        for try await (state, agency) in try await connection.queryUnlessClosed(
            "SELECT state, agency_code FROM validation.cases WHERE request_id = \(requestId) FOR UPDATE", logger: logger
        )
        .decode((String, String).self) {
            return (state, agency)
        }
        return nil
    }

    /// The case's contract and agency as of the caller's snapshot.
    static func caseContract(_ requestId: String, on connection: PostgresConnection, logger: Logger) async throws -> (
        contractId: String, agencyCode: String
    )? {
        for try await (contract, agency) in try await connection.queryUnlessClosed(
            "SELECT contract_id, agency_code FROM validation.cases WHERE request_id = \(requestId)", logger: logger
        )
        .decode((String, String).self) {
            return (contract, agency)
        }
        return nil
    }

    static func recordDecision(
        of requestId: String, state: String, by actor: String, at date: Date, note: String, runId: String,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.queryUnlessClosed(
            """
            UPDATE validation.cases SET state = \(state), decided_by = \(actor), decided_at = \(date), decision_note = \(note), decision_run_id = \(runId)
            WHERE request_id = \(requestId)
            """, logger: logger)
    }

    static func findCase(_ requestId: String, client: PostgresClient, logger: Logger) async throws -> StoredCase? {
        for try await (id, contract, state, provisioned, by, at, note, agency, runId)
            in try await client.queryUnlessClosed(
                """
                SELECT request_id, contract_id, state, provisioned_at, decided_by, decided_at, decision_note, agency_code, decision_run_id FROM validation.cases WHERE request_id = \(requestId)
                """, logger: logger
            ).decode((String, String, String, Date, String?, Date?, String?, String, String?).self)
        {
            return StoredCase(
                requestId: id, contractId: contract, state: state, provisionedAt: provisioned, decidedBy: by,
                decidedAt: at, note: note,
                agencyCode: agency, decisionRunId: runId)
        }
        return nil
    }

    /// The agency of the request's case (nil: no case).
    static func caseAgency(_ requestId: String, client: PostgresClient, logger: Logger) async throws -> String? {
        for try await agency in try await client.queryUnlessClosed(
            "SELECT agency_code FROM validation.cases WHERE request_id = \(requestId)", logger: logger
        ).decode(String.self) {
            return agency
        }
        return nil
    }

    // MARK: - Runs

    static func insertRun(_ run: ValidationRun, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.queryUnlessClosed(
            """
            INSERT INTO validation.runs (run_id, request_id, contract_id, trigger, run_by, as_of, started_at, completed_at, passed, score, records, failed_checks, scorecard)
            VALUES (\(run.runId), \(run.requestId), \(run.contractId), \(run.trigger), \(run.runBy), \(run.asOf), \(run.startedAt), \(run.completedAt), \(run.passed), \(run.score),
                    \(run.records), \(try CloudEventCodec.jsonText(run.failedChecks))::jsonb, \(try CloudEventCodec.jsonText(run.datasets))::jsonb)
            """, logger: logger)
    }

    /// The named run if it was made for the case's current contract.
    static func runOfCurrentContract(
        _ runId: String, of requestId: String, on connection: PostgresConnection, logger: Logger
    ) async throws -> StoredRunOutcome? {
        for try await (score, passed, failed, started, completed) in try await connection.queryUnlessClosed(
            """
            SELECT r.score, r.passed, r.failed_checks::text, r.started_at, r.completed_at FROM validation.runs r JOIN validation.cases c USING (request_id)
            WHERE r.request_id = \(requestId) AND r.run_id = \(runId) AND r.contract_id = c.contract_id
            """, logger: logger
        ).decode((Double, Bool, String, Date, Date).self) {
            return StoredRunOutcome(
                score: score, passed: passed, failedChecks: try CloudEventCodec.decodeJSON([String].self, from: failed),
                startedAt: started, completedAt: completed)
        }
        return nil
    }

    static func runSummaries(of requestId: String, client: PostgresClient, logger: Logger) async throws -> [RunSummary]
    {
        var runs: [RunSummary] = []
        for try await (id, contract, trigger, by, at, passed, score, records, failed)
            in try await client.queryUnlessClosed(
                """
                SELECT run_id, contract_id, trigger, run_by, completed_at, passed, score, records, failed_checks::text FROM validation.runs
                WHERE request_id = \(requestId) ORDER BY completed_at DESC LIMIT 100
                """, logger: logger
            ).decode((String, String, String, String, Date, Bool, Double, Int64, String).self)
        {
            runs.append(
                RunSummary(
                    runId: id, contractId: contract, trigger: trigger, runBy: by, completedAt: at, passed: passed,
                    score: score, records: records,
                    failedChecks: try CloudEventCodec.decodeJSON([String].self, from: failed)))
        }
        return runs
    }

    static func run(_ runId: String, of requestId: String, client: PostgresClient, logger: Logger) async throws
        -> ValidationRun?
    {
        for try await (contract, trigger, by, asOf, started, completed, passed, score, records, failed, scorecard)
            in try await client.queryUnlessClosed(
                """
                SELECT contract_id, trigger, run_by, as_of, started_at, completed_at, passed, score, records, failed_checks::text, scorecard::text
                FROM validation.runs WHERE request_id = \(requestId) AND run_id = \(runId)
                """, logger: logger
            ).decode((String, String, String, Date, Date, Date, Bool, Double, Int64, String, String).self)
        {
            return ValidationRun(
                runId: runId, requestId: requestId, contractId: contract, trigger: trigger, runBy: by, asOf: asOf,
                startedAt: started, completedAt: completed,
                passed: passed, score: score, records: Int(records),
                failedChecks: try CloudEventCodec.decodeJSON([String].self, from: failed),
                datasets: try CloudEventCodec.decodeJSON([DatasetScorecard].self, from: scorecard))
        }
        return nil
    }

    // MARK: - Queued runs

    /// Asks for a run of the request's checks (a later push moves the request to the back).
    static func queueRun(of requestId: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.queryUnlessClosed(
            """
            INSERT INTO validation.pending_runs (request_id, requested_at) VALUES (\(requestId), now())
            ON CONFLICT (request_id) DO UPDATE SET requested_at = EXCLUDED.requested_at
            """, logger: logger)
    }

    /// Takes one request whose data changed (and whose push is at least a second old, so a
    /// stream of batches is checked once) on a five-minute lease: its queue entry stays, moved past
    /// the lease, so a run that fails, hangs or dies with its process is taken again once the lease
    /// ends. Nothing a push asked for is lost.
    static func claimQueuedRun(client: PostgresClient, logger: Logger) async throws -> QueuedRun? {
        let rows = try await client.queryUnlessClosed(
            """
            UPDATE validation.pending_runs SET requested_at = now() + interval '5 minutes' WHERE request_id = (
                SELECT request_id FROM validation.pending_runs WHERE requested_at < now() - interval '1 second'
                ORDER BY requested_at LIMIT 1 FOR UPDATE SKIP LOCKED
            ) RETURNING request_id, requested_at::text
            """, logger: logger)
        for try await (requestId, lease) in rows.decode((String, String).self) {
            return QueuedRun(requestId: requestId, lease: lease)
        }
        return nil
    }

    /// Removes the entry of a run that completed, unless a push asked again meanwhile (then it stays
    /// queued and runs once more).
    static func finishQueuedRun(_ run: QueuedRun, client: PostgresClient, logger: Logger) async throws {
        try await client.queryUnlessClosed(
            "DELETE FROM validation.pending_runs WHERE request_id = \(run.requestId) AND requested_at = \(run.lease)::timestamptz",
            logger: logger)
    }

    // MARK: - Reconciliations and freshness

    static func insertReconciliation(
        _ report: ReconciliationReport, contractId: String, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.queryUnlessClosed(
            """
            INSERT INTO validation.reconciliations (reconciliation_id, request_id, contract_id, dataset_id, submitted_by, completed_at, source_records, hub_records,
                missing_in_hub, extra_in_hub, changed, matched, report)
            VALUES (\(report.reconciliationId), \(report.requestId), \(contractId), \(report.datasetId), \(report.submittedBy), \(report.completedAt), \(report.sourceRecords),
                \(report.hubRecords), \(report.missingInHub.count), \(report.extraInHub.count), \(report.changedCount), \(report.matched), \(try CloudEventCodec.jsonText(report))::jsonb)
            """, logger: logger)
    }

    /// The latest reconciliation made for the case's current contract.
    static func latestReconciliation(of requestId: String, on connection: PostgresConnection, logger: Logger)
        async throws -> StoredReconciliationCounts?
    {
        for try await (id, missing, extra, changed) in try await connection.queryUnlessClosed(
            """
            SELECT r.reconciliation_id, r.missing_in_hub, r.extra_in_hub, r.changed FROM validation.reconciliations r JOIN validation.cases c USING (request_id)
            WHERE r.request_id = \(requestId) AND r.contract_id = c.contract_id ORDER BY r.completed_at DESC LIMIT 1
            """, logger: logger
        ).decode((String, Int, Int, Int).self) {
            return StoredReconciliationCounts(
                reconciliationId: id, missingInHub: missing, extraInHub: extra, changed: changed)
        }
        return nil
    }

    /// The stored report as JSON text.
    static func reconciliationReport(_ id: String, of requestId: String, client: PostgresClient, logger: Logger)
        async throws -> String?
    {
        for try await report in try await client.queryUnlessClosed(
            """
            SELECT report::text FROM validation.reconciliations WHERE request_id = \(requestId) AND reconciliation_id = \(id)
            """, logger: logger
        ).decode(String.self) {
            return report
        }
        return nil
    }

    /// Records a finding once per stale period; true when it is new.
    static func recordFreshnessFinding(_ finding: FreshnessFinding, on connection: PostgresConnection, logger: Logger)
        async throws -> Bool
    {
        let inserted = try await connection.queryUnlessClosed(
            """
            INSERT INTO validation.freshness_findings (dataset_id, last_update, request_id, update_frequency, as_of, age_days, allowed_days)
            VALUES (\(finding.datasetId), \(finding.lastUpdate), \(finding.requestId), \(finding.updateFrequency), \(finding.asOf), \(finding.ageDays), \(finding.allowedDays))
            ON CONFLICT (dataset_id, last_update) DO NOTHING RETURNING dataset_id
            """, logger: logger)
        for try await _ in inserted.decode(String.self) { return true }
        return false
    }

    /// Records the head's judgement (Kaltim step 11): `approved`, or `reopened` (back to step 3).
    static func recordHeadReview(
        of requestId: String, state: String, by actor: String, at date: Date, note: String,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.queryUnlessClosed(
            """
            UPDATE validation.cases SET state = \(state), reviewed_by = \(actor), reviewed_at = \(date), review_note = \(note)
            WHERE request_id = \(requestId)
            """, logger: logger)
    }
}

import Foundation
import Hummingbird
import JembatanShared
import PostgresNIO

/// `/v1/requests/{id}/decision`: the producer's final evaluation (SOP step 9).
struct DecisionsController: Sendable {
    let context: ServiceContext

    func register(on router: Router<JembatanRequestContext>) {
        router.get("v1/requests/:id", use: show)
        router.post("v1/requests/:id/decision", use: decide)
    }

    struct DecisionBody: Decodable {
        var decision: String
        var note: String?
        var reasons: [String]?
        /// The validation run the decision rests on: the latest for the current contract.
        var runId: String?
    }

    struct CaseView: Encodable {
        let requestId: String
        let contractId: String
        let state: String
        let provisionedAt: Date
        let decidedBy: String?
        let decidedAt: Date?
        let note: String?
        let decisionRunId: String?
    }

    @Sendable func decide(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.producer])
        let actor = account.actor
        let requestId = try request.requestIDParameter(routeContext)
        let body = try await JSONResponse.decode(DecisionBody.self, from: request)
        var violations: [FieldViolation] = []
        if !["accept", "reject"].contains(body.decision) {
            violations.append(FieldViolation(field: "decision", rule: "enum", message: "decision must be 'accept' or 'reject'"))
        }
        let reasons = (body.reasons ?? []).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
        if body.decision == "reject" && reasons.isEmpty {
            violations.append(FieldViolation(field: "reasons", rule: "required", message: "a rejection names at least one reason"))
        }
        if body.runId == nil {
            violations.append(FieldViolation(field: "runId", rule: "required", message: "name the validation run the decision rests on (POST /v1/requests/{id}/validation-runs)"))
        }
        if let violation = NoteRule.violation(body.note, field: "note", required: false) { violations.append(violation) }
        guard violations.isEmpty else { throw APIError.validationFailed(violations) }
        let now = Date()
        let newState = body.decision == "accept" ? "accepted" : "reopened"
        let note = body.note ?? reasons.joined(separator: "; ")
        let logger = routeContext.logger
        let outbox = context.outbox
        try await context.client.inTransaction(logger: logger) { connection in
            var state: String?
            for try await (current, agency) in try await connection.query("SELECT state, agency_code FROM validation.cases WHERE request_id = \(requestId) FOR UPDATE", logger: logger).decode((String, String).self) {
                state = account.mayAccess(agency: agency) ? current : nil
            }
            guard let state else { throw APIError(.conflict, code: "not_provisioned", message: "the request has no provisioned API yet; nothing to evaluate") }
            guard state == "awaiting_decision" else {
                throw APIError(.conflict, code: "invalid_state", message: "request is already \(state)", field: "decision")
            }
            let evidence = try await evidence(run: body.runId ?? "", of: requestId, on: connection)
            if body.decision == "accept" && !evidence.passed && (body.note ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                throw APIError.validationFailed([FieldViolation(field: "note", rule: "required_with_failed_checks",
                                                                message: "the run failed \(evidence.failedChecks.count) check(s): say why the data is right nonetheless")])
            }
            try await connection.query("""
                UPDATE validation.cases SET state = \(newState), decided_by = \(actor.id), decided_at = \(now), decision_note = \(note), decision_run_id = \(evidence.runId)
                WHERE request_id = \(requestId)
                """, logger: logger)
            if body.decision == "accept" {
                try await outbox.enqueue(RequestAccepted(requestId: requestId, note: note, evidence: evidence, decidedBy: actor, decidedAt: now), on: connection, logger: logger)
            } else {
                try await outbox.enqueue(RequestReopened(requestId: requestId, reasons: reasons, evidence: evidence, decidedBy: actor, decidedAt: now), on: connection, logger: logger)
            }
        }
        return try await caseView(requestId, for: account)
    }

    /// The named run, if it belongs to the case's current contract and saw the data as it is now,
    /// with the latest reconciliation of that contract.
    private func evidence(run runId: String, of requestId: String, on connection: PostgresConnection) async throws -> ValidationEvidence {
        var found: (evidence: ValidationEvidence, startedAt: Date)?
        for try await (score, passed, failed, started) in try await connection.query("""
            SELECT r.score, r.passed, r.failed_checks::text, r.started_at FROM validation.runs r JOIN validation.cases c USING (request_id)
            WHERE r.request_id = \(requestId) AND r.run_id = \(runId) AND r.contract_id = c.contract_id
            """, logger: context.logger).decode((Double, Bool, String, Date).self) {
            found = (ValidationEvidence(runId: runId, score: score, passed: passed, failedChecks: try CloudEventCodec.decodeJSON([String].self, from: failed)), started)
        }
        guard var (evidence, startedAt) = found else {
            throw APIError(.conflict, code: "no_validation_run", message: "no completed validation run \(runId) for the current contract: run the checks first (POST /v1/requests/{id}/validation-runs)", field: "runId")
        }
        for dataset in try await HubReader.datasets(ofRequest: requestId, on: connection, logger: context.logger) {
            for try await last in try await connection.query(PostgresQuery(unsafeSQL: "SELECT max(updated_at) FROM provisioning.\(dataset.storageTable)"),
                                                            logger: context.logger).decode(Date?.self) {
                if let last, last > startedAt {
                    throw APIError(.conflict, code: "stale_run", message: "data of \(dataset.datasetId) changed after run \(runId) started: run the checks again", field: "runId")
                }
            }
        }
        for try await (id, missing, extra, changed) in try await connection.query("""
            SELECT r.reconciliation_id, r.missing_in_hub, r.extra_in_hub, r.changed FROM validation.reconciliations r JOIN validation.cases c USING (request_id)
            WHERE r.request_id = \(requestId) AND r.contract_id = c.contract_id ORDER BY r.completed_at DESC LIMIT 1
            """, logger: context.logger).decode((String, Int, Int, Int).self) {
            evidence.reconciliationId = id
            evidence.missingInHub = missing
            evidence.extraInHub = extra
            evidence.changed = changed
        }
        return evidence
    }

    @Sendable func show(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.producer, .head, .supervisor, .technical, .admin])
        return try await caseView(try request.requestIDParameter(routeContext), for: account)
    }

    private func caseView(_ requestId: String, for account: Account) async throws -> Response {
        for try await (id, contract, state, provisioned, by, at, note, agency, runId) in try await context.client.query("""
            SELECT request_id, contract_id, state, provisioned_at, decided_by, decided_at, decision_note, agency_code, decision_run_id FROM validation.cases WHERE request_id = \(requestId)
            """, logger: context.logger).decode((String, String, String, Date, String?, Date?, String?, String, String?).self) {
            guard account.mayAccess(agency: agency) else { break }
            return try JSONResponse.make(CaseView(requestId: id, contractId: contract, state: state, provisionedAt: provisioned, decidedBy: by, decidedAt: at, note: note,
                                                  decisionRunId: runId))
        }
        throw APIError.notFound("validation case of request")
    }
}

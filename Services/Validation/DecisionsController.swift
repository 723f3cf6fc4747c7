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
        router.post("v1/requests/:id/head-review", use: headReview)
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
            violations.append(
                FieldViolation(field: "decision", rule: "enum", message: "decision must be 'accept' or 'reject'"))
        }
        let reasons = (body.reasons ?? []).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter {
            !$0.isEmpty
        }
        if body.decision == "reject" && reasons.isEmpty {
            violations.append(
                FieldViolation(field: "reasons", rule: "required", message: "a rejection names at least one reason"))
        }
        if body.runId == nil {
            violations.append(
                FieldViolation(
                    field: "runId", rule: "required",
                    message: "name the validation run the decision rests on (POST /v1/requests/{id}/validation-runs)"))
        }
        if let violation = NoteRule.violation(body.note, field: "note", required: false) {
            violations.append(violation)
        }
        guard violations.isEmpty else { throw APIError.validationFailed(violations) }
        let now = Date()
        let newState = body.decision == "accept" ? "accepted" : "reopened"
        let note = body.note ?? reasons.joined(separator: "; ")
        let logger = routeContext.logger
        let outbox = context.outbox
        try await context.client.inTransaction(logger: logger) { connection in
            let locked = try await ValidationStore.lockedCase(requestId, on: connection, logger: logger)
            guard let locked, account.mayAccess(agency: locked.agencyCode) else {
                throw APIError(
                    .conflict, code: "not_provisioned",
                    message: "the request has no provisioned API yet; nothing to evaluate")
            }
            guard locked.state == "awaiting_decision" else {
                throw APIError(
                    .conflict, code: "invalid_state", message: "request is already \(locked.state)", field: "decision")
            }
            if body.decision == "accept" {
                // The SOP's order: the results are delivered before the producer checks and accepts them.
                if let contract = try await ValidationStore.caseContract(requestId, on: connection, logger: logger) {
                    let deliveredAt = try await HubReader.deliveredAt(
                        ofRequest: requestId, contractId: contract.contractId, on: connection, logger: logger)
                    let profile = try await ProfileReader.profile(ofRequest: requestId, on: connection, logger: logger)
                    if let refusal = ProcedureRules.acceptanceRefusal(profile: profile, deliveredAt: deliveredAt) {
                        throw APIError(.conflict, code: "not_delivered", message: refusal, field: "decision")
                    }
                }
            }
            let evidence = try await evidence(run: body.runId ?? "", of: requestId, on: connection)
            if body.decision == "accept" && !evidence.passed
                && (body.note ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
            {
                throw APIError.validationFailed([
                    FieldViolation(
                        field: "note", rule: "required_with_failed_checks",
                        message:
                            "the run failed \(evidence.failedChecks.count) check(s): say why the data is right nonetheless"
                    )
                ])
            }
            try await ValidationStore.recordDecision(
                of: requestId, state: newState, by: actor.id, at: now, note: note, runId: evidence.runId,
                on: connection, logger: logger)
            if body.decision == "accept" {
                // The producer's validation result report, numbered with the acceptance.
                let profile = try await ProfileReader.profile(ofRequest: requestId, on: connection, logger: logger)
                _ = try await ValidationReportDocument.issue(
                    requestId: requestId, agency: locked.agencyCode, evidence: evidence, note: note, profile: profile,
                    by: actor, at: now, on: connection, logger: logger)
                try await outbox.enqueue(
                    RequestAccepted(
                        requestId: requestId, note: note, evidence: evidence, decidedBy: actor, decidedAt: now),
                    on: connection, logger: logger)
            } else {
                try await outbox.enqueue(
                    RequestReopened(
                        requestId: requestId, reasons: reasons, evidence: evidence, decidedBy: actor, decidedAt: now),
                    on: connection, logger: logger)
            }
        }
        return try await caseView(requestId, for: account)
    }

    /// The named run, if it belongs to the case's current contract and saw the data as it is now,
    /// with the latest reconciliation of that contract.
    private func evidence(run runId: String, of requestId: String, on connection: PostgresConnection) async throws
        -> ValidationEvidence
    {
        let logger = context.logger
        guard
            let run = try await ValidationStore.runOfCurrentContract(
                runId, of: requestId, on: connection, logger: logger)
        else {
            throw APIError(
                .conflict, code: "no_validation_run",
                message:
                    "no completed validation run \(runId) for the current contract: run the checks first (POST /v1/requests/{id}/validation-runs)",
                field: "runId")
        }
        var evidence = ValidationEvidence(
            runId: runId, score: run.score, passed: run.passed, failedChecks: run.failedChecks,
            completedAt: run.completedAt)
        for dataset in try await HubReader.datasets(ofRequest: requestId, on: connection, logger: logger) {
            if let last = try await HubReader.lastUpdate(of: dataset, on: connection, logger: logger),
                last > run.startedAt
            {
                throw APIError(
                    .conflict, code: "stale_run",
                    message: "data of \(dataset.datasetId) changed after run \(runId) started: run the checks again",
                    field: "runId")
            }
        }
        if let reconciliation = try await ValidationStore.latestReconciliation(
            of: requestId, on: connection, logger: logger)
        {
            evidence.reconciliationId = reconciliation.reconciliationId
            evidence.missingInHub = reconciliation.missingInHub
            evidence.extraInHub = reconciliation.extraInHub
            evidence.changed = reconciliation.changed
        }
        return evidence
    }

    @Sendable func show(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.producer, .head, .supervisor, .technical, .admin])
        return try await caseView(try request.requestIDParameter(routeContext), for: account)
    }

    private func caseView(_ requestId: String, for account: Account) async throws -> Response {
        guard let found = try await ValidationStore.findCase(requestId, client: context.client, logger: context.logger),
            account.mayAccess(agency: found.agencyCode)
        else { throw APIError.notFound("validation case of request") }
        return try JSONResponse.make(
            CaseView(
                requestId: found.requestId, contractId: found.contractId, state: found.state,
                provisionedAt: found.provisionedAt,
                decidedBy: found.decidedBy, decidedAt: found.decidedAt, note: found.note,
                decisionRunId: found.decisionRunId))
    }

    struct HeadReviewBody: Decodable {
        var decision: String
        var note: String?
        var reasons: [String]?
    }

    /// The head judges the integrated data on the dashboard after the hand-over (Kaltim step 11):
    /// `approve` closes the request (its data "terus dilakukan update"); `send_back` returns it to
    /// the technical team's evaluation (step 3) with reasons.
    @Sendable func headReview(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let requestId = try request.requestIDParameter(routeContext)
        let body = try await JSONResponse.decode(HeadReviewBody.self, from: request)
        let logger = routeContext.logger
        let line = try await ProfileReader.step(
            .headReview, ofRequest: requestId, missing: "no_head_review_step", client: context.client, logger: logger)
        let account = try routeContext.require([line.role])
        var violations: [FieldViolation] = []
        if !["approve", "send_back"].contains(body.decision) {
            violations.append(
                FieldViolation(field: "decision", rule: "enum", message: "decision must be 'approve' or 'send_back'"))
        }
        let reasons = (body.reasons ?? []).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter {
            !$0.isEmpty
        }
        if body.decision == "send_back" && reasons.isEmpty {
            violations.append(
                FieldViolation(field: "reasons", rule: "required", message: "sending back names at least one reason"))
        }
        if let violation = NoteRule.violation(body.note, field: "note", required: false) {
            violations.append(violation)
        }
        guard violations.isEmpty else { throw APIError.validationFailed(violations) }
        let now = Date()
        let note = body.note ?? reasons.joined(separator: "; ")
        let actor = account.actor
        let outbox = context.outbox
        try await context.client.inTransaction(logger: logger) { connection in
            guard let locked = try await ValidationStore.lockedCase(requestId, on: connection, logger: logger),
                account.mayAccess(agency: locked.agencyCode)
            else { throw APIError.notFound("validation case of request") }
            let contract = try await ValidationStore.caseContract(requestId, on: connection, logger: logger)
            let handedOver = try await contract.asyncMap {
                try await HubReader.handedOverAt(
                    ofRequest: requestId, contractId: $0.contractId, on: connection, logger: logger)
            }
            guard locked.state == "accepted", handedOver != nil else {
                throw APIError(
                    .conflict, code: "not_handed_over",
                    message:
                        "\(line.reference) follows the producer's acceptance and the hand-over of the results (the request is \(locked.state))",
                    field: "decision")
            }
            if body.decision == "approve" {
                try await ValidationStore.recordHeadReview(
                    of: requestId, state: "approved", by: actor.id, at: now, note: note, on: connection, logger: logger)
                try await outbox.enqueue(
                    IntegrationApproved(requestId: requestId, note: note, approvedBy: actor, approvedAt: now),
                    on: connection, logger: logger)
            } else {
                try await ValidationStore.recordHeadReview(
                    of: requestId, state: "reopened", by: actor.id, at: now, note: note, on: connection, logger: logger)
                try await outbox.enqueue(
                    RequestReopened(requestId: requestId, reasons: reasons, decidedBy: actor, decidedAt: now),
                    on: connection, logger: logger)
            }
        }
        return try await caseView(requestId, for: account)
    }
}

extension Optional {
    /// The wrapped value mapped by an async transform.
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}

import Foundation
import Hummingbird
import JembatanShared
import PostgresNIO

/// `/v1/requests/{id}/decision`: the producer's final evaluation (SOP step 9).
struct DecisionsController: Sendable {
    let context: ServiceContext

    func register(on router: Router<some RequestContext>) {
        router.get("v1/requests/:id", use: show)
        router.post("v1/requests/:id/decision", use: decide)
    }

    struct DecisionBody: Decodable {
        var decision: String
        var note: String?
        var reasons: [String]?
    }

    struct CaseView: Encodable {
        let requestId: String
        let contractId: String
        let state: String
        let provisionedAt: Date
        let decidedBy: String?
        let decidedAt: Date?
        let note: String?
    }

    @Sendable func decide(_ request: Request, _ routeContext: some RequestContext) async throws -> Response {
        let account = try await context.accounts.require(request, roles: [.producer])
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
        if (body.note ?? "").count > 2000 {
            violations.append(FieldViolation(field: "note", rule: "max_length", message: "note is at most 2000 characters"))
        }
        guard violations.isEmpty else { throw APIError.validationFailed(violations) }
        let now = Date()
        let newState = body.decision == "accept" ? "accepted" : "reopened"
        let note = body.note ?? reasons.joined(separator: "; ")
        let logger = context.logger
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
            try await connection.query("""
                UPDATE validation.cases SET state = \(newState), decided_by = \(actor.id), decided_at = \(now), decision_note = \(note)
                WHERE request_id = \(requestId)
                """, logger: logger)
            if body.decision == "accept" {
                try await outbox.enqueue(RequestAccepted(requestId: requestId, note: note, decidedBy: actor, decidedAt: now), on: connection, logger: logger)
            } else {
                try await outbox.enqueue(RequestReopened(requestId: requestId, reasons: reasons, decidedBy: actor, decidedAt: now), on: connection, logger: logger)
            }
        }
        return try await caseView(requestId, for: account)
    }

    @Sendable func show(_ request: Request, _ routeContext: some RequestContext) async throws -> Response {
        let account = try await context.accounts.require(request, roles: [.producer, .head, .supervisor, .technical, .admin])
        return try await caseView(try request.requestIDParameter(routeContext), for: account)
    }

    private func caseView(_ requestId: String, for account: Account) async throws -> Response {
        for try await (id, contract, state, provisioned, by, at, note, agency) in try await context.client.query("""
            SELECT request_id, contract_id, state, provisioned_at, decided_by, decided_at, decision_note, agency_code FROM validation.cases WHERE request_id = \(requestId)
            """, logger: context.logger).decode((String, String, String, Date, String?, Date?, String?, String).self) {
            guard account.mayAccess(agency: agency) else { break }
            return try JSONResponse.make(CaseView(requestId: id, contractId: contract, state: state, provisionedAt: provisioned, decidedBy: by, decidedAt: at, note: note))
        }
        throw APIError.notFound("validation case of request")
    }
}

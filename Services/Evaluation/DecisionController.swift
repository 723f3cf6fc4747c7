import Foundation
import Hummingbird
import JembatanShared
import PostgresNIO

/// `POST /v1/requests/{id}/decision`: the technical team agrees the contract or returns the request (SOP steps 3–4).
struct DecisionController: Sendable {
    let context: ServiceContext

    func register(on router: Router<JembatanRequestContext>) {
        router.post("v1/requests/:id/decision", use: decide)
    }

    struct DecisionBody: Decodable {
        var decision: String
        var reasons: [ReturnReason]?
    }

    struct Decided: Encodable {
        let requestId: String
        let decision: String
        let contractId: String?
        let contractVersion: Int?
    }

    @Sendable func decide(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let actor = try routeContext.require([.technical]).actor
        let requestId = try request.requestIDParameter(routeContext)
        let body = try await JSONResponse.decode(DecisionBody.self, from: request)
        let reasons = (body.reasons ?? []).filter { !$0.message.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        var violations: [FieldViolation] = []
        if !["agree", "return"].contains(body.decision) {
            violations.append(FieldViolation(field: "decision", rule: "enum", message: "decision must be 'agree' or 'return'"))
        }
        if body.decision == "return" && reasons.isEmpty {
            violations.append(FieldViolation(field: "reasons", rule: "required", message: "a return names at least one reason for the producer"))
        }
        for (index, reason) in (body.reasons ?? []).enumerated() {
            if let violation = NoteRule.violation(reason.message, field: "reasons[\(index)].message", required: false) { violations.append(violation) }
        }
        guard violations.isEmpty else { throw APIError.validationFailed(violations) }
        let now = Date()
        let logger = routeContext.logger
        let outbox = context.outbox
        let decided = try await context.client.inTransaction(logger: logger) { connection -> Decided in
            var found: (agency: String, datasets: [DatasetDefinition], version: Int, state: String, findings: [ReviewFinding], consumers: [String])?
            for try await (agency, datasets, version, state, findings, consumers) in try await connection.query("""
                SELECT agency_code, datasets::text, version, state, findings::text, consumers::text FROM evaluation.submissions WHERE request_id = \(requestId) FOR UPDATE
                """, logger: logger).decode((String, String, Int, String, String, String).self) {
                found = (agency, try CloudEventCodec.decodeJSON([DatasetDefinition].self, from: datasets), version, state,
                         try CloudEventCodec.decodeJSON([ReviewFinding].self, from: findings), try CloudEventCodec.decodeJSON([String].self, from: consumers))
            }
            guard let found else { throw APIError.notFound("evaluation of request") }
            guard found.state == "awaiting_decision" else {
                throw APIError(.conflict, code: "invalid_state", message: "the request is \(found.state.replacingOccurrences(of: "_", with: " ")); there is nothing to decide", field: "decision")
            }
            let reasonsJSON = try CloudEventCodec.jsonText(reasons)
            let findingsJSON = try CloudEventCodec.jsonText(found.findings)
            if body.decision == "return" {
                try await connection.query("""
                    INSERT INTO evaluation.reviews (request_id, findings, decision, decided_by, decided_at, version, reasons)
                    VALUES (\(requestId), \(findingsJSON)::jsonb, 'returned', \(actor.id), \(now), \(found.version), \(reasonsJSON)::jsonb)
                    """, logger: logger)
                try await connection.query("UPDATE evaluation.submissions SET state = 'returned' WHERE request_id = \(requestId)", logger: logger)
                try await outbox.enqueue(RequestReturned(requestId: requestId, findings: found.findings, reasons: reasons, returnedBy: actor, returnedAt: now), on: connection, logger: logger)
                return Decided(requestId: requestId, decision: "returned", contractId: nil, contractVersion: nil)
            }
            let blocking = found.findings.filter { $0.severity == "blocking" }
            guard blocking.isEmpty else {
                throw APIError(.conflict, code: "blocking_findings", message: "the structure has \(blocking.count) blocking finding(s): return it to the producer",
                               field: "decision", violations: blocking.map { FieldViolation(field: "\($0.dataset)\($0.field.map { ".\($0)" } ?? "")", rule: $0.rule, message: $0.message) })
            }
            var contractVersion = 1
            for try await next in try await connection.query("SELECT coalesce(max(version), 0) + 1 FROM evaluation.contracts WHERE request_id = \(requestId)", logger: logger).decode(Int.self) {
                contractVersion = next
            }
            let contractId = UUID().uuidString.lowercased()
            let datasetsJSON = try CloudEventCodec.jsonText(found.datasets)
            try await connection.query("""
                INSERT INTO evaluation.contracts (contract_id, request_id, version, datasets, agreed_at, agency_code, consumers)
                VALUES (\(contractId), \(requestId), \(contractVersion), \(datasetsJSON)::jsonb, \(now), \(found.agency), \(try CloudEventCodec.jsonText(found.consumers))::jsonb)
                """, logger: logger)
            try await connection.query("""
                INSERT INTO evaluation.reviews (request_id, findings, decision, decided_by, decided_at, version, reasons)
                VALUES (\(requestId), \(findingsJSON)::jsonb, 'agreed', \(actor.id), \(now), \(found.version), \(reasonsJSON)::jsonb)
                """, logger: logger)
            try await connection.query("UPDATE evaluation.submissions SET state = 'agreed' WHERE request_id = \(requestId)", logger: logger)
            try await outbox.enqueue(ContractAgreed(
                requestId: requestId, contractId: contractId, contractVersion: contractVersion, agencyCode: found.agency,
                datasets: found.datasets, consumers: found.consumers, findings: found.findings, agreedBy: actor, agreedAt: now
            ), on: connection, logger: logger)
            return Decided(requestId: requestId, decision: "agreed", contractId: contractId, contractVersion: contractVersion)
        }
        return try JSONResponse.make(decided)
    }
}

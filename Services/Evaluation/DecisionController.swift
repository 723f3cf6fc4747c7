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
        let decision: ReviewOutcome
        let contractId: String?
        let contractVersion: Int?
        /// The phase the request moves to: the producer's revision, the next document step, or the API.
        let next: Phase?
    }

    @Sendable func decide(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let actor = try routeContext.require([.technical]).actor
        let requestId = try request.requestIDParameter(routeContext)
        let body = try await JSONResponse.decode(DecisionBody.self, from: request)
        let reasons = (body.reasons ?? []).filter {
            !$0.message.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        }
        var violations: [FieldViolation] = []
        let decision = ReviewDecision(rawValue: body.decision)
        if decision == nil {
            violations.append(
                FieldViolation(field: "decision", rule: "enum", message: "decision must be 'agree' or 'return'"))
        }
        if decision == .return && reasons.isEmpty {
            violations.append(
                FieldViolation(
                    field: "reasons", rule: "required", message: "a return names at least one reason for the producer"))
        }
        for (index, reason) in (body.reasons ?? []).enumerated() {
            if let violation = NoteRule.violation(reason.message, field: "reasons[\(index)].message", required: false) {
                violations.append(violation)
            }
        }
        guard violations.isEmpty else { throw APIError.validationFailed(violations) }
        let now = Date()
        let logger = routeContext.logger
        let outbox = context.outbox
        let profile = try await context.client.withConnection { connection in
            try await ProfileReader.profile(ofRequest: requestId, on: connection, logger: logger)
        }
        let decided = try await context.client.inTransaction(logger: logger) { connection -> Decided in
            let found = try await EvaluationStore.lockedSubmission(requestId, on: connection, logger: logger)
            guard let found else { throw APIError.notFound("evaluation of request") }
            guard found.state == .awaitingDecision else {
                throw APIError(
                    .conflict, code: "invalid_state",
                    message: "the request is \(found.state.words); there is nothing to decide", field: "decision")
            }
            if decision == .return {
                try await EvaluationStore.recordReview(
                    of: requestId, decision: .returned, findings: found.findings, reasons: reasons, by: actor.id,
                    at: now,
                    version: found.version, on: connection, logger: logger)
                try await EvaluationStore.setState(.returned, of: requestId, on: connection, logger: logger)
                try await outbox.enqueue(
                    RequestReturned(
                        requestId: requestId, findings: found.findings, reasons: reasons, returnedBy: actor,
                        returnedAt: now), on: connection, logger: logger)
                return Decided(
                    requestId: requestId, decision: .returned, contractId: nil, contractVersion: nil, next: .revision)
            }
            let blocking = found.findings.filter { $0.severity == .blocking }
            guard blocking.isEmpty else {
                throw APIError(
                    .conflict, code: "blocking_findings",
                    message: "the structure has \(blocking.count) blocking finding(s): return it to the producer",
                    field: "decision",
                    violations: blocking.map {
                        FieldViolation(
                            field: "\($0.dataset)\($0.field.map { ".\($0)" } ?? "")", rule: $0.rule, message: $0.message
                        )
                    })
            }
            let recorded = try await EvaluationStore.recordedPhases(
                of: requestId, contractId: nil, on: connection, logger: logger)
            if let missing = profile.recordedBeforeDecision.first(where: { !recorded.contains($0) }) {
                throw APIError(
                    .conflict, code: "step_missing",
                    message:
                        "record \(missing.label) first (POST /v1/requests/{id}/steps with phase \(missing.rawValue))",
                    field: "decision")
            }
            let contractVersion = try await EvaluationStore.nextContractVersion(
                of: requestId, on: connection, logger: logger)
            let contractId = UUID().uuidString.lowercased()
            try await EvaluationStore.insertContract(
                StoredContract(
                    contractId: contractId, requestId: requestId, version: contractVersion,
                    agencyCode: found.agencyCode,
                    consumers: found.consumers, agreedAt: now, datasets: found.datasets), on: connection, logger: logger
            )
            try await EvaluationStore.recordReview(
                of: requestId, decision: .agreed, findings: found.findings, reasons: reasons, by: actor.id, at: now,
                version: found.version, on: connection, logger: logger)
            guard profile.recordedBeforeAPI.isEmpty else {
                // Step 3 is done; the documents before the API (step 4 …) are recorded next.
                try await EvaluationStore.setState(.preparing, of: requestId, on: connection, logger: logger)
                try await outbox.enqueue(
                    PhaseRecorded(
                        requestId: requestId, phase: .evaluation,
                        note: "struktur data disepakati (kontrak v\(contractVersion))",
                        recordedBy: actor, recordedAt: now), on: connection, logger: logger)
                return Decided(
                    requestId: requestId, decision: .agreed, contractId: contractId, contractVersion: contractVersion,
                    next: profile.recordedBeforeAPI.first)
            }
            try await EvaluationStore.setState(.agreed, of: requestId, on: connection, logger: logger)
            try await outbox.enqueue(
                ContractAgreed(
                    requestId: requestId, contractId: contractId, contractVersion: contractVersion,
                    agencyCode: found.agencyCode,
                    datasets: found.datasets, consumers: found.consumers, findings: found.findings, agreedBy: actor,
                    agreedAt: now
                ), on: connection, logger: logger)
            return Decided(
                requestId: requestId, decision: .agreed, contractId: contractId, contractVersion: contractVersion,
                next: .apiPreparation)
        }
        return try JSONResponse.make(decided)
    }
}

import Foundation
import Hummingbird
import JembatanShared
import PostgresNIO

/// `POST /v1/requests/{id}/steps`: the steps the request's profile has its actor record as done —
/// the interchange document (step 4), the laboratory's assignment, design and build. The last one
/// before the API announces the contract (`ContractAgreed`), which the hub provisions.
struct StepsController: Sendable {
    let context: ServiceContext

    func register(on router: Router<JembatanRequestContext>) {
        router.post("v1/requests/:id/steps", use: record)
    }

    struct StepBody: Decodable {
        var phase: String
        var note: String?
    }

    struct Recorded: Encodable {
        let requestId: String
        let phase: Phase
        let step: Int?
        let contractAnnounced: Bool
        let next: Phase?
    }

    @Sendable func record(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let requestId = try request.requestIDParameter(routeContext)
        let body = try await JSONResponse.decode(StepBody.self, from: request)
        let logger = routeContext.logger
        let profile = try await context.client.withConnection { connection in
            try await ProfileReader.profile(ofRequest: requestId, on: connection, logger: logger)
        }
        let recordable = profile.recordedBeforeDecision + profile.recordedBeforeAPI
        guard let phase = Phase(rawValue: body.phase), recordable.contains(phase), let line = profile.line(for: phase)
        else {
            throw APIError.validationFailed([
                FieldViolation(
                    field: "phase", rule: "recorded_phase",
                    message:
                        "profile \(profile.id) records these steps here: \(recordable.map(\.rawValue).joined(separator: ", "))"
                )
            ])
        }
        let account = try routeContext.require([line.role])
        let note = try NoteRule.validated(
            body.note, field: "note", required: true,
            purpose: "a note naming the step's output (\(line.output ?? "hasil"))")
        let actor = account.actor
        let now = Date()
        let outbox = context.outbox
        let recorded = try await context.client.inTransaction(logger: logger) { connection -> Recorded in
            guard let found = try await EvaluationStore.lockedSubmission(requestId, on: connection, logger: logger),
                account.mayAccess(agency: found.agencyCode)
            else { throw APIError.notFound("evaluation of request") }
            if profile.recordedBeforeDecision.contains(phase) {
                guard found.state == .awaitingDecision else {
                    throw APIError(
                        .conflict, code: "invalid_state",
                        message:
                            "the request is \(found.state.words); \(phase.label) is recorded while it awaits the team's decision",
                        field: "phase")
                }
                let done = try await EvaluationStore.recordedPhases(
                    of: requestId, contractId: nil, on: connection, logger: logger)
                guard !done.contains(phase) else {
                    throw APIError(
                        .conflict, code: "already_recorded", message: "\(phase.label) is already recorded",
                        field: "phase")
                }
                try await EvaluationStore.recordPhase(
                    phase, of: requestId, contractId: nil, note: note, by: actor.id, at: now, on: connection,
                    logger: logger)
                try await outbox.enqueue(
                    PhaseRecorded(requestId: requestId, phase: phase, note: note, recordedBy: actor, recordedAt: now),
                    on: connection, logger: logger)
                return Recorded(
                    requestId: requestId, phase: phase, step: line.number, contractAnnounced: false, next: .evaluation)
            }
            // Sent again after a lost answer: say it is done, whatever came after it.
            if let latest = try await EvaluationStore.latestContract(of: requestId, on: connection, logger: logger),
                try await EvaluationStore.recordedPhases(
                    of: requestId, contractId: latest.contractId, on: connection, logger: logger
                ).contains(phase), found.state == .preparing || found.state == .agreed
            {
                throw APIError(
                    .conflict, code: "already_recorded",
                    message: "\(phase.label) is already recorded for contract v\(latest.version)", field: "phase")
            }
            guard found.state == .preparing,
                let contract = try await EvaluationStore.latestContract(of: requestId, on: connection, logger: logger)
            else {
                throw APIError(
                    .conflict, code: "invalid_state",
                    message:
                        "the request is \(found.state.words); \(phase.label) follows the team's agreement (POST /v1/requests/{id}/decision)",
                    field: "phase")
            }
            let done = try await EvaluationStore.recordedPhases(
                of: requestId, contractId: contract.contractId, on: connection, logger: logger)
            let pending = profile.recordedBeforeAPI.filter { !done.contains($0) }
            guard pending.first == phase else {
                throw APIError(
                    .conflict, code: pending.contains(phase) ? "out_of_order" : "already_recorded",
                    message: pending.first.map { "record \($0.label) (\($0.rawValue)) first" }
                        ?? "\(phase.label) is already recorded", field: "phase")
            }
            try await EvaluationStore.recordPhase(
                phase, of: requestId, contractId: contract.contractId, note: note, by: actor.id, at: now,
                on: connection, logger: logger)
            if phase == .interchangeDocument {
                // The step's document of record, numbered with the record (a step not recorded takes no number).
                _ = try await FormulationDocument.issue(
                    contract: contract, note: note, step: line.reference, profile: profile, by: actor, at: now,
                    on: connection, logger: logger)
            }
            guard pending.count == 1 else {
                try await outbox.enqueue(
                    PhaseRecorded(requestId: requestId, phase: phase, note: note, recordedBy: actor, recordedAt: now),
                    on: connection, logger: logger)
                return Recorded(
                    requestId: requestId, phase: phase, step: line.number, contractAnnounced: false, next: pending[1])
            }
            // The last document before the API: the contract in force is announced; the hub provisions it.
            try await EvaluationStore.setState(.agreed, of: requestId, on: connection, logger: logger)
            try await outbox.enqueue(
                ContractAgreed(
                    requestId: requestId, contractId: contract.contractId, contractVersion: contract.version,
                    agencyCode: contract.agencyCode, datasets: contract.datasets, consumers: contract.consumers,
                    findings: found.findings, agreedBy: actor, agreedAt: now),
                on: connection, logger: logger)
            return Recorded(
                requestId: requestId, phase: phase, step: line.number, contractAnnounced: true, next: .apiPreparation)
        }
        return try JSONResponse.make(recorded, status: .created)
    }
}

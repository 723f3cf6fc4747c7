import Foundation
import Hummingbird
import JembatanShared
import PostgresNIO

/// The technical team's fix after a failed integration test ("Perbaikan paska testing"): once the
/// missing reference list is loaded, the test runs again for the same contract (an amended
/// contract arrives from evaluation and is tested on its own). And the hand-over of the results
/// document after the producer accepted (Kaltim step 10, the laboratory's hand-over).
struct StepsAfterTestController: Sendable {
    let context: ServiceContext
    let contracts: ContractEventsHandler

    func register(on router: Router<JembatanRequestContext>) {
        router.post("v1/requests/:id/integration-test", use: rerun)
        router.post("v1/requests/:id/hand-over", use: handOver)
    }

    struct Rerun: Encodable {
        let requestId: String
        let contractId: String
        let passed: Bool
    }

    /// Runs the failed integration test of the request's latest contract again.
    @Sendable func rerun(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.technical])
        let requestId = try request.requestIDParameter(routeContext)
        let logger = routeContext.logger
        let result = try await context.client.inTransaction(logger: logger) { connection -> Rerun in
            guard
                let latest = try await DatasetStore.lockedLatestDataset(
                    ofRequest: requestId, on: connection, logger: logger),
                let contract = try await DatasetStore.receivedContract(
                    latest.contractId, on: connection, logger: logger),
                account.mayAccess(agency: contract.agencyCode)
            else { throw APIError.notFound("integration test of request") }
            guard latest.state == .testFailed else {
                throw APIError(
                    .conflict, code: "test_not_failed",
                    message:
                        "the integration test of contract v\(contract.contractVersion) did not fail; there is nothing to fix"
                )
            }
            let passed = try await contracts.provision(contract, on: connection, logger: logger)
            return Rerun(requestId: requestId, contractId: contract.contractId, passed: passed)
        }
        return try JSONResponse.make(result, status: .created)
    }

    struct HandOverBody: Decodable {
        let note: String?
    }

    /// The results document is handed over once per contract, after the producer accepted.
    @Sendable func handOver(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let requestId = try request.requestIDParameter(routeContext)
        let body = try await JSONResponse.decode(HandOverBody.self, from: request)
        let logger = routeContext.logger
        let line = try await ProfileReader.step(
            .handOver, ofRequest: requestId, missing: "no_hand_over_step", client: context.client, logger: logger)
        let account = try routeContext.require([line.role])
        let note = try NoteRule.validated(
            body.note, field: "note", required: true, purpose: "a note saying what was handed over to whom")
        let now = Date()
        let event = try await context.client.inTransaction(logger: logger) { connection -> ResultsHandedOver in
            guard
                let latest = try await DatasetStore.lockedLatestDataset(
                    ofRequest: requestId, on: connection, logger: logger)
            else { throw APIError.notFound("provisioned API of request") }
            guard
                let decision = try await ValidationReader.decision(
                    ofRequest: requestId, on: connection, logger: logger),
                decision.contractId == latest.contractId, decision.state == "accepted"
            else {
                throw APIError(
                    .conflict, code: "not_accepted",
                    message:
                        "the producer has not accepted the results of the current contract: \(line.reference) follows the acceptance"
                )
            }
            guard
                try await DatasetStore.recordHandOver(
                    ofRequest: requestId, contractId: latest.contractId, note: note, by: account.name, at: now,
                    on: connection, logger: logger)
            else {
                throw APIError(
                    .conflict, code: "already_handed_over",
                    message: "the results of this contract version were already handed over")
            }
            // The hand-over record (berita acara serah terima), numbered with the hand-over.
            let profile = try await ProfileReader.profile(ofRequest: requestId, on: connection, logger: logger)
            _ = try await HandOverRecord.issue(
                requestId: requestId, contractId: latest.contractId, note: note, profile: profile, by: account.actor,
                at: now, on: connection, logger: logger)
            let event = ResultsHandedOver(
                requestId: requestId, contractId: latest.contractId, note: note, handedOverBy: account.actor,
                handedOverAt: now)
            try await context.outbox.enqueue(event, on: connection, logger: logger)
            return event
        }
        return try JSONResponse.make(event, status: .created)
    }
}

import Foundation
import Hummingbird
import JembatanShared

/// `/v1/requests/{id}/review`: the findings and the agreed contract versions of a request.
struct ContractsController: Sendable {
    let context: ServiceContext

    func register(on router: Router<JembatanRequestContext>) {
        router.get("v1/requests/:id/review", use: show)
    }

    struct Review: Encodable {
        let decision: ReviewOutcome
        let version: Int
        let findings: [ReviewFinding]
        let reasons: [ReturnReason]
        let decidedBy: String
        let decidedAt: Date
    }

    struct Contract: Encodable {
        let contractId: String
        let version: Int
        let agreedAt: Date
        let datasets: [DatasetDefinition]
    }

    struct Evaluation: Encodable {
        let requestId: String
        let state: EvaluationState
        let version: Int
        let findings: [ReviewFinding]
        let reviews: [Review]
        let contracts: [Contract]
    }

    @Sendable func show(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.producer, .head, .supervisor, .technical, .admin])
        let requestId = try request.requestIDParameter(routeContext)
        let logger = routeContext.logger
        guard let current = try await EvaluationStore.submission(requestId, client: context.client, logger: logger),
            account.mayAccess(agency: current.agencyCode)
        else { throw APIError.notFound("evaluation of request") }
        let reviews = try await EvaluationStore.reviews(of: requestId, client: context.client, logger: logger).map {
            Review(
                decision: $0.decision, version: $0.version, findings: $0.findings, reasons: $0.reasons,
                decidedBy: $0.decidedBy, decidedAt: $0.decidedAt)
        }
        let contracts = try await EvaluationStore.contracts(of: requestId, client: context.client, logger: logger).map {
            Contract(contractId: $0.contractId, version: $0.version, agreedAt: $0.agreedAt, datasets: $0.datasets)
        }
        return try JSONResponse.make(
            Evaluation(
                requestId: requestId, state: current.state, version: current.version, findings: current.findings,
                reviews: reviews, contracts: contracts))
    }
}

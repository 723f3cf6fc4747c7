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
        let decision: String
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
        let state: String
        let version: Int
        let findings: [ReviewFinding]
        let reviews: [Review]
        let contracts: [Contract]
    }

    @Sendable func show(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.producer, .head, .supervisor, .technical, .admin])
        let requestId = try request.requestIDParameter(routeContext)
        var current: (agency: String, state: String, version: Int, findings: [ReviewFinding])?
        for try await (agency, state, version, findings) in try await context.client.query("""
            SELECT agency_code, state, version, findings::text FROM evaluation.submissions WHERE request_id = \(requestId)
            """, logger: routeContext.logger).decode((String, String, Int, String).self) {
            current = (agency, state, version, try CloudEventCodec.decodeJSON([ReviewFinding].self, from: findings))
        }
        guard let current, account.mayAccess(agency: current.agency) else { throw APIError.notFound("evaluation of request") }
        var reviews: [Review] = []
        for try await (decision, version, findings, reasons, by, at) in try await context.client.query("""
            SELECT decision, version, findings::text, reasons::text, decided_by, decided_at FROM evaluation.reviews WHERE request_id = \(requestId) ORDER BY review_id
            """, logger: routeContext.logger).decode((String, Int, String, String, String, Date).self) {
            reviews.append(Review(decision: decision, version: version, findings: try CloudEventCodec.decodeJSON([ReviewFinding].self, from: findings),
                                  reasons: try CloudEventCodec.decodeJSON([ReturnReason].self, from: reasons), decidedBy: by, decidedAt: at))
        }
        var contracts: [Contract] = []
        for try await (id, version, at, datasets) in try await context.client.query("""
            SELECT contract_id, version, agreed_at, datasets::text FROM evaluation.contracts WHERE request_id = \(requestId) ORDER BY version
            """, logger: routeContext.logger).decode((String, Int, Date, String).self) {
            contracts.append(Contract(contractId: id, version: version, agreedAt: at, datasets: try CloudEventCodec.decodeJSON([DatasetDefinition].self, from: datasets)))
        }
        return try JSONResponse.make(Evaluation(requestId: requestId, state: current.state, version: current.version, findings: current.findings, reviews: reviews, contracts: contracts))
    }
}

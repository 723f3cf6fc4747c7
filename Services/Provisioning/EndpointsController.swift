import Foundation
import Hummingbird
import JembatanShared

/// `/v1/requests/{id}/endpoints`: what the hub prepared for a request, with the test evidence.
struct EndpointsController: Sendable {
    let context: ServiceContext

    func register(on router: Router<JembatanRequestContext>) {
        router.get("v1/requests/:id/endpoints", use: show)
    }

    struct Endpoint: Encodable {
        let contractId: String
        let dataset: String
        let datasetId: String?
        let path: String
        let provisionedAt: Date
    }

    struct IntegrationTest: Encodable {
        let contractId: String
        let passed: Bool
        let checks: [String]
        let evidence: [IntegrationCheck]?
        let ranAt: Date
    }

    struct Provisioning: Encodable {
        let requestId: String
        let endpoints: [Endpoint]
        let integrationTests: [IntegrationTest]
    }

    @Sendable func show(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.producer, .head, .supervisor, .technical, .admin])
        let requestId = try request.requestIDParameter(routeContext)
        var endpoints: [Endpoint] = []
        for try await (contract, dataset, datasetId, path, at, agency) in try await context.client.query("""
            SELECT contract_id, dataset, dataset_id, endpoint_path, provisioned_at, agency_code FROM provisioning.hub_datasets WHERE request_id = \(requestId) ORDER BY provisioned_at, dataset
            """, logger: routeContext.logger).decode((String, String, String?, String, Date, String).self) {
            guard account.mayAccess(agency: agency) else { throw APIError.notFound("provisioned API of request") }
            endpoints.append(Endpoint(contractId: contract, dataset: dataset, datasetId: datasetId, path: path, provisionedAt: at))
        }
        var tests: [IntegrationTest] = []
        for try await (contract, passed, checks, evidence, at) in try await context.client.query("""
            SELECT contract_id, passed, checks::text, evidence::text, ran_at FROM provisioning.integration_tests WHERE request_id = \(requestId) ORDER BY test_id
            """, logger: routeContext.logger).decode((String, Bool, String, String?, Date).self) {
            tests.append(IntegrationTest(contractId: contract, passed: passed, checks: try CloudEventCodec.decodeJSON([String].self, from: checks),
                                         evidence: try evidence.map { try CloudEventCodec.decodeJSON([IntegrationCheck].self, from: $0) }, ranAt: at))
        }
        guard !endpoints.isEmpty else { throw APIError.notFound("provisioned API of request") }
        return try JSONResponse.make(Provisioning(requestId: requestId, endpoints: endpoints, integrationTests: tests))
    }
}

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
        for stored in try await DatasetStore.endpoints(
            ofRequest: requestId, client: context.client, logger: routeContext.logger)
        {
            guard account.mayAccess(agency: stored.agencyCode) else {
                throw APIError.notFound("provisioned API of request")
            }
            endpoints.append(
                Endpoint(
                    contractId: stored.contractId, dataset: stored.dataset, datasetId: stored.datasetId,
                    path: stored.path, provisionedAt: stored.provisionedAt))
        }
        let tests = try await DatasetStore.integrationTests(
            ofRequest: requestId, client: context.client, logger: routeContext.logger
        ).map {
            IntegrationTest(
                contractId: $0.contractId, passed: $0.passed, checks: $0.checks, evidence: $0.evidence, ranAt: $0.ranAt)
        }
        guard !endpoints.isEmpty else { throw APIError.notFound("provisioned API of request") }
        return try JSONResponse.make(Provisioning(requestId: requestId, endpoints: endpoints, integrationTests: tests))
    }
}

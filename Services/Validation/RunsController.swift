import Foundation
import Hummingbird
import JembatanShared
import PostgresNIO

/// SOP step 8 over HTTP: validation runs (scorecards), reconciliations with the producer's
/// system, and freshness checks as of a given time.
struct RunsController: Sendable {
    let context: ServiceContext
    let runner: ValidationRunner
    let reconciliation: Reconciliation

    func register(on router: Router<JembatanRequestContext>) {
        router.post("v1/requests/:id/validation-runs", use: startRun)
        router.get("v1/requests/:id/validation-runs", use: listRuns)
        router.get("v1/requests/:id/validation-runs/:run", use: showRun)
        router.post("v1/requests/:id/reconciliations", use: reconcile)
        router.get("v1/requests/:id/reconciliations/:reconciliation", use: showReconciliation)
        router.post("v1/freshness-checks", use: checkFreshness)
    }

    /// The producer (its agency's data) or the technical team runs the checks now.
    @Sendable func startRun(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.producer, .technical, .admin])
        let requestId = try request.requestIDParameter(routeContext)
        let run = try await runner.run(requestId: requestId, trigger: "manual", actor: account.actor, account: account)
        return try JSONResponse.make(run, status: .created)
    }

    @Sendable func listRuns(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.producer, .head, .supervisor, .technical, .admin])
        let requestId = try request.requestIDParameter(routeContext)
        try await requireVisible(requestId, to: account)
        let runs = try await ValidationStore.runSummaries(
            of: requestId, client: context.client, logger: routeContext.logger)
        return try JSONResponse.make(["runs": runs])
    }

    @Sendable func showRun(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.producer, .head, .supervisor, .technical, .admin])
        let requestId = try request.requestIDParameter(routeContext)
        try await requireVisible(requestId, to: account)
        let runId = routeContext.parameters.get("run") ?? ""
        guard
            let run = try await ValidationStore.run(
                runId, of: requestId, client: context.client, logger: routeContext.logger)
        else {
            throw APIError.notFound("validation run")
        }
        return try JSONResponse.make(run)
    }

    /// The producer sends what its own system holds for one dataset.
    @Sendable func reconcile(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.producer])
        let requestId = try request.requestIDParameter(routeContext)
        let query = request.uri.queryParameters
        guard let datasetId = query.get("dataset"), !datasetId.isEmpty else {
            throw APIError(
                .badRequest, code: "invalid_parameter", message: "name the dataset: ?dataset=<datasetId>",
                field: "dataset")
        }
        var declared: Int?
        if let text = query.get("declaredCount") {
            guard let value = Int(text), value >= 0 else {
                throw APIError(
                    .badRequest, code: "invalid_parameter", message: "declaredCount is a count (≥ 0)",
                    field: "declaredCount")
            }
            declared = value
        }
        guard let format = PushFormat(contentType: request.headers[.contentType]) else {
            throw APIError(
                .unsupportedMediaType, code: "unsupported_media_type",
                message: "send text/csv, application/x-ndjson or application/json (an array)", field: "Content-Type")
        }
        let report = try await reconciliation.run(
            requestId: requestId, datasetId: datasetId, declaredCount: declared, format: format, body: request.body,
            account: account)
        return try JSONResponse.make(report, status: .created)
    }

    @Sendable func showReconciliation(_ request: Request, _ routeContext: JembatanRequestContext) async throws
        -> Response
    {
        let account = try routeContext.require([.producer, .head, .supervisor, .technical, .admin])
        let requestId = try request.requestIDParameter(routeContext)
        try await requireVisible(requestId, to: account)
        let id = routeContext.parameters.get("reconciliation") ?? ""
        guard
            let report = try await ValidationStore.reconciliationReport(
                id, of: requestId, client: context.client, logger: routeContext.logger)
        else {
            throw APIError.notFound("reconciliation")
        }
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: report)))
    }

    @Sendable func checkFreshness(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        _ = try routeContext.require([.admin, .supervisor, .technical])
        let asOf = try await AsOfBody.moment(of: request)
        let findings = try await FreshnessCheck(context: context).run(asOf: asOf)
        return try JSONResponse.make(["findings": findings])
    }

    private func requireVisible(_ requestId: String, to account: Account) async throws {
        guard
            let agency = try await ValidationStore.caseAgency(
                requestId, client: context.client, logger: context.logger),
            account.mayAccess(agency: agency)
        else { throw APIError.notFound("validation case of request") }
    }
}

/// One line of a request's run list.
struct RunSummary: Encodable {
    let runId: String
    let contractId: String
    let trigger: String
    let runBy: String
    let completedAt: Date
    let passed: Bool
    let score: Double
    let records: Int64
    let failedChecks: [String]
}

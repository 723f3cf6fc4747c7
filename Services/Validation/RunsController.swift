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

    @Sendable func listRuns(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.producer, .head, .supervisor, .technical, .admin])
        let requestId = try request.requestIDParameter(routeContext)
        try await requireVisible(requestId, to: account)
        var runs: [RunSummary] = []
        for try await (id, contract, trigger, by, at, passed, score, records, failed) in try await context.client.query("""
            SELECT run_id, contract_id, trigger, run_by, completed_at, passed, score, records, failed_checks::text FROM validation.runs
            WHERE request_id = \(requestId) ORDER BY completed_at DESC LIMIT 100
            """, logger: routeContext.logger).decode((String, String, String, String, Date, Bool, Double, Int64, String).self) {
            runs.append(RunSummary(runId: id, contractId: contract, trigger: trigger, runBy: by, completedAt: at, passed: passed, score: score, records: records,
                                   failedChecks: try CloudEventCodec.decodeJSON([String].self, from: failed)))
        }
        return try JSONResponse.make(["runs": runs])
    }

    @Sendable func showRun(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.producer, .head, .supervisor, .technical, .admin])
        let requestId = try request.requestIDParameter(routeContext)
        try await requireVisible(requestId, to: account)
        let runId = routeContext.parameters.get("run") ?? ""
        for try await (contract, trigger, by, asOf, started, completed, passed, score, records, failed, scorecard) in try await context.client.query("""
            SELECT contract_id, trigger, run_by, as_of, started_at, completed_at, passed, score, records, failed_checks::text, scorecard::text
            FROM validation.runs WHERE request_id = \(requestId) AND run_id = \(runId)
            """, logger: routeContext.logger).decode((String, String, String, Date, Date, Date, Bool, Double, Int64, String, String).self) {
            return try JSONResponse.make(ValidationRun(
                runId: runId, requestId: requestId, contractId: contract, trigger: trigger, runBy: by, asOf: asOf, startedAt: started, completedAt: completed,
                passed: passed, score: score, records: Int(records), failedChecks: try CloudEventCodec.decodeJSON([String].self, from: failed),
                datasets: try CloudEventCodec.decodeJSON([DatasetScorecard].self, from: scorecard)))
        }
        throw APIError.notFound("validation run")
    }

    /// The producer sends what its own system holds for one dataset.
    @Sendable func reconcile(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.producer])
        let requestId = try request.requestIDParameter(routeContext)
        let query = request.uri.queryParameters
        guard let datasetId = query.get("dataset"), !datasetId.isEmpty else {
            throw APIError(.badRequest, code: "invalid_parameter", message: "name the dataset: ?dataset=<datasetId>", field: "dataset")
        }
        var declared: Int?
        if let text = query.get("declaredCount") {
            guard let value = Int(text), value >= 0 else { throw APIError(.badRequest, code: "invalid_parameter", message: "declaredCount is a count (≥ 0)", field: "declaredCount") }
            declared = value
        }
        guard let format = PushFormat(contentType: request.headers[.contentType]) else {
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type", message: "send text/csv, application/x-ndjson or application/json (an array)", field: "Content-Type")
        }
        let report = try await reconciliation.run(requestId: requestId, datasetId: datasetId, declaredCount: declared, format: format, body: request.body, account: account)
        return try JSONResponse.make(report, status: .created)
    }

    @Sendable func showReconciliation(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.producer, .head, .supervisor, .technical, .admin])
        let requestId = try request.requestIDParameter(routeContext)
        try await requireVisible(requestId, to: account)
        let id = routeContext.parameters.get("reconciliation") ?? ""
        for try await report in try await context.client.query("""
            SELECT report::text FROM validation.reconciliations WHERE request_id = \(requestId) AND reconciliation_id = \(id)
            """, logger: routeContext.logger).decode(String.self) {
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: report)))
        }
        throw APIError.notFound("reconciliation")
    }

    @Sendable func checkFreshness(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        _ = try routeContext.require([.admin, .supervisor, .technical])
        let asOf = try await AsOfBody.moment(of: request)
        let findings = try await FreshnessCheck(context: context).run(asOf: asOf)
        return try JSONResponse.make(["findings": findings])
    }

    private func requireVisible(_ requestId: String, to account: Account) async throws {
        for try await agency in try await context.client.query("SELECT agency_code FROM validation.cases WHERE request_id = \(requestId)",
                                                               logger: context.logger).decode(String.self) where account.mayAccess(agency: agency) { return }
        throw APIError.notFound("validation case of request")
    }
}

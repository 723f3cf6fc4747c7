import Foundation
import Hummingbird
import JembatanShared
import PostgresNIO

/// Revision after a return (SOP step 3 "not agreed → back to the producer"), versions, diff, withdrawal.
struct RevisionsController: Sendable {
    let context: ServiceContext

    func register(on router: Router<JembatanRequestContext>) {
        router.put("v1/requests/:id", use: resubmit)
        router.post("v1/requests/:id/withdraw", use: withdraw)
        router.get("v1/requests/:id/diff", use: diff)
    }

    struct Revision: Decodable {
        var title: String?
        var purpose: String?
        var datasets: [DatasetDefinition]
    }

    struct Revised: Encodable {
        let requestId: String
        let state: String
        let version: Int
    }

    /// Locks the request row; 404 when it does not exist or belongs to another agency.
    private func lock(_ requestId: String, for account: Account, on connection: PostgresConnection) async throws -> (state: String, version: Int, agency: String) {
        for try await (state, version, agency) in try await connection.query("""
            SELECT state, version, agency_code FROM intake.requests WHERE request_id = \(requestId) FOR UPDATE
            """, logger: context.logger).decode((String, Int, String).self) where account.mayAccess(agency: agency) {
            return (state, version, agency)
        }
        throw APIError.notFound("request")
    }

    @Sendable func resubmit(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.producer])
        let requestId = try request.requestIDParameter(routeContext)
        let revision = try await JSONResponse.decode(Revision.self, from: request)
        let now = Date()
        let logger = routeContext.logger
        let outbox = context.outbox
        let version = try await context.client.inTransaction(logger: logger) { connection -> Int in
            let current = try await lock(requestId, for: account, on: connection)
            guard current.state == "returned" else {
                throw APIError(.conflict, code: "invalid_state", message: "only a returned request can be revised (it is \(current.state))", field: "state")
            }
            var title = "", purpose = "", profile = ""
            for try await (storedTitle, storedPurpose, storedProfile) in try await connection.query("SELECT title, purpose, profile FROM intake.requests WHERE request_id = \(requestId)", logger: logger).decode((String, String, String).self) {
                title = revision.title ?? storedTitle
                purpose = revision.purpose ?? storedPurpose
                profile = storedProfile
            }
            // The request-level inputs were checked at submission; a revision changes the datasets (and title/purpose).
            var violations = CompletenessCheck.datasetViolations(revision.datasets, required: Set(SOPProfileCatalog.profile(profile)?.requiredInputs ?? []))
            if title.trimmed.isEmpty { violations.append(FieldViolation(field: "title", rule: "required", message: "title must not be empty")) }
            if purpose.trimmed.isEmpty { violations.append(FieldViolation(field: "purpose", rule: "required", message: "purpose must not be empty")) }
            guard violations.isEmpty else { throw APIError.validationFailed(violations) }
            let version = current.version + 1
            let definition = try CloudEventCodec.jsonText(revision.datasets)
            try await connection.query("""
                UPDATE intake.requests SET state = 'resubmitted', version = \(version), definition = \(definition)::jsonb, title = \(title), purpose = \(purpose)
                WHERE request_id = \(requestId)
                """, logger: logger)
            try await connection.query("""
                INSERT INTO intake.request_versions (request_id, version, definition, created_by, created_at)
                VALUES (\(requestId), \(version), \(definition)::jsonb, \(account.name), \(now))
                """, logger: logger)
            try await outbox.enqueue(RequestResubmitted(requestId: requestId, version: version, datasets: revision.datasets, resubmittedBy: account.actor, resubmittedAt: now), on: connection, logger: logger)
            return version
        }
        return try JSONResponse.make(Revised(requestId: requestId, state: "resubmitted", version: version))
    }

    struct WithdrawalBody: Decodable {
        var reason: String
    }

    @Sendable func withdraw(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.producer])
        let requestId = try request.requestIDParameter(routeContext)
        let body = try await JSONResponse.decode(WithdrawalBody.self, from: request)
        let reason = try NoteRule.validated(body.reason, field: "reason", required: true, purpose: "a reason saying why the request is withdrawn")
        let now = Date()
        let logger = routeContext.logger
        let outbox = context.outbox
        let version = try await context.client.inTransaction(logger: logger) { connection -> Int in
            let current = try await lock(requestId, for: account, on: connection)
            guard current.state != "withdrawn" else {
                throw APIError(.conflict, code: "invalid_state", message: "the request is already withdrawn", field: "state")
            }
            try await connection.query("""
                UPDATE intake.requests SET state = 'withdrawn', withdrawn_by = \(account.name), withdrawn_at = \(now), withdrawal_reason = \(reason)
                WHERE request_id = \(requestId)
                """, logger: logger)
            try await outbox.enqueue(RequestWithdrawn(requestId: requestId, reason: reason, withdrawnBy: account.actor, withdrawnAt: now), on: connection, logger: logger)
            return current.version
        }
        return try JSONResponse.make(Revised(requestId: requestId, state: "withdrawn", version: version))
    }

    @Sendable func diff(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.producer, .head, .supervisor, .technical, .admin])
        let requestId = try request.requestIDParameter(routeContext)
        func version(_ name: String) throws -> Int? {
            guard let text = request.uri.queryParameters.get(name) else { return nil }
            guard let value = Int(text), value >= 1 else {
                throw APIError(.badRequest, code: "invalid_parameter", message: "\(name) is a version number ≥ 1", field: name)
            }
            return value
        }
        let requestedFrom = try version("from"), requestedTo = try version("to")
        var versions: [Int: [DatasetDefinition]] = [:]
        var visible = false
        for try await (number, definition, agency) in try await context.client.query("""
            SELECT v.version, v.definition::text, r.agency_code FROM intake.request_versions v JOIN intake.requests r USING (request_id)
            WHERE v.request_id = \(requestId) ORDER BY v.version
            """, logger: routeContext.logger).decode((Int, String, String).self) {
            visible = account.mayAccess(agency: agency)
            versions[number] = try CloudEventCodec.decodeJSON([DatasetDefinition].self, from: definition)
        }
        guard visible, let latest = versions.keys.max() else { throw APIError.notFound("request") }
        let to = requestedTo ?? latest
        let from = requestedFrom ?? max(1, to - 1)
        guard let old = versions[from], let new = versions[to] else {
            throw APIError(.notFound, code: "not_found", message: "the request has versions 1…\(latest)", field: versions[from] == nil ? "from" : "to")
        }
        return try JSONResponse.make(DefinitionDiff(from: old, version: from, to: new, version: to))
    }
}

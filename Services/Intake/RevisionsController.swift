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
        let state: IntakeState
        let version: Int
    }

    /// Locks the request row; 404 when it does not exist or belongs to another agency.
    private func lock(_ requestId: String, for account: Account, on connection: PostgresConnection) async throws
        -> RequestStanding
    {
        guard
            let standing = try await RequestStore.lockedStanding(of: requestId, on: connection, logger: context.logger),
            account.mayAccess(agency: standing.agencyCode)
        else { throw APIError.notFound("request") }
        return standing
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
            guard current.state == .returned else {
                throw APIError(
                    .conflict, code: "invalid_state",
                    message: "only a returned request can be revised (it is \(current.state.rawValue))", field: "state")
            }
            var title = ""
            var purpose = ""
            if let stored = try await RequestStore.texts(of: requestId, on: connection, logger: logger) {
                title = revision.title ?? stored.title
                purpose = revision.purpose ?? stored.purpose
            }
            // The request-level inputs were checked at submission; a revision changes the datasets (and title/purpose).
            var violations = CompletenessCheck.datasetViolations(
                revision.datasets,
                required: Set(
                    try await ProfileReader.profile(ofRequest: requestId, on: connection, logger: logger).requiredInputs
                ))
            if title.trimmed.isEmpty {
                violations.append(FieldViolation(field: "title", rule: "required", message: "title must not be empty"))
            }
            if purpose.trimmed.isEmpty {
                violations.append(
                    FieldViolation(field: "purpose", rule: "required", message: "purpose must not be empty"))
            }
            guard violations.isEmpty else { throw APIError.validationFailed(violations) }
            let version = current.version + 1
            try await RequestStore.recordResubmission(
                of: requestId, version: version, datasets: revision.datasets, title: title, purpose: purpose,
                by: account.name, at: now, on: connection, logger: logger)
            try await outbox.enqueue(
                RequestResubmitted(
                    requestId: requestId, version: version, datasets: revision.datasets, resubmittedBy: account.actor,
                    resubmittedAt: now), on: connection, logger: logger)
            return version
        }
        return try JSONResponse.make(Revised(requestId: requestId, state: .resubmitted, version: version))
    }

    struct WithdrawalBody: Decodable {
        var reason: String
    }

    @Sendable func withdraw(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.producer])
        let requestId = try request.requestIDParameter(routeContext)
        let body = try await JSONResponse.decode(WithdrawalBody.self, from: request)
        let reason = try NoteRule.validated(
            body.reason, field: "reason", required: true, purpose: "a reason saying why the request is withdrawn")
        let now = Date()
        let logger = routeContext.logger
        let outbox = context.outbox
        let version = try await context.client.inTransaction(logger: logger) { connection -> Int in
            let current = try await lock(requestId, for: account, on: connection)
            guard current.state != .withdrawn else {
                throw APIError(
                    .conflict, code: "invalid_state", message: "the request is already withdrawn", field: "state")
            }
            try await RequestStore.recordWithdrawal(
                of: requestId, reason: reason, by: account.name, at: now, on: connection, logger: logger)
            try await outbox.enqueue(
                RequestWithdrawn(requestId: requestId, reason: reason, withdrawnBy: account.actor, withdrawnAt: now),
                on: connection, logger: logger)
            return current.version
        }
        return try JSONResponse.make(Revised(requestId: requestId, state: .withdrawn, version: version))
    }

    @Sendable func diff(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.producer, .head, .supervisor, .technical, .admin])
        let requestId = try request.requestIDParameter(routeContext)
        func version(_ name: String) throws -> Int? {
            guard let text = request.uri.queryParameters.get(name) else { return nil }
            guard let value = Int(text), value >= 1 else {
                throw APIError(
                    .badRequest, code: "invalid_parameter", message: "\(name) is a version number ≥ 1", field: name)
            }
            return value
        }
        let requestedFrom = try version("from")
        let requestedTo = try version("to")
        guard
            let stored = try await RequestStore.versions(
                of: requestId, client: context.client, logger: routeContext.logger),
            account.mayAccess(agency: stored.agencyCode), let latest = stored.versions.keys.max()
        else { throw APIError.notFound("request") }
        let versions = stored.versions
        let to = requestedTo ?? latest
        let from = requestedFrom ?? max(1, to - 1)
        guard let old = versions[from], let new = versions[to] else {
            throw APIError(
                .notFound, code: "not_found", message: "the request has versions 1…\(latest)",
                field: versions[from] == nil ? "from" : "to")
        }
        return try JSONResponse.make(DefinitionDiff(from: old, version: from, to: new, version: to))
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import JembatanShared
import Logging
import PostgresNIO

/// `/v1/requests`: submission (producer) and disposition (head).
struct RequestsController: Sendable {
    let context: ServiceContext

    func register(on router: Router<JembatanRequestContext>) {
        let group = router.group("v1/requests")
        group.post(use: submit)
        group.get(":id", use: show)
        group.post(":id/disposition", use: disposition)
    }

    struct Accepted: Encodable {
        let requestId: String
        let state: String
    }

    // MARK: - Step 1: submit

    @Sendable func submit(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.producer])
        var draft = try await JSONResponse.decode(RequestDraft.self, from: request)
        if draft.agencyCode == nil { draft.agencyCode = account.agencyCode }
        let submission = draft.asSubmission
        var violations = CompletenessCheck.violations(of: submission)
        if submission.agencyCode != account.agencyCode {
            violations.append(FieldViolation(field: "agencyCode", rule: "own_agency", message: "a producer submits for its own agency (\(account.agencyCode ?? ""))"))
        }
        guard violations.isEmpty else { throw APIError.validationFailed(violations) }
        let idempotencyKey = try Self.idempotencyKey(of: request)
        let logger = routeContext.logger
        let outbox = context.outbox
        let (requestId, replayed) = try await context.client.inTransaction(logger: logger) { connection -> (String, Bool) in
            if let idempotencyKey, let earlier = try await Self.earlierSubmission(submission, key: idempotencyKey, account: account, on: connection, logger: logger) {
                return (earlier, true)
            }
            let requestId = UUID().uuidString.lowercased()
            try await Self.recordSubmission(submission, requestId: requestId, account: account, isNew: true, outbox: outbox, on: connection, logger: logger)
            if let idempotencyKey {
                try await connection.query("UPDATE intake.requests SET idempotency_key = \(idempotencyKey) WHERE request_id = \(requestId)", logger: logger)
            }
            return (requestId, false)
        }
        logger.info(replayed ? "Submission repeated with its Idempotency-Key; answered with the request it created" : "Request submitted",
                    metadata: [LogKey.requestID: "\(requestId)"])
        var response = try JSONResponse.make(Accepted(requestId: requestId, state: "submitted"), status: .created)
        if replayed { response.headers[HTTPField.Name("Idempotent-Replayed")!] = "true" }
        return response
    }

    /// The optional `Idempotency-Key` header: 1–200 visible ASCII characters.
    static func idempotencyKey(of request: Request) throws -> String? {
        guard let key = request.headers[HTTPField.Name("Idempotency-Key")!] else { return nil }
        guard !key.isEmpty, key.count <= 200, key.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw APIError(.badRequest, code: "invalid_header", message: "Idempotency-Key is 1–200 visible ASCII characters", field: "Idempotency-Key")
        }
        return key
    }

    /// The request an earlier submission with the same key created, if any (same body: its id;
    /// another body: 422). Holds a transaction lock on the key, so a concurrent repeat waits here
    /// until the first commits and then finds it.
    static func earlierSubmission(_ submission: RequestSubmission, key: String, account: Account,
                                  on connection: PostgresConnection, logger: Logger) async throws -> String? {
        let lockName = "intake.submission:\(account.name):\(key)"
        try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(lockName)))", logger: logger)
        let body = try CloudEventCodec.jsonText(submission)
        for try await (requestId, same) in try await connection.query("""
            SELECT request_id, submission = \(body)::jsonb FROM intake.requests
            WHERE submitted_by = \(account.name) AND idempotency_key = \(key)
            """, logger: logger).decode((String, Bool).self) {
            guard same else {
                throw APIError(.unprocessableContent, code: "idempotency_key_reused", message: "this Idempotency-Key was used for a different submission", field: "Idempotency-Key")
            }
            return requestId
        }
        return nil
    }

    /// Stores a complete submission (new, or a draft becoming submitted), its version 1 and the event, in the caller's transaction.
    static func recordSubmission(
        _ submission: RequestSubmission, requestId: String, account: Account, isNew: Bool, outbox: Outbox,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        let profile = submission.profile ?? SOPProfileCatalog.defaultProfileID
        let event = RequestSubmitted(
            requestId: requestId, agencyCode: submission.agencyCode ?? "", title: submission.title.trimmed,
            purpose: submission.purpose.trimmed, profile: profile, profileVersion: SOPProfileCatalog.profile(profile)?.version,
            legalBasis: submission.legalBasis, contactPerson: submission.contactPerson, intendedConsumers: submission.intendedConsumers,
            attachments: submission.attachments, datasets: submission.datasets, submittedBy: account.actor, submittedAt: Date()
        )
        let definition = try CloudEventCodec.jsonText(event.datasets)
        let body = try CloudEventCodec.jsonText(submission)
        if isNew {
            try await connection.query("""
                INSERT INTO intake.requests (request_id, agency_code, title, purpose, profile, profile_version, definition, submission, state, submitted_by, submitted_at)
                VALUES (\(requestId), \(event.agencyCode), \(event.title), \(event.purpose), \(event.profile), \(event.profileVersion),
                        \(definition)::jsonb, \(body)::jsonb, 'submitted', \(account.name), \(event.submittedAt))
                """, logger: logger)
        } else {
            try await connection.query("""
                UPDATE intake.requests SET title = \(event.title), purpose = \(event.purpose), profile = \(event.profile), profile_version = \(event.profileVersion),
                    definition = \(definition)::jsonb, submission = \(body)::jsonb, state = 'submitted', submitted_by = \(account.name), submitted_at = \(event.submittedAt)
                WHERE request_id = \(requestId)
                """, logger: logger)
        }
        try await connection.query("""
            INSERT INTO intake.request_versions (request_id, version, definition, created_by, created_at)
            VALUES (\(requestId), 1, \(definition)::jsonb, \(account.name), \(event.submittedAt))
            """, logger: logger)
        try await outbox.enqueue(event, on: connection, logger: logger)
    }

    // MARK: - Step 1: disposition by the head

    struct DispositionBody: Decodable {
        var note: String
    }

    @Sendable func disposition(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let actor = try routeContext.require([.head]).actor
        let requestId = try request.requestIDParameter(routeContext)
        let body = try await JSONResponse.decode(DispositionBody.self, from: request)
        _ = try NoteRule.validated(body.note, field: "note", required: false)
        let event = RequestDispositioned(requestId: requestId, note: body.note.trimmed, dispositionedBy: actor, dispositionedAt: Date())
        let logger = routeContext.logger
        let outbox = context.outbox
        try await context.client.inTransaction(logger: logger) { connection in
            var state: String?
            for try await current in try await connection.query("SELECT state FROM intake.requests WHERE request_id = \(requestId) FOR UPDATE", logger: logger).decode(String.self) {
                state = current
            }
            guard let state else { throw APIError.notFound("request") }
            guard state == "submitted" else {
                throw APIError(.conflict, code: "invalid_state", message: "request is \(state); only a submitted request can be dispositioned", field: "state")
            }
            try await connection.query("""
                UPDATE intake.requests SET state = 'dispositioned', disposition_note = \(event.note),
                    dispositioned_by = \(actor.id), dispositioned_at = \(event.dispositionedAt)
                WHERE request_id = \(requestId)
                """, logger: logger)
            try await outbox.enqueue(event, on: connection, logger: logger)
        }
        return try JSONResponse.make(Accepted(requestId: requestId, state: "dispositioned"))
    }

    // MARK: - Read

    struct RequestView: Encodable {
        let requestId: String
        let agencyCode: String
        let title: String
        let purpose: String
        let profile: String
        let state: String
        let submittedBy: String
        let submittedAt: Date
        let datasets: [DatasetDefinition]
    }

    @Sendable func show(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.producer, .head, .supervisor, .technical, .admin])
        let requestId = try request.requestIDParameter(routeContext)
        let rows = try await context.client.query("""
            SELECT request_id, agency_code, title, purpose, profile, state, submitted_by, submitted_at, definition::text
            FROM intake.requests WHERE request_id = \(requestId)
            """, logger: routeContext.logger)
        for try await (id, agency, title, purpose, profile, state, by, at, definition) in rows.decode((String, String, String, String, String, String, String, Date, String).self) {
            guard account.mayAccess(agency: agency) else { break }
            let datasets = try CloudEventCodec.decodeJSON([DatasetDefinition].self, from: definition)
            return try JSONResponse.make(RequestView(requestId: id, agencyCode: agency, title: title, purpose: purpose, profile: profile, state: state, submittedBy: by, submittedAt: at, datasets: datasets))
        }
        throw APIError.notFound("request")
    }
}

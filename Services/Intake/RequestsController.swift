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
        group.post(":id/decline", use: decline)
    }

    struct DeclineBody: Decodable {
        var reason: String?
    }

    /// The head declines a submitted request with a reason instead of dispositioning it: a
    /// terminal state, announced with `request.declined` in the same transaction.
    @Sendable func decline(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let actor = try routeContext.require([.head]).actor
        let requestId = try request.requestIDParameter(routeContext)
        let body = try await JSONResponse.decode(DeclineBody.self, from: request)
        let reason = try NoteRule.validated(
            body.reason, field: "reason", required: true, purpose: "a reason the producer reads")
        let logger = routeContext.logger
        let outbox = context.outbox
        let now = Date()
        try await context.client.inTransaction(logger: logger) { connection in
            guard let state = try await RequestStore.lockedState(of: requestId, on: connection, logger: logger) else {
                throw APIError.notFound("request")
            }
            guard state == .submitted else {
                throw APIError(
                    .conflict, code: "invalid_state",
                    message: "request is \(state.rawValue); only a submitted request can be declined", field: "state")
            }
            let event = RequestDeclined(requestId: requestId, reason: reason, declinedBy: actor, declinedAt: now)
            try await RequestStore.recordDecline(event, on: connection, logger: logger)
            try await outbox.enqueue(event, on: connection, logger: logger)
        }
        return try JSONResponse.make(Accepted(requestId: requestId, state: .declined))
    }

    struct Accepted: Encodable {
        let requestId: String
        let state: IntakeState
    }

    // MARK: - Step 1: submit

    @Sendable func submit(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.producer])
        var draft = try await JSONResponse.decode(RequestDraft.self, from: request)
        if draft.agencyCode == nil { draft.agencyCode = account.agencyCode }
        let submission = draft.asSubmission
        let profiles = try await ProfileChoice.load(context, logger: routeContext.logger)
        var violations = CompletenessCheck.violations(of: submission, profiles: profiles)
        if submission.agencyCode != account.agencyCode {
            violations.append(
                FieldViolation(
                    field: "agencyCode", rule: "own_agency",
                    message: "a producer submits for its own agency (\(account.agencyCode ?? ""))"))
        }
        guard violations.isEmpty, let profile = profiles.resolve(submission.profile) else {
            throw APIError.validationFailed(violations)
        }
        let idempotencyKey = try Self.idempotencyKey(of: request)
        let logger = routeContext.logger
        let outbox = context.outbox
        let (requestId, replayed) = try await context.client.inTransaction(logger: logger) {
            connection -> (String, Bool) in
            if let idempotencyKey,
                let earlier = try await Self.earlierSubmission(
                    submission, key: idempotencyKey, account: account, on: connection, logger: logger)
            {
                return (earlier, true)
            }
            let requestId = UUID().uuidString.lowercased()
            try await SubmissionRecording.record(
                submission, profile: profile, requestId: requestId, account: account, isNew: true, outbox: outbox,
                on: connection,
                logger: logger)
            // The request letter, numbered in this transaction: a submission that does not commit takes no number.
            _ = try await RequestLetter.issue(
                submission, profile: profile, requestId: requestId, account: account, at: Date(), on: connection,
                logger: logger)
            if let idempotencyKey {
                try await RequestStore.setIdempotencyKey(
                    idempotencyKey, requestId: requestId, on: connection, logger: logger)
            }
            return (requestId, false)
        }
        logger.info(
            replayed
                ? "Submission repeated with its Idempotency-Key; answered with the request it created"
                : "Request submitted",
            metadata: [LogKey.requestID: "\(requestId)"])
        var response = try JSONResponse.make(Accepted(requestId: requestId, state: .submitted), status: .created)
        if replayed { response.headers[HTTPField.Name("Idempotent-Replayed")!] = "true" }
        return response
    }

    /// The optional `Idempotency-Key` header: 1–200 visible ASCII characters.
    static func idempotencyKey(of request: Request) throws -> String? {
        guard let key = request.headers[HTTPField.Name("Idempotency-Key")!] else { return nil }
        guard !key.isEmpty, key.count <= 200, key.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw APIError(
                .badRequest, code: "invalid_header", message: "Idempotency-Key is 1–200 visible ASCII characters",
                field: "Idempotency-Key")
        }
        return key
    }

    /// The request an earlier submission with the same key created, if any (same body: its id;
    /// another body: 422). Holds a transaction lock on the key, so a concurrent repeat waits here
    /// until the first commits and then finds it.
    static func earlierSubmission(
        _ submission: RequestSubmission, key: String, account: Account,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> String? {
        try await RequestStore.lockIdempotencyKey(key, account: account.name, on: connection, logger: logger)
        let body = try CloudEventCodec.jsonText(submission)
        guard
            let earlier = try await RequestStore.earlierSubmission(
                key: key, account: account.name, body: body, on: connection, logger: logger)
        else { return nil }
        guard earlier.sameBody else {
            throw APIError(
                .unprocessableContent, code: "idempotency_key_reused",
                message: "this Idempotency-Key was used for a different submission", field: "Idempotency-Key")
        }
        return earlier.requestId
    }

    // MARK: - Step 1: disposition by the head

    struct DispositionBody: Decodable {
        var note: String
        /// The person or unit it goes to (default: the technical team).
        var addressee: String?
        /// What to do (default: the note).
        var instruction: String?
        /// `biasa` (default), `segera` or `sangat_segera`.
        var urgency: String?
        /// `yyyy-MM-dd` (WIB), today or later.
        var deadline: String?
    }

    /// The sheet's fields from the body: every broken rule named with its field.
    static func sheetFields(_ body: DispositionBody, today: Date) throws -> (
        addressee: String, instruction: String, urgency: String, deadline: Date?
    ) {
        var violations: [FieldViolation] = []
        let addressee = (body.addressee ?? "").trimmed.isEmpty ? "Tim Teknis" : (body.addressee ?? "").trimmed
        if addressee.count > 120 {
            violations.append(
                FieldViolation(field: "addressee", rule: "max_length", message: "addressee: at most 120 characters"))
        }
        let instruction =
            (body.instruction ?? "").trimmed.isEmpty ? body.note.trimmed : (body.instruction ?? "").trimmed
        do { _ = try NoteRule.validated(instruction, field: "instruction", required: false) } catch let error
            as APIError
        {
            violations +=
                error.violations.isEmpty
                ? [FieldViolation(field: "instruction", rule: "note", message: error.message)] : error.violations
        }
        let urgency = body.urgency ?? "biasa"
        if DispositionSheet.urgencies[urgency] == nil {
            violations.append(
                FieldViolation(
                    field: "urgency", rule: "enum", message: "urgency is one of biasa, segera, sangat_segera"))
        }
        var deadline: Date?
        if let text = body.deadline, !text.isEmpty {
            let formatter = DateFormatter()
            formatter.calendar = WIB.calendar
            formatter.timeZone = WIB.calendar.timeZone
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.dateFormat = "yyyy-MM-dd"
            if let day = formatter.date(from: text), formatter.string(from: day) == text {
                if day < WIB.calendar.startOfDay(for: today) {
                    violations.append(
                        FieldViolation(field: "deadline", rule: "not_past", message: "deadline is today or later"))
                }
                deadline = day
            } else {
                violations.append(
                    FieldViolation(field: "deadline", rule: "date", message: "deadline is a date yyyy-MM-dd"))
            }
        }
        guard violations.isEmpty else { throw APIError.validationFailed(violations) }
        return (addressee, instruction, urgency, deadline)
    }

    @Sendable func disposition(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let actor = try routeContext.require([.head]).actor
        let requestId = try request.requestIDParameter(routeContext)
        let body = try await JSONResponse.decode(DispositionBody.self, from: request)
        _ = try NoteRule.validated(body.note, field: "note", required: false)
        let now = Date()
        let fields = try Self.sheetFields(body, today: now)
        let logger = routeContext.logger
        guard let stored = try await RequestStore.find(requestId, client: context.client, logger: logger) else {
            throw APIError.notFound("request")
        }
        let rule = try await ProfileChoice.load(context, logger: logger).resolve(stored.profile)?.documentRule(
            DispositionSheetDocument.kind)
        let outbox = context.outbox
        try await context.client.inTransaction(logger: logger) { connection in
            guard let state = try await RequestStore.lockedState(of: requestId, on: connection, logger: logger) else {
                throw APIError.notFound("request")
            }
            guard state == .submitted else {
                throw APIError(
                    .conflict, code: "invalid_state",
                    message: "request is \(state.rawValue); only a submitted request can be dispositioned",
                    field: "state")
            }
            // The sheet is numbered in this transaction, like the request letter.
            let document = try await DispositionSheetDocument.issue(
                fields: fields, note: body.note.trimmed, requestId: requestId, agency: stored.agencyCode,
                title: stored.title, rule: rule, by: actor, at: now, on: connection, logger: logger)
            let event = RequestDispositioned(
                requestId: requestId, note: body.note.trimmed, dispositionedBy: actor, dispositionedAt: now,
                sheet: DispositionSheet(
                    addressee: fields.addressee, instruction: fields.instruction, urgency: fields.urgency,
                    deadline: fields.deadline, number: document.number))
            try await RequestStore.recordDisposition(event, on: connection, logger: logger)
            try await outbox.enqueue(event, on: connection, logger: logger)
        }
        return try JSONResponse.make(Accepted(requestId: requestId, state: .dispositioned))
    }

    // MARK: - Read

    struct RequestView: Encodable {
        let requestId: String
        let agencyCode: String
        let title: String
        let purpose: String
        let profile: String
        let state: IntakeState
        let submittedBy: String
        let submittedAt: Date
        let datasets: [DatasetDefinition]
    }

    @Sendable func show(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.producer, .head, .supervisor, .technical, .admin])
        let requestId = try request.requestIDParameter(routeContext)
        guard let stored = try await RequestStore.find(requestId, client: context.client, logger: routeContext.logger),
            account.mayAccess(agency: stored.agencyCode)
        else { throw APIError.notFound("request") }
        return try JSONResponse.make(
            RequestView(
                requestId: stored.requestId, agencyCode: stored.agencyCode, title: stored.title,
                purpose: stored.purpose,
                profile: stored.profile, state: stored.state, submittedBy: stored.submittedBy,
                submittedAt: stored.submittedAt, datasets: stored.datasets))
    }
}

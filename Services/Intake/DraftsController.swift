import Foundation
import Hummingbird
import JembatanShared
import PostgresNIO

/// Drafts: a producer saves an incomplete request, edits it, and submits it when complete (SOP step 1).
struct DraftsController: Sendable {
    let context: ServiceContext

    func register(on router: Router<JembatanRequestContext>) {
        router.get("v1/drafts", use: list)
        router.post("v1/drafts", use: create)
        router.get("v1/drafts/:id", use: show)
        router.put("v1/drafts/:id", use: update)
        router.post("v1/drafts/:id/submit", use: submit)
    }

    struct Saved: Encodable {
        let requestId: String
        let state: IntakeState
        /// What still keeps the draft from being submitted.
        let missing: [FieldViolation]
    }

    struct Listed: Encodable {
        let requestId: String
        let title: String
        let createdBy: String
        let createdAt: Date
    }

    /// The agency's drafts, newest first.
    @Sendable func list(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.producer])
        let drafts = try await RequestStore.drafts(
            of: account.agencyCode ?? "", client: context.client, logger: routeContext.logger)
        return try JSONResponse.make([
            "drafts": drafts.map {
                Listed(requestId: $0.requestId, title: $0.title, createdBy: $0.createdBy, createdAt: $0.createdAt)
            }
        ])
    }

    struct Shown: Encodable {
        let requestId: String
        let draft: RequestDraft
        let missing: [FieldViolation]
    }

    /// One draft as saved, to go on editing it.
    @Sendable func show(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.producer])
        let requestId = try request.requestIDParameter(routeContext)
        guard
            let stored = try await RequestStore.draft(requestId, client: context.client, logger: routeContext.logger),
            stored.state == .draft, account.mayAccess(agency: stored.agencyCode)
        else { throw APIError.notFound("draft") }
        let profiles = try await ProfileChoice.load(context, logger: routeContext.logger)
        return try JSONResponse.make(
            Shown(
                requestId: requestId, draft: stored.draft,
                missing: CompletenessCheck.violations(of: stored.draft.asSubmission, profiles: profiles)))
    }

    @Sendable func create(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.producer])
        var draft = try await JSONResponse.decode(RequestDraft.self, from: request)
        draft.agencyCode = draft.agencyCode ?? account.agencyCode
        guard draft.agencyCode == account.agencyCode else {
            throw APIError.validationFailed([
                FieldViolation(
                    field: "agencyCode", rule: "own_agency",
                    message: "a producer drafts for its own agency (\(account.agencyCode ?? ""))")
            ])
        }
        let requestId = UUID().uuidString.lowercased()
        try await RequestStore.insertDraft(
            draft, requestId: requestId, by: account.name, at: Date(), client: context.client,
            logger: routeContext.logger)
        let profiles = try await ProfileChoice.load(context, logger: routeContext.logger)
        return try JSONResponse.make(
            Saved(
                requestId: requestId, state: .draft,
                missing: CompletenessCheck.violations(of: draft.asSubmission, profiles: profiles)),
            status: .created)
    }

    @Sendable func update(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.producer])
        let requestId = try request.requestIDParameter(routeContext)
        var draft = try await JSONResponse.decode(RequestDraft.self, from: request)
        draft.agencyCode = account.agencyCode
        let logger = routeContext.logger
        try await context.client.inTransaction(logger: logger) { [draft] connection in
            _ = try await lockDraft(requestId, for: account, on: connection)
            try await RequestStore.updateDraft(draft, requestId: requestId, on: connection, logger: logger)
        }
        let profiles = try await ProfileChoice.load(context, logger: logger)
        return try JSONResponse.make(
            Saved(
                requestId: requestId, state: .draft,
                missing: CompletenessCheck.violations(of: draft.asSubmission, profiles: profiles)))
    }

    @Sendable func submit(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.producer])
        let requestId = try request.requestIDParameter(routeContext)
        let logger = routeContext.logger
        let outbox = context.outbox
        let profiles = try await ProfileChoice.load(context, logger: logger)
        try await context.client.inTransaction(logger: logger) { connection in
            let draft = try await lockDraft(requestId, for: account, on: connection)
            let submission = draft.asSubmission
            let violations = CompletenessCheck.violations(of: submission, profiles: profiles)
            guard violations.isEmpty, let profile = profiles.resolve(submission.profile) else {
                throw APIError.validationFailed(violations)
            }
            try await SubmissionRecording.record(
                submission, profile: profile, requestId: requestId, account: account, isNew: false, outbox: outbox,
                on: connection,
                logger: logger)
        }
        return try JSONResponse.make(Saved(requestId: requestId, state: .submitted, missing: []))
    }

    private func lockDraft(_ requestId: String, for account: Account, on connection: PostgresConnection) async throws
        -> RequestDraft
    {
        guard let stored = try await RequestStore.lockedDraft(requestId, on: connection, logger: context.logger),
            account.mayAccess(agency: stored.agencyCode)
        else { throw APIError.notFound("draft") }
        guard stored.state == .draft else {
            throw APIError(
                .conflict, code: "invalid_state", message: "the request is \(stored.state.rawValue), no longer a draft",
                field: "state")
        }
        return stored.draft
    }
}

/// A request being prepared: every part may still be missing.
struct RequestDraft: Codable, Sendable {
    var agencyCode: String?
    var title: String?
    var purpose: String?
    var profile: String?
    var legalBasis: String?
    var contactPerson: ContactPerson?
    var intendedConsumers: [String]?
    var attachments: [AttachmentMetadata]?
    var datasets: [DatasetDefinition]?

    /// The draft as a submission, with missing parts empty (so the completeness check names them).
    var asSubmission: RequestSubmission {
        RequestSubmission(
            agencyCode: agencyCode, title: title ?? "", purpose: purpose ?? "", profile: profile,
            legalBasis: legalBasis,
            contactPerson: contactPerson, intendedConsumers: intendedConsumers, attachments: attachments,
            datasets: datasets ?? [])
    }
}

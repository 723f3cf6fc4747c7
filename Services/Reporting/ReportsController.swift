import Foundation
import Hummingbird
import JembatanShared

/// `/v1/requests`: the read model as JSON.
struct ReportsController: Sendable {
    let context: ServiceContext

    func register(on router: Router<JembatanRequestContext>) {
        router.get("v1/requests", use: list)
        router.get("v1/requests/:id", use: show)
        router.get("v1/requests/:id/steps", use: steps)
        router.post("v1/requests/:id/justifications", use: justify)
        router.post("v1/requests/:id/receipts", use: acknowledge)
    }

    /// The request's report as of now, when `account` may see the request (else a 404: another
    /// agency's request does not exist for them).
    func visibleReport(_ requestId: String, to account: Account) async throws -> IntegrationReport {
        guard
            let report = try await IntegrationReport.assemble(
                requestId: requestId, context: context, clock: ReportingService.clock, at: Date()),
            account.mayAccess(agency: report.submission?.agencyCode)
        else { throw APIError.notFound("request") }
        return report
    }

    /// One receipt line as the request page shows it: the receiver's time on the working-day clock.
    struct ReceiptView: Encodable {
        let kind: String
        let role: Role
        let name: String
        let startedAt: Date
        let acknowledgedAt: Date?
        let acknowledgedBy: String?
        /// Working days from its start to the receipt (or now), the receiver's time.
        let workingDays: Double

        init(_ line: Receipts.Line, now: Date, clock: SLAClock) {
            kind = line.kind.rawValue
            role = line.role
            name = line.kind.name
            startedAt = line.startedAt
            acknowledgedAt = line.acknowledgedAt
            acknowledgedBy = line.acknowledgedBy
            let end = line.acknowledgedAt ?? now
            workingDays = end > line.startedAt ? clock.calendar.workingDays(from: line.startedAt, to: end) : 0
        }
    }

    struct ReceiptBody: Decodable {
        var kind: String
    }

    /// The receiver acknowledges: the producer the delivered results, the Kepala Bidang and then
    /// the Kepala Dinas the request's report. Once each; the receiver's time ends then.
    @Sendable func acknowledge(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.producer, .supervisor, .head])
        let requestId = try request.requestIDParameter(routeContext)
        let body = try await JSONResponse.decode(ReceiptBody.self, from: request)
        guard let kind = Receipts.Kind(rawValue: body.kind) else {
            throw APIError.validationFailed([
                FieldViolation(field: "kind", rule: "enum", message: "kind must be results or report")
            ])
        }
        let report = try await visibleReport(requestId, to: account)
        let store = ReceiptStore(client: context.client, logger: routeContext.logger)
        let lines = try await store.lines(of: requestId)
        if let refusal = Receipts.refusal(kind: kind, role: account.role, lines: lines) {
            throw APIError(
                refusal.code == "receipt_not_yours" ? .forbidden : .conflict, code: refusal.code,
                message: refusal.message, field: "kind")
        }
        let now = Date()
        let logger = routeContext.logger
        // Stored and announced in one transaction (the Kepala Bidang's receipt forwards the report to the head).
        let new = try await context.client.inTransaction(logger: logger) { connection in
            let new = try await ReceiptStore.acknowledge(
                requestId, kind: kind, role: account.role, by: account.name, at: now, on: connection, logger: logger)
            if new {
                try await context.outbox.enqueue(
                    ReceiptAcknowledged(
                        requestId: requestId, agencyCode: report.submission?.agencyCode ?? "", kind: kind.rawValue,
                        acknowledgedBy: account.actor, acknowledgedAt: now),
                    on: connection, logger: logger)
            }
            return new
        }
        routeContext.logger.info(
            "Receipt acknowledged",
            metadata: [LogKey.requestID: "\(requestId)", "kind": "\(kind.rawValue)", "new": "\(new)"])
        return try JSONResponse.make(["acknowledged": true, "new": new], status: new ? .created : .ok)
    }

    struct StepsView: Encodable {
        let requestId: String
        let profile: String
        let profileName: String?
        let steps: [IntegrationReport.Step]
        let overall: IntegrationReport.Step?
        /// The receipts: delivered results (producer), the report (Kepala Bidang, then Kepala Dinas).
        let receipts: [ReceiptView]
    }

    /// Every step and line of the request's profile against its standard (what the request page shows).
    @Sendable func steps(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.producer, .head, .supervisor, .technical, .admin])
        let requestId = try request.requestIDParameter(routeContext)
        let report = try await visibleReport(requestId, to: account)
        return try JSONResponse.make(
            StepsView(
                requestId: requestId, profile: report.submission?.profile ?? "", profileName: report.profileName,
                steps: report.steps,
                overall: report.overall,
                receipts: try await ReceiptStore(client: context.client, logger: routeContext.logger).lines(
                    of: requestId
                ).map { ReceiptView($0, now: Date(), clock: ReportingService.clock) }))
    }

    struct JustificationBody: Decodable {
        var phase: String
        var startedAt: Date
        var justification: String?
    }

    /// The person responsible for a deviation records why (seed 003: "harus dipertanggungjawabkan
    /// oleh pelaksana"): the person who ended the late step, or — while it is still open and overdue —
    /// a person of the step's role for that agency. Once per run of a step; the head reads it on the
    /// request page and the monthly report shows it.
    @Sendable func justify(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.producer, .head, .supervisor, .technical])
        let requestId = try request.requestIDParameter(routeContext)
        let body = try await JSONResponse.decode(JustificationBody.self, from: request)
        let text = try NoteRule.validated(
            body.justification, field: "justification", required: true, purpose: "a justification of the deviation")
        guard let phase = Phase(rawValue: body.phase) else {
            throw APIError.validationFailed([
                FieldViolation(field: "phase", rule: "enum", message: "phase must be one of the procedure's phases")
            ])
        }
        let report = try await visibleReport(requestId, to: account)
        guard
            let step = report.steps.first(where: {
                // The caller echoes the millisecond time the steps list gave; read back and written
                // again it may lose one more millisecond, so 2 ms (two runs of a phase never start closer).
                $0.phase == phase && abs($0.startedAt.timeIntervalSince(body.startedAt)) < 0.002
            })
        else {
            throw APIError(
                .notFound, code: "not_found", message: "the request has no step run of \(phase.rawValue) started then",
                field: "startedAt")
        }
        guard step.isDeviation else {
            throw APIError(
                .conflict, code: "not_a_deviation",
                message: "\(step.name) kept its standard: there is nothing to justify", field: "phase")
        }
        let responsible =
            step.responsible.map { $0.id == account.name }
            ?? (step.endedAt == nil && account.role == step.role)
        guard responsible else {
            throw APIError(
                .forbidden, code: "not_responsible",
                message:
                    "the deviation is justified by the person responsible for it: \(step.responsible?.id ?? step.role.label)"
            )
        }
        let now = Date()
        let logger = routeContext.logger
        // Stored and announced in one transaction: the head is told (the workspace's notice) exactly once.
        let recorded = try await context.client.inTransaction(logger: logger) { connection in
            let new = try await ReadModelStore.recordJustification(
                StoredJustification(
                    requestId: requestId, phase: phase, stepStartedAt: step.startedAt, step: step.step,
                    justification: text, justifiedBy: account.actor, justifiedAt: now),
                on: connection, logger: logger)
            if new {
                try await context.outbox.enqueue(
                    DeviationJustified(
                        requestId: requestId, agencyCode: report.submission?.agencyCode ?? "", step: step.step,
                        stepName: step.name, phase: phase, stepStartedAt: step.startedAt,
                        deviations: step.deviations, justification: text, justifiedBy: account.actor,
                        justifiedAt: now),
                    on: connection, logger: logger)
            }
            return new
        }
        guard recorded else {
            throw APIError(
                .conflict, code: "already_justified", message: "this deviation already has its justification")
        }
        return try JSONResponse.make(["recorded": true], status: .created)
    }

    struct RequestSummary: Encodable {
        let requestId: String
        let agencyCode: String?
        let title: String?
        let profile: String?
        let state: String
        let sopStep: Int
        /// The phase the request is in (nil before its first event is read).
        let phase: String?
        let submittedAt: Date?
        let completedAt: Date?
        let updatedAt: Date
    }

    struct TimelineEntry: Encodable {
        let eventId: String
        let type: String
        let source: String
        let actor: ActorReference
        let occurredAt: Date
    }

    struct RequestDetail: Encodable {
        let request: RequestSummary
        let timeline: [TimelineEntry]
    }

    struct RequestList: Encodable {
        let requests: [RequestSummary]
    }

    @Sendable func list(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.producer, .head, .supervisor, .technical, .admin])
        return try JSONResponse.make(
            RequestList(
                requests: try await summaries(requestId: nil).filter { account.mayAccess(agency: $0.agencyCode) }))
    }

    @Sendable func show(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.producer, .head, .supervisor, .technical, .admin])
        let requestId = try request.requestIDParameter(routeContext)
        guard let summary = try await summaries(requestId: requestId).first,
            account.mayAccess(agency: summary.agencyCode)
        else {
            throw APIError.notFound("request")
        }
        return try JSONResponse.make(RequestDetail(request: summary, timeline: try await timeline(requestId)))
    }

    func summaries(requestId: String?) async throws -> [RequestSummary] {
        try await ReportReads.requests(requestId, client: context.client, logger: context.logger).map {
            RequestSummary(
                requestId: $0.requestId, agencyCode: $0.agencyCode, title: $0.title, profile: $0.profile,
                state: $0.state.rawValue, sopStep: $0.sopStep, phase: $0.phase?.rawValue,
                submittedAt: $0.submittedAt, completedAt: $0.completedAt, updatedAt: $0.updatedAt)
        }
    }

    func timeline(_ requestId: String) async throws -> [TimelineEntry] {
        try await ReportReads.timeline(of: requestId, client: context.client, logger: context.logger).map {
            TimelineEntry(
                eventId: $0.eventId, type: $0.eventType, source: $0.source,
                actor: ActorReference(id: $0.actorId, role: Role(rawValue: $0.actorRole) ?? .system),
                occurredAt: $0.occurredAt)
        }
    }
}

import Foundation
import Hummingbird
import JembatanShared

/// `/v1/requests`: the read model as JSON.
struct ReportsController: Sendable {
    let context: ServiceContext

    func register(on router: Router<JembatanRequestContext>) {
        router.get("v1/requests", use: list)
        router.get("v1/requests/:id", use: show)
    }

    struct RequestSummary: Encodable {
        let requestId: String
        let agencyCode: String?
        let title: String?
        let profile: String?
        let state: String
        let sopStep: Int
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
                state: $0.state.rawValue, sopStep: $0.sopStep,
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

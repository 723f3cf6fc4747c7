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
        return try JSONResponse.make(RequestList(requests: try await summaries(requestId: nil).filter { account.mayAccess(agency: $0.agencyCode) }))
    }

    @Sendable func show(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.producer, .head, .supervisor, .technical, .admin])
        let requestId = try request.requestIDParameter(routeContext)
        guard let summary = try await summaries(requestId: requestId).first, account.mayAccess(agency: summary.agencyCode) else {
            throw APIError.notFound("request")
        }
        return try JSONResponse.make(RequestDetail(request: summary, timeline: try await timeline(requestId)))
    }

    func summaries(requestId: String?) async throws -> [RequestSummary] {
        var result: [RequestSummary] = []
        let rows = try await context.client.query("""
            SELECT request_id, agency_code, title, profile, state, sop_step, submitted_at, completed_at, updated_at
            FROM reporting.requests WHERE (\(requestId)::text IS NULL OR request_id = \(requestId)) ORDER BY updated_at DESC LIMIT 500
            """, logger: context.logger)
        for try await (id, agency, title, profile, state, step, submitted, completed, updated) in rows.decode((String, String?, String?, String?, String, Int, Date?, Date?, Date).self) {
            result.append(RequestSummary(requestId: id, agencyCode: agency, title: title, profile: profile, state: state, sopStep: step, submittedAt: submitted, completedAt: completed, updatedAt: updated))
        }
        return result
    }

    func timeline(_ requestId: String) async throws -> [TimelineEntry] {
        var result: [TimelineEntry] = []
        let rows = try await context.client.query("""
            SELECT event_id, event_type, source, actor_id, actor_role, occurred_at FROM reporting.timeline
            WHERE request_id = \(requestId) ORDER BY occurred_at, recorded_at
            """, logger: context.logger)
        for try await (id, type, source, actorID, role, at) in rows.decode((String, String, String, String, String, Date).self) {
            result.append(TimelineEntry(eventId: id, type: type, source: source, actor: ActorReference(id: actorID, role: Role(rawValue: role) ?? .system), occurredAt: at))
        }
        return result
    }
}

import Foundation
import JembatanShared
import Logging
import PostgresNIO

/// `reporting.receipts`: who acknowledged the delivered results and the report, and when.
struct ReceiptStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// The receipts of `requestId`.
    func stored(of requestId: String) async throws -> [Receipts.Stored] {
        var found: [Receipts.Stored] = []
        for try await (kind, role, by, at) in try await client.queryUnlessClosed(
            """
            SELECT kind, role, acknowledged_by, acknowledged_at FROM reporting.receipts
            WHERE request_id = \(requestId) ORDER BY acknowledged_at
            """, logger: logger
        ).decode((String, String, String, Date).self) {
            guard let kind = Receipts.Kind(rawValue: kind), let role = Role(rawValue: role) else { continue }
            found.append(Receipts.Stored(kind: kind, role: role, by: by, at: at))
        }
        return found
    }

    /// When the results were first delivered and the request's report first published (nil: not yet).
    func starts(of requestId: String) async throws -> (delivered: Date?, reported: Date?) {
        for try await (delivered, reported) in try await client.queryUnlessClosed(
            """
            SELECT (SELECT min(occurred_at) FROM reporting.events
                    WHERE request_id = \(requestId) AND event_type = \(EventType.resultsDelivered.rawValue)),
                   (SELECT min(generated_at) FROM reporting.reports WHERE kind = 'integration' AND subject = \(requestId))
            """, logger: logger
        ).decode((Date?, Date?).self) { return (delivered, reported) }
        return (nil, nil)
    }

    /// Every receipt line of `requestId`, stored receipts applied.
    func lines(of requestId: String) async throws -> [Receipts.Line] {
        let (delivered, reported) = try await starts(of: requestId)
        return Receipts.lines(
            deliveredAt: delivered, reportPublishedAt: reported, stored: try await stored(of: requestId))
    }

    /// Records `role`'s receipt of `kind` (once: a second one changes nothing); true when new.
    static func acknowledge(
        _ requestId: String, kind: Receipts.Kind, role: Role, by account: String, at: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        for try await _ in try await connection.queryUnlessClosed(
            """
            INSERT INTO reporting.receipts (request_id, kind, role, acknowledged_by, acknowledged_at)
            VALUES (\(requestId), \(kind.rawValue), \(role.rawValue), \(account), \(at))
            ON CONFLICT DO NOTHING RETURNING request_id
            """, logger: logger
        ) { return true }
        return false
    }

    /// A receipt waiting for a receiver of `role`: the request, and since when.
    struct Pending: Sendable {
        var requestId: String
        var agencyCode: String
        var title: String
        var kind: Receipts.Kind
        var startedAt: Date
    }

    /// The receipts waiting for `role`: the producer's delivered results, the Kepala Bidang's
    /// published reports, the Kepala Dinas's reports the Kepala Bidang acknowledged.
    func pending(for role: Role) async throws -> [Pending] {
        let rows: CollectedRows
        switch role {
        case .producer:
            rows = try await client.queryUnlessClosed(
                """
                SELECT r.request_id, coalesce(r.agency_code, ''), coalesce(r.title, ''), 'results', min(e.occurred_at)
                FROM reporting.events e JOIN reporting.requests r USING (request_id)
                WHERE e.event_type = \(EventType.resultsDelivered.rawValue) AND NOT EXISTS (
                    SELECT 1 FROM reporting.receipts c
                    WHERE c.request_id = r.request_id AND c.kind = 'results' AND c.role = 'producer')
                GROUP BY r.request_id, r.agency_code, r.title
                """, logger: logger)
        case .supervisor:
            rows = try await client.queryUnlessClosed(
                """
                SELECT r.request_id, coalesce(r.agency_code, ''), coalesce(r.title, ''), 'report', min(p.generated_at)
                FROM reporting.reports p JOIN reporting.requests r ON r.request_id = p.subject
                WHERE p.kind = 'integration' AND NOT EXISTS (
                    SELECT 1 FROM reporting.receipts c
                    WHERE c.request_id = r.request_id AND c.kind = 'report' AND c.role = 'supervisor')
                GROUP BY r.request_id, r.agency_code, r.title
                """, logger: logger)
        case .head:
            rows = try await client.queryUnlessClosed(
                """
                SELECT r.request_id, coalesce(r.agency_code, ''), coalesce(r.title, ''), 'report', s.acknowledged_at
                FROM reporting.receipts s JOIN reporting.requests r USING (request_id)
                WHERE s.kind = 'report' AND s.role = 'supervisor' AND NOT EXISTS (
                    SELECT 1 FROM reporting.receipts c
                    WHERE c.request_id = r.request_id AND c.kind = 'report' AND c.role = 'head')
                """, logger: logger)
        default:
            return []
        }
        var pending: [Pending] = []
        for try await (id, agency, title, kind, since) in rows.decode((String, String, String, String, Date).self) {
            guard let kind = Receipts.Kind(rawValue: kind) else { continue }
            pending.append(Pending(requestId: id, agencyCode: agency, title: title, kind: kind, startedAt: since))
        }
        return pending
    }
}

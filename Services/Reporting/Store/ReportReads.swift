import Foundation
import JembatanShared
import Logging
import PostgresNIO

/// A request as the read model summarises it.
struct RequestRow: Sendable {
    let requestId: String
    let agencyCode: String?
    let title: String?
    let profile: String?
    let state: RequestState
    let sopStep: Int
    var phase: Phase? = nil
    let submittedAt: Date?
    let completedAt: Date?
    let updatedAt: Date
}

/// One entry of a request's timeline.
struct TimelineRow: Sendable {
    let eventId: String
    let requestId: String
    let eventType: String
    let source: String
    let actorId: String
    let actorRole: String
    let state: RequestState
    let sopStep: Int
    let occurredAt: Date
}

/// A stored event's payload (`data`) as JSON text.
struct StoredEventData: Sendable {
    let requestId: String
    let eventType: String
    let occurredAt: Date
    let data: String
}

/// The read model's reads for reports, the dashboard and the JSON API (`reporting.requests`,
/// `timeline`, `events`). Nothing here writes.
enum ReportReads {
    /// Requests, newest change first (at most 500), or the one named.
    static func requests(_ requestId: String? = nil, client: PostgresClient, logger: Logger) async throws
        -> [RequestRow]
    {
        var result: [RequestRow] = []
        let rows = try await client.queryUnlessClosed(
            """
            SELECT request_id, agency_code, title, profile, state, sop_step, submitted_at, completed_at, updated_at, phase
            FROM reporting.requests WHERE (\(requestId)::text IS NULL OR request_id = \(requestId)) ORDER BY updated_at DESC LIMIT 500
            """, logger: logger)
        for try await (id, agency, title, profile, state, step, submitted, completed, updated, phase) in rows.decode(
            (String, String?, String?, String?, String, Int, Date?, Date?, Date, String?).self)
        {
            result.append(
                RequestRow(
                    requestId: id, agencyCode: agency, title: title, profile: profile,
                    state: try RequestState(stored: state), sopStep: step,
                    phase: try phase.map { try Phase(stored: $0) },
                    submittedAt: submitted, completedAt: completed, updatedAt: updated))
        }
        return result
    }

    /// Requests with a known agency submitted before `until`.
    static func requestsSubmitted(before until: Date, client: PostgresClient, logger: Logger) async throws
        -> [RequestRow]
    {
        var result: [RequestRow] = []
        for try await (id, agency, profile, state, submitted, completed) in try await client.queryUnlessClosed(
            """
            SELECT request_id, agency_code, profile, state, submitted_at, completed_at FROM reporting.requests WHERE agency_code IS NOT NULL AND submitted_at < \(until)
            """, logger: logger
        ).decode((String, String, String?, String, Date?, Date?).self) {
            result.append(
                RequestRow(
                    requestId: id, agencyCode: agency, title: nil, profile: profile,
                    state: try RequestState(stored: state), sopStep: 0,
                    submittedAt: submitted, completedAt: completed, updatedAt: submitted ?? until))
        }
        return result
    }

    /// A request's timeline in the order things happened (the moment recorded breaks ties).
    static func timeline(of requestId: String, client: PostgresClient, logger: Logger) async throws -> [TimelineRow] {
        var result: [TimelineRow] = []
        for try await (id, type, source, actor, role, state, step, at) in try await client.queryUnlessClosed(
            """
            SELECT event_id, event_type, source, actor_id, actor_role, state, sop_step, occurred_at FROM reporting.timeline
            WHERE request_id = \(requestId) ORDER BY occurred_at, recorded_at
            """, logger: logger
        ).decode((String, String, String, String, String, String, Int, Date).self) {
            result.append(
                TimelineRow(
                    eventId: id, requestId: requestId, eventType: type, source: source, actorId: actor, actorRole: role,
                    state: try RequestState(stored: state),
                    sopStep: step, occurredAt: at))
        }
        return result
    }

    /// A request's timeline ordered by time and step (how the report counts step runs).
    static func timelineBySteps(of requestId: String, client: PostgresClient, logger: Logger) async throws
        -> [TimelineRow]
    {
        var result: [TimelineRow] = []
        for try await (step, at, type, actor, role, state) in try await client.queryUnlessClosed(
            """
            SELECT sop_step, occurred_at, event_type, actor_id, actor_role, state FROM reporting.timeline WHERE request_id = \(requestId) ORDER BY occurred_at, sop_step
            """, logger: logger
        ).decode((Int, Date, String, String, String, String).self) {
            result.append(
                TimelineRow(
                    eventId: "", requestId: requestId, eventType: type, source: "", actorId: actor, actorRole: role,
                    state: try RequestState(stored: state),
                    sopStep: step, occurredAt: at))
        }
        return result
    }

    /// Every request's timeline before `until`, as the procedure clock reads it, by request.
    static func milestones(before until: Date, client: PostgresClient, logger: Logger) async throws
        -> [String: [Milestone]]
    {
        var result: [String: [Milestone]] = [:]
        for try await (request, id, type, actor, role, at, completed, evidence) in try await client.queryUnlessClosed(
            """
            SELECT request_id, event_id, event_type, actor_id, actor_role, occurred_at, completed_phase, evidence_at
            FROM reporting.timeline WHERE occurred_at < \(until)
            """, logger: logger
        ).decode((String, String, String, String, String, Date, String?, Date?).self) {
            guard let type = EventType(rawValue: type) else { continue }
            result[request, default: []].append(
                Milestone(
                    type, at: at, by: ActorReference(id: actor, role: try Role(stored: role)),
                    completedPhase: try completed.map { try Phase(stored: $0) }, evidenceAt: evidence, id: id))
        }
        return result
    }

    /// Every stored event of a request, oldest first.
    static func events(of requestId: String, client: PostgresClient, logger: Logger) async throws -> [StoredEventData] {
        var result: [StoredEventData] = []
        for try await (type, at, data) in try await client.queryUnlessClosed(
            """
            SELECT event_type, occurred_at, (envelope->'data')::text FROM reporting.events WHERE request_id = \(requestId) ORDER BY occurred_at, event_id
            """, logger: logger
        ).decode((String, Date, String).self) {
            result.append(StoredEventData(requestId: requestId, eventType: type, occurredAt: at, data: data))
        }
        return result
    }

    /// Stored events of `types` before `until` (optionally from `from`), oldest first.
    static func events(
        ofTypes types: [EventType], from: Date? = nil, before until: Date? = nil, client: PostgresClient, logger: Logger
    ) async throws -> [StoredEventData] {
        var result: [StoredEventData] = []
        for try await (id, type, at, data) in try await client.queryUnlessClosed(
            """
            SELECT request_id, event_type, occurred_at, (envelope->'data')::text FROM reporting.events
            WHERE event_type = ANY(\(types.map(\.rawValue))) AND (\(from)::timestamptz IS NULL OR occurred_at >= \(from))
              AND (\(until)::timestamptz IS NULL OR occurred_at < \(until))
            ORDER BY occurred_at, event_id
            """, logger: logger
        ).decode((String, String, Date, String).self) {
            result.append(StoredEventData(requestId: id, eventType: type, occurredAt: at, data: data))
        }
        return result
    }

    /// The latest event of `type` per request (its payload as JSON text).
    static func latestEvents(ofType type: EventType, before until: Date? = nil, client: PostgresClient, logger: Logger)
        async throws -> [StoredEventData]
    {
        var result: [StoredEventData] = []
        for try await (id, at, data) in try await client.queryUnlessClosed(
            """
            SELECT DISTINCT ON (request_id) request_id, occurred_at, (envelope->'data')::text FROM reporting.events
            WHERE event_type = \(type.rawValue) AND (\(until)::timestamptz IS NULL OR occurred_at < \(until))
            ORDER BY request_id, occurred_at DESC
            """, logger: logger
        ).decode((String, Date, String).self) {
            result.append(StoredEventData(requestId: id, eventType: type.rawValue, occurredAt: at, data: data))
        }
        return result
    }

    // MARK: - Aggregates over events

    /// The score of each request's latest validation run (before `until`, when given).
    static func latestScores(before until: Date? = nil, client: PostgresClient, logger: Logger) async throws -> [String:
        Double]
    {
        var scores: [String: Double] = [:]
        for try await (id, score) in try await client.queryUnlessClosed(
            """
            SELECT DISTINCT ON (request_id) request_id, (envelope->'data'->>'score')::float8 FROM reporting.events
            WHERE event_type = \(EventType.validationRunCompleted.rawValue) AND (\(until)::timestamptz IS NULL OR occurred_at < \(until)) ORDER BY request_id, occurred_at DESC
            """, logger: logger
        ).decode((String, Double).self) { scores[id] = score }
        return scores
    }

    /// Pushed volume per dataset and request in a month: batches, accepted and rejected records.
    static func ingestVolumes(from: Date, until: Date, client: PostgresClient, logger: Logger)
        async throws -> [(
            datasetId: String, requestId: String, agencyCode: String, batches: Int, accepted: Int, rejected: Int
        )]
    {
        var result:
            [(datasetId: String, requestId: String, agencyCode: String, batches: Int, accepted: Int, rejected: Int)] =
                []
        for try await row in try await client.queryUnlessClosed(
            """
            SELECT envelope->'data'->>'datasetId', request_id, envelope->'data'->>'agencyCode', count(*)::int,
                   sum((envelope->'data'->>'accepted')::int)::int, sum((envelope->'data'->>'rejected')::int)::int
            FROM reporting.events WHERE event_type = \(EventType.recordsIngested.rawValue) AND occurred_at >= \(from) AND occurred_at < \(until)
            GROUP BY 1, 2, 3 ORDER BY 3, 1
            """, logger: logger
        ).decode((String, String, String, Int, Int, Int).self) {
            result.append((row.0, row.1, row.2, row.3, row.4, row.5))
        }
        return result
    }

    /// Accepted records and the last push per dataset, over all time.
    static func datasetVolumes(client: PostgresClient, logger: Logger) async throws -> [String: (
        records: Int, lastPush: Date
    )] {
        var volume: [String: (records: Int, lastPush: Date)] = [:]
        for try await (dataset, records, last) in try await client.queryUnlessClosed(
            """
            SELECT envelope->'data'->>'datasetId', sum((envelope->'data'->>'accepted')::int)::int, max(occurred_at) FROM reporting.events
            WHERE event_type = \(EventType.recordsIngested.rawValue) GROUP BY 1
            """, logger: logger
        ).decode((String, Int, Date).self) { volume[dataset] = (records, last) }
        return volume
    }

    /// The latest freshness finding per dataset.
    static func latestFreshnessFindings(client: PostgresClient, logger: Logger) async throws -> [String: Date] {
        var findings: [String: Date] = [:]
        for try await (dataset, at) in try await client.queryUnlessClosed(
            """
            SELECT envelope->'data'->>'datasetId', max(occurred_at) FROM reporting.events WHERE event_type = \(EventType.freshnessFinding.rawValue) GROUP BY 1
            """, logger: logger
        ).decode((String, Date).self) { findings[dataset] = at }
        return findings
    }

    /// Pushes of the last 30 days per day (WIB) and agency.
    static func dailyVolumes(client: PostgresClient, logger: Logger) async throws -> [(
        day: String, agencyCode: String, accepted: Int, rejected: Int, batches: Int
    )] {
        var result: [(day: String, agencyCode: String, accepted: Int, rejected: Int, batches: Int)] = []
        for try await row in try await client.queryUnlessClosed(
            """
            SELECT to_char(occurred_at AT TIME ZONE 'Asia/Jakarta', 'YYYY-MM-DD'), envelope->'data'->>'agencyCode',
                   sum((envelope->'data'->>'accepted')::int)::int, sum((envelope->'data'->>'rejected')::int)::int, count(*)::int
            FROM reporting.events WHERE event_type = \(EventType.recordsIngested.rawValue) AND occurred_at > now() - interval '30 days' GROUP BY 1, 2
            """, logger: logger
        ).decode((String, String, Int, Int, Int).self) {
            result.append((row.0, row.1, row.2, row.3, row.4))
        }
        return result
    }
}

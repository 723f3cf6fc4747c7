import Foundation
import JembatanShared
import Logging
import PostgresNIO

/// What the projector needs back after moving a request: where it stands now.
struct ProjectedRequest: Sendable {
    let state: RequestState
    let agencyCode: String?
    let completedAt: Date?
    let updatedAt: Date
    let timelineEvents: Int
}

/// An open request as the SLA clock sees it.
struct OpenRequest: Sendable {
    let requestId: String
    let agencyCode: String
    let profile: String?
    let step: Int
}

/// A threshold reached by the current step of an open request.
struct StoredAlert: Sendable {
    let requestId: String
    let agencyCode: String?
    let step: Int
    let threshold: Int
    let usedPercent: Double
    let stepStartedAt: Date
    let deadline: Date
    let alertedAt: Date
}

/// The read model's SQL (`events`, `timeline`, `requests`, `sla_alerts`), in `reporting` or in the
/// replay's scratch schema (a checked identifier). Methods run on the caller's connection.
struct ReadModelStore: Sendable {
    /// `reporting`, or the scratch schema of a replay.
    let schema: SQLIdentifier

    static let live = ReadModelStore(schema: SQLIdentifier(trusted: "reporting"))

    // MARK: - Projection

    /// Keeps the event (once) for the reports.
    func storeEvent(_ event: ReceivedEvent, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            """
            INSERT INTO \(identifier: schema).events (event_id, request_id, event_type, occurred_at, envelope)
            VALUES (\(event.attributes.id), \(event.requestId), \(event.attributes.type.rawValue), \(event.attributes.time),
                    \(String(decoding: event.message.value, as: UTF8.self))::jsonb)
            ON CONFLICT (event_id) DO NOTHING
            """, logger: logger)
    }

    /// Puts the event on the request's timeline (once) and makes sure the request has a row.
    func addToTimeline(
        _ event: ReceivedEvent, actor: ActorReference, state: RequestState, step: Int,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        let occurredAt = event.attributes.time
        try await connection.query(
            """
            INSERT INTO \(identifier: schema).timeline (event_id, request_id, event_type, source, actor_id, actor_role, state, sop_step, occurred_at)
            VALUES (\(event.attributes.id), \(event.requestId), \(event.attributes.type.rawValue), \(event.attributes.source),
                    \(actor.id), \(actor.role.rawValue), \(state.rawValue), \(step), \(occurredAt))
            ON CONFLICT (event_id) DO NOTHING
            """, logger: logger)
        try await connection.query(
            """
            INSERT INTO \(identifier: schema).requests (request_id, state, sop_step, updated_at)
            VALUES (\(event.requestId), \(state.rawValue), \(step), \(occurredAt))
            ON CONFLICT (request_id) DO NOTHING
            """, logger: logger)
    }

    /// What the submission says about the request (agency, title, profile, when).
    func recordSubmission(_ submitted: RequestSubmitted, on connection: PostgresConnection, logger: Logger) async throws
    {
        try await connection.query(
            """
            UPDATE \(identifier: schema).requests SET agency_code = \(submitted.agencyCode), title = \(submitted.title),
                profile = \(submitted.profile), submitted_at = \(submitted.submittedAt)
            WHERE request_id = \(submitted.requestId)
            """, logger: logger)
    }

    /// Sets the request's state and step from its latest timeline entry; returns where it stands.
    func settle(_ requestId: String, on connection: PostgresConnection, logger: Logger) async throws
        -> ProjectedRequest?
    {
        let rows = try await connection.query(
            """
            WITH latest AS (
                SELECT state, sop_step, occurred_at FROM \(identifier: schema).timeline WHERE request_id = \(requestId)
                ORDER BY occurred_at DESC, sop_step DESC LIMIT 1
            )
            UPDATE \(identifier: schema).requests r SET state = latest.state, sop_step = latest.sop_step, updated_at = latest.occurred_at
            FROM latest WHERE r.request_id = \(requestId)
            RETURNING r.state, r.agency_code, r.completed_at, r.updated_at,
                (SELECT count(*) FROM \(identifier: schema).timeline t WHERE t.request_id = r.request_id)
            """, logger: logger)
        for try await (state, agency, completedAt, updatedAt, events) in rows.decode(
            (String, String?, Date?, Date, Int).self)
        {
            return ProjectedRequest(
                state: try RequestState(stored: state), agencyCode: agency, completedAt: completedAt,
                updatedAt: updatedAt, timelineEvents: events)
        }
        return nil
    }

    func markCompleted(_ requestId: String, at date: Date, on connection: PostgresConnection, logger: Logger)
        async throws
    {
        try await connection.query(
            "UPDATE \(identifier: schema).requests SET completed_at = \(date) WHERE request_id = \(requestId)",
            logger: logger)
    }

    // MARK: - Replay (scratch schema)

    /// A fresh scratch schema with empty copies of `tables`.
    func recreate(likeLive tables: [String], client: PostgresClient, logger: Logger) async throws {
        try await drop(client: client, logger: logger)
        try await client.query("CREATE SCHEMA \(identifier: schema)", logger: logger)
        for table in tables {
            guard let name = SQLIdentifier(table) else { throw UnsafeIdentifier(text: table) }
            try await client.query(
                "CREATE TABLE \(identifier: schema).\(identifier: name) (LIKE reporting.\(identifier: name) INCLUDING ALL)",
                logger: logger)
        }
    }

    func drop(client: PostgresClient, logger: Logger) async throws {
        try await client.query("DROP SCHEMA IF EXISTS \(identifier: schema) CASCADE", logger: logger)
    }

    /// Rows of `table` (over `columns`) present here and not in `other`, as JSON (at most 20).
    func rowsMissing(
        from other: ReadModelStore, table: String, columns: [String], client: PostgresClient, logger: Logger
    ) async throws -> [String] {
        guard let name = SQLIdentifier(table) else { throw UnsafeIdentifier(text: table) }
        let list = try columns.map { column -> String in
            guard let checked = SQLIdentifier(column) else { throw UnsafeIdentifier(text: column) }
            return checked.description
        }.joined(separator: ", ")
        var rows: [String] = []
        for try await row in try await client.query(
            """
            SELECT row_to_json(d)::text FROM (SELECT \(unescaped: list) FROM \(identifier: schema).\(identifier: name)
            EXCEPT SELECT \(unescaped: list) FROM \(identifier: other.schema).\(identifier: name) LIMIT 20) d
            """, logger: logger
        ).decode(String.self) {
            rows.append(row)
        }
        return rows
    }

    func count(_ table: String, client: PostgresClient, logger: Logger) async throws -> Int {
        guard let name = SQLIdentifier(table) else { throw UnsafeIdentifier(text: table) }
        for try await count in try await client.query(
            "SELECT count(*)::int FROM \(identifier: schema).\(identifier: name)", logger: logger
        ).decode(Int.self) {
            return count
        }
        return 0
    }

    /// Holds a session lock until `body` ends (one replay at a time: the scratch schema is shared).
    static func exclusively<T: Sendable>(
        _ name: String, client: PostgresClient, logger: Logger, _ body: () async throws -> T
    ) async throws -> T {
        try await client.withConnection { lockConnection in
            try await lockConnection.query("SELECT pg_advisory_lock(hashtext(\(name)))", logger: logger)
            do {
                let result = try await body()
                try await lockConnection.query("SELECT pg_advisory_unlock(hashtext(\(name)))", logger: logger)
                return result
            } catch {
                _ = try? await lockConnection.query("SELECT pg_advisory_unlock(hashtext(\(name)))", logger: logger)
                throw error
            }
        }
    }

    // MARK: - SLA clock

    /// One checker at a time across instances (until the caller's transaction ends).
    static func lockSLACheck(on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("SELECT pg_advisory_xact_lock(hashtext('reporting.sla'))", logger: logger)
    }

    static func openRequests(on connection: PostgresConnection, logger: Logger) async throws -> [OpenRequest] {
        var open: [OpenRequest] = []
        for try await (id, agency, profile, step) in try await connection.query(
            """
            SELECT request_id, agency_code, profile, sop_step FROM reporting.requests
            WHERE state NOT IN ('completed', 'withdrawn') AND agency_code IS NOT NULL
            """, logger: logger
        ).decode((String, String, String?, Int).self) {
            open.append(OpenRequest(requestId: id, agencyCode: agency, profile: profile, step: step))
        }
        return open
    }

    /// The request's timeline steps, newest first (with when each happened).
    static func stepsNewestFirst(of requestId: String, on connection: PostgresConnection, logger: Logger) async throws
        -> [(step: Int, at: Date)]
    {
        var steps: [(step: Int, at: Date)] = []
        for try await (step, at) in try await connection.query(
            """
            SELECT sop_step, occurred_at FROM reporting.timeline WHERE request_id = \(requestId) ORDER BY occurred_at DESC, sop_step DESC
            """, logger: logger
        ).decode((Int, Date).self) {
            steps.append((step, at))
        }
        return steps
    }

    /// Records a threshold once per run of a step; true when it is new.
    static func recordAlert(
        _ requestId: String, step: Int, stepStartedAt: Date, threshold: Int, usedPercent: Double, deadline: Date,
        at date: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        let inserted = try await connection.query(
            """
            INSERT INTO reporting.sla_alerts (request_id, sop_step, step_started_at, threshold, used_percent, deadline, alerted_at)
            VALUES (\(requestId), \(step), \(stepStartedAt), \(threshold), \(usedPercent), \(deadline), \(date)) ON CONFLICT DO NOTHING RETURNING threshold
            """, logger: logger)
        for try await _ in inserted.decode(Int.self) { return true }
        return false
    }

    /// Thresholds reached by the current step of every open request.
    static func openAlerts(client: PostgresClient, logger: Logger) async throws -> [StoredAlert] {
        var alerts: [StoredAlert] = []
        for try await (id, agency, step, threshold, used, started, deadline, at) in try await client.query(
            """
            SELECT a.request_id, r.agency_code, a.sop_step, a.threshold, a.used_percent, a.step_started_at, a.deadline, a.alerted_at
            FROM reporting.sla_alerts a JOIN reporting.requests r USING (request_id)
            WHERE r.state NOT IN ('completed', 'withdrawn') AND r.sop_step = a.sop_step
            ORDER BY a.threshold DESC, a.alerted_at DESC LIMIT 500
            """, logger: logger
        ).decode((String, String?, Int, Int, Double, Date, Date, Date).self) {
            alerts.append(
                StoredAlert(
                    requestId: id, agencyCode: agency, step: step, threshold: threshold, usedPercent: used,
                    stepStartedAt: started,
                    deadline: deadline, alertedAt: at))
        }
        return alerts
    }
}

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
        try await connection.queryUnlessClosed(
            """
            INSERT INTO \(identifier: schema).events (event_id, request_id, event_type, occurred_at, envelope)
            VALUES (\(event.attributes.id), \(event.requestId), \(event.attributes.type.rawValue), \(event.attributes.time),
                    \(String(decoding: event.message.value, as: UTF8.self))::jsonb)
            ON CONFLICT (event_id) DO NOTHING
            """, logger: logger)
    }

    /// Puts the event on the request's timeline (once) and makes sure the request has a row; the
    /// phase, state and step of the entry are set by ``apply(_:profile:to:on:logger:)``.
    func addToTimeline(_ event: ReceivedEvent, milestone: Milestone, on connection: PostgresConnection, logger: Logger)
        async throws
    {
        let occurredAt = event.attributes.time
        let placeholder = RequestState.submitted.rawValue
        try await connection.queryUnlessClosed(
            """
            INSERT INTO \(identifier: schema).timeline (event_id, request_id, event_type, source, actor_id, actor_role, state, sop_step,
                occurred_at, completed_phase, evidence_at)
            VALUES (\(event.attributes.id), \(event.requestId), \(event.attributes.type.rawValue), \(event.attributes.source),
                    \(milestone.actor.id), \(milestone.actor.role.rawValue), \(placeholder), 0, \(occurredAt),
                    \(milestone.completedPhase?.rawValue), \(milestone.evidenceAt))
            ON CONFLICT (event_id) DO NOTHING
            """, logger: logger)
        try await connection.queryUnlessClosed(
            """
            INSERT INTO \(identifier: schema).requests (request_id, state, sop_step, updated_at)
            VALUES (\(event.requestId), \(placeholder), 0, \(occurredAt))
            ON CONFLICT (request_id) DO NOTHING
            """, logger: logger)
    }

    /// What the submission says about the request (agency, title, profile and its version, when).
    func recordSubmission(_ submitted: RequestSubmitted, on connection: PostgresConnection, logger: Logger) async throws
    {
        try await connection.queryUnlessClosed(
            """
            UPDATE \(identifier: schema).requests SET agency_code = \(submitted.agencyCode), title = \(submitted.title),
                profile = \(submitted.profile), profile_version = \(submitted.profileVersion), submitted_at = \(submitted.submittedAt)
            WHERE request_id = \(submitted.requestId)
            """, logger: logger)
    }

    /// The profile the request pinned (the built-in default until its submission is known).
    func profile(of requestId: String, on connection: PostgresConnection, logger: Logger) async throws -> SOPProfile {
        for try await (id, version) in try await connection.queryUnlessClosed(
            "SELECT profile, profile_version FROM \(identifier: schema).requests WHERE request_id = \(requestId)",
            logger: logger
        ).decode((String?, Int?).self) {
            if let id, let found = try await ProfileReader.profile(id, version: version, on: connection, logger: logger)
            {
                return found
            }
        }
        return SOPProfileCatalog.profile(SOPProfileCatalog.builtInDefaultID)!
    }

    /// The request's timeline as the procedure clock reads it.
    func milestones(of requestId: String, on connection: PostgresConnection, logger: Logger) async throws
        -> [Milestone]
    {
        var milestones: [Milestone] = []
        for try await (id, type, actor, role, at, completed, evidence) in try await connection.queryUnlessClosed(
            """
            SELECT event_id, event_type, actor_id, actor_role, occurred_at, completed_phase, evidence_at
            FROM \(identifier: schema).timeline WHERE request_id = \(requestId)
            """, logger: logger
        ).decode((String, String, String, String, Date, String?, Date?).self) {
            guard let type = EventType(rawValue: type) else { continue }
            milestones.append(
                Milestone(
                    type, at: at, by: ActorReference(id: actor, role: try Role(stored: role)),
                    completedPhase: try completed.map { try Phase(stored: $0) }, evidenceAt: evidence, id: id))
        }
        return milestones
    }

    /// Writes the clock's reading: each entry's phase, state and step, and the request's.
    func apply(
        _ reading: ProcedureClock.Reading, profile: SOPProfile, to requestId: String, on connection: PostgresConnection,
        logger: Logger
    ) async throws -> ProjectedRequest? {
        for entry in reading.entries {
            let step = entry.phase.flatMap { profile.stepNumber(of: $0) } ?? 0
            try await connection.queryUnlessClosed(
                """
                UPDATE \(identifier: schema).timeline SET phase = \(entry.phase?.rawValue), state = \(entry.state.rawValue), sop_step = \(step)
                WHERE event_id = \(entry.milestone.id) AND (phase IS DISTINCT FROM \(entry.phase?.rawValue)
                    OR state <> \(entry.state.rawValue) OR sop_step <> \(step))
                """, logger: logger)
        }
        guard let latest = reading.entries.map(\.milestone.at).max() else { return nil }
        let step = reading.phase.flatMap { profile.stepNumber(of: $0) } ?? 0
        let rows = try await connection.queryUnlessClosed(
            """
            UPDATE \(identifier: schema).requests r SET state = \(reading.state.rawValue), sop_step = \(step),
                phase = \(reading.phase?.rawValue), updated_at = \(latest)
            WHERE r.request_id = \(requestId)
            RETURNING r.agency_code, r.completed_at,
                (SELECT count(*) FROM \(identifier: schema).timeline t WHERE t.request_id = r.request_id)
            """, logger: logger)
        for try await (agency, completedAt, events) in rows.decode((String?, Date?, Int).self) {
            return ProjectedRequest(
                state: reading.state, agencyCode: agency, completedAt: completedAt, updatedAt: latest,
                timelineEvents: events)
        }
        return nil
    }

    func markCompleted(_ requestId: String, at date: Date, on connection: PostgresConnection, logger: Logger)
        async throws
    {
        try await connection.queryUnlessClosed(
            "UPDATE \(identifier: schema).requests SET completed_at = \(date) WHERE request_id = \(requestId)",
            logger: logger)
    }

    // MARK: - Replay (scratch schema)

    /// A fresh scratch schema with empty copies of `tables`.
    func recreate(likeLive tables: [String], client: PostgresClient, logger: Logger) async throws {
        try await drop(client: client, logger: logger)
        try await client.queryUnlessClosed("CREATE SCHEMA \(identifier: schema)", logger: logger)
        for table in tables {
            guard let name = SQLIdentifier(table) else { throw UnsafeIdentifier(text: table) }
            try await client.queryUnlessClosed(
                "CREATE TABLE \(identifier: schema).\(identifier: name) (LIKE reporting.\(identifier: name) INCLUDING ALL)",
                logger: logger)
        }
    }

    func drop(client: PostgresClient, logger: Logger) async throws {
        try await client.queryUnlessClosed("DROP SCHEMA IF EXISTS \(identifier: schema) CASCADE", logger: logger)
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
        for try await row in try await client.queryUnlessClosed(
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
        for try await count in try await client.queryUnlessClosed(
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
            try await lockConnection.queryUnlessClosed("SELECT pg_advisory_lock(hashtext(\(name)))", logger: logger)
            do {
                let result = try await body()
                try await lockConnection.queryUnlessClosed(
                    "SELECT pg_advisory_unlock(hashtext(\(name)))", logger: logger)
                return result
            } catch {
                _ = try? await lockConnection.queryUnlessClosed(
                    "SELECT pg_advisory_unlock(hashtext(\(name)))", logger: logger)
                throw error
            }
        }
    }

    // MARK: - SLA clock

    /// One checker at a time across instances (until the caller's transaction ends).
    static func lockSLACheck(on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.queryUnlessClosed(
            "SELECT pg_advisory_xact_lock(hashtext('reporting.sla'))", logger: logger)
    }

    static func openRequests(on connection: PostgresConnection, logger: Logger) async throws -> [OpenRequest] {
        var open: [OpenRequest] = []
        for try await (id, agency, profile, step) in try await connection.queryUnlessClosed(
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
        for try await (step, at) in try await connection.queryUnlessClosed(
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
        let inserted = try await connection.queryUnlessClosed(
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
        for try await (id, agency, step, threshold, used, started, deadline, at) in try await client.queryUnlessClosed(
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

    // MARK: - Justifications of deviations

    /// The justifications recorded for a request's deviations.
    static func justifications(of requestId: String, client: PostgresClient, logger: Logger) async throws
        -> [StoredJustification]
    {
        var found: [StoredJustification] = []
        for try await (phase, started, step, text, by, role, at) in try await client.queryUnlessClosed(
            """
            SELECT phase, step_started_at, sop_step, justification, justified_by, justified_role, justified_at
            FROM reporting.justifications WHERE request_id = \(requestId) ORDER BY justified_at
            """, logger: logger
        ).decode((String, Date, Int, String, String, String, Date).self) {
            found.append(
                StoredJustification(
                    requestId: requestId, phase: try Phase(stored: phase), stepStartedAt: started, step: step,
                    justification: text, justifiedBy: ActorReference(id: by, role: try Role(stored: role)),
                    justifiedAt: at))
        }
        return found
    }

    /// Records the justification of one run's deviation (once).
    static func recordJustification(
        _ justification: StoredJustification, on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        for try await _ in try await connection.queryUnlessClosed(
            """
            INSERT INTO reporting.justifications (request_id, phase, step_started_at, sop_step, justification, justified_by, justified_role, justified_at)
            VALUES (\(justification.requestId), \(justification.phase.rawValue), \(justification.stepStartedAt), \(justification.step),
                    \(justification.justification), \(justification.justifiedBy.id), \(justification.justifiedBy.role.rawValue), \(justification.justifiedAt))
            ON CONFLICT DO NOTHING RETURNING request_id
            """, logger: logger
        ).decode(String.self) {
            return true
        }
        return false
    }
}

/// Why a step took longer than its standard, in the words of the person responsible for it
/// (seed 003: a deviation "harus dipertanggungjawabkan oleh pelaksana").
struct StoredJustification: Sendable, Encodable, Equatable {
    let requestId: String
    let phase: Phase
    let stepStartedAt: Date
    let step: Int
    let justification: String
    let justifiedBy: ActorReference
    let justifiedAt: Date
}

import Foundation
import JembatanShared
import Logging
import PostgresNIO

/// A request row as intake keeps it.
struct StoredRequest: Sendable {
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

/// What a locked request says about where it stands.
struct RequestStanding: Sendable {
    let state: IntakeState
    let version: Int
    let agencyCode: String
}

/// A draft row: who may see it and what was saved.
struct StoredDraft: Sendable {
    let state: IntakeState
    let agencyCode: String
    let draft: RequestDraft
}

/// The only place with SQL for intake's schema (`intake.requests`, `intake.request_versions`).
/// Methods that take part in a state change run on the caller's connection, inside its transaction.
enum RequestStore {
    // MARK: - Submission

    /// Waits for (and holds until commit) the lock on one account's Idempotency-Key.
    static func lockIdempotencyKey(_ key: String, account: String, on connection: PostgresConnection, logger: Logger)
        async throws
    {
        let lockName = "intake.submission:\(account):\(key)"
        try await connection.queryUnlessClosed("SELECT pg_advisory_xact_lock(hashtext(\(lockName)))", logger: logger)
    }

    /// The request an earlier submission with this key created, and whether its body was the same.
    static func earlierSubmission(
        key: String, account: String, body: String,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> (requestId: String, sameBody: Bool)? {
        for try await (requestId, same) in try await connection.queryUnlessClosed(
            """
            SELECT request_id, submission = \(body)::jsonb FROM intake.requests
            WHERE submitted_by = \(account) AND idempotency_key = \(key)
            """, logger: logger
        ).decode((String, Bool).self) {
            return (requestId, same)
        }
        return nil
    }

    static func setIdempotencyKey(_ key: String, requestId: String, on connection: PostgresConnection, logger: Logger)
        async throws
    {
        try await connection.queryUnlessClosed(
            "UPDATE intake.requests SET idempotency_key = \(key) WHERE request_id = \(requestId)", logger: logger)
    }

    /// Stores a submitted request: a new row, or the draft row it completes; and its version 1.
    static func recordSubmitted(
        _ event: RequestSubmitted, submission body: String, by account: String, isNew: Bool,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        let requestId = event.requestId
        let definition = try CloudEventCodec.jsonText(event.datasets)
        if isNew {
            try await connection.queryUnlessClosed(
                """
                INSERT INTO intake.requests (request_id, agency_code, title, purpose, profile, profile_version, definition, submission, state, submitted_by, submitted_at)
                VALUES (\(requestId), \(event.agencyCode), \(event.title), \(event.purpose), \(event.profile), \(event.profileVersion),
                        \(definition)::jsonb, \(body)::jsonb, \(IntakeState.submitted.rawValue), \(account), \(event.submittedAt))
                """, logger: logger)
        } else {
            try await connection.queryUnlessClosed(
                """
                UPDATE intake.requests SET title = \(event.title), purpose = \(event.purpose), profile = \(event.profile), profile_version = \(event.profileVersion),
                    definition = \(definition)::jsonb, submission = \(body)::jsonb, state = \(IntakeState.submitted.rawValue), submitted_by = \(account), submitted_at = \(event.submittedAt)
                WHERE request_id = \(requestId)
                """, logger: logger)
        }
        try await addVersion(
            1, of: requestId, definition: definition, by: account, at: event.submittedAt, on: connection, logger: logger
        )
    }

    static func addVersion(
        _ version: Int, of requestId: String, definition: String, by account: String, at date: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.queryUnlessClosed(
            """
            INSERT INTO intake.request_versions (request_id, version, definition, created_by, created_at)
            VALUES (\(requestId), \(version), \(definition)::jsonb, \(account), \(date))
            """, logger: logger)
    }

    // MARK: - Disposition, revision, withdrawal, return

    /// The request's state, its row locked until commit; nil when there is no such request.
    static func lockedState(of requestId: String, on connection: PostgresConnection, logger: Logger) async throws
        -> IntakeState?
    {
        for try await state in try await connection.queryUnlessClosed(
            "SELECT state FROM intake.requests WHERE request_id = \(requestId) FOR UPDATE", logger: logger
        ).decode(String.self) {
            return try IntakeState(stored: state)
        }
        return nil
    }

    /// Where the request stands, its row locked until commit; nil when there is no such request.
    static func lockedStanding(of requestId: String, on connection: PostgresConnection, logger: Logger) async throws
        -> RequestStanding?
    {
        for try await (state, version, agency) in try await connection.queryUnlessClosed(
            """
            SELECT state, version, agency_code FROM intake.requests WHERE request_id = \(requestId) FOR UPDATE
            """, logger: logger
        ).decode((String, Int, String).self) {
            return RequestStanding(state: try IntakeState(stored: state), version: version, agencyCode: agency)
        }
        return nil
    }

    static func recordDisposition(_ event: RequestDispositioned, on connection: PostgresConnection, logger: Logger)
        async throws
    {
        try await connection.queryUnlessClosed(
            """
            UPDATE intake.requests SET state = \(IntakeState.dispositioned.rawValue), disposition_note = \(event.note),
                dispositioned_by = \(event.dispositionedBy.id), dispositioned_at = \(event.dispositionedAt)
            WHERE request_id = \(event.requestId)
            """, logger: logger)
    }

    static func recordDecline(_ event: RequestDeclined, on connection: PostgresConnection, logger: Logger) async throws
    {
        try await connection.queryUnlessClosed(
            """
            UPDATE intake.requests SET state = \(IntakeState.declined.rawValue), declined_by = \(event.declinedBy.id),
                declined_at = \(event.declinedAt), decline_reason = \(event.reason)
            WHERE request_id = \(event.requestId)
            """, logger: logger)
    }

    /// Title, purpose and profile as stored.
    static func texts(of requestId: String, on connection: PostgresConnection, logger: Logger) async throws -> (
        title: String, purpose: String, profile: String
    )? {
        for try await row in try await connection.queryUnlessClosed(
            "SELECT title, purpose, profile FROM intake.requests WHERE request_id = \(requestId)", logger: logger
        )
        .decode((String, String, String).self) {
            return (row.0, row.1, row.2)
        }
        return nil
    }

    /// Stores a revision as the request's next version.
    static func recordResubmission(
        of requestId: String, version: Int, datasets: [DatasetDefinition], title: String, purpose: String,
        by account: String, at date: Date, on connection: PostgresConnection, logger: Logger
    ) async throws {
        let definition = try CloudEventCodec.jsonText(datasets)
        try await connection.queryUnlessClosed(
            """
            UPDATE intake.requests SET state = \(IntakeState.resubmitted.rawValue), version = \(version), definition = \(definition)::jsonb, title = \(title), purpose = \(purpose)
            WHERE request_id = \(requestId)
            """, logger: logger)
        try await addVersion(
            version, of: requestId, definition: definition, by: account, at: date, on: connection, logger: logger)
    }

    static func recordWithdrawal(
        of requestId: String, reason: String, by account: String, at date: Date, on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        try await connection.queryUnlessClosed(
            """
            UPDATE intake.requests SET state = \(IntakeState.withdrawn.rawValue), withdrawn_by = \(account), withdrawn_at = \(date), withdrawal_reason = \(reason)
            WHERE request_id = \(requestId)
            """, logger: logger)
    }

    /// The technical team sent the request back (a withdrawn request stays withdrawn).
    static func recordReturn(_ event: RequestReturned, on connection: PostgresConnection, logger: Logger) async throws {
        let reasons = try CloudEventCodec.jsonText(event.reasons)
        try await connection.queryUnlessClosed(
            """
            UPDATE intake.requests SET state = \(IntakeState.returned.rawValue), return_reasons = \(reasons)::jsonb
            WHERE request_id = \(event.requestId) AND state <> \(IntakeState.withdrawn.rawValue)
            """, logger: logger)
    }

    // MARK: - Drafts

    static func insertDraft(
        _ draft: RequestDraft, requestId: String, by account: String, at date: Date, client: PostgresClient,
        logger: Logger
    ) async throws {
        let body = try CloudEventCodec.jsonText(draft)
        try await client.queryUnlessClosed(
            """
            INSERT INTO intake.requests (request_id, agency_code, title, purpose, profile, definition, state, submitted_by, submitted_at, submission)
            VALUES (\(requestId), \(draft.agencyCode ?? ""), \(draft.title ?? ""), \(draft.purpose ?? ""), \(draft.profile ?? ""),
                    '[]'::jsonb, \(IntakeState.draft.rawValue), \(account), \(date), \(body)::jsonb)
            """, logger: logger)
    }

    static func updateDraft(_ draft: RequestDraft, requestId: String, on connection: PostgresConnection, logger: Logger)
        async throws
    {
        let body = try CloudEventCodec.jsonText(draft)
        try await connection.queryUnlessClosed(
            """
            UPDATE intake.requests SET title = \(draft.title ?? ""), purpose = \(draft.purpose ?? ""),
                profile = \(draft.profile ?? ""), submission = \(body)::jsonb
            WHERE request_id = \(requestId)
            """, logger: logger)
    }

    /// The saved draft, its row locked until commit; nil when there is no such request.
    static func lockedDraft(_ requestId: String, on connection: PostgresConnection, logger: Logger) async throws
        -> StoredDraft?
    {
        for try await (state, agency, body) in try await connection.queryUnlessClosed(
            """
            SELECT state, agency_code, coalesce(submission::text, '{}') FROM intake.requests WHERE request_id = \(requestId) FOR UPDATE
            """, logger: logger
        ).decode((String, String, String).self) {
            return StoredDraft(
                state: try IntakeState(stored: state), agencyCode: agency,
                draft: try CloudEventCodec.decodeJSON(RequestDraft.self, from: body))
        }
        return nil
    }

    // MARK: - Reads

    /// A draft as saved (no lock: to show it).
    static func draft(_ requestId: String, client: PostgresClient, logger: Logger) async throws -> StoredDraft? {
        for try await (state, agency, body) in try await client.queryUnlessClosed(
            """
            SELECT state, agency_code, coalesce(submission::text, '{}') FROM intake.requests WHERE request_id = \(requestId)
            """, logger: logger
        ).decode((String, String, String).self) {
            return StoredDraft(
                state: try IntakeState(stored: state), agencyCode: agency,
                draft: try CloudEventCodec.decodeJSON(RequestDraft.self, from: body))
        }
        return nil
    }

    /// An agency's drafts, newest first.
    static func drafts(of agency: String, client: PostgresClient, logger: Logger) async throws -> [(
        requestId: String, title: String, createdBy: String, createdAt: Date
    )] {
        var found: [(requestId: String, title: String, createdBy: String, createdAt: Date)] = []
        for try await row in try await client.queryUnlessClosed(
            """
            SELECT request_id, title, submitted_by, submitted_at FROM intake.requests
            WHERE agency_code = \(agency) AND state = \(IntakeState.draft.rawValue) ORDER BY submitted_at DESC LIMIT 200
            """, logger: logger
        ).decode((String, String, String, Date).self) {
            found.append(row)
        }
        return found
    }

    static func find(_ requestId: String, client: PostgresClient, logger: Logger) async throws -> StoredRequest? {
        let rows = try await client.queryUnlessClosed(
            """
            SELECT request_id, agency_code, title, purpose, profile, state, submitted_by, submitted_at, definition::text
            FROM intake.requests WHERE request_id = \(requestId)
            """, logger: logger)
        for try await (id, agency, title, purpose, profile, state, by, at, definition) in rows.decode(
            (String, String, String, String, String, String, String, Date, String).self)
        {
            return StoredRequest(
                requestId: id, agencyCode: agency, title: title, purpose: purpose, profile: profile,
                state: try IntakeState(stored: state), submittedBy: by,
                submittedAt: at, datasets: try CloudEventCodec.decodeJSON([DatasetDefinition].self, from: definition))
        }
        return nil
    }

    /// Every version of the request's definition with the request's agency; empty when there is no such request.
    static func versions(of requestId: String, client: PostgresClient, logger: Logger) async throws -> (
        agencyCode: String, versions: [Int: [DatasetDefinition]]
    )? {
        var agencyCode: String?
        var versions: [Int: [DatasetDefinition]] = [:]
        for try await (number, definition, agency) in try await client.queryUnlessClosed(
            """
            SELECT v.version, v.definition::text, r.agency_code FROM intake.request_versions v JOIN intake.requests r USING (request_id)
            WHERE v.request_id = \(requestId) ORDER BY v.version
            """, logger: logger
        ).decode((Int, String, String).self) {
            agencyCode = agency
            versions[number] = try CloudEventCodec.decodeJSON([DatasetDefinition].self, from: definition)
        }
        return agencyCode.map { ($0, versions) }
    }
}

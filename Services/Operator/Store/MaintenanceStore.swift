import Foundation
import JembatanShared
import Logging
import PostgresNIO

/// An incident as the maintenance records keep it.
struct StoredIncident: Sendable {
    let incidentId: String
    let component: String
    let detail: String
    let openedAt: Date
    let escalatedAt: Date?
    let closedAt: Date?
}

/// A dead letter's redrive as claimed (and perhaps sent).
struct StoredRedrive: Sendable {
    let deadLetterPartition: Int
    let deadLetterOffset: Int64
    let sent: Bool
}

/// Where a dead letter sits and the message it holds came from.
struct RedrivePlace: Sendable {
    let deadLetterPartition: Int
    let deadLetterOffset: Int64
    let originalTopic: String
    let originalPartition: Int
    let originalOffset: Int64
}

/// The only place with SQL for the operator's own records (`operations.checks`, `incidents`,
/// `backups`, `redrives`; see ``OperationsSchema``). Methods that take part in a change run on the
/// caller's connection, inside its transaction, beside the outbox event that announces it.
enum MaintenanceStore {
    // MARK: - Checks and incidents

    /// Serialises incident bookkeeping: one check at a time opens, escalates or closes incidents.
    static func lockIncidents(on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.queryUnlessClosed(
            "SELECT pg_advisory_xact_lock(hashtext('operations.incidents'))", logger: logger)
    }

    static func recordCheck(
        _ checkId: String, passed: Bool, checks: [ComponentCheck], at date: Date, on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        try await connection.queryUnlessClosed(
            """
            INSERT INTO operations.checks (check_id, checked_at, passed, results) VALUES (\(checkId), \(date), \(passed), \(try CloudEventCodec.jsonText(checks))::jsonb)
            """, logger: logger)
    }

    /// Open incidents by component.
    static func openIncidents(on connection: PostgresConnection, logger: Logger) async throws -> [String:
        StoredIncident]
    {
        var open: [String: StoredIncident] = [:]
        for try await (id, component, detail, openedAt, escalatedAt) in try await connection.queryUnlessClosed(
            """
            SELECT incident_id, component, detail, opened_at, escalated_at FROM operations.incidents WHERE closed_at IS NULL
            """, logger: logger
        ).decode((String, String, String, Date, Date?).self) {
            open[component] = StoredIncident(
                incidentId: id, component: component, detail: detail, openedAt: openedAt, escalatedAt: escalatedAt,
                closedAt: nil)
        }
        return open
    }

    static func openIncident(
        _ incidentId: String, component: String, detail: String, at date: Date, on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        try await connection.queryUnlessClosed(
            """
            INSERT INTO operations.incidents (incident_id, component, detail, opened_at) VALUES (\(incidentId), \(component), \(detail), \(date))
            """, logger: logger)
    }

    static func escalateIncident(_ incidentId: String, at date: Date, on connection: PostgresConnection, logger: Logger)
        async throws
    {
        try await connection.queryUnlessClosed(
            "UPDATE operations.incidents SET escalated_at = \(date) WHERE incident_id = \(incidentId)", logger: logger)
    }

    static func closeIncident(_ incidentId: String, at date: Date, on connection: PostgresConnection, logger: Logger)
        async throws
    {
        try await connection.queryUnlessClosed(
            "UPDATE operations.incidents SET closed_at = \(date) WHERE incident_id = \(incidentId)", logger: logger)
    }

    /// Incidents, open ones first, newest first (at most 200).
    static func incidents(client: PostgresClient, logger: Logger) async throws -> [StoredIncident] {
        var incidents: [StoredIncident] = []
        for try await (id, component, detail, opened, escalated, closed) in try await client.queryUnlessClosed(
            """
            SELECT incident_id, component, detail, opened_at, escalated_at, closed_at FROM operations.incidents
            ORDER BY closed_at IS NULL DESC, opened_at DESC LIMIT 200
            """, logger: logger
        ).decode((String, String, String, Date, Date?, Date?).self) {
            incidents.append(
                StoredIncident(
                    incidentId: id, component: component, detail: detail, openedAt: opened, escalatedAt: escalated,
                    closedAt: closed))
        }
        return incidents
    }

    // MARK: - Backups

    static func recordBackup(
        _ outcome: BackupCompleted, tables: String, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.queryUnlessClosed(
            """
            INSERT INTO operations.backups (backup_id, file, size_bytes, started_at, completed_at, verified, tables, problems)
            VALUES (\(UUID().uuidString.lowercased()), \(outcome.file), \(outcome.sizeBytes), \(outcome.startedAt), \(outcome.completedAt), \(outcome.verified),
                    \(tables)::jsonb, \(try CloudEventCodec.jsonText(outcome.problems))::jsonb)
            """, logger: logger)
    }

    // MARK: - Redrives

    /// Dead letters (`partition:offset`) already sent back to their topic.
    static func redrivenPlaces(client: PostgresClient, logger: Logger) async throws -> Set<String> {
        var places: Set<String> = []
        for try await (partition, offset) in try await client.queryUnlessClosed(
            """
            SELECT dead_letter_partition, dead_letter_offset FROM operations.redrives WHERE sent_at IS NOT NULL
            """, logger: logger
        ).decode((Int, Int64).self) { places.insert("\(partition):\(offset)") }
        return places
    }

    /// The redrive claimed for this dead letter or for the message it holds, if any.
    static func redrive(of place: RedrivePlace, client: PostgresClient, logger: Logger) async throws -> StoredRedrive? {
        var existing: StoredRedrive?
        for try await (partition, offset, sent) in try await client.queryUnlessClosed(
            """
            SELECT dead_letter_partition, dead_letter_offset, sent_at IS NOT NULL FROM operations.redrives
            WHERE (dead_letter_partition = \(place.deadLetterPartition) AND dead_letter_offset = \(place.deadLetterOffset))
               OR (original_topic = \(place.originalTopic) AND original_partition = \(place.originalPartition) AND original_offset = \(place.originalOffset))
            """, logger: logger
        ).decode((Int, Int64, Bool).self) {
            existing = StoredRedrive(deadLetterPartition: partition, deadLetterOffset: offset, sent: sent)
        }
        return existing
    }

    static func claimRedrive(
        _ redriveId: String, of place: RedrivePlace, replaced: Bool, reason: String, client: PostgresClient,
        logger: Logger
    ) async throws {
        try await client.queryUnlessClosed(
            """
            INSERT INTO operations.redrives (redrive_id, dead_letter_partition, dead_letter_offset, original_topic, original_partition, original_offset, replaced, reason, claimed_at)
            VALUES (\(redriveId), \(place.deadLetterPartition), \(place.deadLetterOffset), \(place.originalTopic), \(place.originalPartition), \(place.originalOffset), \(replaced), \(reason), now())
            """, logger: logger)
    }

    static func markRedriveSent(_ place: RedrivePlace, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.queryUnlessClosed(
            """
            UPDATE operations.redrives SET sent_at = now() WHERE dead_letter_partition = \(place.deadLetterPartition) AND dead_letter_offset = \(place.deadLetterOffset)
               OR (original_topic = \(place.originalTopic) AND original_partition = \(place.originalPartition) AND original_offset = \(place.originalOffset))
            """, logger: logger)
    }
}

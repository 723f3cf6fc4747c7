import Foundation

// Events of topic `jembatan.operations.v1` (maintenance SOP, written by the operator command).

/// One component's state in a monitoring check.
public struct ComponentCheck: Codable, Sendable, Equatable {
    /// e.g. `postgresql`, `broker`, `topics`, `service:intake`, `lag:jembatan-reporting`, `outbox:validation`, `disk`.
    public var component: String
    /// Whether the component passed.
    public var ok: Bool
    /// What was found, in one line.
    public var detail: String

    /// Creates the payload.
    public init(component: String, ok: Bool, detail: String) {
        self.component = component
        self.ok = ok
        self.detail = detail
    }
}

/// `jembatan ops check` looked at every component (subject `ops-check-<checkId>`).
public struct OpsCheckCompleted: EventPayload, Equatable {
    /// The type this payload is published as.
    public static let eventType = EventType.opsCheckCompleted
    /// The request the event belongs to (the Kafka key; operations events use their subject).
    public var requestId: String
    /// The monitoring check.
    public var checkId: String
    /// Whether every check passed.
    public var passed: Bool
    /// Each check with its outcome.
    public var checks: [ComponentCheck]
    /// The command (or account) that ran the check.
    public var checkedBy: String
    /// When the check ran.
    public var checkedAt: Date

    /// Creates the payload.
    public init(checkId: String, passed: Bool, checks: [ComponentCheck], checkedBy: String, checkedAt: Date) {
        self.requestId = "ops-check-\(checkId)"
        self.checkId = checkId
        self.passed = passed
        self.checks = checks
        self.checkedBy = checkedBy
        self.checkedAt = checkedAt
    }
}

/// A component failed a check and no incident was open for it (subject `incident-<incidentId>`).
public struct IncidentOpened: EventPayload, Equatable {
    /// The type this payload is published as.
    public static let eventType = EventType.incidentOpened
    /// The request the event belongs to (the Kafka key; operations events use their subject).
    public var requestId: String
    /// The incident.
    public var incidentId: String
    /// The component, e.g. `postgresql`, `broker`, `service:intake`.
    public var component: String
    /// What was found, in one line.
    public var detail: String
    /// The monitoring check.
    public var checkId: String
    /// When it was opened.
    public var openedAt: Date

    /// Creates the payload.
    public init(incidentId: String, component: String, detail: String, checkId: String, openedAt: Date) {
        self.requestId = "incident-\(incidentId)"
        self.incidentId = incidentId
        self.component = component
        self.detail = detail
        self.checkId = checkId
        self.openedAt = openedAt
    }
}

/// An incident stayed open past the escalation threshold: the head is told (once).
public struct IncidentEscalated: EventPayload, Equatable {
    /// The type this payload is published as.
    public static let eventType = EventType.incidentEscalated
    /// The request the event belongs to (the Kafka key; operations events use their subject).
    public var requestId: String
    /// The incident.
    public var incidentId: String
    /// The component, e.g. `postgresql`, `broker`, `service:intake`.
    public var component: String
    /// Minutes the incident has been open.
    public var openMinutes: Int
    /// Who is told: the head.
    public var escalatedTo: Role
    /// When it was escalated.
    public var escalatedAt: Date

    /// Creates the payload.
    public init(incidentId: String, component: String, openMinutes: Int, escalatedAt: Date) {
        self.requestId = "incident-\(incidentId)"
        self.incidentId = incidentId
        self.component = component
        self.openMinutes = openMinutes
        self.escalatedTo = .head
        self.escalatedAt = escalatedAt
    }
}

/// A later check found the component healthy again.
public struct IncidentClosed: EventPayload, Equatable {
    /// The type this payload is published as.
    public static let eventType = EventType.incidentClosed
    /// The request the event belongs to (the Kafka key; operations events use their subject).
    public var requestId: String
    /// The incident.
    public var incidentId: String
    /// The component, e.g. `postgresql`, `broker`, `service:intake`.
    public var component: String
    /// When it was opened.
    public var openedAt: Date
    /// When it was closed.
    public var closedAt: Date
    /// The monitoring check.
    public var checkId: String

    /// Creates the payload.
    public init(incidentId: String, component: String, openedAt: Date, closedAt: Date, checkId: String) {
        self.requestId = "incident-\(incidentId)"
        self.incidentId = incidentId
        self.component = component
        self.openedAt = openedAt
        self.closedAt = closedAt
        self.checkId = checkId
    }
}

/// Row count and checksum of one table, in the database and in the restored backup.
public struct TableComparison: Codable, Sendable, Equatable {
    /// `schema.table`.
    public var table: String
    /// Rows when backed up.
    public var rows: Int
    /// Rows after the restore (nil: the table is missing).
    public var restoredRows: Int?
    /// Checksum of the rows when backed up.
    public var checksum: String
    /// Checksum after the restore.
    public var restoredChecksum: String?
    /// Whether rows and checksum are the same.
    public var equal: Bool

    /// Creates the payload.
    public init(table: String, rows: Int, restoredRows: Int?, checksum: String, restoredChecksum: String?) {
        self.table = table
        self.rows = rows
        self.restoredRows = restoredRows
        self.checksum = checksum
        self.restoredChecksum = restoredChecksum
        self.equal = rows == restoredRows && checksum == restoredChecksum
    }
}

/// `jembatan backup` made (or checked) a backup and restored it into a scratch database (subject `backup-<backupId>`).
public struct BackupCompleted: EventPayload, Equatable {
    /// The type this payload is published as.
    public static let eventType = EventType.backupCompleted
    /// The request the event belongs to (the Kafka key; operations events use their subject).
    public var requestId: String
    /// The backup.
    public var backupId: String
    /// The dump file.
    public var file: String
    /// Size in bytes.
    public var sizeBytes: Int
    /// Restored and every table equal in rows and checksum.
    public var verified: Bool
    /// Tables in the manifest.
    public var tables: Int
    /// What differed or failed (empty when verified).
    public var problems: [String]
    /// When it started.
    public var startedAt: Date
    /// When it completed.
    public var completedAt: Date

    /// Creates the payload.
    public init(
        backupId: String, file: String, sizeBytes: Int, verified: Bool, tables: Int, problems: [String],
        startedAt: Date, completedAt: Date
    ) {
        self.requestId = "backup-\(backupId)"
        self.backupId = backupId
        self.file = file
        self.sizeBytes = sizeBytes
        self.verified = verified
        self.tables = tables
        self.problems = problems
        self.startedAt = startedAt
        self.completedAt = completedAt
    }
}

/// A dead letter was sent back to its topic after a fix (subject: the original record's key).
public struct DeadLetterRedriven: EventPayload, Equatable {
    /// The type this payload is published as.
    public static let eventType = EventType.deadLetterRedriven
    /// The request the event belongs to (the Kafka key; operations events use their subject).
    public var requestId: String
    /// The redrive.
    public var redriveId: String
    /// Partition of the dead letter.
    public var deadLetterPartition: Int
    /// Offset of the dead letter.
    public var deadLetterOffset: Int64
    /// Topic the message first failed on.
    public var originalTopic: String
    /// Its partition there.
    public var originalPartition: Int
    /// Its offset there.
    public var originalOffset: Int64
    /// The value was replaced by a corrected one (`--value-file`), not sent as it was.
    public var replaced: Bool
    /// Why, in words.
    public var reason: String
    /// Who redrove it.
    public var redrivenBy: String
    /// When it was sent back.
    public var redrivenAt: Date

    /// Creates the payload.
    public init(
        requestId: String, redriveId: String, deadLetterPartition: Int, deadLetterOffset: Int64, originalTopic: String,
        originalPartition: Int,
        originalOffset: Int64, replaced: Bool, reason: String, redrivenBy: String, redrivenAt: Date
    ) {
        self.requestId = requestId
        self.redriveId = redriveId
        self.deadLetterPartition = deadLetterPartition
        self.deadLetterOffset = deadLetterOffset
        self.originalTopic = originalTopic
        self.originalPartition = originalPartition
        self.originalOffset = originalOffset
        self.replaced = replaced
        self.reason = reason
        self.redrivenBy = redrivenBy
        self.redrivenAt = redrivenAt
    }
}

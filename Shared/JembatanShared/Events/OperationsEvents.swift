import Foundation

// Events of topic `jembatan.operations.v1` (maintenance SOP, written by the operator command).

/// One component's state in a monitoring check.
public struct ComponentCheck: Codable, Sendable, Equatable {
    /// e.g. `postgresql`, `broker`, `topics`, `service:intake`, `lag:jembatan-reporting`, `outbox:validation`, `disk`.
    public var component: String
    public var ok: Bool
    public var detail: String

    public init(component: String, ok: Bool, detail: String) {
        self.component = component
        self.ok = ok
        self.detail = detail
    }
}

/// `jembatan ops check` looked at every component (subject `ops-check-<checkId>`).
public struct OpsCheckCompleted: EventPayload, Equatable {
    public static let eventType = EventType.opsCheckCompleted
    public var requestId: String
    public var checkId: String
    public var passed: Bool
    public var checks: [ComponentCheck]
    public var checkedBy: String
    public var checkedAt: Date

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
    public static let eventType = EventType.incidentOpened
    public var requestId: String
    public var incidentId: String
    public var component: String
    public var detail: String
    public var checkId: String
    public var openedAt: Date

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
    public static let eventType = EventType.incidentEscalated
    public var requestId: String
    public var incidentId: String
    public var component: String
    public var openMinutes: Int
    public var escalatedTo: Role
    public var escalatedAt: Date

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
    public static let eventType = EventType.incidentClosed
    public var requestId: String
    public var incidentId: String
    public var component: String
    public var openedAt: Date
    public var closedAt: Date
    public var checkId: String

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
    public var table: String
    public var rows: Int
    public var restoredRows: Int?
    public var checksum: String
    public var restoredChecksum: String?
    public var equal: Bool

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
    public static let eventType = EventType.backupCompleted
    public var requestId: String
    public var backupId: String
    public var file: String
    public var sizeBytes: Int
    /// Restored and every table equal in rows and checksum.
    public var verified: Bool
    public var tables: Int
    /// What differed or failed (empty when verified).
    public var problems: [String]
    public var startedAt: Date
    public var completedAt: Date

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
    public static let eventType = EventType.deadLetterRedriven
    public var requestId: String
    public var redriveId: String
    public var deadLetterPartition: Int
    public var deadLetterOffset: Int64
    public var originalTopic: String
    public var originalPartition: Int
    public var originalOffset: Int64
    /// The value was replaced by a corrected one (`--value-file`), not sent as it was.
    public var replaced: Bool
    public var reason: String
    public var redrivenBy: String
    public var redrivenAt: Date

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

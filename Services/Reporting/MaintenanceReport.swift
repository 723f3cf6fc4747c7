import Foundation
import Hummingbird
import JembatanShared
import PostgresNIO

/// The monthly maintenance report of the maintenance SOP ("Laporan Pemeliharaan"): monitoring
/// checks, incidents (opened, escalated, closed, still open), backups and their proof, dead-letter
/// redrives — from the operator's events on `jembatan.operations.v1`.
struct MaintenanceReport: Encodable {
    struct ComponentLine: Encodable {
        let component: String
        var failedChecks = 0
    }

    struct IncidentLine: Encodable {
        let incidentId: String
        let component: String
        let detail: String
        let openedAt: Date
        var escalatedAt: Date?
        var closedAt: Date?
        /// Minutes from opening to closing (or to the report's end while open).
        var minutesOpen: Int
    }

    struct BackupLine: Encodable {
        let backupId: String
        let file: String
        let sizeBytes: Int
        let verified: Bool
        let tables: Int
        let problems: [String]
        let completedAt: Date
    }

    let period: String
    let from: Date
    let to: Date
    let generatedAt: Date
    let provisional: Bool
    var checks = 0
    var checksPassed = 0
    var components: [ComponentLine] = []
    var incidents: [IncidentLine] = []
    var backups: [BackupLine] = []
    var redrives: [DeadLetterRedriven] = []

    var title: String { "Laporan Pemeliharaan Sistem \(period)" }

    static func assemble(period: String, context: ServiceContext, now: Date) async throws -> MaintenanceReport {
        guard let (from, to) = MonthlyReport.interval(of: period) else {
            throw APIError(
                .badRequest, code: "invalid_month", message: "month must be yyyy-MM (e.g. 2026-11)", field: "month")
        }
        let until = min(to, now)
        var report = MaintenanceReport(period: period, from: from, to: to, generatedAt: now, provisional: now < to)
        var failures: [String: Int] = [:]
        var incidents: [String: IncidentLine] = [:]
        // Incidents opened before the month and still open in it belong here too: read every incident event up to the end.
        let types: [EventType] = [
            .opsCheckCompleted, .incidentOpened, .incidentEscalated, .incidentClosed, .backupCompleted,
            .deadLetterRedriven,
        ]
        for stored in try await ReportReads.events(
            ofTypes: types, before: until, client: context.client, logger: context.logger)
        {
            let (type, at, data) = (stored.eventType, stored.occurredAt, stored.data)
            let inMonth = at >= from
            switch EventType(rawValue: type) {
            case .opsCheckCompleted? where inMonth:
                let check = try CloudEventCodec.decodeJSON(OpsCheckCompleted.self, from: data)
                report.checks += 1
                if check.passed { report.checksPassed += 1 }
                for component in check.checks where !component.ok { failures[component.component, default: 0] += 1 }
            case .incidentOpened?:
                let opened = try CloudEventCodec.decodeJSON(IncidentOpened.self, from: data)
                incidents[opened.incidentId] = IncidentLine(
                    incidentId: opened.incidentId, component: opened.component, detail: opened.detail,
                    openedAt: opened.openedAt, minutesOpen: 0)
            case .incidentEscalated?:
                let escalated = try CloudEventCodec.decodeJSON(IncidentEscalated.self, from: data)
                incidents[escalated.incidentId]?.escalatedAt = escalated.escalatedAt
            case .incidentClosed?:
                let closed = try CloudEventCodec.decodeJSON(IncidentClosed.self, from: data)
                incidents[closed.incidentId]?.closedAt = closed.closedAt
            case .backupCompleted? where inMonth:
                let backup = try CloudEventCodec.decodeJSON(BackupCompleted.self, from: data)
                report.backups.append(
                    BackupLine(
                        backupId: backup.backupId, file: backup.file, sizeBytes: backup.sizeBytes,
                        verified: backup.verified,
                        tables: backup.tables, problems: backup.problems, completedAt: backup.completedAt))
            case .deadLetterRedriven? where inMonth:
                report.redrives.append(try CloudEventCodec.decodeJSON(DeadLetterRedriven.self, from: data))
            default: break
            }
        }
        report.components = failures.map { ComponentLine(component: $0.key, failedChecks: $0.value) }.sorted {
            $0.component < $1.component
        }
        report.incidents = incidents.values
            .filter { $0.openedAt < until && ($0.closedAt ?? .distantFuture) >= from }
            .map { incident in
                var line = incident
                line.minutesOpen = Int(
                    ((incident.closedAt ?? until).timeIntervalSince(incident.openedAt) / 60).rounded())
                return line
            }
            .sorted { $0.openedAt < $1.openedAt }
        return report
    }

    /// What the printable page shows (the `maintenance-report` template).
    struct View: Sendable {
        struct Component: Sendable {
            let component: String
            let failedChecks: Int
        }

        struct Incident: Sendable {
            let component: String
            let detail: String
            let opened: String
            let escalated: String
            let open: Bool
            let closed: String
            let minutesOpen: Int
        }

        struct Backup: Sendable {
            let completed: String
            let file: String
            let size: String
            let tables: Int
            let verified: Bool
            let outcome: String
        }

        struct Redrive: Sendable {
            let at: String
            let origin: String
            let content: String
            let reason: String
        }

        let title: String
        let from: String
        let to: String
        let generated: String
        let provisional: Bool
        let checks: Int
        let checksPassed: Int
        let share: String
        let components: [Component]
        let incidents: [Incident]
        let backups: [Backup]
        let redrives: [Redrive]
    }

    var view: View {
        View(
            title: title, from: WIB.format(from), to: WIB.format(to), generated: WIB.format(generatedAt),
            provisional: provisional, checks: checks,
            checksPassed: checksPassed,
            share: checks == 0 ? "–" : Indonesian.percent(Double(checksPassed) * 100 / Double(checks)),
            components: components.map { .init(component: $0.component, failedChecks: $0.failedChecks) },
            incidents: incidents.map {
                .init(
                    component: $0.component, detail: $0.detail, opened: WIB.format($0.openedAt),
                    escalated: $0.escalatedAt.map { "ya, \(WIB.format($0))" } ?? "tidak",
                    open: $0.closedAt == nil, closed: WIB.format($0.closedAt), minutesOpen: $0.minutesOpen)
            },
            backups: backups.map {
                .init(
                    completed: WIB.format($0.completedAt), file: $0.file, size: "\($0.sizeBytes / 1024) KiB",
                    tables: $0.tables, verified: $0.verified,
                    outcome: $0.verified
                        ? "terbukti (dipulihkan, setiap tabel sama)"
                        : "GAGAL: " + $0.problems.prefix(3).joined(separator: "; "))
            },
            redrives: redrives.map {
                .init(
                    at: WIB.format($0.redrivenAt),
                    origin: "\($0.originalTopic)[\($0.originalPartition)]@\($0.originalOffset)",
                    content: $0.replaced ? "nilai diperbaiki" : "nilai asli", reason: $0.reason)
            })
    }

    /// The printable page (A4, no external resources).
    func html() throws -> String { try ReportingService.views.render("maintenance-report", view) }
}

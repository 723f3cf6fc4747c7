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
            throw APIError(.badRequest, code: "invalid_month", message: "month must be yyyy-MM (e.g. 2026-11)", field: "month")
        }
        let until = min(to, now)
        var report = MaintenanceReport(period: period, from: from, to: to, generatedAt: now, provisional: now < to)
        var failures: [String: Int] = [:]
        var incidents: [String: IncidentLine] = [:]
        // Incidents opened before the month and still open in it belong here too: read every incident event up to the end.
        let types: [EventType] = [.opsCheckCompleted, .incidentOpened, .incidentEscalated, .incidentClosed, .backupCompleted, .deadLetterRedriven]
        for stored in try await ReportReads.events(ofTypes: types, before: until, client: context.client, logger: context.logger) {
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
                incidents[opened.incidentId] = IncidentLine(incidentId: opened.incidentId, component: opened.component, detail: opened.detail, openedAt: opened.openedAt, minutesOpen: 0)
            case .incidentEscalated?:
                let escalated = try CloudEventCodec.decodeJSON(IncidentEscalated.self, from: data)
                incidents[escalated.incidentId]?.escalatedAt = escalated.escalatedAt
            case .incidentClosed?:
                let closed = try CloudEventCodec.decodeJSON(IncidentClosed.self, from: data)
                incidents[closed.incidentId]?.closedAt = closed.closedAt
            case .backupCompleted? where inMonth:
                let backup = try CloudEventCodec.decodeJSON(BackupCompleted.self, from: data)
                report.backups.append(BackupLine(backupId: backup.backupId, file: backup.file, sizeBytes: backup.sizeBytes, verified: backup.verified,
                                                 tables: backup.tables, problems: backup.problems, completedAt: backup.completedAt))
            case .deadLetterRedriven? where inMonth:
                report.redrives.append(try CloudEventCodec.decodeJSON(DeadLetterRedriven.self, from: data))
            default: break
            }
        }
        report.components = failures.map { ComponentLine(component: $0.key, failedChecks: $0.value) }.sorted { $0.component < $1.component }
        report.incidents = incidents.values
            .filter { $0.openedAt < until && ($0.closedAt ?? .distantFuture) >= from }
            .map { incident in
                var line = incident
                line.minutesOpen = Int(((incident.closedAt ?? until).timeIntervalSince(incident.openedAt) / 60).rounded())
                return line
            }
            .sorted { $0.openedAt < $1.openedAt }
        return report
    }

    func html() -> String {
        func e(_ text: String) -> String { HTMLText.escape(text) }
        let at = DashboardPage.time
        let empty = "<tr><td colspan=\"6\">Tidak ada.</td></tr>"
        var componentRows = ""
        for line in components { componentRows += "<tr><td>\(e(line.component))</td><td>\(line.failedChecks)</td></tr>" }
        var incidentRows = ""
        for incident in incidents {
            let state = incident.closedAt.map { "ditutup \(at($0))" } ?? "<strong>MASIH TERBUKA</strong>"
            incidentRows += "<tr class=\"\(incident.closedAt == nil ? "late" : "")\"><td>\(e(incident.component))</td><td>\(e(incident.detail))</td><td>\(at(incident.openedAt))</td>"
            incidentRows += "<td>\(incident.escalatedAt.map { "ya, \(at($0))" } ?? "tidak")</td><td>\(state)</td><td>\(incident.minutesOpen)</td></tr>"
        }
        var backupRows = ""
        for backup in backups {
            backupRows += "<tr class=\"\(backup.verified ? "" : "late")\"><td>\(at(backup.completedAt))</td><td><code>\(e(backup.file))</code></td><td>\(backup.sizeBytes / 1024) KiB</td>"
            backupRows += "<td>\(backup.tables)</td><td>\(backup.verified ? "terbukti (dipulihkan, setiap tabel sama)" : "GAGAL: " + e(backup.problems.prefix(3).joined(separator: "; ")))</td></tr>"
        }
        var redriveRows = ""
        for redrive in redrives {
            redriveRows += "<tr><td>\(at(redrive.redrivenAt))</td><td>\(e(redrive.originalTopic))[\(redrive.originalPartition)]@\(redrive.originalOffset)</td><td>\(redrive.replaced ? "nilai diperbaiki" : "nilai asli")</td><td>\(e(redrive.reason))</td></tr>"
        }
        let share = checks == 0 ? "–" : String(format: "%.1f %%", Double(checksPassed) * 100 / Double(checks))
        return """
            <!doctype html><html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(e(title))</title>
            <style>@page{size:A4;margin:18mm}body{font-family:system-ui,sans-serif;color:#1b1b1b;font-size:11pt;max-width:60rem;margin:auto}
            h1{font-size:16pt}h2{font-size:12pt;border-bottom:1px solid #999;margin-top:1.2rem}table{border-collapse:collapse;width:100%}
            th,td{border:1px solid #ccc;padding:.25rem .4rem;text-align:left;vertical-align:top;font-size:9.5pt}th{background:#f1f1f1}code{font-size:9pt}tr.late td{background:#fde2e1}</style></head><body>
            <h1>\(e(title))</h1>
            <p>Periode \(at(from)) – \(at(to)) · dibuat \(at(generatedAt))\(provisional ? " · <strong>sementara</strong> (bulan belum berakhir)" : "")</p>
            <section><h2>1. Pemantauan</h2><p>\(checks) pemeriksaan, \(checksPassed) seluruh komponen sehat (\(share)).</p>
            <table><tr><th>Komponen</th><th>Pemeriksaan gagal</th></tr>\(componentRows.isEmpty ? empty : componentRows)</table></section>
            <section><h2>2. Insiden</h2><table><tr><th>Komponen</th><th>Keterangan</th><th>Dibuka</th><th>Eskalasi ke Kepala</th><th>Status</th><th>Menit terbuka</th></tr>
            \(incidentRows.isEmpty ? empty : incidentRows)</table></section>
            <section><h2>3. Cadangan data (backup) dan pembuktiannya</h2><table><tr><th>Selesai</th><th>Berkas</th><th>Ukuran</th><th>Tabel</th><th>Hasil</th></tr>
            \(backupRows.isEmpty ? empty : backupRows)</table></section>
            <section><h2>4. Pesan gagal yang dikirim ulang (dead letter)</h2><table><tr><th>Waktu</th><th>Rekaman asal</th><th>Isi</th><th>Alasan</th></tr>
            \(redriveRows.isEmpty ? empty : redriveRows)</table></section>
            </body></html>
            """
    }
}

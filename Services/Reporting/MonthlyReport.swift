import Foundation
import Hummingbird
import JembatanShared
import PostgresNIO

/// The monthly report ("Laporan Bulanan"): per-agency compliance with the standard durations,
/// requests by state at the month's end, datasets and exchange volumes — all from the read model.
struct MonthlyReport: Encodable {
    struct AgencyLine: Encodable {
        let agencyCode: String
        var submitted = 0
        var completed = 0
        /// Steps that ended in the month (or were still open past their standard at its end).
        var stepsMeasured = 0
        var onTime = 0
        var late = 0
        /// `onTime / stepsMeasured` in percent; nil when nothing was measured.
        var compliancePercent: Double? { stepsMeasured == 0 ? nil : (Double(onTime) * 1000 / Double(stepsMeasured)).rounded() / 10 }

        enum CodingKeys: String, CodingKey { case agencyCode, submitted, completed, stepsMeasured, onTime, late, compliancePercent }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(agencyCode, forKey: .agencyCode)
            try container.encode(submitted, forKey: .submitted)
            try container.encode(completed, forKey: .completed)
            try container.encode(stepsMeasured, forKey: .stepsMeasured)
            try container.encode(onTime, forKey: .onTime)
            try container.encode(late, forKey: .late)
            try container.encodeIfPresent(compliancePercent, forKey: .compliancePercent)
        }
    }

    struct LateStep: Encodable {
        let requestId: String
        let agencyCode: String
        let step: Int
        let name: String
        let usedPercent: Double
        /// `late` (ended past the standard) or `overdue` (still open past it at the month's end).
        let status: String
    }

    struct DatasetVolume: Encodable {
        let datasetId: String
        let requestId: String
        let agencyCode: String
        let batches: Int
        let accepted: Int
        let rejected: Int
        /// The latest validation score of the request up to the month's end.
        let latestScore: Double?
    }

    /// `yyyy-MM`.
    let period: String
    let from: Date
    let to: Date
    let generatedAt: Date
    /// The month had not ended when the report was made.
    let provisional: Bool
    var agencies: [AgencyLine] = []
    var states: [String: Int] = [:]
    var lateSteps: [LateStep] = []
    var datasets: [DatasetVolume] = []

    /// Western Indonesian Time: a month is counted from the 1st 00:00 WIB.
    static let wib: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Jakarta")!
        return calendar
    }()

    /// The WIB month `yyyy-MM` as an interval; nil when `period` is not such a month.
    static func interval(of period: String) -> (from: Date, to: Date)? {
        let parts = period.split(separator: "-")
        guard period.count == 7, parts.count == 2, let year = Int(parts[0]), let month = Int(parts[1]), (2000...2100).contains(year), (1...12).contains(month),
              let from = wib.date(from: DateComponents(year: year, month: month, day: 1)),
              let to = wib.date(byAdding: .month, value: 1, to: from) else { return nil }
        return (from, to)
    }

    /// The `yyyy-MM` (WIB) that `date` falls in, moved by `offset` months.
    static func period(of date: Date, offset: Int = 0) -> String {
        let moved = wib.date(byAdding: .month, value: offset, to: date) ?? date
        let parts = wib.dateComponents([.year, .month], from: moved)
        return String(format: "%04d-%02d", parts.year ?? 0, parts.month ?? 0)
    }

    /// Builds the report of `period` as of `now` from the read model and event store.
    static func assemble(period: String, context: ServiceContext, clock: SLAClock, now: Date) async throws -> MonthlyReport {
        guard let (from, to) = interval(of: period) else {
            throw APIError(.badRequest, code: "invalid_month", message: "month must be yyyy-MM (e.g. 2026-11)", field: "month")
        }
        let logger = context.logger
        let until = min(to, now)
        var report = MonthlyReport(period: period, from: from, to: to, generatedAt: now, provisional: now < to)
        var agencies: [String: AgencyLine] = [:]
        var requests: [String: (agency: String, profile: String?)] = [:]
        for row in try await ReportReads.requestsSubmitted(before: until, client: context.client, logger: logger) {
            let (id, agency, profile, submitted, completed) = (row.requestId, row.agencyCode ?? "", row.profile, row.submittedAt, row.completedAt)
            requests[id] = (agency, profile)
            var line = agencies[agency] ?? AgencyLine(agencyCode: agency)
            if let submitted, submitted >= from { line.submitted += 1 }
            if let completed, completed >= from, completed < until { line.completed += 1 }
            agencies[agency] = line
        }
        // Runs of steps per request up to the month's end (or now).
        var runs: [String: [(step: Int, start: Date)]] = [:]
        var stateAtEnd: [String: RequestState] = [:]
        for entry in try await ReportReads.timelines(before: until, client: context.client, logger: logger) {
            let (id, step, at, state) = (entry.requestId, entry.sopStep, entry.occurredAt, entry.state)
            if runs[id]?.last?.step != step { runs[id, default: []].append((step, at)) }
            stateAtEnd[id] = state
        }
        for (id, request) in requests {
            guard let requestRuns = runs[id], let state = stateAtEnd[id] else { continue }
            report.states[state.rawValue, default: 0] += 1
            let profile = SOPProfileCatalog.profile(request.profile ?? SOPProfileCatalog.defaultProfileID) ?? SOPProfileCatalog.profile(SOPProfileCatalog.defaultProfileID)!
            var line = agencies[request.agency] ?? AgencyLine(agencyCode: request.agency)
            for step in StepMaths.steps(runs: requestRuns, finished: state.isClosed, profile: profile, clock: clock, now: until) {
                let endedInMonth = step.endedAt.map { $0 >= from && $0 < until } ?? false
                guard let used = step.usedPercent, endedInMonth && (step.status == "on_time" || step.status == "late") || step.status == "overdue" else { continue }
                line.stepsMeasured += 1
                if step.status == "on_time" { line.onTime += 1 } else {
                    line.late += 1
                    report.lateSteps.append(LateStep(requestId: id, agencyCode: request.agency, step: step.step, name: step.name, usedPercent: used, status: step.status))
                }
            }
            agencies[request.agency] = line
        }
        report.agencies = agencies.values.sorted { $0.agencyCode < $1.agencyCode }
        report.lateSteps.sort { ($0.agencyCode, $0.requestId, $0.step) < ($1.agencyCode, $1.requestId, $1.step) }
        let scores = try await ReportReads.latestScores(before: until, client: context.client, logger: logger)
        for volume in try await ReportReads.ingestVolumes(from: from, until: until, client: context.client, logger: logger) {
            report.datasets.append(DatasetVolume(datasetId: volume.datasetId, requestId: volume.requestId, agencyCode: volume.agencyCode, batches: volume.batches,
                                                 accepted: volume.accepted, rejected: volume.rejected, latestScore: scores[volume.requestId]))
        }
        return report
    }

    var title: String { "Laporan Bulanan Integrasi Data \(period)" }

    /// The printable page (A4, no external resources).
    func html() -> String {
        func e(_ text: String) -> String { HTMLText.escape(text) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "id_ID")
        formatter.timeZone = TimeZone(identifier: "Asia/Jakarta")
        formatter.dateFormat = "d MMM yyyy HH:mm 'WIB'"
        var agencyRows = ""
        for line in agencies {
            agencyRows += "<tr><td>\(e(line.agencyCode))</td><td>\(line.submitted)</td><td>\(line.completed)</td><td>\(line.stepsMeasured)</td><td>\(line.onTime)</td><td>\(line.late)</td>"
            agencyRows += "<td>\(line.compliancePercent.map { String(format: "%.1f %%", $0) } ?? "–")</td></tr>"
        }
        var lateRows = ""
        for step in lateSteps {
            lateRows += "<tr><td><code>\(e(step.requestId))</code></td><td>\(e(step.agencyCode))</td><td>\(step.step) · \(e(step.name))</td>"
            lateRows += "<td>\(String(format: "%.1f %%", step.usedPercent))</td><td>\(step.status == "late" ? "selesai terlambat" : "masih berjalan, terlambat")</td></tr>"
        }
        var stateRows = ""
        for (state, count) in states.sorted(by: { $0.key < $1.key }) { stateRows += "<tr><td>\(e(state))</td><td>\(count)</td></tr>" }
        var datasetRows = ""
        for dataset in datasets {
            datasetRows += "<tr><td>\(e(dataset.datasetId))</td><td>\(e(dataset.agencyCode))</td><td>\(dataset.batches)</td><td>\(dataset.accepted)</td><td>\(dataset.rejected)</td>"
            datasetRows += "<td>\(dataset.latestScore.map { String(format: "%.1f", $0) } ?? "–")</td></tr>"
        }
        let empty = "<tr><td colspan=\"7\">Tidak ada.</td></tr>"
        return """
            <!doctype html><html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(e(title))</title>
            <style>@page{size:A4;margin:18mm}body{font-family:system-ui,sans-serif;color:#1b1b1b;font-size:11pt;max-width:60rem;margin:auto}
            h1{font-size:16pt}h2{font-size:12pt;border-bottom:1px solid #999;margin-top:1.2rem}table{border-collapse:collapse;width:100%}
            th,td{border:1px solid #ccc;padding:.25rem .4rem;text-align:left;vertical-align:top;font-size:9.5pt}th{background:#f1f1f1}code{font-size:9pt}</style></head><body>
            <h1>\(e(title))</h1>
            <p>Periode \(formatter.string(from: from)) – \(formatter.string(from: to)) · dibuat \(formatter.string(from: generatedAt))\(provisional ? " · <strong>sementara</strong> (bulan belum berakhir)" : "")</p>
            <section><h2>1. Kepatuhan mutu baku waktu per instansi</h2>
            <table><tr><th>Instansi</th><th>Permohonan baru</th><th>Selesai</th><th>Langkah diukur</th><th>Tepat waktu</th><th>Terlambat</th><th>Kepatuhan</th></tr>
            \(agencyRows.isEmpty ? empty : agencyRows)</table>
            <p>Langkah diukur: langkah yang selesai dalam bulan ini, dan langkah yang pada akhir bulan masih berjalan melewati standarnya. Hari kerja: Senin–Jumat di luar libur nasional dan cuti bersama, WIB.</p></section>
            <section><h2>2. Penyimpangan (langkah melewati standar)</h2>
            <table><tr><th>Permohonan</th><th>Instansi</th><th>Langkah</th><th>Terpakai</th><th>Keterangan</th></tr>\(lateRows.isEmpty ? empty : lateRows)</table></section>
            <section><h2>3. Permohonan menurut status (akhir periode)</h2>
            <table><tr><th>Status</th><th>Jumlah</th></tr>\(stateRows.isEmpty ? empty : stateRows)</table></section>
            <section><h2>4. Dataset dan volume pertukaran</h2>
            <table><tr><th>Dataset</th><th>Instansi</th><th>Kiriman</th><th>Rekaman diterima</th><th>Rekaman ditolak</th><th>Skor mutu terakhir</th></tr>\(datasetRows.isEmpty ? empty : datasetRows)</table></section>
            </body></html>
            """
    }
}

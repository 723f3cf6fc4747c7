import Foundation
import Hummingbird
import JembatanShared
import PostgresNIO

/// "Laporan Hasil Integrasi Data": one request's procedure, built from the events it left.
struct IntegrationReport: Encodable {
    struct Step: Encodable {
        let step: Int
        let name: String
        let standard: String?
        let startedAt: Date
        let endedAt: Date?
        /// Share of the standard used, in percent.
        let usedPercent: Double?
        /// `on_time`, `late` (a deviation to account for), `open` or `no_standard`.
        let status: String
    }

    struct Entry: Encodable {
        let occurredAt: Date
        let type: String
        let actor: String
    }

    let requestId: String
    let generatedAt: Date
    var submission: RequestSubmitted?
    var disposition: RequestDispositioned?
    var returns: [RequestReturned] = []
    var contract: ContractAgreed?
    var integrationTest: IntegrationTested?
    var provisioned: APIProvisioned?
    var delivery: ResultsDelivered?
    var validationRun: ValidationRunCompleted?
    var reconciliation: ReconciliationCompleted?
    var accepted: RequestAccepted?
    var reopened: RequestReopened?
    var steps: [Step] = []
    var timeline: [Entry] = []
}

/// `GET /v1/requests/{id}/report` (printable HTML), `…/report.json`, `…/timeline.csv`.
struct IntegrationReportController: Sendable {
    let context: ServiceContext
    let clock: SLAClock

    func register(on router: Router<JembatanRequestContext>) {
        router.get("v1/requests/:id/report", use: html)
        router.get("v1/requests/:id/report.json", use: json)
        router.get("v1/requests/:id/report.pdf", use: pdf)
        router.get("v1/requests/:id/timeline.csv", use: csv)
    }

    @Sendable func json(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        try JSONResponse.make(try await build(request, routeContext))
    }

    @Sendable func pdf(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let report = try await build(request, routeContext)
        let data = try await PDFRenderer(chromium: context.configuration.chromium).render(html: ReportPage.render(report))
        return Response(status: .ok, headers: [.contentType: "application/pdf", .contentDisposition: "inline; filename=\"laporan-integrasi-\(report.requestId.prefix(8)).pdf\""],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    @Sendable func csv(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let report = try await build(request, routeContext)
        var text = "occurred_at,event_type,actor\n"
        for entry in report.timeline {
            text += "\(EventTime.format(entry.occurredAt)),\(entry.type),\"\(entry.actor.replacingOccurrences(of: "\"", with: "\"\""))\"\n"
        }
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    @Sendable func html(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let report = try await build(request, routeContext)
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: ReportPage.render(report))))
    }

    func build(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> IntegrationReport {
        // A bearer token or the dashboard's sign-in cookie, so the report opens from the dashboard in a browser.
        guard let account = routeContext.sessionAccount else {
            throw APIError(.unauthorized, code: "unauthenticated", message: "send 'Authorization: Bearer <token>' or sign in at /login", field: "Authorization")
        }
        guard account.role != .consumer else {
            throw APIError(.forbidden, code: "wrong_role", message: "this report is read by: admin, head, producer, supervisor, technical")
        }
        let requestId = try request.requestIDParameter(routeContext)
        guard let report = try await IntegrationReport.assemble(requestId: requestId, context: context, clock: clock, at: Date()),
              account.mayAccess(agency: report.submission?.agencyCode) else { throw APIError.notFound("request") }
        return report
    }
}

/// The printable page of the report (A4, no external resources).
enum ReportPage {
    static func render(_ report: IntegrationReport) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "id_ID")
        formatter.timeZone = TimeZone(identifier: "Asia/Jakarta")
        formatter.dateFormat = "d MMM yyyy HH:mm 'WIB'"
        func at(_ date: Date?) -> String { date.map { formatter.string(from: $0) } ?? "–" }
        func e(_ text: String?) -> String { HTMLText.escape(text ?? "–") }
        var body = ""
        let submission = report.submission
        body += section("1. Permohonan dan instansi", """
            <table><tr><th>Judul</th><td>\(e(submission?.title))</td></tr><tr><th>Instansi</th><td>\(e(submission?.agencyCode))</td></tr>
            <tr><th>Tujuan</th><td>\(e(submission?.purpose))</td></tr><tr><th>Dasar hukum</th><td>\(e(submission?.legalBasis))</td></tr>
            <tr><th>Diajukan</th><td>\(e(submission?.submittedBy.id)), \(at(submission?.submittedAt))</td></tr><tr><th>SOP</th><td>\(e(submission?.profile))</td></tr></table>
            """)
        body += section("2. Disposisi", report.disposition.map { "<p>\(e($0.note)) — \(e($0.dispositionedBy.id)), \(at($0.dispositionedAt))</p>" } ?? "<p>Belum ada disposisi.</p>")
        var evaluation = report.returns.isEmpty ? "" : "<p>Dikembalikan \(report.returns.count) kali kepada produsen.</p>"
        if let contract = report.contract {
            evaluation += "<p>Disetujui oleh \(e(contract.agreedBy.id)), \(at(contract.agreedAt)). Temuan kajian: \(contract.findings.count).</p><ul>"
            for finding in contract.findings { evaluation += "<li>\(e(finding.severity.label)) · \(e(finding.dataset)).\(e(finding.field)) · \(e(finding.rule)): \(e(finding.message))</li>" }
            evaluation += "</ul>"
        }
        body += section("3. Evaluasi teknis dan keputusan", evaluation.isEmpty ? "<p>Belum diputuskan.</p>" : evaluation)
        var contractText = "<p>Belum ada kontrak.</p>"
        if let contract = report.contract {
            contractText = "<p>Kontrak \(e(contract.contractId)) versi \(contract.contractVersion); konsumen: \(e((contract.consumers ?? []).joined(separator: ", ")))</p><table><tr><th>Dataset</th><th>Kunci</th><th>Kolom</th><th>Klasifikasi</th><th>Pembaruan</th></tr>"
            for dataset in contract.datasets {
                contractText += "<tr><td>\(e(dataset.name))</td><td>\(e(dataset.primaryKey.joined(separator: ", ")))</td><td>\(dataset.fields.count)</td><td>\(e(dataset.classification))</td><td>\(e(dataset.updateFrequency))</td></tr>"
            }
            contractText += "</table>"
        }
        body += section("4. Kontrak data (dokumen interchange)", contractText)
        var endpoints = "<p>Belum disiapkan.</p>"
        if let test = report.integrationTest {
            endpoints = "<p>Uji integrasi: <strong>\(test.passed ? "lulus" : "gagal")</strong>, \(at(test.testedAt)).</p><ul>"
            for check in test.checks { endpoints += "<li>\(e(check.dataset)) · \(e(check.check)): \(check.passed ? "lulus" : "GAGAL") — \(e(check.detail))</li>" }
            endpoints += "</ul>"
        }
        for endpoint in report.provisioned?.endpoints ?? [] { endpoints += "<p>Endpoint <code>\(e(endpoint.path))</code></p>" }
        if let credentials = report.provisioned?.credentials { endpoints += "<p>\(credentials.count) kredensial diterbitkan (rahasia tidak pernah dicatat).</p>" }
        body += section("5. Endpoint dan uji integrasi", endpoints)
        body += section("6. Penyerahan hasil", report.delivery.map { "<p>\(e($0.note)) — \(e($0.deliveredBy.id)), \(at($0.deliveredAt))</p>" } ?? "<p>Belum diserahkan.</p>")
        var validation = "<p>Belum ada validasi.</p>"
        if let run = report.validationRun {
            validation = "<p>Skor mutu data: <strong>\(run.score) / 100</strong> (\(run.checks) pemeriksaan, \(run.records) rekaman), \(at(run.completedAt)).</p>"
            if !run.failedChecks.isEmpty { validation += "<p>Tidak lulus: \(e(run.failedChecks.joined(separator: ", ")))</p>" }
        }
        if let reconciliation = report.reconciliation {
            validation += "<p>Rekonsiliasi dengan sistem sumber: \(reconciliation.matched) cocok, \(reconciliation.missingInHub) tidak ada di hub, \(reconciliation.extraInHub) lebih di hub, \(reconciliation.changed) berbeda.</p>"
        }
        body += section("7. Validasi data dan rekonsiliasi", validation)
        var decision = "<p>Belum ada keputusan akhir.</p>"
        if let accepted = report.accepted {
            decision = "<p><strong>Diterima</strong> oleh \(e(accepted.decidedBy.id)), \(at(accepted.decidedAt)): \(e(accepted.note))</p>"
        } else if let reopened = report.reopened {
            decision = "<p><strong>Dikembalikan ke evaluasi</strong> oleh \(e(reopened.decidedBy.id)), \(at(reopened.decidedAt)): \(e(reopened.reasons.joined(separator: "; ")))</p>"
        }
        body += section("8. Keputusan akhir", decision)
        var sla = "<table><tr><th>Langkah</th><th>Mulai</th><th>Selesai</th><th>Standar</th><th>Terpakai</th><th>Status</th></tr>"
        for step in report.steps {
            let status = ["on_time": "sesuai standar", "late": "MENYIMPANG (melewati standar)", "open": "berjalan", "overdue": "berjalan, MELEWATI standar", "no_standard": "tanpa standar", "end": "selesai"][step.status] ?? step.status
            let standard = step.standard.map {
                $0.replacingOccurrences(of: "working_days", with: "hari kerja").replacingOccurrences(of: "months", with: "bulan").replacingOccurrences(of: "minutes", with: "menit")
            }
            sla += "<tr class=\"\(step.status)\"><td>\(step.step) · \(e(step.name))</td><td>\(at(step.startedAt))</td><td>\(at(step.endedAt))</td><td>\(e(standard))</td>"
            sla += "<td>\(step.usedPercent.map { String(format: "%.1f %%", $0) } ?? "–")</td><td>\(status)</td></tr>"
        }
        body += section("9. Mutu baku waktu per langkah", sla + "</table><p>Hari kerja: Senin–Jumat di luar libur nasional dan cuti bersama (SKB 3 Menteri), dihitung dalam WIB.</p>")
        var timeline = "<table><tr><th>Waktu</th><th>Peristiwa</th><th>Oleh</th></tr>"
        for entry in report.timeline { timeline += "<tr><td>\(at(entry.occurredAt))</td><td>\(e(entry.type))</td><td>\(e(entry.actor))</td></tr>" }
        body += section("10. Linimasa", timeline + "</table>")
        return """
            <!doctype html><html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Laporan Hasil Integrasi Data — \(e(submission?.title))</title>
            <style>@page{size:A4;margin:18mm}body{font-family:system-ui,sans-serif;color:#1b1b1b;font-size:11pt;max-width:60rem;margin:auto}
            h1{font-size:16pt}h2{font-size:12pt;border-bottom:1px solid #999;margin-top:1.2rem}table{border-collapse:collapse;width:100%}
            th,td{border:1px solid #ccc;padding:.25rem .4rem;text-align:left;vertical-align:top;font-size:9.5pt}th{background:#f1f1f1}
            tr.late td,tr.overdue td{background:#fde2e1}code{font-size:9pt}section{break-inside:avoid}</style></head><body>
            <h1>Laporan Hasil Integrasi Data</h1><p>Permohonan <code>\(e(report.requestId))</code> · dibuat \(at(report.generatedAt))</p>
            \(body)</body></html>
            """
    }

    static func section(_ title: String, _ content: String) -> String {
        "<section><h2>\(HTMLText.escape(title))</h2>\(content)</section>\n"
    }
}

extension IntegrationReport {
    /// The report of `requestId` as of `now` from the stored events; nil when its submission is unknown.
    static func assemble(requestId: String, context: ServiceContext, clock: SLAClock, at now: Date) async throws -> IntegrationReport? {
        var report = IntegrationReport(requestId: requestId, generatedAt: now)
        for stored in try await ReportReads.events(of: requestId, client: context.client, logger: context.logger) {
            let data = stored.data
            guard let kind = EventType(rawValue: stored.eventType) else { continue }
            switch kind {
            case .requestSubmitted:
                report.submission = try CloudEventCodec.decodeJSON(RequestSubmitted.self, from: data)
            case .requestDispositioned: report.disposition = try CloudEventCodec.decodeJSON(RequestDispositioned.self, from: data)
            case .requestReturned: report.returns.append(try CloudEventCodec.decodeJSON(RequestReturned.self, from: data))
            case .contractAgreed: report.contract = try CloudEventCodec.decodeJSON(ContractAgreed.self, from: data)
            case .integrationTestPassed, .integrationTestFailed: report.integrationTest = try CloudEventCodec.decodeJSON(IntegrationTested.self, from: data)
            case .apiProvisioned: report.provisioned = try CloudEventCodec.decodeJSON(APIProvisioned.self, from: data)
            case .resultsDelivered: report.delivery = try CloudEventCodec.decodeJSON(ResultsDelivered.self, from: data)
            case .validationRunCompleted: report.validationRun = try CloudEventCodec.decodeJSON(ValidationRunCompleted.self, from: data)
            case .reconciliationCompleted: report.reconciliation = try CloudEventCodec.decodeJSON(ReconciliationCompleted.self, from: data)
            case .requestAccepted: report.accepted = try CloudEventCodec.decodeJSON(RequestAccepted.self, from: data)
            case .requestReopened: report.reopened = try CloudEventCodec.decodeJSON(RequestReopened.self, from: data)
            default: break
            }
        }
        guard report.submission != nil else { return nil }
        // The steps and their time against the standard, from the timeline (runs of one SOP step).
        let profile = SOPProfileCatalog.profile(report.submission?.profile ?? SOPProfileCatalog.defaultProfileID) ?? SOPProfileCatalog.profile(SOPProfileCatalog.defaultProfileID)!
        var runs: [(step: Int, start: Date)] = []
        var state: RequestState?
        for entry in try await ReportReads.timelineBySteps(of: requestId, client: context.client, logger: context.logger) {
            report.timeline.append(.init(occurredAt: entry.occurredAt, type: entry.eventType, actor: "\(entry.actorId) (\(entry.actorRole))"))
            if runs.last?.step != entry.sopStep { runs.append((entry.sopStep, entry.occurredAt)) }
            state = entry.state
        }
        report.steps = StepMaths.steps(runs: runs, finished: state?.isClosed ?? false, profile: profile, clock: clock, now: now)
        return report
    }
}

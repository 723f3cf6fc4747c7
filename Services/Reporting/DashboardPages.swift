import Foundation
import Hummingbird
import JembatanShared
import PostgresNIO

/// The dashboard's frame and its inline SVG charts: no scripts, no external assets (offline networks), readable on a phone.
enum DashboardPage {
    /// 303 to `location`, setting `cookie` when given (sign-in, sign-out, pages without a session).
    static func redirect(to location: String, cookie: String? = nil) -> Response {
        var headers: HTTPFields = [.location: location]
        if let cookie { headers[.setCookie] = cookie }
        return Response(status: .seeOther, headers: headers)
    }

    static let sections = [("/", "Ringkasan"), ("/catalogue", "Katalog dataset"), ("/volume", "Volume pertukaran"), ("/reports", "Laporan")]

    static func response(title: String, account: Account, active: String, body: String) -> Response {
        var nav = ""
        for (path, name) in sections { nav += "<a href=\"\(path)\"\(path == active ? " class=\"active\"" : "")>\(name)</a>" }
        let page = """
            <!doctype html><html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Jembatan — \(HTMLText.escape(title))</title>
            <style>body{font-family:system-ui,sans-serif;margin:0;color:#1b1b1b}main{padding:0 1rem 2rem;max-width:72rem;margin:auto}
            header{background:#12355b;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.8rem;align-items:center}header a{color:#dfe9f5;text-decoration:none}
            header a.active{color:#fff;font-weight:700;border-bottom:2px solid #fff}header strong{margin-right:1rem}header form{margin-left:auto;font-size:.85rem}
            table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;font-size:.9rem;vertical-align:top}th{background:#f3f3f3}
            .scroll{overflow-x:auto}.completed{color:#0a6b2d;font-weight:600}.returned,.reopened{color:#a15c00}code{font-size:.8rem}
            .sla100 td{background:#fde2e1}.sla90 td{background:#fdebd3}.sla75 td{background:#fff4cc}h1{font-size:1.3rem}h2{font-size:1.05rem;margin-top:1.5rem}
            .cards{display:flex;flex-wrap:wrap;gap:.6rem}.card{border:1px solid #ccd;border-radius:6px;padding:.5rem .8rem;min-width:9rem}.card b{display:block;font-size:1.4rem}
            .two{display:grid;grid-template-columns:repeat(auto-fit,minmax(20rem,1fr));gap:1rem}svg{max-width:100%;height:auto}.stale{color:#a00;font-weight:600}
            .late td,.overdue td{background:#fde2e1}</style></head>
            <body><header><strong>Jembatan</strong>\(nav)
            <form method="post" action="/logout">\(HTMLText.escape(account.name)) (\(account.role.rawValue)\(account.agencyCode.map { ", " + HTMLText.escape($0) } ?? "")) <button>Keluar</button></form></header>
            <main><h1>\(HTMLText.escape(title))</h1>
            \(body)
            </main></body></html>
            """
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: page)))
    }

    /// Times as the offices read them: Western Indonesian Time.
    static let time: @Sendable (Date) -> String = { date in
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "id_ID")
        formatter.timeZone = TimeZone(identifier: "Asia/Jakarta")
        formatter.dateFormat = "d MMM yyyy HH:mm 'WIB'"
        return formatter.string(from: date)
    }


    /// Horizontal bars, one per item, with the value written at the end.
    static func bars(_ items: [(label: String, value: Double, color: String)], unit: String, maximum: Double? = nil) -> String {
        let top = max(maximum ?? items.map(\.value).max() ?? 1, 1)
        let rowHeight = 22, labelWidth = 190, barWidth = 260
        var svg = "<svg role=\"img\" viewBox=\"0 0 \(labelWidth + barWidth + 60) \(items.count * rowHeight + 4)\" width=\"\(labelWidth + barWidth + 60)\" xmlns=\"http://www.w3.org/2000/svg\">"
        for (index, item) in items.enumerated() {
            let y = index * rowHeight + 2
            let width = Int((item.value / top * Double(barWidth)).rounded())
            svg += "<text x=\"0\" y=\"\(y + 15)\" font-size=\"12\">\(HTMLText.escape(String(item.label.prefix(30))))</text>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(barWidth)\" height=\"15\" fill=\"#eef1f5\"/>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(width)\" height=\"15\" fill=\"\(item.color)\"/>"
            let value = item.value == item.value.rounded() ? String(Int(item.value)) : String(format: "%.1f", item.value)
            svg += "<text x=\"\(labelWidth + barWidth + 6)\" y=\"\(y + 15)\" font-size=\"12\">\(value)\(HTMLText.escape(unit))</text>"
        }
        return svg + "</svg>"
    }

    /// A step's share of its standard: the bar to 150 %, a line at 100 %.
    static func slaBar(_ usedPercent: Double) -> String {
        let width = 150.0, clipped = min(max(usedPercent, 0), 150)
        let color = usedPercent > 100 ? "#c62828" : usedPercent >= 90 ? "#e07b00" : usedPercent >= 75 ? "#d4a800" : "#2e7d32"
        return """
            <svg role="img" aria-label="\(String(format: "%.0f", usedPercent)) %" viewBox="0 0 \(Int(width) + 4) 14" width="\(Int(width) + 4)" height="14" xmlns="http://www.w3.org/2000/svg"><rect x="0" y="2" width="\(Int(width))" height="10" fill="#eef1f5"/>\
            <rect x="0" y="2" width="\(Int(clipped))" height="10" fill="\(color)"/><line x1="100" y1="0" x2="100" y2="14" stroke="#333" stroke-width="1.5"/></svg>
            """
    }

    /// Columns over days (exchange volume).
    static func columns(_ items: [(label: String, value: Double)]) -> String {
        let top = max(items.map(\.value).max() ?? 1, 1), height = 140.0, column = 18
        var svg = "<svg role=\"img\" viewBox=\"0 0 \(items.count * column + 50) \(Int(height) + 40)\" width=\"\(items.count * column + 50)\" xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<text x=\"0\" y=\"12\" font-size=\"11\">\(Int(top))</text><line x1=\"40\" y1=\"\(height + 4)\" x2=\"\(items.count * column + 46)\" y2=\"\(height + 4)\" stroke=\"#999\"/>"
        for (index, item) in items.enumerated() {
            let barHeight = item.value / top * (height - 10)
            let x = 42 + index * column
            svg += "<rect x=\"\(x)\" y=\"\(String(format: "%.1f", height + 4 - barHeight))\" width=\"\(column - 4)\" height=\"\(String(format: "%.1f", barHeight))\" fill=\"#2f6db5\"><title>\(HTMLText.escape(item.label)): \(Int(item.value))</title></rect>"
            if index % 5 == 0 { svg += "<text x=\"\(x)\" y=\"\(Int(height) + 20)\" font-size=\"10\">\(HTMLText.escape(item.label))</text>" }
        }
        return svg + "</svg>"
    }
}

/// The dashboard's other pages: request detail, dataset catalogue, exchange volume, stored reports.
struct DashboardPages: Sendable {
    let context: ServiceContext
    let clock: SLAClock

    func register(on router: Router<JembatanRequestContext>) {
        router.get("requests/:id", use: detail)
        router.get("catalogue", use: catalogue)
        router.get("volume", use: volume)
        router.get("reports", use: reports)
    }


    @Sendable func detail(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        guard let account = routeContext.sessionAccount else { return DashboardPage.redirect(to: "/login") }
        let requestId = try request.requestIDParameter(routeContext)
        guard let report = try await IntegrationReport.assemble(requestId: requestId, context: context, clock: clock, at: Date()),
              account.mayAccess(agency: report.submission?.agencyCode) else { throw APIError.notFound("request") }
        let at = DashboardPage.time
        var steps = ""
        for step in report.steps {
            let standard = step.standard.map {
                $0.replacingOccurrences(of: "working_days", with: "hari kerja").replacingOccurrences(of: "months", with: "bulan").replacingOccurrences(of: "minutes", with: "menit")
            } ?? "–"
            steps += "<tr class=\"\(step.status)\"><td>\(step.step) · \(HTMLText.escape(step.name))</td><td>\(at(step.startedAt))</td><td>\(step.endedAt.map(at) ?? "berjalan")</td>"
            steps += "<td>\(HTMLText.escape(standard))</td><td>\(step.usedPercent.map { DashboardPage.slaBar($0) + String(format: " %.1f %%", $0) } ?? "–")</td></tr>"
        }
        var timeline = ""
        for entry in report.timeline { timeline += "<tr><td>\(at(entry.occurredAt))</td><td>\(HTMLText.escape(entry.type))</td><td>\(HTMLText.escape(entry.actor))</td></tr>" }
        let id = HTMLText.escape(requestId)
        let body = """
            <p><code>\(id)</code> · \(HTMLText.escape(report.submission?.agencyCode ?? "–")) · SOP \(HTMLText.escape(report.submission?.profile ?? "–"))</p>
            <p><a href="/v1/requests/\(id)/report">Laporan Hasil Integrasi Data</a> · <a href="/v1/requests/\(id)/report.pdf">PDF</a> · <a href="/v1/requests/\(id)/timeline.csv">linimasa CSV</a></p>
            <h2>Waktu per langkah terhadap mutu baku (garis = 100 %)</h2>
            <div class="scroll"><table><tr><th>Langkah</th><th>Mulai</th><th>Selesai</th><th>Standar</th><th>Terpakai</th></tr>\(steps)</table></div>
            <h2>Linimasa</h2><div class="scroll"><table><tr><th>Waktu</th><th>Peristiwa</th><th>Oleh</th></tr>\(timeline)</table></div>
            """
        return DashboardPage.response(title: report.submission?.title ?? "Permohonan", account: account, active: "", body: body)
    }

    struct CatalogueEntry {
        let datasetId: String
        let requestId: String
        let agencyCode: String
        var name = ""
        var classification = "–"
        var frequency = "–"
        var consumers: [String] = []
        var score: Double?
        var records = 0
        var lastIngest: Date?
        var staleSince: Date?
    }

    /// Every provisioned dataset with its contract terms, quality, volume and freshness, from the stored events.
    func catalogueEntries() async throws -> [CatalogueEntry] {
        let logger = context.logger
        var contracts: [String: ContractAgreed] = [:]
        for stored in try await ReportReads.latestEvents(ofType: .contractAgreed, client: context.client, logger: logger) {
            contracts[stored.requestId] = try CloudEventCodec.decodeJSON(ContractAgreed.self, from: stored.data)
        }
        let scores = try await ReportReads.latestScores(client: context.client, logger: logger)
        let volume = try await ReportReads.datasetVolumes(client: context.client, logger: logger)
        let findings = try await ReportReads.latestFreshnessFindings(client: context.client, logger: logger)
        var entries: [String: CatalogueEntry] = [:]
        for stored in try await ReportReads.events(ofTypes: [.apiProvisioned], client: context.client, logger: logger) {
            let provisioned = try CloudEventCodec.decodeJSON(APIProvisioned.self, from: stored.data)
            for endpoint in provisioned.endpoints {
                let datasetId = endpoint.datasetId ?? endpoint.dataset
                var entry = CatalogueEntry(datasetId: datasetId, requestId: provisioned.requestId, agencyCode: provisioned.agencyCode)
                entry.name = endpoint.dataset
                if let contract = contracts[provisioned.requestId], let definition = contract.datasets.first(where: { $0.name == endpoint.dataset }) {
                    entry.classification = definition.classification ?? "–"
                    entry.frequency = definition.updateFrequency ?? "–"
                    entry.consumers = contract.consumers ?? []
                }
                entry.score = scores[provisioned.requestId]
                if let (records, last) = volume[datasetId] { entry.records = records; entry.lastIngest = last }
                if let finding = findings[datasetId], finding > (entry.lastIngest ?? .distantPast) { entry.staleSince = finding }
                entries[datasetId] = entry
            }
        }
        return entries.values.sorted { ($0.agencyCode, $0.datasetId) < ($1.agencyCode, $1.datasetId) }
    }

    @Sendable func catalogue(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        guard let account = routeContext.sessionAccount else { return DashboardPage.redirect(to: "/login") }
        let at = DashboardPage.time
        var rows = ""
        for entry in try await catalogueEntries() where account.mayAccess(agency: entry.agencyCode) {
            let freshness = entry.staleSince.map { "<span class=\"stale\">terlambat (temuan \(at($0)))</span>" } ?? (entry.lastIngest == nil ? "belum ada data" : "tepat waktu")
            rows += "<tr><td><code>\(HTMLText.escape(entry.datasetId))</code><br><a href=\"/requests/\(HTMLText.escape(entry.requestId))\">permohonan</a></td><td>\(HTMLText.escape(entry.agencyCode))</td>"
            rows += "<td>\(HTMLText.escape(entry.classification))</td><td>\(HTMLText.escape(entry.frequency))</td><td>\(entry.lastIngest.map(at) ?? "–")<br>\(freshness)</td>"
            rows += "<td>\(entry.score.map { String(format: "%.1f", $0) } ?? "–")</td><td>\(entry.records)</td><td>\(HTMLText.escape(entry.consumers.joined(separator: ", ")))</td></tr>"
        }
        let body = """
            <p>Dataset di hub pertukaran: kesegaran terhadap frekuensi pembaruan kontrak, skor mutu validasi terakhir, konsumen.</p>
            <div class="scroll"><table><tr><th>Dataset</th><th>Produsen</th><th>Klasifikasi</th><th>Pembaruan</th><th>Data terakhir / kesegaran</th><th>Skor mutu</th><th>Rekaman diterima</th><th>Konsumen</th></tr>
            \(rows.isEmpty ? "<tr><td colspan=\"8\">Belum ada dataset.</td></tr>" : rows)</table></div>
            """
        return DashboardPage.response(title: "Katalog dataset", account: account, active: "/catalogue", body: body)
    }

    @Sendable func volume(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        guard let account = routeContext.sessionAccount else { return DashboardPage.redirect(to: "/login") }
        // Records accepted per WIB day over the last 30 days (an agency sees its own pushes).
        var days: [String: (accepted: Int, rejected: Int, batches: Int)] = [:]
        for (day, agency, accepted, rejected, batches) in try await ReportReads.dailyVolumes(client: context.client, logger: routeContext.logger)
            where account.mayAccess(agency: agency) {
            let current = days[day] ?? (0, 0, 0)
            days[day] = (current.accepted + accepted, current.rejected + rejected, current.batches + batches)
        }
        var series: [(label: String, value: Double)] = []
        var rows = ""
        for offset in (0..<30).reversed() {
            let date = Date().addingTimeInterval(-Double(offset) * 86_400)
            let parts = MonthlyReport.wib.dateComponents([.year, .month, .day], from: date)
            let day = String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
            let value = days[day] ?? (0, 0, 0)
            series.append((String(day.suffix(5)), Double(value.accepted)))
            if value.batches > 0 { rows = "<tr><td>\(day)</td><td>\(value.batches)</td><td>\(value.accepted)</td><td>\(value.rejected)</td></tr>" + rows }
        }
        let body = """
            <h2>Rekaman diterima hub per hari (WIB), 30 hari terakhir</h2>\(DashboardPage.columns(series))
            <div class="scroll"><table><tr><th>Hari</th><th>Kiriman</th><th>Rekaman diterima</th><th>Rekaman ditolak</th></tr>
            \(rows.isEmpty ? "<tr><td colspan=\"4\">Belum ada kiriman.</td></tr>" : rows)</table></div>
            """
        return DashboardPage.response(title: "Volume pertukaran", account: account, active: "/volume", body: body)
    }

    @Sendable func reports(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        guard let account = routeContext.sessionAccount else { return DashboardPage.redirect(to: "/login") }
        let at = DashboardPage.time
        var rows = ""
        if account.role != .consumer {
            for report in try await ReportArchive(context: context).entries(kind: nil, subject: nil)
            where ReportArchive.mayRead(account, kind: report.kind, agency: report.agencyCode) {
                let path = "/v1/reports/\(report.reportId)"
                let pdf = " · <a href=\"\(path)/document.pdf\">PDF</a>"
                rows += "<tr><td><a href=\"\(path)\">\(HTMLText.escape(report.title))</a>\(pdf)</td><td>\(HTMLText.escape(report.kind))</td><td>\(report.version)</td>"
                rows += "<td>\(at(report.generatedAt))</td><td><code>\(report.sha256.prefix(16))…</code></td></tr>"
            }
        }
        let month = MonthlyReport.period(of: Date())
        let live = account.agencyCode == nil ? """
            <p>Bulan berjalan (sementara): <a href="/v1/monthly-reports/\(month)/report">Laporan bulanan \(month)</a> ·
            <a href="/v1/maintenance-reports/\(month)/report">Laporan pemeliharaan \(month)</a></p>
            """ : ""
        let body = """
            \(live)<p>Laporan yang diterbitkan (disimpan; setiap terbitan diumumkan sebagai <code>report.published</code>).</p>
            <div class="scroll"><table><tr><th>Laporan</th><th>Jenis</th><th>Versi</th><th>Dibuat</th><th>SHA-256</th></tr>
            \(rows.isEmpty ? "<tr><td colspan=\"5\">Belum ada laporan.</td></tr>" : rows)</table></div>
            """
        return DashboardPage.response(title: "Laporan", account: account, active: "/reports", body: body)
    }
}

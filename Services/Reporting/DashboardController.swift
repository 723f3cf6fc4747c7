import Foundation
import HTTPTypes
import Hummingbird
import JembatanShared

/// `GET /`: a server-rendered overview of every request (no scripts, no external assets).
struct DashboardController: Sendable {
    let context: ServiceContext

    func register(on router: Router<JembatanRequestContext>) {
        router.get("/", use: overview)
        router.get("login", use: loginForm)
        router.post("login", use: login)
        router.post("logout", use: logout)
    }

    static let cookieName = AuthenticationMiddleware.sessionCookie

    static func redirect(to location: String, cookie: String? = nil) -> Response {
        DashboardPage.redirect(to: location, cookie: cookie)
    }

    @Sendable func loginForm(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let failed = request.uri.queryParameters.get("failed") != nil
        let page = """
            <!doctype html><html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Jembatan — Masuk</title><style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:32rem}input{width:100%;padding:.5rem;margin:.5rem 0}</style></head>
            <body><h1>Jembatan</h1><p>Masuk dengan token akun Anda (dari <code>jembatan accounts create</code>).</p>
            \(failed ? "<p style=\"color:#a00\">Token tidak dikenal, kedaluwarsa, atau dicabut.</p>" : "")
            <form method="post" action="/login"><label>Token <input name="token" type="password" autocomplete="off" required></label>
            <button type="submit">Masuk</button></form></body></html>
            """
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: page)))
    }

    @Sendable func login(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let body = try await request.body.collect(upTo: 4096)
        let form = String(buffer: body)
        let token = form.split(separator: "&").compactMap { field -> String? in
            let pair = field.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0] == "token" else { return nil }
            return String(pair[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
        }.first
        guard let token else {
            throw APIError(.badRequest, code: "missing_field", message: "send the form field 'token' (application/x-www-form-urlencoded)", field: "token")
        }
        guard let parsed = AccessToken(presented: token), try await context.accounts.account(for: parsed) != nil else {
            return Self.redirect(to: "/login?failed=1")
        }
        return Self.redirect(to: "/", cookie: "\(Self.cookieName)=\(token); Path=/; HttpOnly; SameSite=Strict; Max-Age=28800")
    }

    @Sendable func logout(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        Self.redirect(to: "/login", cookie: "\(Self.cookieName)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
    }

    /// A step's short name as the read model numbers steps ("3 · Evaluasi teknis").
    static func stepName(_ number: Int) -> String { SOPProfileCatalog.readModelSteps.step(number)?.shortName ?? "" }

    @Sendable func overview(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        guard let account = routeContext.sessionAccount else { return Self.redirect(to: "/login") }
        let requests = try await ReportReads.requests(client: context.client, logger: context.logger).filter { account.mayAccess(agency: $0.agencyCode) }
        let at = DashboardPage.time
        var rows = ""
        for item in requests {
            let id = HTMLText.escape(item.requestId)
            rows += "<tr><td><a href=\"/requests/\(id)\"><code>\(id.prefix(8))</code></a></td><td>\(HTMLText.escape(item.agencyCode ?? "–"))</td>"
            rows += "<td>\(HTMLText.escape(item.title ?? "–"))</td><td>\(item.sopStep) · \(HTMLText.escape(Self.stepName(item.sopStep)))</td>"
            rows += "<td class=\"\(item.state.rawValue)\">\(HTMLText.escape(item.state.label))</td><td>\(at(item.updatedAt))</td>"
            rows += "<td><a href=\"/v1/requests/\(id)/report\">laporan</a> · <a href=\"/v1/requests/\(id)/report.pdf\">PDF</a></td></tr>\n"
        }
        let completed = requests.filter { $0.state == .completed }.count
        // Open requests by the SOP step they are at.
        var byStep: [Int: Int] = [:]
        for item in requests where !item.state.isClosed { byStep[item.sopStep, default: 0] += 1 }
        let stepChart = DashboardPage.bars((1...9).map { ("\($0) · \(Self.stepName($0))", Double(byStep[$0] ?? 0), "#2f6db5") }, unit: "")
        // Compliance with the standard durations this month (the monthly report's measure).
        let month = try await MonthlyReport.assemble(period: MonthlyReport.period(of: Date()), context: context, clock: ReportingService.clock, now: Date())
        let lines = month.agencies.filter { account.mayAccess(agency: $0.agencyCode) }
        let measured = lines.reduce(0) { $0 + $1.stepsMeasured }, onTime = lines.reduce(0) { $0 + $1.onTime }
        let compliance = measured == 0 ? "–" : String(format: "%.1f %%", Double(onTime) * 100 / Double(measured))
        let complianceChart = DashboardPage.bars(lines.map { ($0.agencyCode, $0.compliancePercent ?? 0, ($0.compliancePercent ?? 0) >= 100 ? "#1d7a3e" : "#b5651d") }, unit: " %", maximum: 100)
        // Open SLA warnings and breaches (the highest threshold per request's current step).
        var highest: [String: StoredAlert] = [:]
        for alert in try await ReadModelStore.openAlerts(client: context.client, logger: context.logger) where account.mayAccess(agency: alert.agencyCode) {
            if (highest[alert.requestId]?.threshold ?? 0) < alert.threshold { highest[alert.requestId] = alert }
        }
        var alertRows = ""
        for alert in highest.values.sorted(by: { ($0.threshold, $1.deadline) > ($1.threshold, $0.deadline) }) {
            let label = alert.threshold >= 100 ? "Melewati standar (eskalasi ke Kepala)" : "\(alert.threshold) % standar waktu terpakai"
            alertRows += "<tr class=\"sla\(alert.threshold)\"><td><a href=\"/requests/\(HTMLText.escape(alert.requestId))\"><code>\(HTMLText.escape(String(alert.requestId.prefix(8))))</code></a></td><td>\(HTMLText.escape(alert.agencyCode ?? "–"))</td>"
            alertRows += "<td>\(alert.step) · \(HTMLText.escape(Self.stepName(alert.step)))</td><td>\(DashboardPage.slaBar(alert.usedPercent)) \(label)</td><td>\(at(alert.deadline))</td></tr>\n"
        }
        let alertSection = alertRows.isEmpty ? "<p>Tidak ada peringatan SLA.</p>" : """
            <div class="scroll"><table><thead><tr><th>Permohonan</th><th>Instansi</th><th>Langkah</th><th>Peringatan</th><th>Batas waktu</th></tr></thead><tbody>
            \(alertRows)</tbody></table></div>
            """
        let body = """
            <div class="cards"><div class="card"><b>\(requests.count)</b>permohonan</div><div class="card"><b>\(completed)</b>selesai</div>
            <div class="card"><b>\(highest.count)</b>peringatan SLA terbuka</div><div class="card"><b>\(compliance)</b>kepatuhan mutu baku \(month.period)</div></div>
            <h2>Peringatan SLA (Mutu Baku waktu, hari kerja)</h2>
            \(alertSection)
            <div class="two"><div><h2>Permohonan berjalan per langkah SOP</h2>\(stepChart)</div>
            <div><h2>Kepatuhan mutu baku per instansi, \(month.period)</h2>\(lines.isEmpty ? "<p>Belum ada langkah yang diukur bulan ini.</p>" : complianceChart)</div></div>
            <h2>Permohonan</h2>
            <div class="scroll"><table><thead><tr><th>Permohonan</th><th>Instansi</th><th>Judul</th><th>Langkah SOP</th><th>Status</th><th>Diperbarui</th><th>Laporan</th></tr></thead>
            <tbody>
            \(rows)</tbody></table></div>
            """
        return DashboardPage.response(title: "Dasbor Integrasi Data", account: account, active: "/", body: body)
    }
}

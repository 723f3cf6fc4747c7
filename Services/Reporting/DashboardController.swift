import Foundation
import HTTPTypes
import Hummingbird
import JembatanShared

/// `GET /`: a server-rendered overview of every request (no scripts, no external assets).
struct DashboardController: Sendable {
    let context: ServiceContext

    func register(on router: Router<some RequestContext>) {
        router.get("/", use: overview)
        router.get("login", use: loginForm)
        router.post("login", use: login)
        router.post("logout", use: logout)
    }

    static let cookieName = "jembatan_session"

    /// The account behind the session cookie (or a bearer header), if any.
    func sessionAccount(_ request: Request) async throws -> Account? {
        var tokenText: String?
        if let header = request.headers[.authorization], header.hasPrefix("Bearer ") { tokenText = String(header.dropFirst(7)) }
        if tokenText == nil, let cookies = request.headers[.cookie] {
            for part in cookies.split(separator: ";") {
                let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if pair.count == 2, pair[0] == Self.cookieName { tokenText = String(pair[1]) }
            }
        }
        guard let tokenText, let token = AccessToken(presented: tokenText) else { return nil }
        return try await context.accounts.account(for: token)
    }

    static func redirect(to location: String, cookie: String? = nil) -> Response {
        var headers: HTTPFields = [.location: location]
        if let cookie { headers[.setCookie] = cookie }
        return Response(status: .seeOther, headers: headers)
    }

    @Sendable func loginForm(_ request: Request, _ routeContext: some RequestContext) async throws -> Response {
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

    @Sendable func login(_ request: Request, _ routeContext: some RequestContext) async throws -> Response {
        let body = try await request.body.collect(upTo: 4096)
        let form = String(buffer: body)
        let token = form.split(separator: "&").compactMap { field -> String? in
            let pair = field.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0] == "token" else { return nil }
            return String(pair[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
        }.first
        guard let token, let parsed = AccessToken(presented: token), try await context.accounts.account(for: parsed) != nil else {
            return Self.redirect(to: "/login?failed=1")
        }
        return Self.redirect(to: "/", cookie: "\(Self.cookieName)=\(token); Path=/; HttpOnly; SameSite=Strict; Max-Age=28800")
    }

    @Sendable func logout(_ request: Request, _ routeContext: some RequestContext) async throws -> Response {
        Self.redirect(to: "/login", cookie: "\(Self.cookieName)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
    }

    static let stepNames = [1: "Permohonan", 2: "Definisi data", 3: "Evaluasi teknis", 4: "Dokumen interchange", 5: "Penyiapan API", 6: "Uji integrasi",
                            7: "Penyerahan hasil", 8: "Validasi", 9: "Evaluasi akhir", 10: "Selesai"]

    @Sendable func overview(_ request: Request, _ routeContext: some RequestContext) async throws -> Response {
        guard let account = try await sessionAccount(request) else { return Self.redirect(to: "/login") }
        let requests = try await ReportsController(context: context).summaries(requestId: nil).filter { account.mayAccess(agency: $0.agencyCode) }
        // Times as the offices read them: Western Indonesian Time.
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "id_ID")
        formatter.timeZone = TimeZone(identifier: "Asia/Jakarta")
        formatter.dateFormat = "d MMM yyyy HH:mm 'WIB'"
        var rows = ""
        for item in requests {
            let report = "/v1/requests/\(HTMLText.escape(item.requestId))/report"
            rows += "<tr><td><code>\(HTMLText.escape(item.requestId))</code><br><a href=\"\(report)\">laporan</a> · <a href=\"\(report).pdf\">PDF</a></td><td>\(HTMLText.escape(item.agencyCode ?? "–"))</td>"
            rows += "<td>\(HTMLText.escape(item.title ?? "–"))</td><td>\(item.sopStep) · \(HTMLText.escape(Self.stepNames[item.sopStep] ?? ""))</td>"
            rows += "<td class=\"\(HTMLText.escape(item.state))\">\(HTMLText.escape(item.state))</td><td>\(formatter.string(from: item.updatedAt))</td></tr>\n"
        }
        let completed = requests.filter { $0.state == "completed" }.count
        // Open SLA warnings and breaches (the highest threshold per request's current step).
        var highest: [String: SLAController.AlertView] = [:]
        for alert in try await SLAController.openAlerts(context: context) where account.mayAccess(agency: alert.agencyCode) {
            if (highest[alert.requestId]?.threshold ?? 0) < alert.threshold { highest[alert.requestId] = alert }
        }
        var alertRows = ""
        for alert in highest.values.sorted(by: { ($0.threshold, $1.deadline) > ($1.threshold, $0.deadline) }) {
            let label = alert.threshold >= 100 ? "Melewati standar (eskalasi ke Kepala)" : "\(alert.threshold) % standar waktu terpakai"
            alertRows += "<tr class=\"sla\(alert.threshold)\"><td><code>\(HTMLText.escape(alert.requestId))</code></td><td>\(HTMLText.escape(alert.agencyCode ?? "–"))</td>"
            alertRows += "<td>\(alert.step) · \(HTMLText.escape(Self.stepNames[alert.step] ?? ""))</td><td>\(label)</td><td>\(formatter.string(from: alert.deadline))</td></tr>\n"
        }
        let alertSection = alertRows.isEmpty ? "<p>Tidak ada peringatan SLA.</p>" : """
            <table><thead><tr><th>Permohonan</th><th>Instansi</th><th>Langkah</th><th>Peringatan</th><th>Batas waktu</th></tr></thead><tbody>
            \(alertRows)</tbody></table>
            """
        let page = """
            <!doctype html><html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Jembatan — Dasbor Integrasi Data</title>
            <style>body{font-family:system-ui,sans-serif;margin:1rem;color:#1b1b1b}table{border-collapse:collapse;width:100%}
            th,td{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;font-size:.9rem}th{background:#f3f3f3}
            .completed{color:#0a6b2d;font-weight:600}.returned,.reopened{color:#a15c00}code{font-size:.8rem}
            .sla100 td{background:#fde2e1}.sla90 td{background:#fdebd3}.sla75 td{background:#fff4cc}h2{font-size:1.1rem;margin-top:1.5rem}</style></head>
            <body><h1>Jembatan — Dasbor Integrasi Data</h1>
            <form method="post" action="/logout" style="float:right">\(HTMLText.escape(account.name)) (\(account.role.rawValue)\(account.agencyCode.map { ", " + HTMLText.escape($0) } ?? "")) <button>Keluar</button></form>
            <p>\(requests.count) permohonan, \(completed) selesai.</p>
            <h2>Peringatan SLA (Mutu Baku waktu, hari kerja)</h2>
            \(alertSection)
            <h2>Permohonan</h2>
            <table><thead><tr><th>Permohonan</th><th>Instansi</th><th>Judul</th><th>Langkah SOP</th><th>Status</th><th>Diperbarui</th></tr></thead>
            <tbody>
            \(rows)</tbody></table></body></html>
            """
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: page)))
    }
}

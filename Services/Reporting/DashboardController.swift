import Foundation
import Hummingbird
import JembatanShared

/// `GET /`: a server-rendered overview of every request (no scripts, no external assets).
struct DashboardController: Sendable {
    let context: ServiceContext

    func register(on router: Router<some RequestContext>) {
        router.get("/", use: overview)
    }

    static let stepNames = [1: "Permohonan", 2: "Disposisi", 3: "Evaluasi teknis", 5: "Penyiapan API", 8: "Validasi", 10: "Selesai"]

    @Sendable func overview(_ request: Request, _ routeContext: some RequestContext) async throws -> Response {
        let requests = try await ReportsController(context: context).summaries(requestId: nil)
        let formatter = ISO8601DateFormatter()
        var rows = ""
        for item in requests {
            rows += "<tr><td><code>\(HTMLText.escape(item.requestId))</code></td><td>\(HTMLText.escape(item.agencyCode ?? "–"))</td>"
            rows += "<td>\(HTMLText.escape(item.title ?? "–"))</td><td>\(item.sopStep) · \(HTMLText.escape(Self.stepNames[item.sopStep] ?? ""))</td>"
            rows += "<td class=\"\(HTMLText.escape(item.state))\">\(HTMLText.escape(item.state))</td><td>\(formatter.string(from: item.updatedAt))</td></tr>\n"
        }
        let completed = requests.filter { $0.state == "completed" }.count
        let page = """
            <!doctype html><html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Jembatan — Dasbor Integrasi Data</title>
            <style>body{font-family:system-ui,sans-serif;margin:1rem;color:#1b1b1b}table{border-collapse:collapse;width:100%}
            th,td{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;font-size:.9rem}th{background:#f3f3f3}
            .completed{color:#0a6b2d;font-weight:600}.returned,.reopened{color:#a15c00}code{font-size:.8rem}</style></head>
            <body><h1>Jembatan — Dasbor Integrasi Data</h1>
            <p>\(requests.count) permohonan, \(completed) selesai.</p>
            <table><thead><tr><th>Permohonan</th><th>Instansi</th><th>Judul</th><th>Langkah SOP</th><th>Status</th><th>Diperbarui</th></tr></thead>
            <tbody>
            \(rows)</tbody></table></body></html>
            """
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: page)))
    }
}

import Foundation
import Testing

@testable import JembatanShared
@testable import Reporting

/// Every report of reporting rendered from fixed data through its template: the content a reader
/// needs is there, and text from requests (titles, notes, agency codes) is shown, never run. (The
/// pages people browse are the workspace's: WorkspaceTests.)
@Suite("Reporting's report templates")
struct PageTemplateTests {
    static let hostile = #"<script>alert("x")</script> & 'y'"#
    static let escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
    static let at = ISO8601DateFormatter().date(from: "2026-12-04T02:30:00Z")!
    static func expectSafe(_ html: String, _ label: String) {
        #expect(!html.contains("<script>"), "\(label): hostile text reached the page as markup")
        #expect(html.contains(escaped), "\(label): hostile text is not shown escaped")
        #expect(html.hasPrefix("<!doctype html>"), "\(label): not a whole page")
    }

    @Test("the integration report: every section, hostile text escaped, statuses and findings in Indonesian")
    func integrationReport() throws {
        var report = IntegrationReport(requestId: "r1", generatedAt: Self.at)
        let actor = ActorReference(id: Self.hostile, role: .producer)
        report.submission = RequestSubmitted(
            requestId: "r1", agencyCode: "3514", title: Self.hostile, purpose: "Tujuan", profile: "pasuruan",
            datasets: [], submittedBy: actor, submittedAt: Self.at)
        report.disposition = RequestDispositioned(
            requestId: "r1", note: Self.hostile, dispositionedBy: actor, dispositionedAt: Self.at)
        report.steps = [
            .init(
                step: 3, name: "Evaluasi", duration: .init(value: 1, unit: .months), startedAt: Self.at, endedAt: nil,
                usedPercent: 130, status: "overdue")
        ]
        report.timeline = [
            .init(occurredAt: Self.at, type: EventType.requestDispositioned.rawValue, actor: "kadis (head)")
        ]
        let html = try ReportPage.render(report)
        #expect(!html.contains("<script>") && html.contains(Self.escaped))
        #expect(
            html.contains("1 bulan") && html.contains("berjalan, MELEWATI standar")
                && html.contains("Permohonan didisposisi"))
        #expect(html.contains("Belum ada kontrak.") && html.contains("Belum ada keputusan akhir."))
        for section in 1...10 { #expect(html.contains("<h2>\(section). "), "section \(section)") }
    }

    @Test("the monthly and maintenance reports render from their data, empty tables saying so")
    func periodicReports() throws {
        let monthly = MonthlyReport(
            period: "2026-11", from: Self.at, to: Self.at, generatedAt: Self.at, provisional: true)
        let monthlyHTML = try monthly.html()
        #expect(
            monthlyHTML.contains("Laporan Bulanan Integrasi Data 2026-11")
                && monthlyHTML.contains("<strong>sementara</strong>") && monthlyHTML.contains("Tidak ada."))
        var withData = monthly
        withData.states = ["completed": 2]
        #expect(try withData.html().contains("<td>selesai</td><td>2</td>"), "states in Indonesian")
    }
}

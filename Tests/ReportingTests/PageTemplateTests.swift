import Foundation
import Testing

@testable import JembatanShared
@testable import Reporting

/// Every page and report of reporting rendered from fixed data through its template: the content a
/// reader needs is there, and text from requests (titles, notes, agency codes) is shown, never run.
@Suite("Reporting's page templates")
struct PageTemplateTests {
    static let hostile = #"<script>alert("x")</script> & 'y'"#
    static let escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
    static let at = ISO8601DateFormatter().date(from: "2026-12-04T02:30:00Z")!
    static let account = Account(id: "kadis", name: hostile, role: .head, agencyCode: nil)

    static func render(_ template: String, _ page: some Sendable, title: String = hostile) throws -> String {
        try ReportingService.views.render(
            template,
            Page(
                frame: PageFrame(title: title, sections: DashboardPage.sections, active: "/", account: account),
                page: page))
    }

    static func expectSafe(_ html: String, _ label: String) {
        #expect(!html.contains("<script>"), "\(label): hostile text reached the page as markup")
        #expect(html.contains(escaped), "\(label): hostile text is not shown escaped")
        #expect(html.hasPrefix("<!doctype html>"), "\(label): not a whole page")
    }

    @Test("the overview: cards, alerts with their bar, the step chart, each request with its state in Indonesian")
    func overview() throws {
        let view = DashboardController.OverviewView(
            requestCount: 3, completedCount: 1, alertCount: 1, compliance: "66.7 %", period: "2026-12", hasAlerts: true,
            alerts: [
                .init(
                    requestId: "r1", shortId: "r1", agency: Self.hostile, step: "3 · Evaluasi teknis", threshold: 90,
                    bar: SLABar(usedPercent: 92.4),
                    label: "90 % standar waktu terpakai", deadline: WIB.format(Self.at))
            ],
            stepChart: BarChart([("3 · Evaluasi teknis", 2, "#2f6db5")], unit: ""), complianceChart: nil,
            requests: [
                .init(
                    requestId: "r1", shortId: "r1", agency: "3514", title: Self.hostile, step: "3 · Evaluasi teknis",
                    state: "returned",
                    stateLabel: RequestState.returned.label, updated: WIB.format(Self.at))
            ])
        let html = try Self.render("overview", view)
        Self.expectSafe(html, "overview")
        #expect(html.contains("<b>3</b>permohonan") && html.contains("66.7 %"))
        #expect(html.contains("class=\"sla90\"") && html.contains("aria-label=\"92 %\"") && html.contains("92.4 %"))
        #expect(
            html.contains("dikembalikan") && html.contains("4 Des 2026 09.30 WIB")
                || html.contains("4 Des 2026 09:30 WIB"))
        #expect(html.contains("Belum ada langkah yang diukur bulan ini."), "no compliance chart: its empty text")
        #expect(html.contains("<a href=\"/\" class=\"active\">Ringkasan</a>"))
    }

    @Test("no alert: the overview says so instead of an empty table")
    func overviewWithoutAlerts() throws {
        let view = DashboardController.OverviewView(
            requestCount: 0, completedCount: 0, alertCount: 0, compliance: "–", period: "2026-12", hasAlerts: false,
            alerts: [], stepChart: BarChart([], unit: ""), complianceChart: nil, requests: [])
        let html = try Self.render("overview", view, title: "Dasbor")
        #expect(html.contains("Tidak ada peringatan SLA.") && !html.contains("<th>Peringatan</th>"))
    }

    @Test("a request page: each step against its standard in Indonesian units, the timeline in words")
    func request() throws {
        let steps = [
            IntegrationReport.Step(
                step: 3, name: "Evaluasi skenario integrasi", duration: .init(value: 3, unit: .workingDays),
                startedAt: Self.at, endedAt: nil, usedPercent: 120, status: "overdue")
        ]
        let view = DashboardPages.RequestView(
            requestId: "r1", agency: Self.hostile, profile: "pasuruan", profileName: "Pasuruan",
            steps: ReportPage.lines(steps, open: "berjalan"), overall: nil,
            timeline: ReportPage.Entry.lines([
                .init(occurredAt: Self.at, type: EventType.requestSubmitted.rawValue, actor: Self.hostile)
            ]))
        let html = try Self.render("request", view)
        Self.expectSafe(html, "request")
        #expect(html.contains("3 hari kerja") && html.contains("Permohonan diajukan") && !html.contains("id.jembatan."))
        #expect(
            html.contains("<tr class=\"overdue\">") && html.contains("120.0 %") && html.contains("<td>berjalan</td>"))
    }

    @Test("the catalogue, the volume page and the report list, empty and filled")
    func listings() throws {
        let catalogue = DashboardPages.CatalogueView(entries: [
            .init(
                datasetId: "kunjungan-1", requestId: "r1", agency: "3514", classification: "internal",
                frequency: "daily", lastIngest: "–",
                staleSince: "3 Des 2026", freshness: "belum ada data", score: "97.5", records: 12,
                consumers: Self.hostile)
        ])
        let filled = try Self.render("catalogue", catalogue)
        Self.expectSafe(filled, "catalogue")
        #expect(filled.contains("terlambat (temuan 3 Des 2026)") && !filled.contains("Belum ada dataset."))
        #expect(try Self.render("catalogue", DashboardPages.CatalogueView(entries: [])).contains("Belum ada dataset."))
        let volume = DashboardPages.VolumeView(
            chart: ColumnChart([("12-01", 5), ("12-02", 0)]),
            days: [.init(day: "2026-12-01", batches: 1, accepted: 5, rejected: 0)])
        let volumeHTML = try Self.render("volume", volume)
        #expect(volumeHTML.contains("<title>12-01: 5</title>") && volumeHTML.contains("<td>2026-12-01</td>"))
        let reports = DashboardPages.ReportsView(
            month: "2026-12",
            reports: [
                .init(
                    reportId: "p1", title: Self.hostile, kind: "integration", version: 1,
                    generated: "4 Des 2026", sha: "abcdef")
            ])
        let reportsHTML = try Self.render("reports", reports)
        Self.expectSafe(reportsHTML, "reports")
        #expect(
            reportsHTML.contains("/v1/monthly-reports/2026-12/report")
                && reportsHTML.contains("/v1/reports/p1/document.pdf"))
        #expect(
            !(try Self.render("reports", DashboardPages.ReportsView(month: nil, reports: []))).contains(
                "Bulan berjalan"), "an agency's account sees no office report")
    }

    @Test("the sign-in page has no section links and says when a token failed")
    func login() throws {
        let html = try ReportingService.views.render(
            "login",
            Page(
                frame: PageFrame(title: "Masuk", sections: [], active: "", account: nil),
                page: DashboardController.LoginView(failed: true)))
        #expect(html.contains("Token tidak dikenal") && !html.contains("Keluar") && !html.contains("Ringkasan"))
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

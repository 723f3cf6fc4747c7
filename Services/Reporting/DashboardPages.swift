import Foundation
import Hummingbird
import JembatanShared
import PostgresNIO

/// The dashboard's frame: its sections and the page templates (no scripts, no external assets:
/// offline networks, readable on a phone).
enum DashboardPage {
    /// 303 to `location`, setting `cookie` when given (sign-in, sign-out, pages without a session).
    static func redirect(to location: String, cookie: String? = nil) -> Response {
        var headers: HTTPFields = [.location: location]
        if let cookie { headers[.setCookie] = cookie }
        return Response(status: .seeOther, headers: headers)
    }

    static let sections: [(path: String, name: String)] = [
        ("/", "Ringkasan"), ("/catalogue", "Katalog dataset"), ("/volume", "Volume pertukaran"),
        ("/reports", "Laporan"),
    ]

    /// `template` in the dashboard's frame, titled `title`, the section `active` marked.
    static func response<Model: Sendable>(
        _ template: String, title: String, account: Account?, active: String, page: Model
    ) throws -> Response {
        try ReportingService.views.response(
            template,
            Page(
                frame: PageFrame(
                    title: title, sections: account == nil ? [] : sections, active: active, account: account),
                page: page))
    }
}

/// The dashboard's other pages: request detail, dataset catalogue, exchange volume, stored reports.
struct DashboardPages: Sendable {
    let context: ServiceContext
    /// The SLA clock on the calendar as last loaded.
    var clock: SLAClock { ReportingService.clock }

    func register(on router: Router<JembatanRequestContext>) {
        router.get("requests/:id", use: detail)
        router.get("catalogue", use: catalogue)
        router.get("volume", use: volume)
        router.get("reports", use: reports)
    }

    struct RequestView: Sendable {
        let requestId: String
        let agency: String
        let profile: String
        let profileName: String
        let steps: [ReportPage.StepLine]
        let overall: ReportPage.StepLine?
        let timeline: [ReportPage.Entry]
    }

    @Sendable func detail(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        guard let account = routeContext.sessionAccount else { return DashboardPage.redirect(to: "/login") }
        let requestId = try request.requestIDParameter(routeContext)
        guard
            let report = try await IntegrationReport.assemble(
                requestId: requestId, context: context, clock: clock, at: Date()),
            account.mayAccess(agency: report.submission?.agencyCode)
        else { throw APIError.notFound("request") }
        let view = RequestView(
            requestId: requestId, agency: report.submission?.agencyCode ?? "–",
            profile: report.submission?.profile ?? "–", profileName: report.profileName ?? "–",
            steps: ReportPage.StepLine.lines(report.steps, open: "berjalan"),
            overall: report.overall.flatMap { ReportPage.StepLine.lines([$0], open: "berjalan").first },
            timeline: ReportPage.Entry.lines(report.timeline))
        return try DashboardPage.response(
            "request", title: report.submission?.title ?? "Permohonan", account: account, active: "", page: view)
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
        for stored in try await ReportReads.latestEvents(
            ofType: .contractAgreed, client: context.client, logger: logger)
        {
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
                var entry = CatalogueEntry(
                    datasetId: datasetId, requestId: provisioned.requestId, agencyCode: provisioned.agencyCode)
                entry.name = endpoint.dataset
                if let contract = contracts[provisioned.requestId],
                    let definition = contract.datasets.first(where: { $0.name == endpoint.dataset })
                {
                    entry.classification = definition.classification ?? "–"
                    entry.frequency = definition.updateFrequency ?? "–"
                    entry.consumers = contract.consumers ?? []
                }
                entry.score = scores[provisioned.requestId]
                if let (records, last) = volume[datasetId] {
                    entry.records = records
                    entry.lastIngest = last
                }
                if let finding = findings[datasetId], finding > (entry.lastIngest ?? .distantPast) {
                    entry.staleSince = finding
                }
                entries[datasetId] = entry
            }
        }
        return entries.values.sorted { ($0.agencyCode, $0.datasetId) < ($1.agencyCode, $1.datasetId) }
    }

    struct CatalogueView: Sendable {
        struct Line: Sendable {
            let datasetId: String
            let requestId: String
            let agency: String
            let classification: String
            let frequency: String
            let lastIngest: String
            let staleSince: String?
            let freshness: String
            let score: String
            let records: Int
            let consumers: String
        }

        let entries: [Line]
    }

    @Sendable func catalogue(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        guard let account = routeContext.sessionAccount else { return DashboardPage.redirect(to: "/login") }
        let entries = try await catalogueEntries().filter { account.mayAccess(agency: $0.agencyCode) }.map { entry in
            CatalogueView.Line(
                datasetId: entry.datasetId, requestId: entry.requestId, agency: entry.agencyCode,
                classification: entry.classification,
                frequency: entry.frequency, lastIngest: WIB.format(entry.lastIngest),
                staleSince: entry.staleSince.map(WIB.format),
                freshness: entry.lastIngest == nil ? "belum ada data" : "tepat waktu",
                score: entry.score.map { String(format: "%.1f", $0) } ?? "–",
                records: entry.records, consumers: entry.consumers.joined(separator: ", "))
        }
        return try DashboardPage.response(
            "catalogue", title: "Katalog dataset", account: account, active: "/catalogue",
            page: CatalogueView(entries: entries))
    }

    struct VolumeView: Sendable {
        struct Day: Sendable {
            let day: String
            let batches: Int
            let accepted: Int
            let rejected: Int
        }

        let chart: ColumnChart
        let days: [Day]
    }

    @Sendable func volume(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        guard let account = routeContext.sessionAccount else { return DashboardPage.redirect(to: "/login") }
        // Records accepted per WIB day over the last 30 days (an agency sees its own pushes).
        var totals: [String: (accepted: Int, rejected: Int, batches: Int)] = [:]
        for (day, agency, accepted, rejected, batches) in try await ReportReads.dailyVolumes(
            client: context.client, logger: routeContext.logger)
        where account.mayAccess(agency: agency) {
            let current = totals[day] ?? (0, 0, 0)
            totals[day] = (current.accepted + accepted, current.rejected + rejected, current.batches + batches)
        }
        var series: [(label: String, value: Double)] = []
        var days: [VolumeView.Day] = []
        for offset in (0..<30).reversed() {
            let date = Date().addingTimeInterval(-Double(offset) * 86_400)
            let parts = WIB.calendar.dateComponents([.year, .month, .day], from: date)
            let day = String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
            let value = totals[day] ?? (0, 0, 0)
            series.append((String(day.suffix(5)), Double(value.accepted)))
            if value.batches > 0 {
                days.insert(
                    .init(day: day, batches: value.batches, accepted: value.accepted, rejected: value.rejected), at: 0)
            }
        }
        return try DashboardPage.response(
            "volume", title: "Volume pertukaran", account: account, active: "/volume",
            page: VolumeView(chart: ColumnChart(series), days: days))
    }

    struct ReportsView: Sendable {
        struct Line: Sendable {
            let reportId: String
            let title: String
            let kind: String
            let version: Int
            let generated: String
            let sha: String
        }

        /// The running month's live reports, for the office (not for an agency's own account).
        let month: String?
        let reports: [Line]
    }

    @Sendable func reports(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        guard let account = routeContext.sessionAccount else { return DashboardPage.redirect(to: "/login") }
        var lines: [ReportsView.Line] = []
        if account.role != .consumer {
            for report in try await ReportArchive(context: context).entries(kind: nil, subject: nil)
            where ReportArchive.mayRead(account, kind: report.kind, agency: report.agencyCode) {
                lines.append(
                    .init(
                        reportId: report.reportId, title: report.title, kind: report.kind, version: report.version,
                        generated: WIB.format(report.generatedAt), sha: String(report.sha256.prefix(16))))
            }
        }
        let view = ReportsView(
            month: account.agencyCode == nil ? MonthlyReport.period(of: Date()) : nil, reports: lines)
        return try DashboardPage.response("reports", title: "Laporan", account: account, active: "/reports", page: view)
    }
}

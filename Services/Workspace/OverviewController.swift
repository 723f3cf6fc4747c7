import Foundation
import Hummingbird
import JembatanShared

/// The pages the reporting dashboard had, now in the workspace (reading reporting's JSON):
/// overview, dataset catalogue, exchange volume, stored reports.
struct OverviewController: Sendable {
    let context: WorkspaceContext

    func register(on router: RouterGroup<WorkspaceRequestContext>) {
        router.get("ringkasan", use: overview)
        router.get("katalog", use: catalogue)
        router.get("volume", use: volume)
        router.get("laporan", use: reports)
        router.get("laporan/bulanan/:month", use: monthly)
        router.post("laporan/terbitkan", use: publish)
        router.get("laporan/:reportId", use: report)
        router.get("laporan/:reportId/pdf", use: reportPDF)
    }

    static let office: Set<Role> = [.producer, .head, .supervisor, .technical, .admin]

    struct OverviewView: Sendable {
        struct Alert: Sendable {
            let requestId: String
            let shortId: String
            let agency: String
            let step: String
            let threshold: Int
            let bar: SLABar
            let label: String
            let deadline: String
        }

        struct Line: Sendable {
            let requestId: String
            let shortId: String
            let agency: String
            let title: String
            let step: String
            let state: String
            let stateLabel: String
            let updated: String
        }

        let requestCount: String
        let completedCount: String
        let alertCount: String
        let compliance: String
        let period: String
        let hasAlerts: Bool
        let alerts: [Alert]
        let stepChart: BarChart
        let complianceChart: BarChart?
        let calendarNotice: String?
        let requests: [Line]
    }

    /// The alert to everyone who reads deadlines when a year's decree is missing.
    static func calendarNotice(_ missing: [Int]) -> String? {
        guard let first = missing.first else { return nil }
        let years = missing.map(String.init).joined(separator: ", ")
        return
            "keputusan libur nasional dan cuti bersama tahun \(years) belum dimuat. Batas waktu yang jatuh pada tahun itu bersifat sementara (hanya akhir pekan dan libur bertanggal tetap). Admin memuatnya dengan jembatan calendar import atau PUT /v1/calendar/years/\(first)."
    }

    @Sendable func overview(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person(in: Self.office)
        let data = try await context.services.get(DashboardSummary.self, .reporting, "/v1/dashboard", as: person)
        let view = OverviewView(
            requestCount: Indonesian.integer(data.requestCount),
            completedCount: Indonesian.integer(data.completedCount),
            alertCount: Indonesian.integer(data.alerts.count),
            compliance: data.compliancePercent.map { "\(Indonesian.number($0)) %" } ?? "–", period: data.period,
            hasAlerts: !data.alerts.isEmpty,
            alerts: data.alerts.map { alert in
                OverviewView.Alert(
                    requestId: alert.requestId, shortId: String(alert.requestId.prefix(8)),
                    agency: alert.agencyCode ?? "–",
                    step: alert.step > 0 ? "Langkah \(alert.step)" : "Di luar penomoran SOP",
                    threshold: alert.threshold,
                    bar: SLABar(usedPercent: alert.usedPercent),
                    label: alert.threshold >= 100
                        ? "Melewati standar (eskalasi ke Kepala)" : "\(alert.threshold) % standar waktu terpakai",
                    deadline: WIB.format(alert.deadline))
            },
            stepChart: BarChart(data.openByPhase.map { ($0.label, Double($0.count), "#2f6db5") }, unit: ""),
            complianceChart: data.agencies.isEmpty
                ? nil
                : BarChart(
                    data.agencies.map {
                        (
                            $0.agencyCode, $0.compliancePercent ?? 0,
                            ($0.compliancePercent ?? 0) >= 100 ? "#1d7a3e" : "#b5651d"
                        )
                    }, unit: " %", maximum: 100),
            calendarNotice: Self.calendarNotice(data.missingCalendarYears),
            requests: data.requests.map { item in
                OverviewView.Line(
                    requestId: item.requestId, shortId: String(item.requestId.prefix(8)),
                    agency: item.agencyCode ?? "–", title: item.title ?? "–",
                    step: item.phase.map { item.step > 0 ? "\(item.step) · \($0.label)" : $0.label } ?? "–",
                    state: item.state.rawValue, stateLabel: item.state.label, updated: WIB.format(item.updatedAt))
            })
        return try Pages.render(
            "overview", title: "Ringkasan integrasi data", signedIn: person, active: "/ringkasan",
            taskCount: try await context.taskCount(person), page: view)
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
            let records: String
            let consumers: String
            let linkRequest: Bool
        }

        let entries: [Line]
    }

    @Sendable func catalogue(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person()
        let data = try await context.services.get(DatasetCatalogue.self, .reporting, "/v1/catalogue", as: person)
        let entries = data.datasets.map { entry in
            CatalogueView.Line(
                datasetId: entry.datasetId, requestId: entry.requestId, agency: entry.agencyCode,
                classification: entry.classification ?? "–", frequency: entry.updateFrequency ?? "–",
                lastIngest: WIB.format(entry.lastIngestAt), staleSince: entry.staleSince.map(WIB.format),
                freshness: entry.lastIngestAt == nil ? "belum ada data" : "tepat waktu",
                score: entry.qualityScore.map { Indonesian.number($0) } ?? "–",
                records: Indonesian.integer(entry.records), consumers: entry.consumers.joined(separator: ", "),
                linkRequest: person.account.role != .consumer)
        }
        return try Pages.render(
            "catalogue", title: "Katalog dataset", signedIn: person, active: "/katalog",
            taskCount: try await context.taskCount(person), page: CatalogueView(entries: entries))
    }

    struct VolumeView: Sendable {
        struct Day: Sendable {
            let day: String
            let batches: String
            let accepted: String
            let rejected: String
        }

        let chart: ColumnChart
        let days: [Day]
    }

    @Sendable func volume(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person(in: Self.office)
        let data = try await context.services.get(ExchangeVolume.self, .reporting, "/v1/volume", as: person)
        let view = VolumeView(
            chart: ColumnChart(data.days.map { (String($0.day.suffix(5)), Double($0.accepted)) }),
            days: data.days.filter { $0.batches > 0 }.reversed().map {
                .init(
                    day: $0.day, batches: Indonesian.integer($0.batches), accepted: Indonesian.integer($0.accepted),
                    rejected: Indonesian.integer($0.rejected))
            })
        return try Pages.render(
            "volume", title: "Volume pertukaran", signedIn: person, active: "/volume",
            taskCount: try await context.taskCount(person), page: view)
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

        /// The running month's live report, for the office (not for an agency's own account).
        let month: String?
        let reports: [Line]
        /// The head, the Kepala Bidang and the admin publish a month's report here.
        var publish: Publish? = nil
        var done: String? = nil

        struct Publish: Sendable {
            let csrf: String
            let month: String
            let error: String?
        }
    }

    /// A month's report published now (stored, numbered by version, announced), e.g. after a late justification.
    @Sendable func publish(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person(in: [.head, .supervisor, .admin])
        let month = routeContext.form.trimmed("month")
        guard month.count == 7, month.firstMatch(of: /^\d{4}-(0[1-9]|1[0-2])$/) != nil else {
            return try await reportsPage(
                person, error: "Tulis bulan sebagai tahun-bulan, misalnya 2026-11.", status: .unprocessableContent)
        }
        let reply = try await context.services.submit(
            "POST", .reporting, "/v1/monthly-reports/\(month)/publications", as: person)
        guard reply.status < 300 else {
            return try await reportsPage(
                person, error: FormOutcome.explain(ServiceCalls.errorCode(reply)) + " Tidak ada yang diterbitkan.",
                status: .unprocessableContent)
        }
        return try await reportsPage(person, done: "Laporan bulanan \(month) diterbitkan dan diumumkan.")
    }

    static let kindLabels = [
        "integration": "hasil integrasi", "monthly": "bulanan", "maintenance": "pemeliharaan",
    ]

    @Sendable func reports(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        try await reportsPage(try routeContext.person(in: Self.office))
    }

    func reportsPage(
        _ person: SignedIn, done: String? = nil, error: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let data = try await context.services.get(Reads.Reports.self, .reporting, "/v1/reports", as: person)
        let parts = WIB.calendar.dateComponents([.year, .month], from: Date())
        let view = ReportsView(
            month: person.account.agencyCode == nil
                ? String(format: "%04d-%02d", parts.year ?? 0, parts.month ?? 0) : nil,
            reports: data.reports.map {
                .init(
                    reportId: $0.reportId, title: $0.title, kind: Self.kindLabels[$0.kind] ?? $0.kind,
                    version: $0.version, generated: WIB.format($0.generatedAt), sha: String($0.sha256.prefix(16)))
            })
        var page = view
        page.done = done
        if [.head, .supervisor, .admin].contains(person.account.role) {
            let last = WIB.calendar.date(byAdding: .month, value: -1, to: Date()) ?? Date()
            let parts = WIB.calendar.dateComponents([.year, .month], from: last)
            page.publish = .init(
                csrf: person.csrf, month: String(format: "%04d-%02d", parts.year ?? 0, parts.month ?? 0), error: error)
        }
        return try Pages.render(
            "reports", title: "Laporan", signedIn: person, active: "/laporan",
            taskCount: try await context.taskCount(person), page: page, status: status)
    }

    @Sendable func monthly(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person(in: [.head, .supervisor, .technical, .admin])
        guard let month = routeContext.parameters.get("month"), month.count == 7,
            month.allSatisfy({ $0.isNumber || $0 == "-" })
        else { throw PageError.notFound }
        let reply = try await context.services.raw(
            "GET", .reporting, "/v1/monthly-reports/\(month)/report", as: person)
        return TasksController.passOn(reply, type: "text/html; charset=utf-8")
    }

    func reportId(_ routeContext: WorkspaceRequestContext) throws -> String {
        guard let id = routeContext.parameters.get("reportId"), UUIDText.isValid(id) else { throw PageError.notFound }
        return id.lowercased()
    }

    @Sendable func report(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person(in: Self.office)
        let reply = try await context.services.raw(
            "GET", .reporting, "/v1/reports/\(try reportId(routeContext))", as: person)
        return TasksController.passOn(reply, type: "text/html; charset=utf-8")
    }

    @Sendable func reportPDF(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person(in: Self.office)
        let reply = try await context.services.raw(
            "GET", .reporting, "/v1/reports/\(try reportId(routeContext))/document.pdf", as: person)
        return TasksController.passOn(reply, type: "application/pdf")
    }
}

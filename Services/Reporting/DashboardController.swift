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

    struct LoginView: Sendable {
        let failed: Bool
    }

    @Sendable func loginForm(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        try DashboardPage.response(
            "login", title: "Masuk", account: nil, active: "",
            page: LoginView(failed: request.uri.queryParameters.get("failed") != nil))
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
            throw APIError(
                .badRequest, code: "missing_field",
                message: "send the form field 'token' (application/x-www-form-urlencoded)", field: "token")
        }
        guard let parsed = AccessToken(presented: token), try await context.accounts.account(for: parsed) != nil else {
            return Self.redirect(to: "/login?failed=1")
        }
        return Self.redirect(
            to: "/", cookie: "\(Self.cookieName)=\(token); Path=/; HttpOnly; SameSite=Strict; Max-Age=28800")
    }

    @Sendable func logout(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        Self.redirect(to: "/login", cookie: "\(Self.cookieName)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
    }

    /// Where a request is, in words: its profile's step number (when numbered) and the phase.
    static func stepName(_ number: Int, _ phase: Phase?) -> String {
        guard let phase else { return "–" }
        return number > 0 ? "\(number) · \(phase.label)" : phase.label
    }

    /// The alert to the admin (and everyone who reads deadlines) when a year's decree is missing.
    static func calendarNotice(_ missing: [Int]) -> String? {
        guard !missing.isEmpty else { return nil }
        let years = missing.map(String.init).joined(separator: ", ")
        return
            "keputusan libur nasional dan cuti bersama tahun \(years) belum dimuat. Batas waktu yang jatuh pada tahun itu bersifat sementara (hanya akhir pekan dan libur bertanggal tetap). Admin memuatnya dengan jembatan calendar import atau PUT /v1/calendar/years/\(missing[0])."
    }

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

        let requestCount: Int
        let completedCount: Int
        let alertCount: Int
        let compliance: String
        let period: String
        let hasAlerts: Bool
        let alerts: [Alert]
        let stepChart: BarChart
        let complianceChart: BarChart?
        /// Said when a year within three months has no holiday decree loaded (deadlines there are provisional).
        var calendarNotice: String? = nil
        let requests: [Line]
    }

    @Sendable func overview(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        guard let account = routeContext.sessionAccount else { return Self.redirect(to: "/login") }
        let requests = try await ReportReads.requests(client: context.client, logger: context.logger).filter {
            account.mayAccess(agency: $0.agencyCode)
        }
        // Open requests by the phase they are in (profiles number their steps differently).
        var byPhase: [Phase: Int] = [:]
        for item in requests where !item.state.isClosed {
            if let phase = item.phase { byPhase[phase, default: 0] += 1 }
        }
        // Compliance with the standard durations this month (the monthly report's measure).
        let month = try await MonthlyReport.assemble(
            period: MonthlyReport.period(of: Date()), context: context, clock: ReportingService.clock, now: Date())
        let lines = month.agencies.filter { account.mayAccess(agency: $0.agencyCode) }
        let measured = lines.reduce(0) { $0 + $1.stepsMeasured }
        let onTime = lines.reduce(0) { $0 + $1.onTime }
        // Open SLA warnings and breaches (the highest threshold per request's current step).
        var highest: [String: StoredAlert] = [:]
        for alert in try await ReadModelStore.openAlerts(client: context.client, logger: context.logger)
        where account.mayAccess(agency: alert.agencyCode) {
            if (highest[alert.requestId]?.threshold ?? 0) < alert.threshold { highest[alert.requestId] = alert }
        }
        let alerts = highest.values.sorted(by: { ($0.threshold, $1.deadline) > ($1.threshold, $0.deadline) }).map {
            alert in
            OverviewView.Alert(
                requestId: alert.requestId, shortId: String(alert.requestId.prefix(8)), agency: alert.agencyCode ?? "–",
                step: alert.step > 0 ? "Langkah \(alert.step)" : "Di luar penomoran SOP", threshold: alert.threshold,
                bar: SLABar(usedPercent: alert.usedPercent),
                label: alert.threshold >= 100
                    ? "Melewati standar (eskalasi ke Kepala)" : "\(alert.threshold) % standar waktu terpakai",
                deadline: WIB.format(alert.deadline))
        }
        let view = OverviewView(
            requestCount: requests.count, completedCount: requests.filter { $0.state == .completed }.count,
            alertCount: highest.count,
            compliance: measured == 0 ? "–" : String(format: "%.1f %%", Double(onTime) * 100 / Double(measured)),
            period: month.period,
            hasAlerts: !alerts.isEmpty, alerts: alerts,
            stepChart: BarChart(
                Phase.allCases.filter { byPhase[$0] != nil || Phase.required.contains($0) }.map {
                    ($0.label, Double(byPhase[$0] ?? 0), "#2f6db5")
                }, unit: ""),
            complianceChart: lines.isEmpty
                ? nil
                : BarChart(
                    lines.map {
                        (
                            $0.agencyCode, $0.compliancePercent ?? 0,
                            ($0.compliancePercent ?? 0) >= 100 ? "#1d7a3e" : "#b5651d"
                        )
                    },
                    unit: " %", maximum: 100),
            calendarNotice: Self.calendarNotice(ReportingService.calendars.missingYears()),
            requests: requests.map { item in
                OverviewView.Line(
                    requestId: item.requestId, shortId: String(item.requestId.prefix(8)),
                    agency: item.agencyCode ?? "–", title: item.title ?? "–",
                    step: Self.stepName(item.sopStep, item.phase), state: item.state.rawValue,
                    stateLabel: item.state.label,
                    updated: WIB.format(item.updatedAt))
            })
        return try DashboardPage.response(
            "overview", title: "Dasbor Integrasi Data", account: account, active: "/", page: view)
    }
}

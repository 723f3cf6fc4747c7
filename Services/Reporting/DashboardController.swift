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

    /// A step's short name as the read model numbers steps ("3 · Evaluasi teknis").
    static func stepName(_ number: Int) -> String { SOPProfileCatalog.readModelSteps.step(number)?.shortName ?? "" }

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
        let requests: [Line]
    }

    @Sendable func overview(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        guard let account = routeContext.sessionAccount else { return Self.redirect(to: "/login") }
        let requests = try await ReportReads.requests(client: context.client, logger: context.logger).filter {
            account.mayAccess(agency: $0.agencyCode)
        }
        // Open requests by the SOP step they are at.
        var byStep: [Int: Int] = [:]
        for item in requests where !item.state.isClosed { byStep[item.sopStep, default: 0] += 1 }
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
                step: "\(alert.step) · \(Self.stepName(alert.step))", threshold: alert.threshold,
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
                (1...9).map { ("\($0) · \(Self.stepName($0))", Double(byStep[$0] ?? 0), "#2f6db5") }, unit: ""),
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
            requests: requests.map { item in
                OverviewView.Line(
                    requestId: item.requestId, shortId: String(item.requestId.prefix(8)),
                    agency: item.agencyCode ?? "–", title: item.title ?? "–",
                    step: "\(item.sopStep) · \(Self.stepName(item.sopStep))", state: item.state.rawValue,
                    stateLabel: item.state.label,
                    updated: WIB.format(item.updatedAt))
            })
        return try DashboardPage.response(
            "overview", title: "Dasbor Integrasi Data", account: account, active: "/", page: view)
    }
}

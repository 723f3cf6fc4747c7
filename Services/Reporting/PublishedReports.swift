import Crypto
import Foundation
import Hummingbird
import JembatanShared
import Logging
import PostgresNIO
import ServiceLifecycle

/// `/v1/reports…`: the stored reports; `/v1/monthly-reports/{month}…`: the monthly report live, or published now.
struct PublishedReportsController: Sendable {
    let context: ServiceContext
    /// The SLA clock on the calendar as last loaded.
    var clock: SLAClock { ReportingService.clock }

    func register(on router: Router<JembatanRequestContext>) {
        router.get("v1/reports", use: list)
        router.get("v1/reports/:reportId", use: html)
        router.get("v1/reports/:reportId/document.pdf", use: pdf)
        router.get("v1/monthly-reports/:month/report", use: monthlyHTML)
        router.get("v1/monthly-reports/:month/report.json", use: monthlyJSON)
        router.post("v1/monthly-reports/:month/publications", use: publishMonthly)
        router.get("v1/maintenance-reports/:month/report", use: maintenanceHTML)
        router.get("v1/maintenance-reports/:month/report.json", use: maintenanceJSON)
        router.post("v1/maintenance-reports/:month/publications", use: publishMaintenance)
    }

    struct StoredReport: Encodable {
        let reportId: String
        let kind: String
        let subject: String
        let period: String?
        let version: Int
        let agencyCode: String?
        let title: String
        let formats: [String]
        let sha256: String
        let generatedAt: Date
        let path: String
    }

    /// Who may read stored reports: every role but consumers; an agency only its own integration reports.
    func reader(_ routeContext: JembatanRequestContext) throws -> Account {
        guard let account = routeContext.sessionAccount else {
            throw APIError(
                .unauthorized, code: "unauthenticated",
                message: "send 'Authorization: Bearer <token>' (people open reports in the workspace)",
                field: "Authorization")
        }
        guard account.role != .consumer else {
            throw APIError(
                .forbidden, code: "wrong_role",
                message: "reports are read by: admin, head, producer, supervisor, technical")
        }
        return account
    }

    static func visible(_ account: Account, kind: String, agency: String?) -> Bool {
        ReportArchive.mayRead(account, kind: kind, agency: agency)
    }

    func stored(kind: String?, subject: String?) async throws -> [StoredReport] {
        try await ReportArchive(context: context).entries(kind: kind, subject: subject).map {
            StoredReport(
                reportId: $0.reportId, kind: $0.kind, subject: $0.subject, period: $0.period, version: $0.version,
                agencyCode: $0.agencyCode,
                title: $0.title, formats: ["html", "pdf"], sha256: $0.sha256, generatedAt: $0.generatedAt,
                path: "/v1/reports/\($0.reportId)")
        }
    }

    @Sendable func list(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try reader(routeContext)
        let kind = request.uri.queryParameters.get("kind")
        let subject = request.uri.queryParameters.get("subject")
        if let kind, !["integration", "monthly", "maintenance"].contains(kind) {
            throw APIError(
                .badRequest, code: "invalid_kind", message: "kind must be one of: integration, monthly, maintenance",
                field: "kind")
        }
        let reports = try await stored(kind: kind, subject: subject).filter {
            Self.visible(account, kind: $0.kind, agency: $0.agencyCode)
        }
        return try JSONResponse.make(["reports": reports])
    }

    func load(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> (
        html: String, reportId: String, title: String
    ) {
        let account = try reader(routeContext)
        guard let reportId = routeContext.parameters.get("reportId"), UUID(uuidString: reportId) != nil else {
            throw APIError.notFound("report")
        }
        if let document = try await ReportArchive(context: context).document(reportId.lowercased()),
            Self.visible(account, kind: document.kind, agency: document.agencyCode)
        {
            return (document.html, reportId.lowercased(), document.title)
        }
        throw APIError.notFound("report")
    }

    @Sendable func html(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let report = try await load(request, routeContext)
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: report.html)))
    }

    @Sendable func pdf(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let report = try await load(request, routeContext)
        guard let pdf = try await ReportArchive(context: context).pdf(reportId: report.reportId) else {
            throw APIError.notFound("report")
        }
        return Response(status: .ok, headers: [.contentType: "application/pdf"], body: .init(byteBuffer: pdf))
    }

    func monthly(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> MonthlyReport {
        let account = try reader(routeContext)
        guard account.agencyCode == nil else {
            throw APIError(
                .forbidden, code: "wrong_role",
                message: "the monthly report covers every agency: admin, head, supervisor, technical")
        }
        return try await MonthlyReport.assemble(
            period: routeContext.parameters.get("month") ?? "", context: context, clock: clock, now: Date())
    }

    @Sendable func monthlyHTML(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: try await monthly(request, routeContext).html())))
    }

    @Sendable func monthlyJSON(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        try JSONResponse.make(try await monthly(request, routeContext))
    }

    func maintenance(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> MaintenanceReport {
        let account = try reader(routeContext)
        guard account.agencyCode == nil else {
            throw APIError(
                .forbidden, code: "wrong_role",
                message: "the maintenance report is read by: admin, head, supervisor, technical")
        }
        return try await MaintenanceReport.assemble(
            period: routeContext.parameters.get("month") ?? "", context: context, now: Date())
    }

    @Sendable func maintenanceHTML(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response
    {
        Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: try await maintenance(request, routeContext).html())))
    }

    @Sendable func maintenanceJSON(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response
    {
        try JSONResponse.make(try await maintenance(request, routeContext))
    }

    @Sendable func publishMaintenance(_ request: Request, _ routeContext: JembatanRequestContext) async throws
        -> Response
    {
        _ = try routeContext.require([.head, .supervisor, .admin])
        let report = try await MaintenanceReport.assemble(
            period: routeContext.parameters.get("month") ?? "", context: context, now: Date())
        let event = try await ReportArchive(context: context).publish(
            .init(
                kind: "maintenance", subject: "maintenance-\(report.period)", period: report.period, agencyCode: nil,
                title: report.title, html: try report.html()),
            onlyFirst: false, at: report.generatedAt)
        return try JSONResponse.make(event, status: .created)
    }

    @Sendable func publishMonthly(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        _ = try routeContext.require([.head, .supervisor, .admin])
        let report = try await MonthlyReport.assemble(
            period: routeContext.parameters.get("month") ?? "", context: context, clock: clock, now: Date())
        let event = try await ReportArchive(context: context).publish(
            .init(
                kind: "monthly", subject: "monthly-\(report.period)", period: report.period, agencyCode: nil,
                title: report.title, html: try report.html()),
            onlyFirst: false, at: report.generatedAt)
        return try JSONResponse.make(event, status: .created)
    }
}

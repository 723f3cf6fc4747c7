import Crypto
import Foundation
import Hummingbird
import JembatanShared
import Logging
import PostgresNIO
import ServiceLifecycle

/// Stored reports: every version kept, each announced once with `report.published`.
enum CreateReports {
    static let migration = Migration(version: 13, name: "create stored reports", statements: [
        """
        CREATE TABLE reporting.reports (
            report_id text PRIMARY KEY,
            kind text NOT NULL CHECK (kind IN ('integration', 'monthly', 'maintenance')),
            subject text NOT NULL,
            period text,
            version integer NOT NULL,
            agency_code text,
            title text NOT NULL,
            html text NOT NULL,
            pdf bytea,
            sha256 text NOT NULL,
            generated_at timestamptz NOT NULL,
            UNIQUE (kind, subject, version)
        )
        """,
    ])
}

/// Stores a report and enqueues its announcement in the same transaction. The HTML is the report of
/// record (its SHA-256 is announced); the PDF is printed from it afterwards (ahead of time by the
/// schedule, or on the first download) and kept, so a slow or missing printer never delays a report.
struct ReportArchive: Sendable {
    let context: ServiceContext

    struct Draft: Sendable {
        let kind: String
        let subject: String
        let period: String?
        let agencyCode: String?
        let title: String
        let html: String
    }

    /// Publishes `draft` as the next version of its report; with `onlyFirst`, nothing happens when a version exists.
    func publish(_ draft: Draft, onlyFirst: Bool, at now: Date) async throws -> ReportPublished? {
        let logger = context.logger
        if onlyFirst, try await exists(kind: draft.kind, subject: draft.subject) { return nil }
        let digest = SHA256.hash(data: Data(draft.html.utf8)).map { String(format: "%02x", $0) }.joined()
        let reportId = UUID().uuidString.lowercased()
        return try await context.client.inTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(hashtext('reporting.reports'), hashtext(\(draft.kind + "/" + draft.subject)))", logger: logger)
            var latest = 0
            for try await version in try await connection.query("""
                SELECT coalesce(max(version), 0) FROM reporting.reports WHERE kind = \(draft.kind) AND subject = \(draft.subject)
                """, logger: logger).decode(Int.self) { latest = version }
            if onlyFirst && latest > 0 { return nil }
            try await connection.query("""
                INSERT INTO reporting.reports (report_id, kind, subject, period, version, agency_code, title, html, sha256, generated_at)
                VALUES (\(reportId), \(draft.kind), \(draft.subject), \(draft.period), \(latest + 1), \(draft.agencyCode), \(draft.title), \(draft.html), \(digest), \(now))
                """, logger: logger)
            let event = ReportPublished(requestId: draft.subject, reportId: reportId, kind: draft.kind, period: draft.period, title: draft.title,
                                        path: "/v1/reports/\(reportId)", formats: ["html", "pdf"], sha256: digest, publishedAt: now)
            try await context.outbox.enqueue(event, on: connection, logger: logger)
            return event
        }
    }

    /// The stored PDF of `reportId`, printed now from the stored HTML if it was not yet; nil when there is no such report.
    func pdf(reportId: String) async throws -> ByteBuffer? {
        var html: String?
        for try await (text, pdf) in try await context.client.query("SELECT html, pdf FROM reporting.reports WHERE report_id = \(reportId)", logger: context.logger)
            .decode((String, ByteBuffer?).self) {
            if let pdf { return pdf }
            html = text
        }
        guard let html else { return nil }
        let printed = ByteBuffer(bytes: try await PDFRenderer(chromium: context.configuration.chromium).render(html: html))
        try await context.client.query("UPDATE reporting.reports SET pdf = \(printed) WHERE report_id = \(reportId) AND pdf IS NULL", logger: context.logger)
        return printed
    }

    /// Prints up to `limit` stored reports that have no PDF yet (oldest first).
    func printPending(limit: Int) async throws {
        var pending: [String] = []
        for try await id in try await context.client.query("""
            SELECT report_id FROM reporting.reports WHERE pdf IS NULL ORDER BY generated_at LIMIT \(limit)
            """, logger: context.logger).decode(String.self) { pending.append(id) }
        for id in pending { _ = try await pdf(reportId: id) }
    }

    func exists(kind: String, subject: String) async throws -> Bool {
        for try await _ in try await context.client.query("SELECT 1 FROM reporting.reports WHERE kind = \(kind) AND subject = \(subject) LIMIT 1", logger: context.logger).decode(Int.self) {
            return true
        }
        return false
    }
}

/// Publishes what is due: the integration report of every completed request, and last month's
/// monthly and maintenance reports once the month is over. Repeats every few seconds; a crash before the
/// commit only means the report is made again on the next round.
struct ReportSchedule: Service {
    let context: ServiceContext
    let clock: SLAClock
    static let interval: Duration = .seconds(1)

    /// A round that hangs (a statement on a connection PostgreSQL closed) is abandoned after this
    /// and the next one starts: every report it committed stays, the rest are due again.
    static let roundLimit: Duration = .seconds(120)

    func run() async throws {
        let schedule = self
        try await ScheduledWork("reports", every: Self.interval, roundLimit: Self.roundLimit, context: context) { try await schedule.round() }.run()
    }

    /// Publishing comes first and drains what is due; PDFs are printed one at a time only when
    /// nothing is due, so a busy hour never waits behind the printer.
    func round() async throws {
        var published = 0
        repeat { published = try await publishDue(now: Date()) } while published > 0 && !Task.isCancelled
        do { try await ReportArchive(context: context).printPending(limit: 1) } catch is CancellationError { throw CancellationError() } catch {
            context.logger.warning("Printing a stored report failed; it is printed on its first download", metadata: [LogKey.error: "\(String(reflecting: error))"])
        }
    }

    /// Publishes up to 50 due integration reports (and last month's periodic reports); returns how many integration reports it published.
    @discardableResult
    func publishDue(now: Date) async throws -> Int {
        let archive = ReportArchive(context: context)
        var due: [String] = []
        for try await id in try await context.client.query("""
            SELECT r.request_id FROM reporting.requests r WHERE r.completed_at IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM reporting.reports p WHERE p.kind = 'integration' AND p.subject = r.request_id)
            ORDER BY r.completed_at LIMIT 50
            """, logger: context.logger).decode(String.self) { due.append(id) }
        var published = 0
        for requestId in due {
            guard let report = try await IntegrationReportController.assemble(requestId: requestId, context: context, clock: clock, at: now) else { continue }
            let draft = ReportArchive.Draft(kind: "integration", subject: requestId, period: nil, agencyCode: report.submission?.agencyCode,
                                            title: "Laporan Hasil Integrasi Data — \(report.submission?.title ?? requestId)", html: ReportPage.render(report))
            if let event = try await archive.publish(draft, onlyFirst: true, at: now) {
                published += 1
                context.logger.notice("Integration report published", metadata: [LogKey.requestID: "\(requestId)", "report.id": "\(event.reportId)"])
            }
        }
        let lastMonth = MonthlyReport.period(of: now, offset: -1)
        if try await !archive.exists(kind: "monthly", subject: "monthly-\(lastMonth)") {
            let monthly = try await MonthlyReport.assemble(period: lastMonth, context: context, clock: clock, now: now)
            _ = try await archive.publish(.init(kind: "monthly", subject: "monthly-\(lastMonth)", period: lastMonth, agencyCode: nil, title: monthly.title, html: monthly.html()),
                                          onlyFirst: true, at: now)
        }
        if try await !archive.exists(kind: "maintenance", subject: "maintenance-\(lastMonth)") {
            let maintenance = try await MaintenanceReport.assemble(period: lastMonth, context: context, now: now)
            _ = try await archive.publish(.init(kind: "maintenance", subject: "maintenance-\(lastMonth)", period: lastMonth, agencyCode: nil, title: maintenance.title,
                                               html: maintenance.html()), onlyFirst: true, at: now)
        }
        return published
    }
}

/// `/v1/reports…`: the stored reports; `/v1/monthly-reports/{month}…`: the monthly report live, or published now.
struct PublishedReportsController: Sendable {
    let context: ServiceContext
    let clock: SLAClock

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
            throw APIError(.unauthorized, code: "unauthenticated", message: "send 'Authorization: Bearer <token>' or sign in at /login", field: "Authorization")
        }
        guard account.role != .consumer else {
            throw APIError(.forbidden, code: "wrong_role", message: "reports are read by: admin, head, producer, supervisor, technical")
        }
        return account
    }

    static func visible(_ account: Account, kind: String, agency: String?) -> Bool {
        account.agencyCode == nil || (kind == "integration" && account.mayAccess(agency: agency))
    }

    func stored(kind: String?, subject: String?) async throws -> [StoredReport] {
        var result: [StoredReport] = []
        for try await (id, kind, subject, period, version, agency, title, digest, at) in try await context.client.query("""
            SELECT report_id, kind, subject, period, version, agency_code, title, sha256, generated_at FROM reporting.reports
            WHERE (\(kind)::text IS NULL OR kind = \(kind)) AND (\(subject)::text IS NULL OR subject = \(subject))
            ORDER BY generated_at DESC, version DESC LIMIT 500
            """, logger: context.logger).decode((String, String, String, String?, Int, String?, String, String, Date).self) {
            result.append(StoredReport(reportId: id, kind: kind, subject: subject, period: period, version: version, agencyCode: agency, title: title,
                                       formats: ["html", "pdf"], sha256: digest, generatedAt: at, path: "/v1/reports/\(id)"))
        }
        return result
    }

    @Sendable func list(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try reader(routeContext)
        let kind = request.uri.queryParameters.get("kind"), subject = request.uri.queryParameters.get("subject")
        if let kind, !["integration", "monthly", "maintenance"].contains(kind) {
            throw APIError(.badRequest, code: "invalid_kind", message: "kind must be one of: integration, monthly, maintenance", field: "kind")
        }
        let reports = try await stored(kind: kind, subject: subject).filter { Self.visible(account, kind: $0.kind, agency: $0.agencyCode) }
        return try JSONResponse.make(["reports": reports])
    }

    func load(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> (html: String, reportId: String, title: String) {
        let account = try reader(routeContext)
        guard let reportId = routeContext.parameters.get("reportId"), UUID(uuidString: reportId) != nil else { throw APIError.notFound("report") }
        for try await (kind, agency, html, title) in try await context.client.query("""
            SELECT kind, agency_code, html, title FROM reporting.reports WHERE report_id = \(reportId.lowercased())
            """, logger: routeContext.logger).decode((String, String?, String, String).self) {
            guard Self.visible(account, kind: kind, agency: agency) else { break }
            return (html, reportId.lowercased(), title)
        }
        throw APIError.notFound("report")
    }

    @Sendable func html(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let report = try await load(request, routeContext)
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: report.html)))
    }

    @Sendable func pdf(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let report = try await load(request, routeContext)
        guard let pdf = try await ReportArchive(context: context).pdf(reportId: report.reportId) else { throw APIError.notFound("report") }
        return Response(status: .ok, headers: [.contentType: "application/pdf"], body: .init(byteBuffer: pdf))
    }

    func monthly(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> MonthlyReport {
        let account = try reader(routeContext)
        guard account.agencyCode == nil else {
            throw APIError(.forbidden, code: "wrong_role", message: "the monthly report covers every agency: admin, head, supervisor, technical")
        }
        return try await MonthlyReport.assemble(period: routeContext.parameters.get("month") ?? "", context: context, clock: clock, now: Date())
    }

    @Sendable func monthlyHTML(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: try await monthly(request, routeContext).html())))
    }

    @Sendable func monthlyJSON(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        try JSONResponse.make(try await monthly(request, routeContext))
    }

    func maintenance(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> MaintenanceReport {
        let account = try reader(routeContext)
        guard account.agencyCode == nil else {
            throw APIError(.forbidden, code: "wrong_role", message: "the maintenance report is read by: admin, head, supervisor, technical")
        }
        return try await MaintenanceReport.assemble(period: routeContext.parameters.get("month") ?? "", context: context, now: Date())
    }

    @Sendable func maintenanceHTML(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: try await maintenance(request, routeContext).html())))
    }

    @Sendable func maintenanceJSON(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        try JSONResponse.make(try await maintenance(request, routeContext))
    }

    @Sendable func publishMaintenance(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        _ = try routeContext.require([.head, .supervisor, .admin])
        let report = try await MaintenanceReport.assemble(period: routeContext.parameters.get("month") ?? "", context: context, now: Date())
        let event = try await ReportArchive(context: context).publish(
            .init(kind: "maintenance", subject: "maintenance-\(report.period)", period: report.period, agencyCode: nil, title: report.title, html: report.html()),
            onlyFirst: false, at: report.generatedAt)
        return try JSONResponse.make(event, status: .created)
    }

    @Sendable func publishMonthly(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        _ = try routeContext.require([.head, .supervisor, .admin])
        let report = try await MonthlyReport.assemble(period: routeContext.parameters.get("month") ?? "", context: context, clock: clock, now: Date())
        let event = try await ReportArchive(context: context).publish(
            .init(kind: "monthly", subject: "monthly-\(report.period)", period: report.period, agencyCode: nil, title: report.title, html: report.html()),
            onlyFirst: false, at: report.generatedAt)
        return try JSONResponse.make(event, status: .created)
    }
}

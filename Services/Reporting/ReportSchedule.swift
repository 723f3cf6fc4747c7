import Crypto
import Foundation
import Hummingbird
import JembatanShared
import Logging
import PostgresNIO
import ServiceLifecycle

/// Publishes what is due: the integration report of every completed request, and last month's
/// monthly and maintenance reports once the month is over. Repeats every few seconds; a crash before the
/// commit only means the report is made again on the next round.
struct ReportSchedule: Service {
    let context: ServiceContext
    /// The SLA clock on the calendar as last loaded.
    var clock: SLAClock { ReportingService.clock }
    static let interval: Duration = .seconds(1)

    /// A round that hangs (a statement on a connection PostgreSQL closed) is abandoned after this
    /// and the next one starts: every report it committed stays, the rest are due again.
    static let roundLimit: Duration = .seconds(120)

    func run() async throws {
        let schedule = self
        try await ScheduledWork("reports", every: Self.interval, roundLimit: Self.roundLimit, context: context) {
            try await schedule.round()
        }.run()
    }

    /// Publishing comes first and drains what is due; PDFs are printed one at a time only when
    /// nothing is due, so a busy hour never waits behind the printer.
    func round() async throws {
        var published = 0
        repeat { published = try await publishDue(now: Date()) } while published > 0 && !Task.isCancelled
        do { try await ReportArchive(context: context).printPending(limit: 1) } catch is CancellationError {
            throw CancellationError()
        } catch {
            context.logger.warning(
                "Printing a stored report failed; it is printed on its first download",
                metadata: [LogKey.error: "\(String(reflecting: error))"])
        }
    }

    /// Publishes up to 50 due integration reports (and last month's periodic reports); returns how many integration reports it published.
    @discardableResult
    func publishDue(now: Date) async throws -> Int {
        let archive = ReportArchive(context: context)
        let due = try await archive.dueIntegrationReports(limit: 50)
        var published = 0
        for requestId in due {
            guard
                let report = try await IntegrationReport.assemble(
                    requestId: requestId, context: context, clock: clock, at: now, reportedAt: now)
            else { continue }
            let draft = ReportArchive.Draft(
                kind: "integration", subject: requestId, period: nil, agencyCode: report.submission?.agencyCode,
                title: "Laporan Hasil Integrasi Data — \(report.submission?.title ?? requestId)",
                html: try ReportPage.render(report),
                rule: IntegrationReportDocument.rule(profile: report.submission?.profile))
            if let event = try await archive.publish(draft, onlyFirst: true, at: now) {
                published += 1
                context.logger.notice(
                    "Integration report published",
                    metadata: [LogKey.requestID: "\(requestId)", "report.id": "\(event.reportId)"])
            }
        }
        let lastMonth = MonthlyReport.period(of: now, offset: -1)
        if try await !archive.exists(kind: "monthly", subject: "monthly-\(lastMonth)") {
            let monthly = try await MonthlyReport.assemble(period: lastMonth, context: context, clock: clock, now: now)
            _ = try await archive.publish(
                .init(
                    kind: "monthly", subject: "monthly-\(lastMonth)", period: lastMonth, agencyCode: nil,
                    title: monthly.title, html: try monthly.html()),
                onlyFirst: true, at: now)
        }
        if try await !archive.exists(kind: "maintenance", subject: "maintenance-\(lastMonth)") {
            let maintenance = try await MaintenanceReport.assemble(period: lastMonth, context: context, now: now)
            _ = try await archive.publish(
                .init(
                    kind: "maintenance", subject: "maintenance-\(lastMonth)", period: lastMonth, agencyCode: nil,
                    title: maintenance.title,
                    html: try maintenance.html()), onlyFirst: true, at: now)
        }
        return published
    }
}

import Foundation
import Hummingbird
import JembatanShared
import Logging
import PostgresNIO
import ServiceLifecycle

/// The SLA clock over the read model: for every open request, the current step's time so far
/// against its standard in the request's SOP profile; 50, 75 and 90 % are warnings, 100 % a
/// breach escalated to the head. Each threshold is published once per run of a step.
struct SLAMonitor: Sendable {
    let context: ServiceContext
    /// The SLA clock on the calendar as last loaded.
    var clock: SLAClock { ReportingService.clock }

    func check(asOf: Date) async throws -> [SLAAlert] {
        let logger = context.logger
        return try await context.client.inTransaction(logger: logger) { connection in
            // One checker at a time across instances: the alerts table decides what is new.
            try await ReadModelStore.lockSLACheck(on: connection, logger: logger)
            var alerts: [SLAAlert] = []
            let store = ReadModelStore.live
            for request in try await ReadModelStore.openRequests(on: connection, logger: logger) {
                let (requestId, agency) = (request.requestId, request.agencyCode)
                let profile = try await store.profile(of: requestId, on: connection, logger: logger)
                let reading = ProcedureClock(profile: profile, clock: clock).read(
                    try await store.milestones(of: requestId, on: connection, logger: logger), now: asOf)
                guard let run = reading.current, let measure = run.measure,
                    let reached = SLAClock.threshold(reachedBy: measure.used)
                else { continue }
                for threshold in SLAClock.thresholds where threshold <= reached {
                    guard
                        try await ReadModelStore.recordAlert(
                            requestId, step: run.line.number, stepStartedAt: run.start, threshold: threshold,
                            usedPercent: measure.used * 100, deadline: measure.deadline, at: asOf, on: connection,
                            logger: logger)
                    else { continue }
                    let alert = SLAAlert(
                        requestId: requestId, agencyCode: agency, profile: profile.id, step: run.line.number,
                        stepName: run.line.name, threshold: threshold,
                        usedPercent: (measure.used * 1000).rounded() / 10,
                        standard: "\(measure.standard.value) \(measure.standard.unit.rawValue)",
                        stepStartedAt: run.start, deadline: measure.deadline, checkedAt: asOf,
                        escalatedTo: threshold >= 100 ? .head : nil)
                    try await context.outbox.enqueue(alert, on: connection, logger: logger)
                    alerts.append(alert)
                }
            }
            return alerts
        }
    }
}

/// Runs the SLA check every `JEMBATAN_SLA_CHECK_SECONDS`.
struct SLASchedule: Service {
    let context: ServiceContext
    let monitor: SLAMonitor

    func run() async throws {
        let (monitor, logger) = (self.monitor, context.logger)
        try await ScheduledWork(
            "sla-check", every: .seconds(context.configuration.slaCheckSeconds), roundLimit: .seconds(60),
            context: context
        ) {
            // A decree loaded meanwhile counts at once; a year without one makes deadlines provisional.
            try await ReportingService.calendars.reload(client: monitor.context.client, logger: logger)
            let missing = ReportingService.calendars.missingYears()
            if !missing.isEmpty {
                logger.warning(
                    "Deadlines reaching into a year without its holiday decree are provisional: load it (jembatan calendar import, PUT /v1/calendar/years/{year})",
                    metadata: ["calendar.missing": "\(missing)"])
            }
            let alerts = try await monitor.check(asOf: Date())
            if !alerts.isEmpty { logger.notice("SLA thresholds reached", metadata: ["count": "\(alerts.count)"]) }
        }.run()
    }
}

/// `POST /v1/sla-checks {"asOf"}`: the check as of a moment (head, supervisor, admin);
/// `GET /v1/sla-alerts`: thresholds reached by open steps (an agency sees its own).
struct SLAController: Sendable {
    let context: ServiceContext
    let monitor: SLAMonitor

    func register(on router: Router<JembatanRequestContext>) {
        router.post("v1/sla-checks", use: check)
        router.get("v1/sla-alerts", use: list)
    }

    @Sendable func check(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        _ = try routeContext.require([.head, .supervisor, .admin])
        let asOf = try await AsOfBody.moment(of: request)
        return try JSONResponse.make(["alerts": try await monitor.check(asOf: asOf)])
    }

    struct AlertView: Encodable {
        let requestId: String
        let agencyCode: String?
        let step: Int
        let threshold: Int
        let usedPercent: Double
        let stepStartedAt: Date
        let deadline: Date
        let alertedAt: Date
    }

    @Sendable func list(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require(Set(Role.allCases))
        let alerts = try await Self.openAlerts(context: context).filter { account.mayAccess(agency: $0.agencyCode) }
        return try JSONResponse.make(["alerts": alerts])
    }

    /// Thresholds reached by the current step of every open request.
    static func openAlerts(context: ServiceContext) async throws -> [AlertView] {
        try await ReadModelStore.openAlerts(client: context.client, logger: context.logger).map {
            AlertView(
                requestId: $0.requestId, agencyCode: $0.agencyCode, step: $0.step, threshold: $0.threshold,
                usedPercent: $0.usedPercent,
                stepStartedAt: $0.stepStartedAt, deadline: $0.deadline, alertedAt: $0.alertedAt)
        }
    }
}

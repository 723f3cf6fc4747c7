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
    let clock: SLAClock

    func check(asOf: Date) async throws -> [SLAAlert] {
        let logger = context.logger
        return try await context.client.inTransaction(logger: logger) { connection in
            // One checker at a time across instances: the alerts table decides what is new.
            try await ReadModelStore.lockSLACheck(on: connection, logger: logger)
            var alerts: [SLAAlert] = []
            for request in try await ReadModelStore.openRequests(on: connection, logger: logger) {
                let (requestId, agency, profileId, step) = (
                    request.requestId, request.agencyCode, request.profile, request.step
                )
                let profile =
                    SOPProfileCatalog.profile(profileId ?? SOPProfileCatalog.defaultProfileID)
                    ?? SOPProfileCatalog.profile(SOPProfileCatalog.defaultProfileID)!
                guard let definition = profile.steps.first(where: { $0.number == step }),
                    let standard = definition.standard,
                    let started = try await stepStart(requestId, step: step, on: connection)
                else { continue }
                let used = clock.used(standard, from: started, to: asOf)
                guard let reached = SLAClock.threshold(reachedBy: used) else { continue }
                let deadline = clock.deadline(standard, from: started)
                for threshold in SLAClock.thresholds where threshold <= reached {
                    guard
                        try await ReadModelStore.recordAlert(
                            requestId, step: step, stepStartedAt: started, threshold: threshold,
                            usedPercent: used * 100,
                            deadline: deadline, at: asOf, on: connection, logger: logger)
                    else { continue }
                    let alert = SLAAlert(
                        requestId: requestId, agencyCode: agency, profile: profile.id, step: step,
                        stepName: definition.name, threshold: threshold,
                        usedPercent: (used * 1000).rounded() / 10,
                        standard: "\(standard.value) \(standard.unit.rawValue)",
                        stepStartedAt: started, deadline: deadline, checkedAt: asOf,
                        escalatedTo: threshold >= 100 ? .head : nil)
                    try await context.outbox.enqueue(alert, on: connection, logger: logger)
                    alerts.append(alert)
                }
            }
            return alerts
        }
    }

    /// When the request entered its current step: the first event of the latest unbroken run of events at that step.
    private func stepStart(_ requestId: String, step: Int, on connection: PostgresConnection) async throws -> Date? {
        var start: Date?
        for entry in try await ReadModelStore.stepsNewestFirst(of: requestId, on: connection, logger: context.logger) {
            guard entry.step == step else { break }
            start = entry.at
        }
        return start
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

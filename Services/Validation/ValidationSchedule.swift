import Foundation
import JembatanShared
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// Validation's own clock: runs the checks a push asked for (a few seconds after it, once per
/// request however many batches arrived) and looks for stale datasets every
/// `JEMBATAN_FRESHNESS_CHECK_SECONDS`. Several instances share the work (SKIP LOCKED).
struct ValidationSchedule: Service {
    let context: ServiceContext
    let runner: ValidationRunner

    func run() async throws {
        let schedule = self
        let nextFreshness = NextFreshnessCheck()
        try await ScheduledWork("validation", every: .seconds(2), roundLimit: .seconds(120), context: context) {
            try await schedule.round(nextFreshness: nextFreshness)
        }.run()
    }

    /// Runs every queued check, then the freshness check when it is due.
    func round(nextFreshness: NextFreshnessCheck) async throws {
        while let queued = try await ValidationStore.claimQueuedRun(client: context.client, logger: context.logger) {
            _ = try await runner.run(
                requestId: queued.requestId, trigger: "ingest", actor: .system(.validation), account: nil)
            try await ValidationStore.finishQueuedRun(queued, client: context.client, logger: context.logger)
        }
        if ContinuousClock.now >= nextFreshness.due {
            let findings = try await FreshnessCheck(context: context).run(asOf: Date())
            if !findings.isEmpty {
                context.logger.notice("Stale datasets found", metadata: ["count": "\(findings.count)"])
            }
            let next = ContinuousClock.now + .seconds(context.configuration.freshnessCheckSeconds)
            nextFreshness.due = next
        }
    }

}

/// When the schedule next looks for stale datasets (kept across rounds).
final class NextFreshnessCheck: Sendable {
    private let instant = Mutex(ContinuousClock.now)
    var due: ContinuousClock.Instant {
        get { instant.withLock { $0 } }
        set { instant.withLock { $0 = newValue } }
    }
}

import Foundation
import JembatanShared
import Logging
import PostgresNIO
import ServiceLifecycle

/// Validation's own clock: runs the checks a push asked for (a few seconds after it, once per
/// request however many batches arrived) and looks for stale datasets every
/// `JEMBATAN_FRESHNESS_CHECK_SECONDS`. Several instances share the work (SKIP LOCKED).
struct ValidationSchedule: Service {
    let context: ServiceContext
    let runner: ValidationRunner

    func run() async throws {
        guard try await context.gate.wait() else { return }
        var nextFreshness = ContinuousClock.now
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                while let requestId = try await claimPendingRun() {
                    _ = try await runner.run(requestId: requestId, trigger: "ingest", actor: .system(.validation), account: nil)
                }
                if ContinuousClock.now >= nextFreshness {
                    let findings = try await FreshnessCheck(context: context).run(asOf: Date())
                    if !findings.isEmpty { context.logger.notice("Stale datasets found", metadata: ["count": "\(findings.count)"]) }
                    nextFreshness = ContinuousClock.now + .seconds(context.configuration.freshnessCheckSeconds)
                }
            } catch is CancellationError {
                return
            } catch {
                context.logger.warning("Scheduled validation failed; retrying", metadata: [LogKey.error: "\(String(reflecting: error))"])
            }
            try? await Task.sleep(for: .seconds(2))
        }
    }

    /// Takes one request whose data changed (and whose push is at least a second old, so a
    /// stream of batches is checked once), removing it from the queue in the same statement.
    private func claimPendingRun() async throws -> String? {
        let rows = try await context.client.query("""
            DELETE FROM validation.pending_runs WHERE request_id = (
                SELECT request_id FROM validation.pending_runs WHERE requested_at < now() - interval '1 second'
                ORDER BY requested_at LIMIT 1 FOR UPDATE SKIP LOCKED
            ) RETURNING request_id
            """, logger: context.logger)
        for try await requestId in rows.decode(String.self) { return requestId }
        return nil
    }
}

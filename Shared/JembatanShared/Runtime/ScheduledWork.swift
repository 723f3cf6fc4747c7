import Logging
import Metrics
import ServiceLifecycle

/// Work a service does on its own clock (publishing due reports, the SLA check, queued validation
/// runs, freshness findings): one round every `interval`, each round bounded by `roundLimit`.
///
/// A round that fails is logged at warning and retried next round. A round that does not finish
/// in time — a statement sent on a connection PostgreSQL closed can wait for good (PostgresNIO
/// 1.33.2; see docs/liveness.md) — is abandoned, logged at error and counted, and the next round
/// starts on a fresh connection: the schedule never stops silently. Every round's work must
/// therefore be safe to run again (what it claims is released when the round does not commit).
///
/// Metrics: `jembatan_schedule_rounds_total{schedule,outcome}` (`completed`, `failed`,
/// `abandoned`) and `jembatan_schedule_last_completed_age_seconds{schedule}` (refreshed each round).
public struct ScheduledWork: Service {
    /// Names the schedule in logs and metrics, e.g. `reports`.
    public let name: String
    let interval: Duration
    let roundLimit: Duration
    let gate: StartupGate
    let logger: Logger
    let round: @Sendable () async throws -> Void

    /// A schedule of `context`'s service; `round` runs once migrations are applied.
    public init(
        _ name: String, every interval: Duration, roundLimit: Duration, context: ServiceContext,
        round: @escaping @Sendable () async throws -> Void
    ) {
        self.init(
            name, every: interval, roundLimit: roundLimit, gate: context.gate, logger: context.logger, round: round)
    }

    init(
        _ name: String, every interval: Duration, roundLimit: Duration, gate: StartupGate, logger: Logger,
        round: @escaping @Sendable () async throws -> Void
    ) {
        self.name = name
        self.interval = interval
        self.roundLimit = roundLimit
        self.gate = gate
        var logger = logger
        logger[metadataKey: "schedule"] = "\(name)"
        self.logger = logger
        self.round = round
        for outcome in ["completed", "failed", "abandoned"] { Self.rounds(name, outcome).increment(by: 0) }
    }

    /// Runs rounds until the service group shuts down.
    public func run() async throws {
        guard try await gate.wait() else { return }
        await cancelWhenGracefulShutdown {
            var lastCompleted = ContinuousClock.now
            while !Task.isCancelled {
                switch await runOnce() {
                case .completed: lastCompleted = .now
                case .cancelled: return
                case .failed, .abandoned: break
                }
                Gauge(label: "jembatan_schedule_last_completed_age_seconds", dimensions: [("schedule", name)])
                    .record((ContinuousClock.now - lastCompleted).seconds)
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// What became of one round.
    enum Outcome: Equatable { case completed, failed, abandoned, cancelled }

    /// Runs one round within its limit and says how it ended.
    func runOnce() async -> Outcome {
        do {
            try await withDeadline(roundLimit, round)
            Self.rounds(name, "completed").increment()
            return .completed
        } catch is CancellationError where Task.isCancelled {
            return .cancelled
        } catch let timedOut as AttemptTimedOut {
            Self.rounds(name, "abandoned").increment()
            logger.error(
                "Scheduled round abandoned after its limit; the next round starts on a new connection",
                metadata: [LogKey.error: "\(timedOut)"])
            return .abandoned
        } catch {
            Self.rounds(name, "failed").increment()
            logger.warning(
                "Scheduled round failed; retried next round", metadata: [LogKey.error: "\(String(reflecting: error))"])
            return .failed
        }
    }

    static func rounds(_ name: String, _ outcome: String) -> Counter {
        Counter(label: "jembatan_schedule_rounds_total", dimensions: [("schedule", name), ("outcome", outcome)])
    }
}

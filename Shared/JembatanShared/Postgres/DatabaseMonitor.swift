import Logging
import Metrics
import NIOCore
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// Asks PostgreSQL every two seconds whether it answers, and remembers why not.
///
/// PostgresNIO's pool keeps a query waiting while it cannot connect (up to its 60 s circuit
/// breaker), so without this a caller would wait a minute for an answer while the database is
/// down. With it, HTTP requests are answered at once with 503 `database_unavailable` (see
/// ``RequestObservationMiddleware``), `/readyz` says so, and the log has the real cause: when the
/// pooled check fails or does not answer within two seconds, a direct connection attempt tells why
/// (connection refused, the database starting up, authentication failed …).
/// Gauge: `jembatan_database_unreachable` (1 while PostgreSQL does not answer).
public final class DatabaseMonitor: Service, Sendable {
    private struct State {
        var reachable = true
        var cause: String?
    }

    private let client: PostgresClient
    private let direct: DatabaseConfiguration
    private let logger: Logger
    private let interval: Duration
    private let state = Mutex(State())

    /// Watches the database `client` talks to (`configuration` for the direct attempt).
    public init(
        client: PostgresClient, configuration: DatabaseConfiguration, logger: Logger, interval: Duration = .seconds(2)
    ) {
        self.client = client
        self.direct = configuration
        self.logger = logger
        self.interval = interval
    }

    /// Whether the last check found PostgreSQL answering.
    public var isReachable: Bool { state.withLock { $0.reachable } }

    /// Why the last check failed (the error's full description), nil while reachable.
    public var cause: String? { state.withLock { $0.cause } }

    /// Probes the database until the service group shuts down.
    public func run() async throws {
        let gauge = Gauge(label: "jembatan_database_unreachable")
        gauge.record(0)
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let cause = await self.check()
                let changed = self.state.withLock { state -> Bool in
                    defer { state = State(reachable: cause == nil, cause: cause) }
                    return state.reachable != (cause == nil)
                }
                gauge.record(cause == nil ? 0 : 1)
                if changed {
                    if let cause {
                        self.logger.error(
                            "PostgreSQL unreachable: requests are answered 503 until it is back",
                            metadata: [LogKey.error: .string(cause)])
                    } else {
                        self.logger.notice("PostgreSQL reachable again")
                    }
                }
                try? await Task.sleep(for: self.interval)
            }
        }
    }

    /// Nil when PostgreSQL answers, else the reason.
    func check() async -> String? {
        let client = self.client
        let logger = self.logger
        let direct = self.direct
        do {
            try await Self.answers(client, logger: logger)
            return nil
        } catch {
            // The pool failed or keeps the query waiting: a connection of our own says why (or that
            // the database is back and the pool will follow).
            return await direct.unreachableCause(logger: logger)
        }
    }

    /// Returns when PostgreSQL answers `SELECT 1` through `client` within `limit`; throws
    /// otherwise (the pool keeps a query waiting up to a minute while it cannot connect).
    public static func answers(_ client: PostgresClient, within limit: Duration = .seconds(2), logger: Logger)
        async throws
    {
        try await withDeadline(limit) {
            for try await _ in try await client.queryUnlessClosed("SELECT 1", logger: logger) {}
        }
    }
}

import Logging
import Metrics
import ServiceLifecycle
import Synchronization

/// Asks the broker for metadata every two seconds and remembers the answer, for `/readyz`
/// (a broker outage is *degraded*: the outbox absorbs writes), the `jembatan_broker_degraded`
/// gauge and the consumer watchdog (which never blames a consumer for the broker's absence).
public final class BrokerMonitor: Service, Sendable {
    private struct State {
        var reachable = true
        var since = ContinuousClock.now
    }

    private let producer: KafkaProducer
    private let logger: Logger
    private let interval: Duration
    private let state = Mutex(State())

    /// Watches the broker `producer` talks to.
    public init(producer: KafkaProducer, logger: Logger, interval: Duration = .seconds(2)) {
        self.producer = producer
        self.logger = logger
        self.interval = interval
    }

    /// Whether the broker answered the last check.
    public var isReachable: Bool { state.withLock { $0.reachable } }

    /// Since when the broker has been reachable (nil while it is not).
    public var reachableSince: ContinuousClock.Instant? { state.withLock { $0.reachable ? $0.since : nil } }

    /// Checks until graceful shutdown.
    public func run() async throws {
        let gauge = Gauge(label: "jembatan_broker_degraded")
        gauge.record(0)
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let reachable = await self.producer.brokerIsReachable(timeout: .seconds(1))
                let changed = self.state.withLock { state -> Bool in
                    guard state.reachable != reachable else { return false }
                    state = State(reachable: reachable, since: .now)
                    return true
                }
                gauge.record(reachable ? 0 : 1)
                if changed {
                    if reachable {
                        self.logger.notice("Broker reachable again")
                    } else {
                        self.logger.warning(
                            "Broker unreachable: degraded (the outbox keeps every event until it is back)")
                    }
                }
                try? await Task.sleep(for: self.interval)
            }
        }
    }
}

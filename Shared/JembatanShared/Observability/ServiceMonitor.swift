import Logging
import Metrics
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// What a service measures about its own messaging, for `/metrics` and the operator's check.
public struct MessagingSnapshot: Sendable, Equatable {
    /// Outbox rows not yet published.
    public var outboxPending = 0
    /// Age of the oldest unpublished outbox row in seconds (0 when none waits).
    public var outboxOldestAgeSeconds = 0.0
    /// The consumer group's lag per partition (empty when the service has no consumer or the broker did not answer).
    public var lag: [TopicPartition: Int64] = [:]
    /// Whether the last lag measurement succeeded.
    public var lagMeasured = false
}

/// Every `JEMBATAN_MONITOR_SECONDS`, measures the service's outbox (pending rows and the age of the
/// oldest) and its consumer group's lag per partition, and records them as gauges:
///
/// - `jembatan_outbox_pending{service}`, `jembatan_outbox_oldest_age_seconds{service}`
/// - `jembatan_consumer_lag{group,topic,partition}`
///
/// The lag is the end of each partition's log minus what the group committed, asked of the broker
/// with handles of its own: it rises while a consumer is held, whatever that consumer is doing.
public final class ServiceMonitor: Service, Sendable {
    private let client: PostgresClient
    private let service: ServiceName
    private let schema: SchemaName
    private let probes: [ConsumerLagProbe]
    private let gate: StartupGate
    private let interval: Duration
    private let logger: Logger
    private let latest = Mutex(MessagingSnapshot())

    /// Creates the monitor; `probes` measure the service's consumer groups (none for a service without consumers).
    public init(
        client: PostgresClient, service: ServiceName, probes: [ConsumerLagProbe], gate: StartupGate, interval: Duration,
        logger: Logger
    ) {
        self.client = client
        self.service = service
        self.schema = SchemaName(service.schema)
        self.probes = probes
        self.gate = gate
        self.interval = interval
        self.logger = logger
    }

    /// The last measurement.
    public var snapshot: MessagingSnapshot { latest.withLock { $0 } }

    /// Samples until the service group shuts down.
    public func run() async throws {
        guard try await gate.wait() else { return }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.measureOnce()
                try? await Task.sleep(for: self.interval)
            }
        }
    }

    /// One round of measurements; a part that fails keeps its previous value and is logged at debug.
    func measureOnce() async {
        var snapshot = self.snapshot
        do {
            let (client, schema, logger) = (self.client, self.schema, self.logger)
            let backlog = try await withDeadline(.seconds(5)) {
                try await Outbox.backlog(in: schema, client: client, logger: logger)
            }
            snapshot.outboxPending = backlog.pending
            snapshot.outboxOldestAgeSeconds = backlog.oldestAgeSeconds
            Gauge(label: "jembatan_outbox_pending", dimensions: [("service", service.rawValue)]).record(
                snapshot.outboxPending)
            Gauge(label: "jembatan_outbox_oldest_age_seconds", dimensions: [("service", service.rawValue)]).record(
                snapshot.outboxOldestAgeSeconds)
        } catch {
            logger.debug("Outbox not measured", metadata: [LogKey.error: .string(String(reflecting: error))])
        }
        if !probes.isEmpty {
            do {
                var lag: [TopicPartition: Int64] = [:]
                for probe in probes {
                    let measured = try await probe.measure()
                    for (place, value) in measured {
                        Gauge(
                            label: "jembatan_consumer_lag",
                            dimensions: [
                                ("group", probe.group), ("topic", place.topic), ("partition", String(place.partition)),
                            ]
                        )
                        .record(value)
                    }
                    lag.merge(measured) { $0 + $1 }
                }
                snapshot.lag = lag
                snapshot.lagMeasured = true
            } catch {
                snapshot.lagMeasured = false
                logger.debug("Consumer lag not measured", metadata: [LogKey.error: .string(String(reflecting: error))])
            }
        }
        latest.withLock { $0 = snapshot }
    }
}

import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// Publishes a service's outbox to Kafka, in outbox order.
///
/// One relay per service is active at a time (transaction-scoped advisory lock), so events of
/// one request keep their order even with several instances; rows are locked with
/// `FOR UPDATE SKIP LOCKED` and marked published only after every record of the batch was
/// acknowledged. A failure rolls the batch back and it is sent again: duplicates are
/// absorbed by the consumers' inboxes. LISTEN/NOTIFY wakes the relay; polling is the fallback.
public struct OutboxRelay: Service {
    let client: PostgresClient
    let producer: KafkaProducer
    let service: ServiceName
    let gate: StartupGate
    let logger: Logger
    let batchSize: Int
    let pollInterval: Duration

    /// Creates the relay of `service`.
    public init(
        client: PostgresClient, producer: KafkaProducer, service: ServiceName, gate: StartupGate, logger: Logger,
        batchSize: Int = 500, pollInterval: Duration = .seconds(1)
    ) {
        self.client = client
        self.producer = producer
        self.service = service
        self.gate = gate
        self.logger = logger
        self.batchSize = batchSize
        self.pollInterval = pollInterval
    }

    /// How long one batch (lock, read, deliver, mark) may take before it is abandoned and retried;
    /// longer than a delivery's timeout (30 s), so a batch waiting for a slow broker is not cut short.
    static let batchLimit: Duration = .seconds(40)

    /// Publishes until graceful shutdown.
    public func run() async throws {
        guard try await gate.wait() else { return }
        let wake = WakeSignal()
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await listenForNotifications(wake: wake) }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: pollInterval)
                        wake.signal()
                    }
                }
                await drainLoop(wake: wake)
                group.cancelAll()
            }
        }
    }

    private func drainLoop(wake: WakeSignal) async {
        var failures = 0
        while !Task.isCancelled {
            do {
                let published = try await publishBatch()
                failures = 0
                if published > 0 { continue }
            } catch {
                failures += 1
                logger.warning(
                    "Outbox batch not published; will retry",
                    metadata: [LogKey.error: "\(String(reflecting: error))", "attempt": "\(failures)"])
                try? await Task.sleep(for: Backoff.delay(attempt: failures))
                continue
            }
            await wake.wait()
        }
    }

    /// Publishes one batch; returns how many events were published (0: nothing to do or another relay is active).
    func publishBatch() async throws -> Int {
        // A transaction whose connection PostgreSQL reset (a restart while the batch waited for a
        // frozen broker's acknowledgements) can hang without an error: abandon it and start again.
        // The abandoned batch is rolled back or, if it committed after all, its events are
        // published twice and absorbed by the consumers' inboxes.
        let (client, producer, schema, batchSize, logger) = (
            client, producer, SchemaName(service.schema), batchSize, logger
        )
        let stage = BatchStage()
        let count: Int
        do {
            count = try await withDeadline(Self.batchLimit) {
                try await Self.publishBatch(
                    client: client, producer: producer, schema: schema, batchSize: batchSize, logger: logger,
                    stage: stage)
            }
        } catch let timedOut as AttemptTimedOut {
            // Say where the batch was waiting: the evidence for what hangs.
            throw BatchAbandoned(limit: timedOut.limit, stage: stage.current)
        }
        if count > 0 {
            MessagingMetrics.published(service).increment(by: count)
            logger.debug("Outbox batch published", metadata: ["count": "\(count)"])
        }
        return count
    }

    /// Publishes one batch of `schema`'s outbox (also used by the operator command for its own outbox).
    public static func publishBatch(
        client: PostgresClient, producer: KafkaProducer, schema: SchemaName, batchSize: Int = 500, logger: Logger,
        stage: BatchStage? = nil
    ) async throws -> Int {
        stage?.enter("leasing a connection and BEGIN")
        defer { stage?.enter("finished") }
        return try await client.inTransactionUnlessClosed(logger: logger) { connection -> Int in
            stage?.enter("taking the relay lock")
            let lockName = "\(schema).outbox-relay"
            var isLeader = false
            for try await locked in try await connection.queryUnlessClosed(
                "SELECT pg_try_advisory_xact_lock(hashtext(\(lockName)))", logger: logger
            ).decode(Bool.self) {
                isLeader = locked
            }
            guard isLeader else {
                stage?.enter("COMMIT of an idle batch")
                return 0
            }
            stage?.enter("reading the outbox")
            var binds = PostgresBindings()
            binds.append(batchSize)
            let rows = try await connection.queryUnlessClosed(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT seq, topic, message_key, event_type, envelope FROM \(schema).outbox
                        WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED
                        """, binds: binds), logger: logger)
            var sequence: [Int64] = []
            var pending: [PendingDelivery] = []
            for try await (seq, topic, key, type, envelope) in rows.decode((Int64, String, String, String, String).self)
            {
                sequence.append(seq)
                pending.append(
                    producer.send(
                        topic: topic, key: key, value: Array(envelope.utf8),
                        headers: [
                            KafkaHeader("content-type", CloudEventCodec.contentType),
                            KafkaHeader("ce_type", type),
                        ]))
            }
            guard !sequence.isEmpty else {
                stage?.enter("COMMIT of an empty batch")
                return 0
            }
            for (index, delivery) in pending.enumerated() {
                stage?.enter("waiting for the broker's acknowledgement of record \(index + 1) of \(pending.count)")
                _ = try await delivery.delivered()
            }
            // PostgreSQL may have closed this connection while the batch waited for the broker (a
            // restart): the statement then fails at once (see `queryUnlessClosed`) and the batch is
            // sent again on a new connection; the consumers' inboxes absorb the repeat.
            stage?.enter("marking \(sequence.count) rows published")
            var update = PostgresBindings()
            update.append(sequence)
            try await connection.queryUnlessClosed(
                PostgresQuery(
                    unsafeSQL: "UPDATE \(schema).outbox SET published_at = now() WHERE seq = ANY($1)", binds: update),
                logger: logger)
            stage?.enter("COMMIT after marking \(sequence.count) rows published")
            return sequence.count
        }
    }

    private func listenForNotifications(wake: WakeSignal) async {
        var attempt = 0
        let channel = "\(service.schema)_outbox"
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: channel) { notifications in
                        attempt = 0
                        for try await _ in notifications { wake.signal() }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                attempt += 1
                logger.debug(
                    "Outbox LISTEN lost; polling until it is back",
                    metadata: [LogKey.error: "\(String(reflecting: error))"])
                try? await Task.sleep(for: Backoff.delay(attempt: attempt))
            }
        }
    }
}

/// Where a relay batch is, with the moment it got there: when a batch is abandoned, the log says
/// which wait did not end.
public final class BatchStage: Sendable {
    private let state = Mutex<(String, ContinuousClock.Instant)>(("not started", .now))

    /// Creates a tracker.
    public init() {}

    /// Marks the start of a step.
    public func enter(_ step: String) { state.withLock { $0 = (step, .now) } }

    /// The step and how long it has lasted.
    public var current: String {
        let (step, since) = state.withLock { $0 }
        return "\(step) (for \(Int((ContinuousClock.now - since).seconds)) s)"
    }
}

/// A batch that did not finish within the relay's limit, with the step it was waiting in.
struct BatchAbandoned: Error, CustomStringConvertible {
    let limit: Duration
    let stage: String
    var description: String { "no result within \(limit); abandoned while \(stage)" }
}

/// A level-triggered wake-up: `signal()` before `wait()` is not lost.
final class WakeSignal: Sendable {
    private struct State {
        var isPending = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.isPending = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns at the next signal (or at once if one is pending). A periodic signal bounds the wait.
    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state -> Bool in
                if state.isPending {
                    state.isPending = false
                    return true
                }
                state.waiter = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }
}

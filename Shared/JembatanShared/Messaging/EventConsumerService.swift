import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// An event as a handler sees it: the attributes plus the raw record to decode the payload from.
public struct ReceivedEvent: Sendable {
    /// CloudEvent attributes (id, source, type, subject, time).
    public let attributes: CloudEventAttributes
    /// The record it came in.
    public let message: KafkaMessage

    /// The request the event is about.
    public var requestId: String { attributes.subject }

    /// An event read from `message` (whose CloudEvent attributes are `attributes`).
    public init(attributes: CloudEventAttributes, message: KafkaMessage) {
        self.attributes = attributes
        self.message = message
    }

    /// Decodes the payload; a payload that does not match its type's schema is dead-lettered.
    public func payload<Payload: EventPayload>(_ type: Payload.Type) throws -> Payload {
        do {
            return try CloudEventCodec.payload(type, from: message.value)
        } catch let error as DecodingError {
            throw EventRejected(
                reason: MalformedEvent.invalidPayload(
                    type: attributes.type.rawValue, detail: DecodingErrorText.describe(error)
                ).description)
        }
    }
}

/// Thrown by a handler for an event that can never be applied; it is dead-lettered with `reason`.
public struct EventRejected: Error, CustomStringConvertible, Sendable {
    /// Why the event cannot be applied.
    public var reason: String

    /// Creates a rejection.
    public init(reason: String) { self.reason = reason }

    /// The reason.
    public var description: String { reason }
}

/// Applies one event inside the consumer's transaction (after the inbox claimed it).
public typealias EventHandler = @Sendable (ReceivedEvent, PostgresConnection, Logger) async throws -> Void

/// A consumer-group member that applies events exactly once in effect, and never stops silently.
///
/// Per record: parse (malformed → dead letter), skip types the consumer does not handle, then in
/// one transaction claim the inbox and run the handler; store the offset only after commit.
/// Transient failures (database or broker down) are retried with jittered backoff on the same
/// record and never dead-lettered; while it retries the consumer pauses its partitions and keeps
/// polling, so it stays in its group. Permanent failures (`EventRejected`, data errors) are
/// dead-lettered and the partition moves on.
///
/// A watchdog beside the loop recreates the consumer (a new librdkafka handle in the same group)
/// when the loop has not turned within the bound, or when the member has not been a steady group
/// member with partitions for that long while the broker answers. Recreations are logged, counted
/// and reported by `/livez`, which fails after K of them in a window.
public struct EventConsumerService: Service {
    /// Consumer name: also the group id suffix and the inbox's consumer column.
    public let name: String
    let topics: [Topic]
    let handledTypes: Set<EventType>
    let client: PostgresClient
    let producer: KafkaProducer
    let kafka: KafkaConfiguration
    let inbox: Inbox
    let gate: StartupGate
    let logger: Logger
    let handler: EventHandler
    let health: ConsumerHealth
    let broker: BrokerMonitor?
    let fault: ConsumerFault?

    var timing: ConsumerTiming { health.timing }

    /// Creates a consumer named `name` in group `jembatan-<name>`.
    public init(
        name: String, topics: [Topic], handledTypes: Set<EventType>, schema: SchemaName,
        client: PostgresClient, producer: KafkaProducer, kafka: KafkaConfiguration, gate: StartupGate,
        health: ConsumerHealth, broker: BrokerMonitor?, fault: ConsumerFault? = nil,
        logger: Logger, handler: @escaping EventHandler
    ) {
        self.name = name
        self.topics = topics
        self.handledTypes = handledTypes
        self.client = client
        self.producer = producer
        self.kafka = kafka
        self.inbox = Inbox(schema: schema)
        self.gate = gate
        self.health = health
        self.broker = broker
        self.fault = fault
        var logger = logger
        logger[metadataKey: LogKey.consumer] = "\(name)"
        self.logger = logger
        self.handler = handler
    }

    /// Consumes until graceful shutdown, recreating the consumer when the watchdog says so; then
    /// commits stored offsets and leaves the group.
    public func run() async throws {
        // Every counter of this consumer exists on /metrics from the start (at 0), so a scrape,
        // an alert rule or `rate()` sees it before the first retry or dead letter.
        MessagingMetrics.register(consumer: name)
        guard try await gate.wait() else { return }
        await cancelWhenGracefulShutdown {
            var generation = 0
            var failures = 0
            while !Task.isCancelled {
                generation += 1
                let consumer: KafkaConsumer
                do {
                    consumer = try KafkaConsumer(
                        topics: topics.map(\.rawValue), group: "jembatan-\(name)", configuration: kafka, logger: logger)
                    failures = 0
                } catch {
                    failures += 1
                    logger.error(
                        "Consumer could not be created; retrying",
                        metadata: [LogKey.error: "\(String(reflecting: error))"])
                    try? await Task.sleep(for: Backoff.delay(attempt: failures))
                    continue
                }
                health.started(name, generation: generation)
                logger.info(
                    "Consumer started",
                    metadata: [
                        LogKey.topic: "\(topics.map(\.rawValue).joined(separator: ","))", "generation": "\(generation)",
                    ])
                let looping = RunningFlag()  // true while the record loop runs
                let loop = Task { [generation] in
                    await consume(consumer, generation: generation)
                    looping.stop()
                }
                let reason = await watch(consumer)
                loop.cancel()
                // The loop's every wait is cancellable or bounded: give it a moment to end (in a task
                // of its own, whose sleeps are not cut short by the shutdown), then let it go.
                await Task {
                    let deadline = ContinuousClock.now + .seconds(5)
                    while looping.value, ContinuousClock.now < deadline {
                        try? await Task.sleep(for: .milliseconds(20))
                    }
                }.value
                await consumer.close(leavingGroup: reason == nil)
                guard let reason else { break }
                health.recreated(name, reason: reason)
                logger.error(
                    "Consumer recreated by its watchdog",
                    metadata: ["reason": "\(reason)", "generation": "\(generation)"])
            }
        }
        logger.info("Consumer stopped")
    }

    /// How long a condition that began at `since` has held while the broker answered, if longer
    /// than `bound`; nil while the broker does not answer.
    func outlasted(_ since: ContinuousClock.Instant?, now: ContinuousClock.Instant, bound: Duration) -> Duration? {
        guard let since else { return nil }
        var from = since
        if let broker {
            guard let reachable = broker.reachableSince else { return nil }
            from = max(since, reachable)
        }
        return now - from > bound ? now - from : nil
    }

    /// The record loop of one consumer handle.
    func consume(_ consumer: KafkaConsumer, generation: Int) async {
        let fault = fault.flatMap { $0.applies(to: generation) ? $0 : nil }
        var leftGroup = false
        while !Task.isCancelled {
            if fault?.kind == .stallLoop {
                // Test hook: the loop stops turning (it neither polls nor handles) until cancelled.
                logger.warning("Consumer loop stalled (fault injection)")
                while !Task.isCancelled { try? await Task.sleep(for: .milliseconds(100)) }
                return
            }
            if fault?.kind == .leaveGroup, !leftGroup, !consumer.group.assigned.isEmpty {
                leftGroup = true
                consumer.leaveGroup()
            }
            guard let message = await consumer.next() else { return }
            if await process(message, consumer: consumer) {
                consumer.markProcessed(message)
            }
        }
    }

    /// Returns why the consumer must be recreated, or nil once shutdown began.
    func watch(_ consumer: KafkaConsumer) async -> String? {
        let bound = timing.watchdogBound
        var everSettled = false
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            if Task.isCancelled { return nil }
            let now = ContinuousClock.now
            let lastTurn = consumer.lastPolled
            let group = consumer.group
            health.observed(name, lastTurn: lastTurn, group: group)
            everSettled = everSettled || group.isSettled
            if now - lastTurn > bound {
                return "its loop has not turned for \(Int((now - lastTurn).seconds)) s (bound \(Int(bound.seconds)) s)"
            }
            // Both checks below count only while the broker answers: an outage is never the consumer's fault.
            if let stalled = outlasted(group.stuckSince, now: now, bound: bound) {
                return
                    "records wait on an assigned partition but its position has not moved for \(Int(stalled.seconds)) s (join state \(group.joinState), \(group.assigned.count) partitions)"
            }
            if let unsettled = outlasted(
                group.unsettledSince, now: now, bound: timing.unsettledBound(everSettled: everSettled))
            {
                return
                    "not a steady group member fetching its partitions for \(Int(unsettled.seconds)) s while the broker answers (join state \(group.joinState), \(group.assigned.count) partitions assigned, \(group.fetching.map(String.init) ?? "?") fetching)"
            }
        }
        return nil
    }

    /// Handles one record; true when it is done with (applied, skipped or dead-lettered).
    func process(_ message: KafkaMessage, consumer: KafkaConsumer? = nil) async -> Bool {
        var logger = self.logger
        logger[metadataKey: LogKey.topic] = "\(message.topic)"
        logger[metadataKey: LogKey.partition] = "\(message.partition)"
        logger[metadataKey: LogKey.offset] = "\(message.offset)"
        let attributes: CloudEventAttributes
        switch CloudEventCodec.attributes(of: message.value, key: message.keyText) {
        case .failure(let malformed):
            return await deadLetter(message, reason: malformed.description, logger: logger, consumer: consumer)
        case .success(let parsed):
            attributes = parsed
        }
        logger[metadataKey: LogKey.requestID] = "\(attributes.subject)"
        logger[metadataKey: LogKey.eventType] = "\(attributes.type.rawValue)"
        guard handledTypes.contains(attributes.type) else { return true }
        let event = ReceivedEvent(attributes: attributes, message: message)
        var attempt = 0
        defer { if attempt > 0 { consumer?.resumeAssigned() } }
        let attemptLimit = timing.attemptLimit
        while !Task.isCancelled {
            let started = ContinuousClock.now
            do {
                // A connection lost mid-transaction (PostgreSQL restarting) must not hold the consumer forever.
                let (client, inbox, name, handler, attemptLogger) = (client, inbox, name, handler, logger)
                let applied = try await withDeadline(attemptLimit) {
                    try await client.inTransaction(logger: attemptLogger) { connection -> Bool in
                        guard
                            try await inbox.claim(
                                attributes, from: message, consumer: name, on: connection, logger: attemptLogger)
                        else { return false }
                        try await handler(event, connection, attemptLogger)
                        return true
                    }
                }
                MessagingMetrics.handlingTime(attributes.type).recordNanoseconds(
                    Int64((ContinuousClock.now - started).seconds * 1e9))
                if applied {
                    MessagingMetrics.applied(name).increment()
                    logger.info("Event applied")
                } else {
                    MessagingMetrics.duplicates(name).increment()
                    logger.info("Duplicate event ignored (already in inbox)")
                }
                return true
            } catch let rejected as EventRejected {
                return await deadLetter(message, reason: rejected.reason, logger: logger, consumer: consumer)
            } catch  where DatabaseFailure.isPermanent(error) {
                return await deadLetter(
                    message, reason: "database refused the event's effect (data or integrity violation)",
                    logger: logger, consumer: consumer)
            } catch {
                attempt += 1
                if attempt == 1 { consumer?.pauseAssigned() }
                MessagingMetrics.retries(name).increment()
                logger.warning(
                    "Transient failure; retrying the same event",
                    metadata: [LogKey.error: "\(String(reflecting: error))", "attempt": "\(attempt)"])
                await wait(Backoff.delay(attempt: attempt), polling: consumer)
            }
        }
        return false
    }

    /// Sleeps `delay`, polling `consumer` meanwhile so it keeps its group membership.
    func wait(_ delay: Duration, polling consumer: KafkaConsumer?) async {
        if let consumer {
            await consumer.keepPolling(for: delay)
        } else {
            try? await Task.sleep(for: delay)
        }
    }

    /// Sends the original record to the dead-letter topic, retrying until the broker acknowledges it.
    func deadLetter(_ message: KafkaMessage, reason: String, logger: Logger, consumer: KafkaConsumer? = nil) async
        -> Bool
    {
        logger.error("Event dead-lettered", metadata: [LogKey.error: "\(reason)"])
        let headers =
            message.headers + [
                KafkaHeader(DeadLetterHeader.originalTopic, message.topic),
                KafkaHeader(DeadLetterHeader.originalPartition, String(message.partition)),
                KafkaHeader(DeadLetterHeader.originalOffset, String(message.offset)),
                KafkaHeader(DeadLetterHeader.consumer, name),
                KafkaHeader(DeadLetterHeader.error, reason),
                KafkaHeader(DeadLetterHeader.failedAt, ISO8601DateFormatter().string(from: Date())),
            ]
        var value = message.value
        var headersToSend = headers
        if value.count > DeadLetterHeader.maximumOriginalBytes {
            // Larger than any event may be: keep its head, and say how large it was.
            headersToSend.append(KafkaHeader(DeadLetterHeader.truncatedFrom, String(value.count)))
            value = Array(value.prefix(DeadLetterHeader.maximumOriginalBytes))
        }
        var attempt = 0
        defer { if attempt > 0 { consumer?.resumeAssigned() } }
        while !Task.isCancelled {
            do {
                try await producer.deliver(
                    topic: Topic.deadLetter.rawValue, key: message.keyText ?? "", value: value, headers: headersToSend)
                MessagingMetrics.deadLettered(name).increment()
                return true
            } catch {
                attempt += 1
                if attempt == 1 { consumer?.pauseAssigned() }
                logger.warning(
                    "Dead-letter topic unavailable; retrying", metadata: [LogKey.error: "\(String(reflecting: error))"])
                await wait(Backoff.delay(attempt: attempt), polling: consumer)
            }
        }
        return false
    }
}

/// Turns a `DecodingError` into a message naming the field path and the rule.
public enum DecodingErrorText {
    /// `field.path: problem`.
    public static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            let text = codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.hasPrefix(".") ? String(text.dropFirst()) : (text.isEmpty ? "(root)" : text)
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])): required field is missing"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)): expected \(Self.typeName(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)): expected \(Self.typeName(type)), found null"
        case .dataCorrupted(let context):
            return
                "\(path(context.codingPath)): \(context.codingPath.isEmpty ? "body is not valid JSON" : "invalid value")"
        @unknown default:
            return "invalid value"
        }
    }

    /// Field path of a `DecodingError`, if it names one.
    public static func field(_ error: DecodingError) -> String? {
        let description = describe(error)
        guard let colon = description.firstIndex(of: ":") else { return nil }
        let field = String(description[..<colon])
        return field == "(root)" ? nil : field
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type, is Int32.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "a boolean"
        case is Date.Type: "an ISO 8601 date-time"
        default: type is any Collection.Type ? "an array" : "an object"
        }
    }
}

import Foundation
import Logging
import PostgresNIO

/// Writes events into a service's outbox inside the caller's transaction.
///
/// The event is published by ``OutboxRelay`` only if that transaction commits, so a state
/// change and the event announcing it are never separated.
public struct Outbox: Sendable {
    /// CloudEvents `source` of what this outbox holds.
    let source: String
    /// The one topic this outbox writes.
    let topic: Topic
    let schema: SchemaName

    /// Creates the outbox of `service`.
    public init(service: ServiceName) {
        self.init(source: service.eventSource, topic: service.topic, schema: SchemaName(service.schema))
    }

    /// An outbox of another writer (the operator's `operations` schema).
    public init(source: String, topic: Topic, schema: SchemaName) {
        self.source = source
        self.topic = topic
        self.schema = schema
    }

    /// Adds `payload` as a CloudEvent to the outbox on `connection` (which must be in a transaction).
    @discardableResult
    public func enqueue<Payload: EventPayload>(_ payload: Payload, on connection: PostgresConnection, logger: Logger)
        async throws -> String
    {
        let eventID = UUID().uuidString.lowercased()
        precondition(payload.publishedType.topic == topic, "\(source) does not write \(payload.publishedType)")
        let envelope = try CloudEventCodec.encode(payload, id: eventID, source: source, subject: payload.requestId)
        var binds = PostgresBindings()
        binds.append(eventID)
        binds.append(topic.rawValue)
        binds.append(payload.requestId)
        binds.append(payload.publishedType.rawValue)
        binds.append(String(decoding: envelope, as: UTF8.self))
        try await connection.queryUnlessClosed(
            PostgresQuery(
                unsafeSQL: """
                    INSERT INTO \(schema).outbox (event_id, topic, message_key, event_type, envelope) VALUES ($1, $2, $3, $4, $5)
                    """, binds: binds), logger: logger)
        logger.debug(
            "Event enqueued",
            metadata: [LogKey.requestID: "\(payload.requestId)", LogKey.eventType: "\(payload.publishedType.rawValue)"])
        return eventID
    }
}

/// How far behind a service's relay is.
public struct OutboxBacklog: Sendable, Equatable {
    /// Events not yet published.
    public var pending: Int
    /// Age of the oldest of them in seconds (0 when none).
    public var oldestAgeSeconds: Double
}

extension Outbox {
    /// The backlog of the outbox in `schema`.
    public static func backlog(in schema: SchemaName, client: PostgresClient, logger: Logger) async throws
        -> OutboxBacklog
    {
        let query = PostgresQuery(
            unsafeSQL: """
                SELECT count(*)::int, COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8
                FROM \(schema).outbox WHERE published_at IS NULL
                """)
        var backlog = OutboxBacklog(pending: 0, oldestAgeSeconds: 0)
        for try await (pending, age) in try await client.queryUnlessClosed(query, logger: logger).decode(
            (Int, Double).self)
        {
            backlog = OutboxBacklog(pending: pending, oldestAgeSeconds: age)
        }
        return backlog
    }
}

/// Records which events a consumer has applied, in the same transaction as their effect.
public struct Inbox: Sendable {
    let schema: SchemaName

    /// Creates the inbox in `schema`.
    public init(schema: SchemaName) { self.schema = schema }

    /// Records the event; false when `consumer` had already applied it (then do nothing).
    public func claim(
        _ event: CloudEventAttributes, from message: KafkaMessage, consumer: String, on connection: PostgresConnection,
        logger: Logger
    ) async throws -> Bool {
        var binds = PostgresBindings()
        binds.append(consumer)
        binds.append(event.id)
        binds.append(event.type.rawValue)
        binds.append(message.topic)
        binds.append(Int(message.partition))
        binds.append(message.offset)
        let rows = try await connection.queryUnlessClosed(
            PostgresQuery(
                unsafeSQL: """
                    INSERT INTO \(schema).inbox (consumer, event_id, event_type, topic, kafka_partition, kafka_offset)
                    VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING 1
                    """, binds: binds), logger: logger)
        for try await _ in rows { return true }
        return false
    }
}

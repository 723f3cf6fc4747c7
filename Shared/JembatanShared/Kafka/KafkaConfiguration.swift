/// Connection settings shared by every Kafka client of a process.
///
/// Read from the environment by ``JembatanConfiguration``:
/// - `JEMBATAN_KAFKA_BROKERS` (default `127.0.0.1:9092`): bootstrap servers.
/// - `JEMBATAN_KAFKA_SESSION_TIMEOUT_MS` (default `6000`): consumer group session timeout.
/// - `JEMBATAN_KAFKA_HEARTBEAT_MS` (default `1000`): consumer heartbeat interval.
/// - `JEMBATAN_KAFKA_MAX_POLL_INTERVAL_MS` (default `20000`): longest gap between polls before a rebalance
///   (also the group's rebalance timeout); a handler attempt is abandoned after 40 % of it.
/// - `JEMBATAN_KAFKA_DEBUG` (default none): librdkafka debug contexts, e.g. `cgrp,consumer`.
public struct KafkaConfiguration: Sendable, Equatable {
    /// Bootstrap servers, `host:port[,host:port]`.
    public var bootstrapServers: String = "127.0.0.1:9092"
    /// Consumer group session timeout in milliseconds; short values make local joins fast.
    public var sessionTimeoutMilliseconds: Int = 6000
    /// Consumer heartbeat interval in milliseconds.
    public var heartbeatIntervalMilliseconds: Int = 1000
    /// Maximum time between polls before the consumer leaves the group, in milliseconds.
    public var maxPollIntervalMilliseconds: Int = 20000
    /// How long librdkafka keeps retrying one delivery before reporting "outcome unknown".
    public var deliveryTimeoutMilliseconds: Int = 30000

    /// librdkafka debug contexts for consumers (`JEMBATAN_KAFKA_DEBUG`, e.g. `cgrp,consumer`); their
    /// lines are then logged at info. Nil: off.
    public var debugContexts: String?

    /// Largest record this client produces, in bytes (librdkafka `message.max.bytes`).
    public var maximumMessageBytes: Int = 2 << 20

    /// Creates the default configuration (the local embedded broker).
    public init() {}

    /// Properties common to producers and consumers.
    var commonProperties: [String: String] {
        [
            "bootstrap.servers": bootstrapServers,
            "client.id": "jembatan",
            "socket.keepalive.enable": "true",
            "reconnect.backoff.max.ms": "2000",
        ]
    }

    /// Properties of the idempotent, fully acknowledged producer.
    var producerProperties: [String: String] {
        commonProperties.merging([
            "enable.idempotence": "true",
            "acks": "all",
            "linger.ms": "2",
            "message.timeout.ms": String(deliveryTimeoutMilliseconds),
            "message.max.bytes": String(maximumMessageBytes),
        ]) { $1 }
    }

    /// Properties of a consumer in `group`: offsets stored only by the application, after its commit.
    func consumerProperties(group: String, startFromLatest: Bool = false) -> [String: String] {
        var properties = commonProperties
        if let debugContexts { properties["debug"] = debugContexts }
        return properties.merging([
            "group.id": group,
            "enable.auto.commit": "true",
            "auto.commit.interval.ms": "500",
            "enable.auto.offset.store": "false",
            "auto.offset.reset": startFromLatest ? "latest" : "earliest",
            "session.timeout.ms": String(sessionTimeoutMilliseconds),
            "heartbeat.interval.ms": String(heartbeatIntervalMilliseconds),
            "max.poll.interval.ms": String(maxPollIntervalMilliseconds),
            "allow.auto.create.topics": "false",
            // A step waits for the previous one's event: answer a fetch after at most 50 ms instead of
            // librdkafka's 500 ms when the broker has nothing new (a handful of events a second here).
            "fetch.wait.max.ms": "50",
        ]) { $1 }
    }
}

import CRdKafka
import Foundation
import Logging

/// One partition of a topic.
public struct TopicPartition: Hashable, Sendable, Comparable {
    /// The topic.
    public var topic: String
    /// The partition.
    public var partition: Int32

    /// Partition `partition` of `topic`.
    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    /// Topic, then partition.
    public static func < (lhs: TopicPartition, rhs: TopicPartition) -> Bool {
        (lhs.topic, lhs.partition) < (rhs.topic, rhs.partition)
    }
}

/// Where partitions stand: the log's ends, and what a consumer group has committed (for lag and replays).
public enum KafkaOffsets {
    /// Low and high watermark (next offset to be written) of every partition of `topics`.
    public static func watermarks(
        topics: [String], configuration: KafkaConfiguration, logger: Logger
    ) async throws -> [TopicPartition: (low: Int64, high: Int64)] {
        let client = try RDKafkaClient(
            kind: RD_KAFKA_PRODUCER, properties: configuration.commonProperties, logger: logger)
        return try await offloadBlocking {
            Result { try Self.watermarks(of: topics, using: client, timeoutMilliseconds: 10_000) }
        }.get()
    }

    /// The offsets `group` has committed for `partitions` (nil: nothing committed yet).
    public static func committed(
        group: String, partitions: [TopicPartition], configuration: KafkaConfiguration, logger: Logger
    ) async throws -> [TopicPartition: Int64?] {
        let client = try RDKafkaClient(
            kind: RD_KAFKA_CONSUMER, properties: configuration.consumerProperties(group: group), logger: logger)
        return try await offloadBlocking {
            Result { try Self.committed(partitions, using: client, timeoutMilliseconds: 10_000) }
        }.get()
    }

    // MARK: - Blocking calls (run them off the cooperative pool)

    /// The watermarks of every partition of `topics`, asked through `client`.
    static func watermarks(of topics: [String], using client: RDKafkaClient, timeoutMilliseconds: Int32) throws
        -> [TopicPartition: (low: Int64, high: Int64)]
    {
        let counts = try client.topicPartitions(timeoutMilliseconds: timeoutMilliseconds)
        var result: [TopicPartition: (low: Int64, high: Int64)] = [:]
        for topic in topics {
            guard let count = counts[topic] else { throw KafkaError(.configuration, "topic \(topic) does not exist") }
            for partition in 0..<Int32(count) {
                var low: Int64 = 0
                var high: Int64 = 0
                let code = rd_kafka_query_watermark_offsets(
                    client.handle, topic, partition, &low, &high, timeoutMilliseconds)
                guard code == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError.fromCode(code) }
                result[TopicPartition(topic: topic, partition: partition)] = (low, high)
            }
        }
        return result
    }

    /// The offsets committed for `partitions` by the group of `client` (a consumer handle).
    static func committed(_ partitions: [TopicPartition], using client: RDKafkaClient, timeoutMilliseconds: Int32)
        throws -> [TopicPartition: Int64?]
    {
        guard let list = rd_kafka_topic_partition_list_new(Int32(partitions.count)) else {
            throw KafkaError(.configuration, "partition list")
        }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for item in partitions { rd_kafka_topic_partition_list_add(list, item.topic, item.partition) }
        let code = rd_kafka_committed(client.handle, list, timeoutMilliseconds)
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError.fromCode(code) }
        var result: [TopicPartition: Int64?] = [:]
        for index in 0..<Int(list.pointee.cnt) {
            let entry = list.pointee.elems[index]
            result[TopicPartition(topic: String(cString: entry.topic), partition: entry.partition)] =
                entry.offset >= 0 ? entry.offset : nil
        }
        return result
    }
}

/// Measures one consumer group's lag again and again with two long-lived handles (a service's
/// `/metrics`): end of each partition's log minus the group's committed offset. The handles only
/// ask; the group handle never subscribes, so it never joins the group. Blocking calls run on the
/// dedicated threads, never the cooperative pool.
public final class ConsumerLagProbe: Sendable {
    /// The group measured.
    public let group: String
    /// The topics it consumes.
    public let topics: [String]
    private let logClient: RDKafkaClient
    private let groupClient: RDKafkaClient

    /// Creates the handles (no network traffic until the first measurement).
    public init(group: String, topics: [String], configuration: KafkaConfiguration, logger: Logger) throws {
        self.group = group
        self.topics = topics
        logClient = try RDKafkaClient(
            kind: RD_KAFKA_PRODUCER, properties: configuration.commonProperties, logger: logger)
        groupClient = try RDKafkaClient(
            kind: RD_KAFKA_CONSUMER, properties: configuration.consumerProperties(group: group), logger: logger)
    }

    /// Lag per partition (a partition the group never committed counts from the log's start).
    public func measure(timeout: Duration = .seconds(5)) async throws -> [TopicPartition: Int64] {
        let (logClient, groupClient, topics) = (self.logClient, self.groupClient, self.topics)
        let milliseconds = Int32(timeout.seconds * 1000)
        return try await offloadBlocking {
            Result { () throws -> [TopicPartition: Int64] in
                let ends = try KafkaOffsets.watermarks(of: topics, using: logClient, timeoutMilliseconds: milliseconds)
                let committed = try KafkaOffsets.committed(
                    Array(ends.keys), using: groupClient, timeoutMilliseconds: milliseconds)
                var lag: [TopicPartition: Int64] = [:]
                for (place, (low, high)) in ends {
                    let position = (committed[place] ?? nil) ?? low
                    lag[place] = max(0, high - max(position, low))
                }
                return lag
            }
        }.get()
    }
}

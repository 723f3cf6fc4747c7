import CRdKafka
import Foundation
import Logging

/// One partition of a topic.
public struct TopicPartition: Hashable, Sendable, Comparable {
    public var topic: String
    public var partition: Int32

    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    public static func < (lhs: TopicPartition, rhs: TopicPartition) -> Bool { (lhs.topic, lhs.partition) < (rhs.topic, rhs.partition) }
}

/// Where partitions stand: the log's ends, and what a consumer group has committed (for lag and replays).
public enum KafkaOffsets {
    /// Low and high watermark (next offset to be written) of every partition of `topics`.
    public static func watermarks(
        topics: [String], configuration: KafkaConfiguration, logger: Logger
    ) async throws -> [TopicPartition: (low: Int64, high: Int64)] {
        let client = try RDKafkaClient(kind: RD_KAFKA_PRODUCER, properties: configuration.commonProperties, logger: logger)
        return try await offloadBlocking {
            Result { () throws -> [TopicPartition: (low: Int64, high: Int64)] in
                let counts = try client.topicPartitions(timeoutMilliseconds: 10_000)
                var result: [TopicPartition: (low: Int64, high: Int64)] = [:]
                for topic in topics {
                    guard let count = counts[topic] else { throw KafkaError(.configuration, "topic \(topic) does not exist") }
                    for partition in 0..<Int32(count) {
                        var low: Int64 = 0, high: Int64 = 0
                        let code = rd_kafka_query_watermark_offsets(client.handle, topic, partition, &low, &high, 10_000)
                        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError.fromCode(code) }
                        result[TopicPartition(topic: topic, partition: partition)] = (low, high)
                    }
                }
                return result
            }
        }.get()
    }

    /// The offsets `group` has committed for `partitions` (nil: nothing committed yet).
    public static func committed(
        group: String, partitions: [TopicPartition], configuration: KafkaConfiguration, logger: Logger
    ) async throws -> [TopicPartition: Int64?] {
        let client = try RDKafkaClient(kind: RD_KAFKA_CONSUMER, properties: configuration.consumerProperties(group: group), logger: logger)
        return try await offloadBlocking {
            Result { () throws -> [TopicPartition: Int64?] in
                let list = rd_kafka_topic_partition_list_new(Int32(partitions.count))
                defer { rd_kafka_topic_partition_list_destroy(list) }
                for item in partitions { rd_kafka_topic_partition_list_add(list, item.topic, item.partition) }
                let code = rd_kafka_committed(client.handle, list, 10_000)
                guard code == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { throw KafkaError.fromCode(code) }
                var result: [TopicPartition: Int64?] = [:]
                for index in 0..<Int(list.pointee.cnt) {
                    let entry = list.pointee.elems[index]
                    result[TopicPartition(topic: String(cString: entry.topic), partition: entry.partition)] = entry.offset >= 0 ? entry.offset : nil
                }
                return result
            }
        }.get()
    }
}

import CRdKafka
import Foundation
import Logging
import Synchronization

/// One record read from Kafka, copied out of librdkafka's buffers.
public struct KafkaMessage: Sendable {
    /// Topic the record was read from.
    public var topic: String
    /// Partition the record was read from.
    public var partition: Int32
    /// Offset of the record.
    public var offset: Int64
    /// Record key (nil when the producer sent none).
    public var key: [UInt8]?
    /// Record value.
    public var value: [UInt8]
    /// Record headers in their original order.
    public var headers: [KafkaHeader]

    /// The key as UTF-8 text, if there is a key.
    public var keyText: String? { key.map { String(decoding: $0, as: UTF8.self) } }

    /// Creates a message (used by tests and the dead-letter path).
    public init(topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8], headers: [KafkaHeader]) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
    }
}

/// A consumer-group member over librdkafka.
///
/// Offsets are committed automatically in the background, but only offsets the application
/// stored with ``markProcessed(_:)``: call it after the handler's database transaction committed.
/// Polling uses a zero timeout and sleeps in Swift between empty polls, so nothing blocks the
/// cooperative pool; ``close()`` (which blocks while it commits and leaves the group) runs on
/// its own thread.
public final class KafkaConsumer: Sendable {
    private let client: RDKafkaClient
    private let isClosed = Atomic<Bool>(false)
    private let logger: Logger
    /// How long to sleep when a poll returned nothing.
    private let idleSleep: Duration

    /// Joins `group` and subscribes to `topics`.
    public init(
        topics: [String],
        group: String,
        configuration: KafkaConfiguration,
        startFromLatest: Bool = false,
        idleSleep: Duration = .milliseconds(10),
        logger: Logger
    ) throws {
        self.logger = logger
        self.idleSleep = idleSleep
        self.client = try RDKafkaClient(
            kind: RD_KAFKA_CONSUMER,
            properties: configuration.consumerProperties(group: group, startFromLatest: startFromLatest),
            logger: logger
        )
        rd_kafka_poll_set_consumer(client.handle)
        let list = rd_kafka_topic_partition_list_new(Int32(topics.count))
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for topic in topics {
            rd_kafka_topic_partition_list_add(list, topic, RD_KAFKA_PARTITION_UA)
        }
        let code = rd_kafka_subscribe(client.handle, list)
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError.fromCode(code) }
    }

    /// Waits for the next record; returns nil once the task is cancelled or the consumer closed.
    public func next() async -> KafkaMessage? {
        while !Task.isCancelled && !isClosed.load(ordering: .relaxed) {
            if let message = pollOnce() { return message }
            try? await Task.sleep(for: idleSleep)
        }
        return nil
    }

    /// The next record if one arrives within `limit`; nil otherwise (or once cancelled or closed).
    public func next(within limit: Duration) async -> KafkaMessage? {
        let deadline = ContinuousClock.now + limit
        while !Task.isCancelled && !isClosed.load(ordering: .relaxed) && ContinuousClock.now < deadline {
            if let message = pollOnce() { return message }
            try? await Task.sleep(for: idleSleep)
        }
        return nil
    }

    /// One non-blocking poll; nil when nothing (or only an informational event) was ready.
    private func pollOnce() -> KafkaMessage? {
        guard let raw = rd_kafka_consumer_poll(client.handle, 0) else { return nil }
        defer { rd_kafka_message_destroy(raw) }
        let message = raw.pointee
        if message.err != RD_KAFKA_RESP_ERR_NO_ERROR {
            if message.err != RD_KAFKA_RESP_ERR__PARTITION_EOF {
                logger.debug("Kafka consumer event", metadata: ["kafka.error": "\(String(cString: rd_kafka_err2str(message.err)))"])
            }
            return nil
        }
        let topic = String(cString: rd_kafka_topic_name(message.rkt))
        var key: [UInt8]?
        if let keyPointer = message.key {
            key = Array(UnsafeRawBufferPointer(start: keyPointer, count: message.key_len))
        }
        var value: [UInt8] = []
        if let payload = message.payload {
            value = Array(UnsafeRawBufferPointer(start: payload, count: message.len))
        }
        return KafkaMessage(
            topic: topic,
            partition: message.partition,
            offset: message.offset,
            key: key,
            value: value,
            headers: Self.headers(of: raw)
        )
    }

    private static func headers(of message: UnsafeMutablePointer<rd_kafka_message_t>) -> [KafkaHeader] {
        var cHeaders: OpaquePointer?
        guard rd_kafka_message_headers(message, &cHeaders) == RD_KAFKA_RESP_ERR_NO_ERROR, let cHeaders else { return [] }
        var result: [KafkaHeader] = []
        var index = 0
        while true {
            var name: UnsafePointer<CChar>?
            var value: UnsafeRawPointer?
            var size = 0
            guard rd_kafka_header_get_all(cHeaders, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR, let name else { break }
            let bytes = value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) } ?? []
            result.append(KafkaHeader(name: String(cString: name), value: bytes))
            index += 1
        }
        return result
    }

    /// Stores `message`'s offset + 1 for the next background commit.
    ///
    /// Call only after the message's effects are durable. A partition that was revoked in the
    /// meantime refuses the store; its next owner re-reads the message and the inbox absorbs it.
    public func markProcessed(_ message: KafkaMessage) {
        let list = rd_kafka_topic_partition_list_new(1)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let entry = rd_kafka_topic_partition_list_add(list, message.topic, message.partition)
        entry?.pointee.offset = message.offset + 1
        let code = rd_kafka_offsets_store(client.handle, list)
        if code != RD_KAFKA_RESP_ERR_NO_ERROR {
            logger.info("Offset not stored (partition no longer assigned)", metadata: [
                "kafka.topic": "\(message.topic)", "kafka.partition": "\(message.partition)",
                "kafka.offset": "\(message.offset)",
            ])
        }
    }

    /// Commits stored offsets and leaves the group, waiting at most `timeout` (the broker may be
    /// gone); uncommitted offsets are then re-read by the next owner and absorbed by its inbox.
    /// Safe to call more than once.
    public func close(timeout: Duration = .seconds(10)) async {
        guard !isClosed.exchange(true, ordering: .relaxed) else { return }
        let client = self.client
        let finished = RunningFlag()
        let thread = Thread {
            rd_kafka_consumer_close(client.handle)
            finished.stop()
        }
        thread.name = "jembatan-kafka-consumer-close"
        thread.start()
        let deadline = ContinuousClock.now + timeout
        while finished.value, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if finished.value {
            logger.warning("Consumer close timed out; leaving the group to the session timeout")
        }
    }
}

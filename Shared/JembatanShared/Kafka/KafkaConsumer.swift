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
/// cooperative pool; ``close(timeout:)`` (which blocks while it commits and leaves the group) runs
/// on the blocking-call threads.
///
/// Rebalances are handled explicitly (assignment and revocation are logged and reflected in
/// ``group``), and librdkafka's statistics report the join state every second, so a watchdog can
/// tell a member that is out of its group from one that is merely idle.
public final class KafkaConsumer: Sendable {
    private let client: RDKafkaClient
    private let status: ConsumerGroupStatus
    private let isClosed = Atomic<Bool>(false)
    /// Uptime (nanoseconds) of the last poll: the loop's heartbeat for the watchdog.
    private let lastPollNanoseconds = Atomic<UInt64>(DispatchTime.now().uptimeNanoseconds)
    /// Records that arrived while the consumer was paused (should not happen; kept, never dropped).
    private let held = Mutex<[KafkaMessage]>([])
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
        let status = ConsumerGroupStatus()
        self.status = status
        var properties = configuration.consumerProperties(group: group, startFromLatest: startFromLatest)
        properties["statistics.interval.ms"] = "1000"
        self.client = try RDKafkaClient(kind: RD_KAFKA_CONSUMER, properties: properties, logger: logger, group: status)
        { conf in
            rd_kafka_conf_set_rebalance_cb(conf) { handle, code, partitions, opaque in
                guard let handle, let opaque else { return }
                Unmanaged<RDKafkaCallbackContext>.fromOpaque(opaque).takeUnretainedValue()
                    .rebalance(handle: handle, code: code, partitions: partitions)
            }
            rd_kafka_conf_set_stats_cb(conf) { _, json, length, opaque in
                guard let json, let opaque else { return 0 }
                Unmanaged<RDKafkaCallbackContext>.fromOpaque(opaque).takeUnretainedValue()
                    .statistics(Data(bytes: json, count: length))
                return 0  // librdkafka frees the JSON
            }
        }
        rd_kafka_poll_set_consumer(client.handle)
        let list = rd_kafka_topic_partition_list_new(Int32(topics.count))
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for topic in topics {
            rd_kafka_topic_partition_list_add(list, topic, RD_KAFKA_PARTITION_UA)
        }
        let code = rd_kafka_subscribe(client.handle, list)
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError.fromCode(code) }
    }

    /// The member's group state as librdkafka last reported it.
    public var group: ConsumerGroupSnapshot { status.snapshot }

    /// When the consumer last polled librdkafka.
    public var lastPolled: ContinuousClock.Instant {
        let age = DispatchTime.now().uptimeNanoseconds &- lastPollNanoseconds.load(ordering: .relaxed)
        return .now - .nanoseconds(Int64(clamping: age))
    }

    /// True once ``close(timeout:)`` was called.
    public var closed: Bool { isClosed.load(ordering: .relaxed) }

    /// Waits for the next record; returns nil once the task is cancelled or the consumer closed.
    public func next() async -> KafkaMessage? {
        while !Task.isCancelled && !closed {
            if let message = pollOnce() { return message }
            try? await Task.sleep(for: idleSleep)
        }
        return nil
    }

    /// The next record if one arrives within `limit`; nil otherwise (or once cancelled or closed).
    public func next(within limit: Duration) async -> KafkaMessage? {
        let deadline = ContinuousClock.now + limit
        while !Task.isCancelled && !closed && ContinuousClock.now < deadline {
            if let message = pollOnce() { return message }
            try? await Task.sleep(for: idleSleep)
        }
        return nil
    }

    /// Pauses every assigned partition (and, until ``resumeAssigned()``, every partition assigned
    /// later) while the application retries one record: the member keeps polling, so it stays in
    /// its group and within `max.poll.interval.ms`, but is handed nothing new.
    public func pauseAssigned() {
        status.pausedForRetry = true
        let places = assignment()
        guard !places.isEmpty else { return }
        status.notePaused(places)
        withPartitionList(places) { _ = rd_kafka_pause_partitions(client.handle, $0) }
    }

    /// Resumes the partitions paused by ``pauseAssigned()``; fetching restarts after the last
    /// record handed to the application.
    public func resumeAssigned() {
        status.pausedForRetry = false
        let places = status.takePaused(assignment())
        guard !places.isEmpty else { return }
        withPartitionList(places) { _ = rd_kafka_resume_partitions(client.handle, $0) }
    }

    /// Polls (serving rebalances and statistics, keeping membership) for `duration` without taking
    /// new work; anything that arrives anyway is held for ``next()``.
    public func keepPolling(for duration: Duration) async {
        let deadline = ContinuousClock.now + duration
        while !Task.isCancelled && !closed && ContinuousClock.now < deadline {
            if let message = pollOnce(takingHeld: false) { held.withLock { $0.append(message) } }
            try? await Task.sleep(for: min(.milliseconds(100), deadline - .now))
        }
    }

    /// Leaves the group but keeps the handle (a test hook simulating lost membership).
    public func leaveGroup() {
        _ = rd_kafka_unsubscribe(client.handle)
        logger.warning("Consumer left its group (fault injection)")
    }

    /// The partitions assigned now.
    private func assignment() -> [TopicPartition] {
        var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        guard rd_kafka_assignment(client.handle, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { return [] }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        return (0..<Int(list.pointee.cnt)).map { index in
            let entry = list.pointee.elems[index]
            return TopicPartition(topic: String(cString: entry.topic), partition: entry.partition)
        }
    }

    /// One non-blocking poll; nil when nothing (or only an informational event) was ready.
    private func pollOnce(takingHeld: Bool = true) -> KafkaMessage? {
        lastPollNanoseconds.store(DispatchTime.now().uptimeNanoseconds, ordering: .relaxed)
        if takingHeld, let message = held.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) { return message }
        guard let raw = rd_kafka_consumer_poll(client.handle, 0) else { return nil }
        defer { rd_kafka_message_destroy(raw) }
        let message = raw.pointee
        if message.err != RD_KAFKA_RESP_ERR_NO_ERROR {
            if message.err != RD_KAFKA_RESP_ERR__PARTITION_EOF {
                logger.warning(
                    "Kafka consumer error",
                    metadata: ["kafka.error": "\(String(cString: rd_kafka_err2str(message.err)))"])
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
        guard rd_kafka_message_headers(message, &cHeaders) == RD_KAFKA_RESP_ERR_NO_ERROR, let cHeaders else {
            return []
        }
        var result: [KafkaHeader] = []
        var index = 0
        while true {
            var name: UnsafePointer<CChar>?
            var value: UnsafeRawPointer?
            var size = 0
            guard rd_kafka_header_get_all(cHeaders, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR, let name
            else { break }
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
            logger.info(
                "Offset not stored (partition no longer assigned)",
                metadata: [
                    "kafka.topic": "\(message.topic)", "kafka.partition": "\(message.partition)",
                    "kafka.offset": "\(message.offset)",
                ])
        }
    }

    /// Commits stored offsets and leaves the group, waiting at most `timeout` (the broker may be
    /// gone or frozen); uncommitted offsets are then re-read by the next owner and absorbed by its
    /// inbox. Safe to call more than once.
    ///
    /// A member in the middle of a rebalance (not steady) does not leave: it is destroyed without
    /// LeaveGroup and the broker expires it after the session timeout, as after a crash. tansu
    /// (v0.6) keeps a member that leaves while its group is forming as the group's leader for good,
    /// so every later member waits in SyncGroup forever (docs/liveness.md); a restart or a watchdog
    /// recreation during a rebalance must not wedge the group it means to heal. A consumer replaced
    /// by its watchdog (`leavingGroup: false`) never leaves, whatever its join state says.
    public func close(timeout: Duration = .seconds(3), leavingGroup: Bool = true) async {
        guard !isClosed.exchange(true, ordering: .relaxed) else { return }
        let client = self.client
        let joinState = group.joinState
        // A consumer replaced by its watchdog never sends LeaveGroup: its join state (from statistics
        // a second old, or from before librdkafka left by itself on max.poll.interval.ms) may say
        // "steady" while the broker already has the group forming again, and a leader that leaves a
        // forming group wedges it on tansu for good. Session expiry clears it in every state.
        guard leavingGroup else {
            client.skipsConsumerClose.store(true, ordering: .relaxed)
            logger.notice(
                "Consumer replaced without leaving its group; the broker expires it after the session timeout",
                metadata: ["kafka.join_state": "\(joinState)"])
            return
        }
        guard joinState == "steady" else {
            client.skipsConsumerClose.store(true, ordering: .relaxed)
            logger.notice(
                "Consumer closed without leaving its group: it is mid-rebalance; the broker expires it after the session timeout",
                metadata: ["kafka.join_state": "\(joinState)"])
            return
        }
        let closing = RunningFlag()  // true while rd_kafka_consumer_close runs
        Task {
            await offloadBlocking {
                rd_kafka_consumer_close(client.handle)
                closing.stop()
            }
        }
        // Waited for in a task of its own: a shutdown's cancellation must not turn this into a spin.
        await Task { @Sendable in
            let deadline = ContinuousClock.now + timeout
            while closing.value, ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(20))
            }
        }.value
        if closing.value {
            logger.warning("Consumer close timed out; leaving the group to the session timeout")
        }
    }
}

import CRdKafka
import Foundation
import Logging
import NIOPosix
import Synchronization

/// Owns one librdkafka handle; the only place that creates and destroys it.
///
/// `@unchecked Sendable`: librdkafka handles are thread-safe; the handle is immutable after
/// `init` and destroyed once, in `deinit`.
final class RDKafkaClient: @unchecked Sendable {
    /// The C handle.
    let handle: OpaquePointer
    /// Receives librdkafka's log lines and delivery reports; kept alive as long as the handle.
    private let context: RDKafkaCallbackContext

    /// Creates a producer or consumer handle from string properties.
    init(
        kind: rd_kafka_type_t,
        properties: [String: String],
        logger: Logger,
        group: ConsumerGroupStatus? = nil,
        configure: (OpaquePointer) -> Void = { _ in }
    ) throws {
        guard let conf = rd_kafka_conf_new() else {
            throw KafkaError(.clientCreation, "rd_kafka_conf_new returned NULL")
        }
        var errorText = [CChar](repeating: 0, count: 512)
        for (key, value) in properties.sorted(by: { $0.key < $1.key }) {
            if rd_kafka_conf_set(conf, key, value, &errorText, errorText.count) != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                throw KafkaError(.configuration, "\(key): \(cText(errorText))")
            }
        }
        let context = RDKafkaCallbackContext(logger: logger, debugAtInfo: properties["debug"] != nil, group: group)
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(context).toOpaque())
        rd_kafka_conf_set_log_cb(conf) { client, level, facility, text in
            guard let client, let opaque = rd_kafka_opaque(client) else { return }
            let context = Unmanaged<RDKafkaCallbackContext>.fromOpaque(opaque).takeUnretainedValue()
            let facilityText = facility.map { String(cString: $0) } ?? "?"
            let message = text.map { String(cString: $0) } ?? ""
            context.log(level: level, facility: facilityText, message: message)
        }
        configure(conf)
        guard let handle = rd_kafka_new(kind, conf, &errorText, errorText.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError(.clientCreation, cText(errorText))
        }
        self.handle = handle
        self.context = context
    }

    /// Set when a consumer must not leave its group on destruction (see ``KafkaConsumer/close(timeout:)``).
    let skipsConsumerClose = Atomic<Bool>(false)

    deinit {
        if skipsConsumerClose.load(ordering: .relaxed) {
            rd_kafka_destroy_flags(handle, Int32(RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE))
        } else {
            rd_kafka_destroy(handle)
        }
    }

    /// Asks a broker for cluster metadata; true when it answered within `timeoutMilliseconds`.
    /// Blocking: call from a dedicated thread (see ``offloadBlocking(_:)``).
    func brokerAnswers(timeoutMilliseconds: Int32) -> Bool {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let code = rd_kafka_metadata(handle, 0, nil, &metadata, timeoutMilliseconds)
        if let metadata { rd_kafka_metadata_destroy(metadata) }
        return code == RD_KAFKA_RESP_ERR_NO_ERROR
    }

    /// Topic names and partition counts known to the cluster. Blocking.
    func topicPartitions(timeoutMilliseconds: Int32) throws -> [String: Int] {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let code = rd_kafka_metadata(handle, 1, nil, &metadata, timeoutMilliseconds)
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else { throw KafkaError.fromCode(code) }
        defer { rd_kafka_metadata_destroy(metadata) }
        var result: [String: Int] = [:]
        for index in 0..<Int(metadata.pointee.topic_cnt) {
            let topic = metadata.pointee.topics[index]
            if topic.err == RD_KAFKA_RESP_ERR_NO_ERROR {
                result[String(cString: topic.topic)] = Int(topic.partition_cnt)
            }
        }
        return result
    }
}

/// State reachable from librdkafka's C callbacks through the configuration opaque.
final class RDKafkaCallbackContext: Sendable {
    let logger: Logger
    /// Debug contexts were asked for (`JEMBATAN_KAFKA_DEBUG`): their lines are logged at info, so they show.
    let debugAtInfo: Bool

    /// A consumer's group status, updated by the rebalance and statistics callbacks.
    let group: ConsumerGroupStatus?

    init(logger: Logger, debugAtInfo: Bool = false, group: ConsumerGroupStatus? = nil) {
        self.logger = logger
        self.debugAtInfo = debugAtInfo
        self.group = group
    }

    /// The rebalance callback: applies the assignment or revocation (eager or cooperative, as the
    /// group's protocol says), pauses new partitions while a retry holds the consumer, and logs it.
    /// Runs inside the consumer's poll.
    func rebalance(
        handle: OpaquePointer, code: rd_kafka_resp_err_t,
        partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
    ) {
        let cooperative = rd_kafka_rebalance_protocol(handle).map { String(cString: $0) } == "COOPERATIVE"
        var places: [TopicPartition] = []
        if let partitions {
            for index in 0..<Int(partitions.pointee.cnt) {
                let entry = partitions.pointee.elems[index]
                places.append(TopicPartition(topic: String(cString: entry.topic), partition: entry.partition))
            }
        }
        let described = places.sorted().map { "\($0.topic)[\($0.partition)]" }.joined(separator: ",")
        switch code {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            if cooperative {
                if let error = rd_kafka_incremental_assign(handle, partitions) { rd_kafka_error_destroy(error) }
            } else {
                _ = rd_kafka_assign(handle, partitions)
            }
            // librdkafka keeps an application pause on a partition across rebalances: a partition
            // paused during a retry, revoked and assigned again would never fetch. Set it explicitly.
            // Only partitions this consumer paused itself are resumed: resuming others would disturb
            // the fetch position of a partition whose committed offset is still being looked up.
            if let partitions, let group {
                if group.pausedForRetry {
                    _ = rd_kafka_pause_partitions(handle, partitions)
                    group.notePaused(places)
                } else {
                    let stale = group.takePaused(places)
                    if !stale.isEmpty { withPartitionList(stale) { _ = rd_kafka_resume_partitions(handle, $0) } }
                }
            }
            group?.assigned(places, incremental: cooperative)
            logger.info(
                "Partitions assigned",
                metadata: [
                    "kafka.partitions": "\(described)", "kafka.protocol": "\(cooperative ? "cooperative" : "eager")",
                ])
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            let lost = rd_kafka_assignment_lost(handle) != 0
            // Nothing is stored for revoked partitions: their offsets were stored only after commits.
            if cooperative {
                if let error = rd_kafka_incremental_unassign(handle, partitions) { rd_kafka_error_destroy(error) }
            } else {
                _ = rd_kafka_assign(handle, nil)
            }
            group?.revoked(places, incremental: cooperative)
            logger.info(lost ? "Partitions lost" : "Partitions revoked", metadata: ["kafka.partitions": "\(described)"])
        default:
            _ = rd_kafka_assign(handle, nil)
            group?.revoked(places, incremental: false)
            logger.error(
                "Rebalance failed; assignment dropped",
                metadata: ["kafka.error": "\(String(cString: rd_kafka_err2str(code)))"])
        }
    }

    /// The statistics callback: keeps the group's join state (librdkafka `cgrp`), once a second.
    func statistics(_ json: Data) {
        guard let group,
            let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any],
            let cgrp = object["cgrp"] as? [String: Any]
        else { return }
        // Partitions whose fetcher runs; an assigned partition that never gets here (its committed
        // offset was never fetched) takes no records although the member looks steady.
        var fetching: [TopicPartition] = []
        var positions: [TopicPartition: (position: Int64, lag: Int64)] = [:]
        for (topic, value) in object["topics"] as? [String: Any] ?? [:] {
            for (partition, state) in (value as? [String: Any])?["partitions"] as? [String: Any] ?? [:] {
                guard let number = Int32(partition), number >= 0, let state = state as? [String: Any] else { continue }
                let place = TopicPartition(topic: topic, partition: number)
                if state["fetch_state"] as? String == "active" { fetching.append(place) }
                positions[place] = (
                    (state["app_offset"] as? NSNumber)?.int64Value ?? -1,
                    (state["consumer_lag"] as? NSNumber)?.int64Value ?? -1
                )
            }
        }
        group.statistics(
            joinState: cgrp["join_state"] as? String ?? "unknown", groupState: cgrp["state"] as? String ?? "unknown",
            fetching: fetching, positions: positions)
    }

    func log(level: Int32, facility: String, message: String) {
        let swiftLevel: Logger.Level
        switch level {
        case 0...3: swiftLevel = .error
        case 4: swiftLevel = .warning
        case 5, 6: swiftLevel = .info
        default: swiftLevel = debugAtInfo ? .info : .debug
        }
        logger.log(
            level: swiftLevel, "librdkafka", metadata: ["kafka.facility": "\(facility)", "kafka.detail": "\(message)"])
    }
}

/// Runs `body` with a librdkafka partition list of `places` (destroyed afterwards).
func withPartitionList(
    _ places: [TopicPartition], _ body: (UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> Void
) {
    guard let list = rd_kafka_topic_partition_list_new(Int32(places.count)) else { return }
    defer { rd_kafka_topic_partition_list_destroy(list) }
    for place in places { rd_kafka_topic_partition_list_add(list, place.topic, place.partition) }
    body(list)
}

/// The long-lived threads that run librdkafka's blocking calls (metadata, watermarks, committed
/// offsets, consumer close), never the cooperative pool and never a new thread per call.
enum BlockingCalls {
    static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 4)
        pool.start()
        return pool
    }()
}

/// Runs a blocking call on ``BlockingCalls/pool`` and awaits its result.
func offloadBlocking<Result: Sendable>(_ body: @escaping @Sendable () -> Result) async -> Result {
    await withCheckedContinuation { continuation in
        BlockingCalls.pool.submit { _ in continuation.resume(returning: body()) }
    }
}

/// Text of a NUL-terminated C buffer filled by librdkafka.
func cText(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

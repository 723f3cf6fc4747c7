import CRdKafka
import Foundation
import Logging

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
        let context = RDKafkaCallbackContext(logger: logger)
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

    deinit {
        rd_kafka_destroy(handle)
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

    init(logger: Logger) { self.logger = logger }

    func log(level: Int32, facility: String, message: String) {
        let swiftLevel: Logger.Level
        switch level {
        case 0...3: swiftLevel = .error
        case 4: swiftLevel = .warning
        case 5, 6: swiftLevel = .info
        default: swiftLevel = .debug
        }
        logger.log(level: swiftLevel, "librdkafka", metadata: ["kafka.facility": "\(facility)", "kafka.detail": "\(message)"])
    }
}

/// Runs a blocking call on its own thread, never on the cooperative pool, and awaits its result.
func offloadBlocking<Result: Sendable>(_ body: @escaping @Sendable () -> Result) async -> Result {
    await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: body()) }
        thread.name = "jembatan-blocking"
        thread.start()
    }
}

/// Text of a NUL-terminated C buffer filled by librdkafka.
func cText(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

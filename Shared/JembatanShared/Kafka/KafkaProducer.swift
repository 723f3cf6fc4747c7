import CRdKafka
import Foundation
import Logging
import Synchronization

/// One Kafka record header.
public struct KafkaHeader: Sendable, Equatable {
    /// Header name.
    public var name: String
    /// Header value bytes.
    public var value: [UInt8]

    /// Creates a header from a UTF-8 string value.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = Array(value.utf8)
    }

    /// Creates a header from raw bytes.
    public init(name: String, value: [UInt8]) {
        self.name = name
        self.value = value
    }
}

/// Where a record landed.
public struct DeliveryReport: Sendable, Equatable {
    /// Partition the broker wrote the record to.
    public var partition: Int32
    /// Offset of the record in that partition.
    public var offset: Int64
}

/// An enqueued record whose delivery report can be awaited.
///
/// Records are enqueued synchronously (so their order per partition is the call order) and
/// awaited later, which lets the outbox relay enqueue a whole batch before waiting.
public final class PendingDelivery: Sendable {
    private enum State {
        case waiting(CheckedContinuation<DeliveryReport, any Error>?)
        case finished(Result<DeliveryReport, KafkaError>)
        /// The waiter was cancelled; a later report is ignored (the record may still land: the
        /// outbox sends it again and the consumers' inboxes absorb the duplicate).
        case abandoned
    }

    private let state = Mutex<State>(.waiting(nil))

    init() {}

    init(failed error: KafkaError) {
        state.withLock { $0 = .finished(.failure(error)) }
    }

    /// Waits for the broker's acknowledgement (`acks=all`) or the failure; throws
    /// `CancellationError` at once when the waiting task is cancelled (a shutdown while the
    /// broker is frozen must not wait for the delivery timeout).
    public func delivered() async throws -> DeliveryReport {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let finished: Result<DeliveryReport, any Error>? = state.withLock { state in
                    switch state {
                    case .finished(let result): return result.mapError { $0 as any Error }
                    case .abandoned: return .failure(CancellationError())
                    case .waiting:
                        state = .waiting(continuation)
                        return nil
                    }
                }
                if let finished { continuation.resume(with: finished) }
            }
        } onCancel: {
            let waiter: CheckedContinuation<DeliveryReport, any Error>? = state.withLock { state in
                switch state {
                case .waiting(let waiter):
                    state = .abandoned
                    return waiter
                case .finished, .abandoned: return nil
                }
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    func complete(_ result: Result<DeliveryReport, KafkaError>) {
        let waiter: CheckedContinuation<DeliveryReport, any Error>? = state.withLock { state in
            guard case .waiting(let waiter) = state else { return nil }
            state = .finished(result)
            return waiter
        }
        waiter?.resume(with: result.mapError { $0 as any Error })
    }
}

/// Idempotent, `acks=all` Kafka producer whose delivery reports are awaited.
///
/// A dedicated thread polls librdkafka for delivery reports, so no blocking C call runs on
/// Swift's cooperative pool. Call ``shutdown()`` once to flush and stop that thread.
public final class KafkaProducer: Sendable {
    private let client: RDKafkaClient
    private let isRunning = RunningFlag()
    private let logger: Logger

    /// Creates the producer and starts its polling thread.
    public init(configuration: KafkaConfiguration, logger: Logger) throws {
        self.logger = logger
        self.client = try RDKafkaClient(
            kind: RD_KAFKA_PRODUCER, properties: configuration.producerProperties, logger: logger
        ) { conf in
            rd_kafka_conf_set_dr_msg_cb(conf) { _, message, _ in
                guard let message, let opaque = message.pointee._private else { return }
                let pending = Unmanaged<PendingDelivery>.fromOpaque(opaque).takeRetainedValue()
                let code = message.pointee.err
                if code == RD_KAFKA_RESP_ERR_NO_ERROR {
                    pending.complete(
                        .success(DeliveryReport(partition: message.pointee.partition, offset: message.pointee.offset)))
                } else {
                    pending.complete(.failure(KafkaError.fromCode(code)))
                }
            }
        }
        let client = self.client
        let isRunning = self.isRunning
        let thread = Thread {
            while isRunning.value {
                rd_kafka_poll(client.handle, 100)
            }
            rd_kafka_flush(client.handle, 5000)
            rd_kafka_poll(client.handle, 0)
        }
        thread.name = "jembatan-kafka-producer"
        thread.start()
    }

    /// Enqueues one record; returns a handle to await its delivery.
    ///
    /// Never blocks: a full local queue is reported as a failed delivery.
    public func send(topic: String, key: String, value: [UInt8], headers: [KafkaHeader] = []) -> PendingDelivery {
        guard isRunning.value else {
            return PendingDelivery(failed: KafkaError(.closed, "producer is shut down"))
        }
        let pending = PendingDelivery()
        let opaque = Unmanaged.passRetained(pending).toOpaque()
        let cHeaders = rd_kafka_headers_new(headers.count)
        for header in headers {
            header.value.withUnsafeBytes { bytes in
                _ = rd_kafka_header_add(cHeaders, header.name, -1, bytes.baseAddress, bytes.count)
            }
        }
        let keyBytes = Array(key.utf8)
        let error: OpaquePointer? = topic.withCString { topicName in
            keyBytes.withUnsafeBytes { keyBuffer in
                value.withUnsafeBytes { valueBuffer in
                    var arguments = [rd_kafka_vu_t](repeating: rd_kafka_vu_t(), count: 6)
                    arguments[0].vtype = RD_KAFKA_VTYPE_TOPIC
                    arguments[0].u.cstr = topicName
                    arguments[1].vtype = RD_KAFKA_VTYPE_KEY
                    arguments[1].u.mem.ptr = UnsafeMutableRawPointer(mutating: keyBuffer.baseAddress)
                    arguments[1].u.mem.size = keyBuffer.count
                    arguments[2].vtype = RD_KAFKA_VTYPE_VALUE
                    arguments[2].u.mem.ptr = UnsafeMutableRawPointer(mutating: valueBuffer.baseAddress)
                    arguments[2].u.mem.size = valueBuffer.count
                    arguments[3].vtype = RD_KAFKA_VTYPE_HEADERS
                    arguments[3].u.headers = cHeaders
                    arguments[4].vtype = RD_KAFKA_VTYPE_MSGFLAGS
                    arguments[4].u.i = RD_KAFKA_MSG_F_COPY
                    arguments[5].vtype = RD_KAFKA_VTYPE_OPAQUE
                    arguments[5].u.ptr = opaque
                    return rd_kafka_produceva(client.handle, arguments, arguments.count)
                }
            }
        }
        if let error {
            let code = rd_kafka_error_code(error)
            rd_kafka_error_destroy(error)
            rd_kafka_headers_destroy(cHeaders)
            Unmanaged<PendingDelivery>.fromOpaque(opaque).release()
            pending.complete(.failure(KafkaError.fromCode(code)))
        }
        return pending
    }

    /// Sends one record and waits for its acknowledgement.
    @discardableResult
    public func deliver(topic: String, key: String, value: [UInt8], headers: [KafkaHeader] = []) async throws
        -> DeliveryReport
    {
        try await send(topic: topic, key: key, value: value, headers: headers).delivered()
    }

    /// True when a broker answers a metadata request within `timeout`.
    public func brokerIsReachable(timeout: Duration = .seconds(2)) async -> Bool {
        let client = self.client
        let milliseconds = Int32(timeout.components.seconds * 1000)
        return await offloadBlocking { client.brokerAnswers(timeoutMilliseconds: milliseconds) }
    }

    /// Topic names and their partition counts, as the broker reports them.
    public func topicPartitions(timeout: Duration = .seconds(5)) async throws -> [String: Int] {
        let client = self.client
        let milliseconds = Int32(timeout.components.seconds * 1000)
        return try await offloadBlocking { Result { try client.topicPartitions(timeoutMilliseconds: milliseconds) } }
            .get()
    }

    /// Stops accepting records; the polling thread flushes what is queued (up to 5 s) and ends.
    public func shutdown() {
        isRunning.stop()
    }

    /// The underlying client, for the admin API.
    var rdClient: RDKafkaClient { client }
}

/// A flag shared between the producer and its polling thread.
final class RunningFlag: Sendable {
    private let running = Atomic<Bool>(true)
    /// True until ``stop()``.
    var value: Bool { running.load(ordering: .acquiring) }
    /// Clears the flag.
    func stop() { running.store(false, ordering: .releasing) }
}

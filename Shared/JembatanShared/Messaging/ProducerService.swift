import ServiceLifecycle

/// Keeps the process's producer alive until graceful shutdown, then flushes it.
///
/// Listed before the relay and the consumers so it stops after them.
public struct ProducerService: Service {
    /// The shared producer.
    public let producer: KafkaProducer

    /// Wraps `producer`.
    public init(producer: KafkaProducer) { self.producer = producer }

    /// Waits for shutdown, then stops the producer (which flushes queued records).
    public func run() async throws {
        try? await gracefulShutdown()
        producer.shutdown()
    }
}

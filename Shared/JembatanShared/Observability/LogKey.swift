import Logging
import Metrics

/// The one place that names logging metadata keys.
public enum LogKey {
    /// A data-sharing request of the procedure (not an HTTP request).
    public static let requestID = "request.id"
    /// One HTTP request (`X-Request-ID`), set by ``RequestObservationMiddleware``.
    public static let httpRequestID = "http.request.id"
    /// The type this payload is published as.
    public static let eventType = "event.type"
    /// The CloudEvent id.
    public static let eventID = "event.id"
    /// The Kafka topic.
    public static let topic = "kafka.topic"
    /// The Kafka partition.
    public static let partition = "kafka.partition"
    /// The Kafka offset.
    public static let offset = "kafka.offset"
    /// The consumer's name.
    public static let consumer = "consumer"
    /// The error's description.
    public static let error = "error"
}

/// Counters every service exports on `/metrics`.
public enum MessagingMetrics {
    /// Events published by the outbox relay.
    public static func published(_ service: ServiceName) -> Counter {
        Counter(label: "jembatan_outbox_published_total", dimensions: [("service", service.rawValue)])
    }
    /// Events applied by a consumer (first delivery).
    public static func applied(_ consumer: String) -> Counter {
        Counter(label: "jembatan_events_applied_total", dimensions: [("consumer", consumer)])
    }
    /// Redelivered events recognised by the inbox and skipped.
    public static func duplicates(_ consumer: String) -> Counter {
        Counter(label: "jembatan_events_duplicate_total", dimensions: [("consumer", consumer)])
    }
    /// Events sent to the dead-letter topic.
    public static func deadLettered(_ consumer: String) -> Counter {
        Counter(label: "jembatan_events_deadlettered_total", dimensions: [("consumer", consumer)])
    }
    /// Transient failures that were retried.
    public static func retries(_ consumer: String) -> Counter {
        Counter(label: "jembatan_events_retried_total", dimensions: [("consumer", consumer)])
    }
    /// Creates `consumer`'s counters at 0.
    public static func register(consumer: String) {
        for counter in [
            applied(consumer), duplicates(consumer), deadLettered(consumer), retries(consumer),
            Counter(label: "jembatan_consumer_recreations_total", dimensions: [("consumer", consumer)]),
        ] {
            counter.increment(by: 0)
        }
    }
    /// Time to apply one event (the inbox transaction with its handler), per event type.
    public static func handlingTime(_ type: EventType) -> Timer {
        Timer(
            label: "jembatan_event_handling_duration_seconds", dimensions: [("type", type.rawValue)],
            preferredDisplayUnit: .seconds)
    }
}

/// The five role services of the procedure (SYSTEM.md §2).
public enum ServiceName: String, CaseIterable, Sendable, Codable {
    case intake, evaluation, provisioning, validation, reporting

    /// CloudEvents `source` of every event this service writes.
    public var eventSource: String { "/jembatan/\(rawValue)" }
    /// The one topic this service writes.
    public var topic: Topic {
        switch self {
        case .intake: .intake
        case .evaluation: .evaluation
        case .provisioning: .provisioning
        case .validation: .validation
        case .reporting: .reporting
        }
    }
    /// The fixed local HTTP port (SYSTEM.md §4).
    public var defaultPort: Int {
        switch self {
        case .intake: 8081
        case .evaluation: 8082
        case .provisioning: 8083
        case .validation: 8084
        case .reporting: 8085
        }
    }
    /// The topics this service's consumer group (`jembatan-<name>`) reads.
    public var consumedTopics: [Topic] {
        switch self {
        case .intake: [.evaluation]
        case .evaluation: [.intake, .validation]
        case .provisioning: [.evaluation]
        case .validation: [.provisioning]
        case .reporting: [.intake, .evaluation, .provisioning, .validation, .operations]
        }
    }
    /// The consumer group of this service.
    public var consumerGroup: String { "jembatan-\(rawValue)" }
    /// The PostgreSQL schema this service owns (it is the only writer of its tables).
    public var schema: String { rawValue }
    /// Name of the executable.
    public var executableName: String { "jembatan-\(rawValue)" }
}

/// Every Kafka topic; each has exactly one writing service, except the dead-letter topic.
public enum Topic: String, CaseIterable, Sendable, Codable {
    case intake = "jembatan.intake.v1"
    case evaluation = "jembatan.evaluation.v1"
    case provisioning = "jembatan.provisioning.v1"
    case validation = "jembatan.validation.v1"
    case reporting = "jembatan.reporting.v1"
    /// Written by the operator command (`jembatan ops check`, `backup`, `dlq redrive`): the maintenance SOP's record.
    case operations = "jembatan.operations.v1"
    /// Where every consumer sends what it cannot process, with the reason in headers.
    case deadLetter = "jembatan.deadletter.v1"

    /// The partition count topics are created with.
    public static let defaultPartitions = 6
}

/// Header names on dead-lettered records; the original headers are kept in front of them.
public enum DeadLetterHeader {
    /// Topic the record was read from.
    public static let originalTopic = "jembatan-dlq-original-topic"
    /// Partition the record was read from.
    public static let originalPartition = "jembatan-dlq-original-partition"
    /// Offset the record had.
    public static let originalOffset = "jembatan-dlq-original-offset"
    /// Consumer (service) that gave up on it.
    public static let consumer = "jembatan-dlq-consumer"
    /// Why it could not be processed.
    public static let error = "jembatan-dlq-error"
    /// When it was dead-lettered (ISO 8601).
    public static let failedAt = "jembatan-dlq-failed-at"
    /// Present when the original value was cut to its first ``maximumOriginalBytes``: its full size.
    public static let truncatedFrom = "jembatan-dlq-truncated-from-bytes"
    /// Dead letters keep at most this much of an oversized original value (1 MiB).
    public static let maximumOriginalBytes = 1 << 20
}

/// The workspace's consumer: it reads the events that land a task on somebody and tells them
/// (notifications); it writes no topic.
public enum WorkspaceConsumer {
    /// Its consumer group.
    public static let group = "jembatan-workspace"
    /// The topics it reads.
    public static let topics: [Topic] = [.intake, .evaluation, .provisioning, .validation, .reporting]
}

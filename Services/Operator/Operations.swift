import ArgumentParser
import Foundation
import JembatanShared
import Logging
import PostgresNIO

/// The operator's own records (maintenance SOP): checks, incidents, backups, redrives, and an
/// outbox so each record and its event commit together. The schema is migrated by the command.
enum OperationsSchema {
    static let schema = SchemaName("operations")
    static let source = "/jembatan/operations"
    static let outbox = Outbox(source: source, topic: .operations, schema: schema)

    static let migrations: [Migration] = MessagingMigrations.all(schema: schema) + [CreateMaintenanceRecords.migration]
}

/// A connected operator: PostgreSQL, a producer, the operations schema migrated and its outbox drained.
struct Operations: Sendable {
    let configuration: JembatanConfiguration
    let client: PostgresClient
    let producer: KafkaProducer
    let logger: Logger

    static func with<T: Sendable>(_ body: @Sendable (Operations) async throws -> T) async throws -> T {
        let configuration = try loadConfiguration()
        let logger = quietLogger()
        let client = configuration.database.makeClient(logger: logger)
        let producer = try KafkaProducer(configuration: configuration.kafka, logger: logger)
        defer { producer.shutdown() }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            let operations = Operations(
                configuration: configuration, client: client, producer: producer, logger: logger)
            do {
                try await withDeadline(.seconds(15)) {
                    try await MigrationService.applyPending(
                        SchemaMigrations(schema: OperationsSchema.schema, migrations: OperationsSchema.migrations),
                        client: client, logger: logger)
                }
            } catch {
                // The pool hides why it cannot connect (it keeps trying): ask with a connection of our own.
                if let cause = await configuration.database.unreachableCause(logger: logger) {
                    throw DatabaseUnavailable(configuration.database, cause: cause)
                }
                throw error
            }
            // Events an interrupted earlier run recorded but did not publish go first.
            try await operations.publishPending()
            let result = try await body(operations)
            try await operations.publishPending()
            return result
        }
    }

    /// Publishes the operations outbox (acks=all, awaited) until it is empty.
    func publishPending() async throws {
        while try await OutboxRelay.publishBatch(
            client: client, producer: producer, schema: OperationsSchema.schema, logger: logger) > 0
        {}
    }
}

/// Reads topics from the beginning to where they end now, with a throw-away consumer group.
///
/// The broker's high watermarks say where to stop at the least; reading goes on until nothing
/// new arrived for `settle`, because a watermark asked for just after a write may not count it
/// yet (a fault run once missed the last record of a partition that way). Records beyond the
/// watermarks are counted in ``Snapshot/beyondWatermarks``.
enum TopicSnapshot {
    struct Snapshot {
        var messages: [KafkaMessage]
        /// Records read past the high watermark the broker reported before reading.
        var beyondWatermarks: Int
        /// Offsets missing inside a partition's range (none on a healthy log), as `topic[partition]@offset`.
        var gaps: [String]
    }

    static func read(
        _ topics: [Topic], configuration: KafkaConfiguration, limit: Duration = .seconds(60),
        settle: Duration = .seconds(3)
    ) async throws -> Snapshot {
        let logger = quietLogger()
        var ends: [TopicPartition: Int64] = [:]
        var remaining: [TopicPartition: Int64] = [:]
        for (partition, marks) in try await KafkaOffsets.watermarks(
            topics: topics.map(\.rawValue), configuration: configuration, logger: logger) where marks.high > marks.low
        {
            remaining[partition] = marks.high
            ends[partition] = marks.high
        }
        guard !remaining.isEmpty else { return Snapshot(messages: [], beyondWatermarks: 0, gaps: []) }
        let consumer = try KafkaConsumer(
            topics: topics.map(\.rawValue), group: "jembatan-operator-\(UUID().uuidString.lowercased())",
            configuration: configuration, logger: logger)
        var messages: [KafkaMessage] = []
        let deadline = ContinuousClock.now + limit
        var lastArrival = ContinuousClock.now
        while ContinuousClock.now < deadline, !remaining.isEmpty || ContinuousClock.now - lastArrival < settle {
            guard let message = await consumer.next(within: .milliseconds(500)) else { continue }
            lastArrival = .now
            let place = TopicPartition(topic: message.topic, partition: message.partition)
            if let end = remaining[place], message.offset + 1 >= end { remaining[place] = nil }
            messages.append(message)
        }
        await consumer.close(timeout: .seconds(5))
        guard remaining.isEmpty else {
            throw ValidationError("could not read \(topics.map(\.rawValue)) to their end within \(limit)")
        }
        messages.sort { ($0.topic, $0.partition, $0.offset) < ($1.topic, $1.partition, $1.offset) }
        var beyond = 0
        var gaps: [String] = []
        var previous: [TopicPartition: Int64] = [:]
        for message in messages {
            let place = TopicPartition(topic: message.topic, partition: message.partition)
            if message.offset >= ends[place] ?? 0 { beyond += 1 }
            if let last = previous[place], message.offset > last + 1 {
                gaps += (last + 1..<min(message.offset, last + 4)).map {
                    "\(message.topic)[\(message.partition)]@\($0)"
                }
            }
            previous[place] = message.offset
        }
        return Snapshot(messages: messages, beyondWatermarks: beyond, gaps: gaps)
    }
}

/// `jembatan lag`: how far each consumer group is behind, per partition.
struct LagCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lag", abstract: "Consumer lag per group and partition (committed offset vs end of the log).")

    @Flag(help: "Show every partition, not only those with lag.")
    var all = false

    struct Line {
        let group: String
        let place: TopicPartition
        let committed: Int64?
        let end: Int64
        let lag: Int64
    }

    static func measure(configuration: KafkaConfiguration) async throws -> [Line] {
        let logger = quietLogger()
        var lines: [Line] = []
        let marks = try await KafkaOffsets.watermarks(
            topics: Topic.allCases.map(\.rawValue), configuration: configuration, logger: logger)
        for service in ServiceName.allCases {
            let partitions = marks.keys.filter { partition in
                service.consumedTopics.contains { $0.rawValue == partition.topic }
            }.sorted()
            let committed = try await KafkaOffsets.committed(
                group: service.consumerGroup, partitions: partitions, configuration: configuration, logger: logger)
            for place in partitions {
                let (low, high) = marks[place] ?? (0, 0)
                let position = (committed[place] ?? nil) ?? low
                lines.append(
                    Line(
                        group: service.consumerGroup, place: place, committed: committed[place] ?? nil, end: high,
                        lag: max(0, high - max(position, low))))
            }
        }
        return lines
    }

    func run() async throws {
        let lines = try await Self.measure(configuration: try loadConfiguration().kafka)
        say("group                  topic                       partition  committed        end        lag")
        for line in lines where all || line.lag > 0 {
            say(
                "\(line.group.padding(toLength: 22, withPad: " ", startingAt: 0)) \(line.place.topic.padding(toLength: 27, withPad: " ", startingAt: 0)) \(right(line.place.partition, 9))  \(right(line.committed.map { "\($0)" } ?? "-", 9))  \(right(line.end, 9))  \(right(line.lag, 9))"
            )
        }
        for service in ServiceName.allCases {
            let total = lines.filter { $0.group == service.consumerGroup }.reduce(Int64(0)) { $0 + $1.lag }
            say("\(service.consumerGroup): total lag \(total)")
        }
    }
}

/// `value` right-aligned in `width` columns.
func right(_ value: some CustomStringConvertible, _ width: Int) -> String {
    let text = value.description
    return String(repeating: " ", count: max(0, width - text.count)) + text
}

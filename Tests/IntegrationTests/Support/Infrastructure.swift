import Foundation
import JembatanShared
import Logging
import PostgresNIO

/// Direct access to the stack's PostgreSQL for assertions about stored state.
struct TestDatabase {
    /// Runs `body` with a connected client.
    static func with<T: Sendable>(_ body: @Sendable (PostgresClient) async throws -> T) async throws -> T {
        var configuration = DatabaseConfiguration()
        configuration.port = LocalStack.postgresPort
        configuration.password = LocalStack.postgresPassword
        configuration.maximumConnections = 2
        let client = configuration.makeClient(logger: Logger(label: "test-db"))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }

    /// One integer from a query.
    static func count(_ query: PostgresQuery) async throws -> Int {
        try await with { client in
            for try await value in try await client.query(query).decode(Int.self) { return value }
            return 0
        }
    }
}

/// Reads topics with a real Kafka consumer (its own group, from the beginning).
struct TopicReader {
    static func configuration() -> KafkaConfiguration {
        var configuration = KafkaConfiguration()
        configuration.bootstrapServers = LocalStack.brokers
        configuration.maximumMessageBytes = 8 << 20
        return configuration
    }

    /// Collects records of `topics` until `isComplete` holds for what matched `filter`, or `seconds` pass.
    static func collect(
        _ topics: [Topic], seconds: Double = 60,
        where filter: @escaping (KafkaMessage) -> Bool,
        until isComplete: @escaping ([KafkaMessage]) -> Bool
    ) async throws -> [KafkaMessage] {
        var logger = Logger(label: "test-consumer")
        logger.logLevel = .error
        let consumer = try KafkaConsumer(
            topics: topics.map(\.rawValue), group: "test-\(UUID().uuidString)", configuration: configuration(),
            logger: logger)
        let deadline = Date().addingTimeInterval(seconds)
        var matched: [KafkaMessage] = []
        while Date() < deadline, !isComplete(matched) {
            guard let message = await Self.next(consumer, before: deadline) else { break }
            if filter(message) { matched.append(message) }
        }
        await consumer.close()
        return matched
    }

    private static func next(_ consumer: KafkaConsumer, before deadline: Date) async -> KafkaMessage? {
        await withTaskGroup(of: KafkaMessage?.self) { group in
            group.addTask { await consumer.next() }
            group.addTask {
                try? await Task.sleep(for: .seconds(max(0, deadline.timeIntervalSinceNow)))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// A producer for injecting records (redelivery, malformed events).
    static func producer() throws -> KafkaProducer {
        var logger = Logger(label: "test-producer")
        logger.logLevel = .error
        return try KafkaProducer(configuration: configuration(), logger: logger)
    }
}

extension KafkaMessage {
    /// CloudEvent type of the record, if it is one.
    var eventType: String? {
        (try? JSONSerialization.jsonObject(with: Data(value)) as? [String: Any])?["type"] as? String
    }

    /// Value of header `name` as text.
    func header(_ name: String) -> String? {
        headers.last { $0.name == name }.map { String(decoding: $0.value, as: UTF8.self) }
    }
}

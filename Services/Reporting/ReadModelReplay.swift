import Foundation
import Hummingbird
import JembatanShared
import Logging
import PostgresNIO

/// Proves the read model is a function of the topics: reads every topic reporting consumes from
/// the beginning to the current end with a throw-away consumer group, projects it into a scratch
/// schema with the same code, and compares the result with the live read model row by row.
struct ReadModelReplay: Sendable {
    let context: ServiceContext
    static let scratch = ReadModelStore(schema: SQLIdentifier(trusted: "reporting_replay"))
    static let topics: [Topic] = ServiceName.reporting.consumedTopics

    struct Outcome: Encodable {
        let records: Int
        let eventsStored: Int
        let requests: Int
        let timelineEntries: Int
        /// Rows present on one side only, per table (`live` = only in the live read model).
        let differences: [String]
        var identical: Bool { differences.isEmpty }

        enum CodingKeys: String, CodingKey {
            case records, eventsStored, requests, timelineEntries, differences, identical
        }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(records, forKey: .records)
            try container.encode(eventsStored, forKey: .eventsStored)
            try container.encode(requests, forKey: .requests)
            try container.encode(timelineEntries, forKey: .timelineEntries)
            try container.encode(differences, forKey: .differences)
            try container.encode(identical, forKey: .identical)
        }
    }

    /// The tables and the columns that must be equal (the time a row was written is not part of the model).
    static let compared: [(table: String, columns: String)] = [
        (
            "requests",
            "request_id, agency_code, title, profile, profile_version, state, sop_step, phase, submitted_at, completed_at, updated_at"
        ),
        (
            "timeline",
            "event_id, request_id, event_type, source, actor_id, actor_role, state, sop_step, phase, completed_phase, evidence_at, occurred_at"
        ),
        ("events", "event_id, request_id, event_type, occurred_at, envelope"),
    ]

    func run(limit: Duration = .seconds(120)) async throws -> Outcome {
        let logger = context.logger
        // One replay at a time: the scratch schema is shared.
        return try await ReadModelStore.exclusively("reporting.replay", client: context.client, logger: logger) {
            try await replay(limit: limit, logger: logger)
        }
    }

    private func replay(limit: Duration, logger: Logger) async throws -> Outcome {
        try await Self.scratch.recreate(likeLive: Self.compared.map(\.table), client: context.client, logger: logger)
        // Read up to where the topics end now.
        let kafka = context.configuration.kafka
        var remaining: [TopicPartition: Int64] = [:]
        for (partition, marks) in try await KafkaOffsets.watermarks(
            topics: Self.topics.map(\.rawValue), configuration: kafka, logger: logger) where marks.high > marks.low
        {
            remaining[partition] = marks.high
        }
        let projector = ReadModelProjector(context: context, store: Self.scratch, announces: false)
        var records = 0
        if !remaining.isEmpty {
            let consumer = try KafkaConsumer(
                topics: Self.topics.map(\.rawValue),
                group: "jembatan-reporting-replay-\(UUID().uuidString.lowercased())",
                configuration: kafka, logger: logger)
            let deadline = ContinuousClock.now + limit
            do {
                while !remaining.isEmpty {
                    guard ContinuousClock.now < deadline else {
                        throw APIError(
                            .serviceUnavailable, code: "replay_incomplete",
                            message: "the topics could not be read to their end within \(limit)")
                    }
                    guard let message = await consumer.next(within: .seconds(1)) else { continue }
                    let place = TopicPartition(topic: message.topic, partition: message.partition)
                    if let end = remaining[place], message.offset + 1 >= end { remaining[place] = nil }
                    records += 1
                    guard
                        case .success(let attributes) = CloudEventCodec.attributes(
                            of: message.value, key: message.keyText),
                        ReadModelProjector.storedTypes.contains(attributes.type)
                    else { continue }
                    let event = ReceivedEvent(attributes: attributes, message: message)
                    do {
                        try await context.client.inTransaction(logger: logger) { connection in
                            try await projector.apply(event, on: connection, logger: logger)
                        }
                    } catch let error as PSQLError {
                        throw error
                    } catch {
                        // The live consumer dead-letters what it cannot apply; the replay skips the same events.
                        logger.info(
                            "Replay skipped an event the read model rejects",
                            metadata: [
                                LogKey.eventID: "\(attributes.id)", LogKey.error: "\(String(reflecting: error))",
                            ])
                    }
                }
            } catch {
                await consumer.close(timeout: .seconds(5))
                throw error
            }
            await consumer.close(timeout: .seconds(5))
        }
        var differences: [String] = []
        for (table, columns) in Self.compared {
            let names = columns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            for (name, left, right) in [
                ("live", ReadModelStore.live, Self.scratch), ("replay", Self.scratch, ReadModelStore.live),
            ] {
                for row in try await left.rowsMissing(
                    from: right, table: table, columns: names, client: context.client, logger: logger)
                {
                    differences.append("\(table) only in \(name): \(row.prefix(300))")
                }
            }
        }
        var counts: [Int] = []
        for (table, _) in Self.compared {
            counts.append(try await Self.scratch.count(table, client: context.client, logger: logger))
        }
        // The scratch copy is only evidence; a failed replay leaves it for inspection until the next one.
        try await Self.scratch.drop(client: context.client, logger: logger)
        return Outcome(
            records: records, eventsStored: counts[2], requests: counts[0], timelineEntries: counts[1],
            differences: differences)
    }
}

/// `POST /v1/read-model/replays` (admin, supervisor): replay the topics into a scratch schema and compare.
struct ReplayController: Sendable {
    let context: ServiceContext

    func register(on router: Router<JembatanRequestContext>) {
        router.post("v1/read-model/replays", use: replay)
    }

    @Sendable func replay(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        _ = try routeContext.require([.admin, .supervisor])
        return try JSONResponse.make(try await ReadModelReplay(context: context).run())
    }
}

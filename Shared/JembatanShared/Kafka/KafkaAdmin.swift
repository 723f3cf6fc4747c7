import CRdKafka
import Foundation
import Logging

/// Creates topics explicitly (the brokers' auto-creation is never relied on).
public enum KafkaAdmin {
    /// Outcome for one topic.
    public enum TopicOutcome: Sendable, Equatable {
        /// The topic was created now.
        case created
        /// The topic existed already.
        case alreadyExists
    }

    /// Creates each topic with `partitions` partitions; existing topics are left as they are.
    public static func createTopics(
        _ topics: [String],
        partitions: Int,
        replicationFactor: Int = 1,
        configuration: KafkaConfiguration,
        logger: Logger
    ) async throws -> [String: TopicOutcome] {
        let client = try RDKafkaClient(
            kind: RD_KAFKA_PRODUCER, properties: configuration.commonProperties, logger: logger)
        return try await offloadBlocking {
            Result {
                try createTopicsBlocking(
                    client: client, topics: topics, partitions: partitions, replicationFactor: replicationFactor)
            }
        }.get()
    }

    private static func createTopicsBlocking(
        client: RDKafkaClient, topics: [String], partitions: Int, replicationFactor: Int
    ) throws -> [String: TopicOutcome] {
        var errorText = [CChar](repeating: 0, count: 512)
        var newTopics: [OpaquePointer?] = []
        defer { for topic in newTopics { rd_kafka_NewTopic_destroy(topic) } }
        for topic in topics {
            guard
                let newTopic = rd_kafka_NewTopic_new(
                    topic, Int32(partitions), Int32(replicationFactor), &errorText, errorText.count)
            else {
                throw KafkaError(.configuration, "\(topic): \(cText(errorText))")
            }
            newTopics.append(newTopic)
        }
        let queue = rd_kafka_queue_new(client.handle)
        defer { rd_kafka_queue_destroy(queue) }
        rd_kafka_CreateTopics(client.handle, &newTopics, newTopics.count, nil, queue)
        guard let event = rd_kafka_queue_poll(queue, 30_000) else {
            throw KafkaError(.deliveryOutcomeUnknown, "no CreateTopics answer within 30 s")
        }
        defer { rd_kafka_event_destroy(event) }
        let code = rd_kafka_event_error(event)
        if code != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(.broker(code: code.rawValue), String(cString: rd_kafka_event_error_string(event)))
        }
        guard let result = rd_kafka_event_CreateTopics_result(event) else {
            throw KafkaError(.broker(code: -1), "unexpected admin event")
        }
        var count = 0
        guard let results = rd_kafka_CreateTopics_result_topics(result, &count) else { return [:] }
        var outcomes: [String: TopicOutcome] = [:]
        for index in 0..<count {
            let topicResult = results[index]
            let name = String(cString: rd_kafka_topic_result_name(topicResult))
            let topicCode = rd_kafka_topic_result_error(topicResult)
            switch topicCode {
            case RD_KAFKA_RESP_ERR_NO_ERROR: outcomes[name] = .created
            case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS: outcomes[name] = .alreadyExists
            default:
                let message = rd_kafka_topic_result_error_string(topicResult).map { String(cString: $0) } ?? ""
                throw KafkaError(.broker(code: topicCode.rawValue), "\(name): \(message)")
            }
        }
        return outcomes
    }
}

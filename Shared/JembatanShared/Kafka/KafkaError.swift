import CRdKafka

/// An error reported by librdkafka or by the Kafka wrapper, with the place it was raised.
public struct KafkaError: Error, CustomStringConvertible, Sendable {
    /// What kind of failure this is.
    public enum Kind: Sendable, Equatable {
        /// A configuration property was rejected.
        case configuration
        /// The client could not be created.
        case clientCreation
        /// A broker-side or local librdkafka error code.
        case broker(code: Int32)
        /// The delivery timed out: the message may or may not have been written.
        case deliveryOutcomeUnknown
        /// The client was shut down.
        case closed
    }

    /// The kind of failure.
    public let kind: Kind
    /// A human-readable explanation (librdkafka's own text where there is one).
    public let message: String
    /// Source file that raised the error.
    public let file: String
    /// Source line that raised the error.
    public let line: Int

    init(_ kind: Kind, _ message: String, file: String = #fileID, line: Int = #line) {
        self.kind = kind
        self.message = message
        self.file = file
        self.line = line
    }

    static func fromCode(_ code: rd_kafka_resp_err_t, file: String = #fileID, line: Int = #line) -> KafkaError {
        let text = String(cString: rd_kafka_err2str(code))
        if code == RD_KAFKA_RESP_ERR__MSG_TIMED_OUT || code == RD_KAFKA_RESP_ERR__TIMED_OUT {
            return KafkaError(.deliveryOutcomeUnknown, text, file: file, line: line)
        }
        return KafkaError(.broker(code: code.rawValue), text, file: file, line: line)
    }

    /// A description naming the kind, the message and the place.
    public var description: String { "KafkaError(\(kind)): \(message) [\(file):\(line)]" }
}

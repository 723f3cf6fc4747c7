import Foundation

/// The CloudEvents 1.0 attributes of an event, without its payload.
public struct CloudEventAttributes: Sendable, Equatable {
    /// Unique event id (UUID); the inbox key.
    public var id: String
    /// `/jembatan/<service>`.
    public var source: String
    /// The event type, version included.
    public var type: EventType
    /// The request id; also the Kafka key.
    public var subject: String
    /// When the state change happened.
    public var time: Date
}

/// Encodes payloads as CloudEvents 1.0 structured JSON and parses incoming records.
public enum CloudEventCodec {
    /// Content type of a structured CloudEvent; also sent as the Kafka `content-type` header.
    public static let contentType = "application/cloudevents+json"

    private struct Outgoing<Payload: Encodable>: Encodable {
        let specversion = "1.0"
        let id: String
        let source: String
        let type: String
        let subject: String
        let time: Date
        let datacontenttype = "application/json"
        let data: Payload
    }

    private struct Incoming: Decodable {
        let specversion: String?
        let id: String?
        let source: String?
        let type: String?
        let subject: String?
        let time: Date?
    }

    private struct IncomingData<Payload: Decodable>: Decodable {
        let data: Payload
    }

    /// The encoder every event uses (ISO 8601 UTC dates with milliseconds, stable key order).
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(EventTime.format(date))
        }
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// The decoder every event uses; unknown fields are ignored.
    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = EventTime.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "expected an ISO 8601 date-time")
            }
            return date
        }
        return decoder
    }

    /// `value` as JSON text, encoded like events (for jsonb columns).
    public static func jsonText(_ value: some Encodable) throws -> String {
        String(decoding: try makeEncoder().encode(value), as: UTF8.self)
    }

    /// Decodes JSON text (e.g. a jsonb column read as text) like events are decoded.
    public static func decodeJSON<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try makeDecoder().decode(type, from: Data(text.utf8))
    }

    /// Serialises `payload` as a structured CloudEvent.
    public static func encode<Payload: EventPayload>(
        _ payload: Payload, id: String = UUID().uuidString.lowercased(), source: ServiceName, subject: String,
        time: Date = Date()
    ) throws -> [UInt8] {
        try encode(payload, id: id, source: source.eventSource, subject: subject, time: time)
    }

    /// Serialises `payload` as a structured CloudEvent with `source` given as text (`/jembatan/operations`).
    public static func encode<Payload: EventPayload>(
        _ payload: Payload, id: String = UUID().uuidString.lowercased(), source: String, subject: String,
        time: Date = Date()
    ) throws -> [UInt8] {
        let event = Outgoing(
            id: id, source: source, type: payload.publishedType.rawValue, subject: subject, time: time, data: payload)
        return Array(try makeEncoder().encode(event))
    }

    /// Reads the attributes of a record, or says precisely why it is not a usable event.
    public static func attributes(of value: [UInt8], key: String?) -> Result<CloudEventAttributes, MalformedEvent> {
        if value.count > maximumEventBytes {
            return .failure(.tooLarge(bytes: value.count))
        }
        guard String(validating: value, as: UTF8.self) != nil else { return .failure(.invalidUTF8) }
        guard (try? JSONSerialization.jsonObject(with: Data(value))) is [String: Any] else {
            return .failure(.invalidJSON)
        }
        let incoming: Incoming
        do {
            incoming = try makeDecoder().decode(Incoming.self, from: Data(value))
        } catch {
            return .failure(.notACloudEvent(missing: "time (ISO 8601)"))
        }
        guard let specversion = incoming.specversion else { return .failure(.notACloudEvent(missing: "specversion")) }
        guard specversion == "1.0" else { return .failure(.unsupportedSpecVersion(specversion)) }
        guard let id = incoming.id, !id.isEmpty else { return .failure(.notACloudEvent(missing: "id")) }
        guard let source = incoming.source, !source.isEmpty else { return .failure(.notACloudEvent(missing: "source")) }
        guard let typeName = incoming.type, !typeName.isEmpty else { return .failure(.notACloudEvent(missing: "type")) }
        let type: EventType
        switch EventType.resolve(typeName) {
        case .known(let known): type = known
        case .unsupportedVersion: return .failure(.unsupportedVersion(typeName))
        case .unknown: return .failure(.unknownType(typeName))
        }
        guard let subject = incoming.subject, !subject.isEmpty else { return .failure(.missingSubject) }
        guard let key, !key.isEmpty else { return .failure(.missingKey) }
        guard key == subject else { return .failure(.keyDoesNotMatchSubject(key: key, subject: subject)) }
        return .success(
            CloudEventAttributes(id: id, source: source, type: type, subject: subject, time: incoming.time ?? Date()))
    }

    /// Decodes the `data` member as `Payload`.
    public static func payload<Payload: EventPayload>(_ type: Payload.Type, from value: [UInt8]) throws -> Payload {
        try makeDecoder().decode(IncomingData<Payload>.self, from: Data(value)).data
    }

    /// Events larger than this are refused (1 MiB).
    public static let maximumEventBytes = 1 << 20
}

/// Why a record is not a usable event; becomes the dead-letter reason.
public enum MalformedEvent: Error, Equatable, Sendable, CustomStringConvertible {
    case tooLarge(bytes: Int)
    case invalidUTF8
    case invalidJSON
    case notACloudEvent(missing: String)
    case unsupportedSpecVersion(String)
    case unknownType(String)
    case unsupportedVersion(String)
    case missingSubject
    case missingKey
    case keyDoesNotMatchSubject(key: String, subject: String)
    case invalidPayload(type: String, detail: String)

    /// The reason as it appears in the dead-letter header.
    public var description: String {
        switch self {
        case .tooLarge(let bytes): "event too large: \(bytes) bytes (limit \(CloudEventCodec.maximumEventBytes))"
        case .invalidUTF8: "value is not valid UTF-8"
        case .invalidJSON: "value is not a JSON object"
        case .notACloudEvent(let missing): "not a CloudEvent: missing or invalid attribute '\(missing)'"
        case .unsupportedSpecVersion(let version): "unsupported CloudEvents specversion '\(version)'"
        case .unknownType(let type): "unknown event type '\(type)'"
        case .unsupportedVersion(let type): "unsupported version of event type '\(type)'"
        case .missingSubject: "missing subject (request id)"
        case .missingKey: "missing record key (request id)"
        case .keyDoesNotMatchSubject(let key, let subject): "record key '\(key)' does not match subject '\(subject)'"
        case .invalidPayload(let type, let detail): "payload of '\(type)' does not match its schema: \(detail)"
        }
    }
}

/// ISO 8601 UTC timestamps with milliseconds, so events of one second keep their order.
public enum EventTime {
    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let withoutFraction = Date.ISO8601FormatStyle()

    /// `2026-11-22T00:34:53.123Z`.
    public static func format(_ date: Date) -> String {
        date.formatted(withFraction)
    }

    /// Parses with or without fractional seconds.
    public static func parse(_ text: String) -> Date? {
        (try? withFraction.parse(text)) ?? (try? withoutFraction.parse(text))
    }
}

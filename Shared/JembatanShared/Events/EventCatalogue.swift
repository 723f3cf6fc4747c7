import Foundation

extension EventType {
    /// The Swift type of this event's `data` (the schema of record). The switch is exhaustive, so
    /// a new event type cannot be added without its payload, and the AsyncAPI document follows.
    public var payloadType: any EventPayload.Type {
        switch self {
        case .requestSubmitted: RequestSubmitted.self
        case .requestDispositioned: RequestDispositioned.self
        case .requestResubmitted: RequestResubmitted.self
        case .requestWithdrawn: RequestWithdrawn.self
        case .requestDeclined: RequestDeclined.self
        case .evaluationStarted: EvaluationStarted.self
        case .contractAgreed: ContractAgreed.self
        case .requestReturned: RequestReturned.self
        case .apiProvisioned: APIProvisioned.self
        case .integrationTestPassed, .integrationTestFailed: IntegrationTested.self
        case .resultsDelivered: ResultsDelivered.self
        case .recordsIngested: RecordsIngested.self
        case .validationRunCompleted: ValidationRunCompleted.self
        case .reconciliationCompleted: ReconciliationCompleted.self
        case .freshnessFinding: FreshnessFinding.self
        case .requestAccepted: RequestAccepted.self
        case .requestReopened: RequestReopened.self
        case .requestCompleted: RequestCompleted.self
        case .slaWarning, .slaBreached: SLAAlert.self
        case .reportPublished: ReportPublished.self
        case .opsCheckCompleted: OpsCheckCompleted.self
        case .incidentOpened: IncidentOpened.self
        case .incidentEscalated: IncidentEscalated.self
        case .incidentClosed: IncidentClosed.self
        case .backupCompleted: BackupCompleted.self
        case .deadLetterRedriven: DeadLetterRedriven.self
        case .phaseRecorded: PhaseRecorded.self
        case .resultsHandedOver: ResultsHandedOver.self
        case .integrationApproved: IntegrationApproved.self
        case .deviationJustified: DeviationJustified.self
        case .receiptAcknowledged: ReceiptAcknowledged.self
        }
    }
}

/// A value set a schema can list (`enum` in JSON Schema).
public protocol SchemaEnumerable {
    static var schemaValues: [String] { get }
    static var schemaExample: Self { get }
}

extension Role: SchemaEnumerable {
    /// The values the schema lists.
    public static var schemaValues: [String] { allCases.map(\.rawValue) }
    /// The value used as the example.
    public static var schemaExample: Role { .producer }
}

extension Phase: SchemaEnumerable {
    /// The values the schema lists.
    public static var schemaValues: [String] { allCases.map(\.rawValue) }
    /// The value used as the example.
    public static var schemaExample: Phase { .interchangeDocument }
}

extension FindingSeverity: SchemaEnumerable {
    /// The values the schema lists.
    public static var schemaValues: [String] { allCases.map(\.rawValue) }
    /// The value used as the example.
    public static var schemaExample: FindingSeverity { .warning }
}

/// Derives a JSON Schema (2020-12) from a `Decodable` type by decoding it once with a recording
/// decoder: every key asked for becomes a property, `decodeIfPresent` makes it optional.
public enum JSONSchemaProbe {
    final class Node {
        var schema: [String: Any] = [:]
        var properties: [(String, Node)] = []
        var required: [String] = []
        var items: Node?

        var json: [String: Any] {
            var result = schema
            if let items { result["items"] = items.json }
            if result["type"] as? String == "object", !properties.isEmpty {
                var members: [String: Any] = [:]
                for (name, node) in properties { members[name] = node.json }
                result["properties"] = members
                result["required"] = required
            }
            return result
        }
    }

    /// The schema of `type`.
    public static func schema(of type: any Decodable.Type) throws -> [String: Any] {
        let node = Node()
        _ = try type.init(from: ProbeDecoder(node: node))
        return node.json
    }

    static func decodeValue<T: Decodable>(_ type: T.Type, into node: Node) throws -> T {
        if type == Date.self {
            node.schema = ["type": "string", "format": "date-time"]
            return Date(timeIntervalSince1970: 0) as! T
        }
        if let enumerable = type as? any SchemaEnumerable.Type {
            node.schema = ["type": "string", "enum": enumerable.schemaValues]
            return enumerable.schemaExample as! T
        }
        return try T(from: ProbeDecoder(node: node))
    }

    struct ProbeDecoder: Decoder {
        let node: Node
        var codingPath: [any CodingKey] = []
        var userInfo: [CodingUserInfoKey: Any] = [:]

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            node.schema = ["type": "object"]
            return KeyedDecodingContainer(Keyed<Key>(node: node))
        }

        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            node.schema = ["type": "array"]
            return Unkeyed(node: node)
        }

        func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(node: node) }
    }

    static func primitive<T>(_ type: T.Type) -> ([String: Any], Any) {
        switch type {
        case is String.Type: (["type": "string"], "x")
        case is Bool.Type: (["type": "boolean"], false)
        case is Double.Type, is Float.Type: (["type": "number"], 0.0)
        case is Int.Type: (["type": "integer"], 0)
        case is Int64.Type: (["type": "integer"], Int64(0))
        case is Int32.Type: (["type": "integer"], Int32(0))
        default: (["type": "integer"], 0)
        }
    }

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let node: Node
        var codingPath: [any CodingKey] = []
        var allKeys: [Key] { [] }

        func contains(_ key: Key) -> Bool { true }
        func decodeNil(forKey key: Key) throws -> Bool { false }

        func child(_ key: Key, required: Bool) -> Node {
            let child = Node()
            node.properties.append((key.stringValue, child))
            if required { node.required.append(key.stringValue) }
            return child
        }

        func value<T>(_ type: T.Type, _ key: Key, required: Bool) -> T {
            let (schema, example) = JSONSchemaProbe.primitive(type)
            child(key, required: required).schema = schema
            return example as! T
        }

        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { value(type, key, required: true) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { value(type, key, required: true) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { value(type, key, required: true) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
            Float(value(Double.self, key, required: true))
        }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { value(type, key, required: true) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { value(type, key, required: true) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { value(type, key, required: true) }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            try JSONSchemaProbe.decodeValue(type, into: child(key, required: true))
        }

        func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { value(type, key, required: false) }
        func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
            value(type, key, required: false)
        }
        func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? {
            value(type, key, required: false)
        }
        func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { value(type, key, required: false) }
        func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { value(type, key, required: false) }
        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            try JSONSchemaProbe.decodeValue(type, into: child(key, required: false))
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
            -> KeyedDecodingContainer<NestedKey>
        {
            let nested = child(key, required: true)
            nested.schema = ["type": "object"]
            return KeyedDecodingContainer(Keyed<NestedKey>(node: nested))
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            let nested = child(key, required: true)
            nested.schema = ["type": "array"]
            return Unkeyed(node: nested)
        }

        func superDecoder() throws -> any Decoder { ProbeDecoder(node: node) }
        func superDecoder(forKey key: Key) throws -> any Decoder { ProbeDecoder(node: child(key, required: true)) }
    }

    /// Decodes one element (its schema is the array's `items`), then reports the end.
    final class Unkeyed: UnkeyedDecodingContainer {
        let node: Node
        var codingPath: [any CodingKey] = []
        var count: Int? { 1 }
        var isAtEnd: Bool { currentIndex > 0 }
        var currentIndex = 0

        init(node: Node) { self.node = node }

        func element() -> Node {
            currentIndex += 1
            let item = Node()
            node.items = item
            return item
        }

        func decodeNil() throws -> Bool { false }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try Single(node: element()).decode(type) }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<
            NestedKey
        > {
            let item = element()
            item.schema = ["type": "object"]
            return KeyedDecodingContainer(Keyed<NestedKey>(node: item))
        }

        func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            let item = element()
            item.schema = ["type": "array"]
            return Unkeyed(node: item)
        }

        func superDecoder() throws -> any Decoder { ProbeDecoder(node: element()) }
    }

    struct Single: SingleValueDecodingContainer {
        let node: Node
        var codingPath: [any CodingKey] = []

        func decodeNil() -> Bool { false }
        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            if type is String.Type || type is Bool.Type || type is Double.Type || type is Int.Type || type is Int64.Type
                || type is Int32.Type || type is Float.Type
            {
                let (schema, example) = JSONSchemaProbe.primitive(type)
                node.schema = schema
                return example as! T
            }
            return try JSONSchemaProbe.decodeValue(type, into: node)
        }
    }
}

/// The AsyncAPI 3.0 document of every topic, its key, and every event type with its payload schema, built from the code.
public enum AsyncAPIDocument {
    static func messageName(_ type: EventType) -> String {
        type.unversionedName.replacingOccurrences(of: "id.jembatan.", with: "").replacingOccurrences(of: ".", with: "_")
            .replacingOccurrences(of: "-", with: "_")
    }

    static let writers: [Topic: String] = [
        .intake: "intake (8081)", .evaluation: "evaluation (8082)", .provisioning: "provisioning (8083)",
        .validation: "validation (8084)",
        .reporting: "reporting (8085)", .operations: "the operator command (jembatan ops check, backup, dlq redrive)",
        .deadLetter: "every consumer",
    ]

    /// The document as JSON text (sorted keys, so it is stable and diffable).
    public static func json() throws -> String {
        var schemas: [String: Any] = [:]
        var messages: [String: Any] = [:]
        var channels: [String: Any] = [:]
        var operations: [String: Any] = [:]
        for type in EventType.allCases {
            let payloadName = String(describing: type.payloadType)
            schemas[payloadName] = try JSONSchemaProbe.schema(of: type.payloadType)
            let name = messageName(type)
            messages[name] = [
                "name": type.rawValue,
                "title": type.rawValue,
                "summary": "\(type.rawValue) on \(type.topic.rawValue); data: \(payloadName)",
                "contentType": "application/cloudevents+json",
                "headers": [
                    "type": "object",
                    "properties": [
                        "content-type": ["type": "string", "const": "application/cloudevents+json"],
                        "ce_type": ["type": "string", "const": type.rawValue],
                    ],
                ],
                "bindings": [
                    "kafka": [
                        "key": [
                            "type": "string",
                            "description":
                                "the request id (for operations events: the record's subject, e.g. incident-<id>)",
                        ], "bindingVersion": "0.5.0",
                    ]
                ],
                "payload": [
                    "type": "object",
                    "required": ["specversion", "id", "source", "type", "subject", "time", "datacontenttype", "data"],
                    "properties": [
                        "specversion": ["const": "1.0"],
                        "id": ["type": "string"],
                        "source": [
                            "type": "string",
                            "const": type.topic == .operations
                                ? "/jembatan/operations"
                                : "/jembatan/\(ServiceName.allCases.first { $0.topic == type.topic }?.rawValue ?? "")",
                        ],
                        "type": ["const": type.rawValue],
                        "subject": ["type": "string", "minLength": 1],
                        "time": ["type": "string", "format": "date-time"],
                        "datacontenttype": ["const": "application/json"],
                        "data": ["$ref": "#/components/schemas/\(payloadName)"],
                    ],
                ],
            ]
        }
        for topic in Topic.allCases {
            let types = EventType.allCases.filter { $0.topic == topic }
            var channelMessages: [String: Any] = [:]
            for type in types {
                channelMessages[messageName(type)] = ["$ref": "#/components/messages/\(messageName(type))"]
            }
            if topic == .deadLetter {
                channelMessages["deadLetter"] = ["$ref": "#/components/messages/deadLetter"]
            }
            let readers =
                ServiceName.allCases.filter { $0.consumedTopics.contains(topic) }.map(\.consumerGroup)
                + (WorkspaceConsumer.topics.contains(topic) ? [WorkspaceConsumer.group] : [])
            channels[topic.rawValue] = [
                "address": topic.rawValue,
                "title": topic.rawValue,
                "description":
                    "Written by \(writers[topic] ?? "?"). Read by: \(readers.isEmpty ? "operators (jembatan tail, dlq)" : readers.joined(separator: ", ")). Key: the request id; one request's events keep their order within the topic.",
                "messages": channelMessages,
                "bindings": [
                    "kafka": ["partitions": Topic.defaultPartitions, "replicas": 1, "bindingVersion": "0.5.0"]
                ],
            ]
            if !channelMessages.isEmpty {
                operations["send_\(topic.rawValue.replacingOccurrences(of: ".", with: "_"))"] = [
                    "action": "send", "channel": ["$ref": "#/channels/\(topic.rawValue)"],
                    "messages": channelMessages.keys.sorted().map {
                        ["$ref": "#/channels/\(topic.rawValue)/messages/\($0)"]
                    },
                ]
            }
        }
        messages["deadLetter"] = [
            "name": "dead letter", "title": "dead letter",
            "summary":
                "The original record (value cut to 1 MiB if larger) with its headers, plus jembatan-dlq-original-topic, -original-partition, -original-offset, -consumer, -error, -failed-at",
            "headers": [
                "type": "object", "required": [DeadLetterHeader.originalTopic, DeadLetterHeader.error],
                "properties": [
                    DeadLetterHeader.originalTopic: ["type": "string"],
                    DeadLetterHeader.originalPartition: ["type": "string"],
                    DeadLetterHeader.originalOffset: ["type": "string"],
                    DeadLetterHeader.consumer: ["type": "string"], DeadLetterHeader.error: ["type": "string"],
                    DeadLetterHeader.failedAt: ["type": "string"],
                ],
            ],
            "payload": [:] as [String: Any],
        ]
        let document: [String: Any] = [
            "asyncapi": "3.0.0",
            "info": [
                "title": "Jembatan events", "version": "1.0.0",
                "description":
                    "Every topic, key and event type of Jembatan. Generated from the Swift payload types (`jembatan asyncapi`); a test keeps this file equal to the code and validates real events against it.",
            ],
            "defaultContentType": "application/cloudevents+json",
            "servers": [
                "local": ["host": "127.0.0.1:9092", "protocol": "kafka", "description": "make run (tansu)"],
                "compose": [
                    "host": "kafka:9092", "protocol": "kafka", "description": "docker compose (Apache Kafka, KRaft)",
                ],
            ],
            "channels": channels,
            "operations": operations,
            "components": ["messages": messages, "schemas": schemas],
        ]
        let data = try JSONSerialization.data(
            withJSONObject: document, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

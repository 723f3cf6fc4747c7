import Foundation
import JembatanShared
import Testing

extension RealStack {
    /// Every malformed kind on every consumed topic: each consumer of the topic dead-letters it with the reason and goes on.
    @Suite("Malformed events on every topic")
    struct MalformedEventsTests {
        @Test(
            "on every topic each consumer dead-letters every malformed kind with the reason, keeps processing, and stays ready"
        )
        func everyTopic() async throws {
            // Templates: real events the system wrote for a completed request, one per topic (the operations topic gets an encoded one).
            let template = try await ProcedureTests.walkToCompletion(dataset: "poison_templates")
            let written = try await TopicReader.collect(
                [.intake, .evaluation, .provisioning, .validation],
                where: { $0.keyText == template && $0.header("ce_type") != nil }
            ) { messages in
                Set(messages.map(\.topic)).count >= 4
            }
            var templates: [Topic: [UInt8]] = [:]
            for message in written {
                if let topic = Topic(rawValue: message.topic), templates[topic] == nil {
                    templates[topic] = message.value
                }
            }
            templates[.operations] = try CloudEventCodec.encode(
                IncidentOpened(
                    incidentId: "probe", component: "disk", detail: "probe", checkId: "probe", openedAt: Date()),
                source: "/jembatan/operations", subject: "incident-probe")
            let producer = try TopicReader.producer()
            defer { producer.shutdown() }
            let run = UUID().uuidString.lowercased().prefix(8)
            var expected: [(topic: Topic, consumer: String, label: String, reason: String)] = []
            for topic in [Topic.intake, .evaluation, .provisioning, .validation, .operations] {
                let valid = try #require(templates[topic], "a template event on \(topic.rawValue)")
                let key = UUID().uuidString.lowercased()
                var text = String(decoding: valid, as: UTF8.self)
                let object = try #require(try JSONSerialization.jsonObject(with: Data(valid)) as? [String: Any])
                let type = try #require(object["type"] as? String)
                text = text.replacingOccurrences(of: object["subject"] as? String ?? "", with: key)
                // A new event id too: the consumers' inboxes would skip the template's id without reading it.
                text = text.replacingOccurrences(
                    of: object["id"] as? String ?? "", with: UUID().uuidString.lowercased())
                let wrongPayload = text.replacingOccurrences(of: #""requestId":"\#(key)""#, with: #""requestId":17"#)
                try #require(wrongPayload != text, "the template's requestId can be broken")
                let cases: [(label: String, key: String?, value: [UInt8], reason: String)] = [
                    ("invalid JSON", key, Array("{not json".utf8), "value is not a JSON object"),
                    ("not a CloudEvent", key, Array(#"{"hello":"world"}"#.utf8), "not a CloudEvent"),
                    (
                        "unknown type", key,
                        Array(text.replacingOccurrences(of: type, with: "id.jembatan.request.teleported.v1").utf8),
                        "unknown event type"
                    ),
                    (
                        "unsupported version", key,
                        Array(text.replacingOccurrences(of: type, with: String(type.dropLast(2)) + "v7").utf8),
                        "unsupported version"
                    ),
                    ("missing key", nil, Array(text.utf8), "missing record key"),
                    ("wrong payload types", key, Array(wrongPayload.utf8), "requestId: expected a string"),
                    ("invalid UTF-8", key, [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x7D], "not valid UTF-8"),
                    ("5 MB payload", key, Array(repeating: UInt8(ascii: "x"), count: 5_000_000), "event too large"),
                ]
                for item in cases {
                    let label = "\(run) \(topic.rawValue) \(item.label)"
                    _ = try await producer.deliver(
                        topic: topic.rawValue, key: item.key ?? "", value: item.value,
                        headers: [KafkaHeader("case", label)])
                    for service in ServiceName.allCases where service.consumedTopics.contains(topic) {
                        // A payload of a type the consumer does not handle is skipped, not read: only reporting reads every type.
                        if item.label == "wrong payload types" && service != .reporting { continue }
                        expected.append((topic, service.rawValue, label, item.reason))
                    }
                    // The workspace's notifications consumer reads the five role topics too.
                    if WorkspaceConsumer.topics.contains(topic) && item.label != "wrong payload types" {
                        expected.append((topic, "workspace", label, item.reason))
                    }
                }
            }
            // Valid work still flows through every topic after the poison.
            let after = try await ProcedureTests.walkToCompletion(dataset: "after_every_poison")
            #expect(!after.isEmpty)
            let wanted = Set(expected.map { "\($0.label)|\($0.consumer)" })
            let letters = try await TopicReader.collect(
                [.deadLetter], seconds: 90, where: { $0.header("case")?.hasPrefix(String(run)) == true }
            ) { letters in
                wanted.isSubset(
                    of: Set(letters.map { "\($0.header("case") ?? "")|\($0.header(DeadLetterHeader.consumer) ?? "")" }))
            }
            for item in expected {
                let letter = letters.first {
                    $0.header("case") == item.label && $0.header(DeadLetterHeader.consumer) == item.consumer
                }
                #expect(letter != nil, "\(item.label) dead-lettered by \(item.consumer)")
                if let letter {
                    #expect(
                        letter.header(DeadLetterHeader.error)?.contains(item.reason) == true,
                        "\(item.label) by \(item.consumer): \(letter.header(DeadLetterHeader.error) ?? "")")
                    #expect(letter.header(DeadLetterHeader.originalTopic) == item.topic.rawValue)
                }
            }
            let seen = letters.map { "\($0.header("case") ?? "")|\($0.header(DeadLetterHeader.consumer) ?? "")" }
            let twice = Dictionary(grouping: seen, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
            // Beyond the expected ones, only a consumer that handles the template's type may also have read (and refused) the wrong payload.
            let extra = Set(seen).subtracting(wanted).filter { !$0.contains("wrong payload types") }
            #expect(
                twice.isEmpty && extra.isEmpty,
                "each consumer dead-letters each record once (twice: \(twice), unexpected: \(extra))")
            for service in ServiceName.allCases {
                #expect(
                    try await ServiceHTTP.call("GET", service.rawValue, "/readyz").status == 200,
                    "\(service) stays ready")
            }
            #expect(try await WorkspaceBrowser().get("/readyz").status == 200, "the workspace stays ready")
        }
    }
}

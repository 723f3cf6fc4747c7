import Foundation
import JembatanShared
import Testing

@Suite("AsyncAPI topic catalogue")
struct AsyncAPITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test(
        "docs/asyncapi.json is the document the code generates (regenerate with: jembatan asyncapi > docs/asyncapi.json)"
    )
    func committedDocumentIsCurrent() throws {
        let committed = try String(contentsOf: Self.root.appendingPathComponent("docs/asyncapi.json"), encoding: .utf8)
        #expect(committed == (try AsyncAPIDocument.json()))
    }

    @Test(
        "every topic is a channel and every event type a message on its topic's channel, with its payload's required fields"
    )
    func everyTypeDescribed() throws {
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(try AsyncAPIDocument.json().utf8)) as? [String: Any])
        let channels = try #require(document["channels"] as? [String: Any])
        #expect(Set(channels.keys) == Set(Topic.allCases.map(\.rawValue)))
        let messages = try #require((document["components"] as? [String: Any])?["messages"] as? [String: [String: Any]])
        for type in EventType.allCases {
            let message = messages.values.first { $0["name"] as? String == type.rawValue }
            #expect(message != nil, "\(type.rawValue) has a message")
            let channel = channels[type.topic.rawValue] as? [String: Any]
            let refs = (channel?["messages"] as? [String: [String: String]] ?? [:]).values.compactMap { $0["$ref"] }
            #expect(
                refs.contains { ref in
                    messages.first { $0.value["name"] as? String == type.rawValue }.map { ref.hasSuffix("/" + $0.key) }
                        ?? false
                },
                "\(type.rawValue) is on \(type.topic.rawValue)")
        }
        // The probe reads the Swift types: a required member is required, an optional one is not.
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])
        let submitted = try #require(schemas["RequestSubmitted"])
        let required = submitted["required"] as? [String] ?? []
        #expect(
            required.contains("agencyCode") && required.contains("submittedAt")
                && !required.contains("intendedConsumers"))
        let submittedAt = (submitted["properties"] as? [String: [String: Any]])?["submittedAt"]
        #expect(submittedAt?["format"] as? String == "date-time")
        let role =
            ((schemas["RequestDispositioned"]?["properties"] as? [String: [String: Any]])?["dispositionedBy"]?[
                "properties"] as? [String: [String: Any]])?["role"]
        #expect(role?["enum"] as? [String] == Role.allCases.map(\.rawValue))
    }
}

import ArgumentParser
import Foundation
import JembatanShared

/// `jembatan tail`: every event of every topic as one readable line.
struct TailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail", abstract: "Print events from all topics, one line each, until Ctrl-C.")

    @Option(help: "Only events of this request id.")
    var request: String?

    @Option(help: "Only this topic (e.g. jembatan.intake.v1).")
    var topic: String?

    @Option(help: "Only this event type (e.g. id.jembatan.request.submitted.v1, or without the version).")
    var type: String?

    @Option(help: "Only events of this agency's requests (e.g. 35.14-dinkes).")
    var agency: String?

    @Flag(help: "Start at the newest events instead of the oldest.")
    var fromLatest = false

    @Option(help: "Stop after this many matching events (for scripts).")
    var limit: Int?

    func run() async throws {
        let configuration = try loadConfiguration()
        let topics =
            try topic.map { name -> [String] in
                guard Topic(rawValue: name) != nil else { throw ValidationError("unknown topic '\(name)'") }
                return [name]
            } ?? Topic.allCases.map(\.rawValue)
        let consumer = try KafkaConsumer(
            topics: topics, group: "jembatan-tail-\(UUID().uuidString.lowercased())",
            configuration: configuration.kafka, startFromLatest: fromLatest, logger: quietLogger()
        )
        var printed = 0
        // Events name their agency in the submission (and several others); later ones are matched through their request.
        var agencyOf: [String: String] = [:]
        while let message = await consumer.next() {
            let line = EventLine.render(message)
            if let request, !line.requestMatches(request) { continue }
            if let type {
                guard let eventType = line.eventType, eventType == type || eventType.hasPrefix(type + ".v") else {
                    continue
                }
            }
            if let agency {
                if let key = line.key, let named = EventLine.agencyCode(message.value) { agencyOf[key] = named }
                guard let key = line.key, agencyOf[key] == agency else { continue }
            }
            say(line.text)
            printed += 1
            if let limit, printed >= limit { break }
        }
        await consumer.close()
    }
}

/// One event rendered for people: time, topic, type, request, actor.
struct EventLine {
    let text: String
    let key: String?
    var eventType: String?

    func requestMatches(_ request: String) -> Bool { key == request.lowercased() }

    static func render(_ message: KafkaMessage) -> EventLine {
        let place = "\(message.topic)[\(message.partition)]@\(message.offset)"
        switch CloudEventCodec.attributes(of: message.value, key: message.keyText) {
        case .success(let event):
            let time = ISO8601DateFormatter().string(from: event.time)
            let actor = actorText(message.value)
            return EventLine(
                text: "\(time)  \(place)  \(event.type.rawValue)  request=\(event.subject)\(actor)",
                key: message.keyText, eventType: event.type.rawValue)
        case .failure(let problem):
            if message.topic == Topic.deadLetter.rawValue {
                let reason =
                    message.headers.first { $0.name == DeadLetterHeader.error }.map {
                        String(decoding: $0.value, as: UTF8.self)
                    } ?? "?"
                let origin =
                    message.headers.first { $0.name == DeadLetterHeader.originalTopic }.map {
                        String(decoding: $0.value, as: UTF8.self)
                    } ?? "?"
                return EventLine(text: "DEAD LETTER  \(place)  from=\(origin)  reason=\(reason)", key: message.keyText)
            }
            return EventLine(text: "UNREADABLE  \(place)  \(problem)", key: message.keyText)
        }
    }

    /// The payload's `agencyCode`, if it has one.
    static func agencyCode(_ value: [UInt8]) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(value)) as? [String: Any],
            let data = object["data"] as? [String: Any]
        else { return nil }
        return data["agencyCode"] as? String
    }

    /// ` by=<id> (<role>)` from the payload's first `…By` member.
    private static func actorText(_ value: [UInt8]) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(value)) as? [String: Any],
            let data = object["data"] as? [String: Any]
        else { return "" }
        for (key, member) in data where key.hasSuffix("By") {
            if let actor = member as? [String: Any], let id = actor["id"] as? String,
                let role = actor["role"] as? String
            {
                return "  by=\(id) (\(role))"
            }
        }
        return ""
    }
}

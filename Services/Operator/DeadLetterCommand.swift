import ArgumentParser
import Foundation
import JembatanShared
import Logging
import PostgresNIO

/// `jembatan dlq list|show|redrive`: what the consumers gave up on, and sending it back after a fix.
struct DeadLetterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlq", abstract: "Dead letters: list, show, redrive.",
        subcommands: [List.self, Show.self, Redrive.self])

    /// A dead letter's place, written `PARTITION:OFFSET`.
    struct Place: ExpressibleByArgument, Hashable {
        let partition: Int32
        let offset: Int64

        init?(argument: String) {
            let parts = argument.split(separator: ":")
            guard parts.count == 2, let partition = Int32(parts[0]), let offset = Int64(parts[1]), partition >= 0,
                offset >= 0
            else { return nil }
            self.partition = partition
            self.offset = offset
        }
    }

    static func header(_ message: KafkaMessage, _ name: String) -> String? {
        message.headers.last { $0.name == name }.map { String(decoding: $0.value, as: UTF8.self) }
    }

    static func letters() async throws -> [KafkaMessage] {
        try await TopicSnapshot.read([.deadLetter], configuration: try loadConfiguration().kafka, settle: .zero)
            .messages
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every dead letter with where it came from, who gave up and why (and whether it was redriven).")

        func run() async throws {
            let letters = try await DeadLetterCommand.letters()
            let redriven = try await Operations.with { operations in
                try await MaintenanceStore.redrivenPlaces(client: operations.client, logger: operations.logger)
            }
            if letters.isEmpty { say("no dead letters") }
            for letter in letters {
                let place = "\(letter.partition):\(letter.offset)"
                let origin =
                    "\(header(letter, DeadLetterHeader.originalTopic) ?? "?")[\(header(letter, DeadLetterHeader.originalPartition) ?? "?")]@\(header(letter, DeadLetterHeader.originalOffset) ?? "?")"
                say(
                    "\(place)  from=\(origin)  consumer=\(header(letter, DeadLetterHeader.consumer) ?? "?")  at=\(header(letter, DeadLetterHeader.failedAt) ?? "?")\(redriven.contains(place) ? "  REDRIVEN" : "")"
                )
                say("    reason: \(header(letter, DeadLetterHeader.error) ?? "?")")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One dead letter: headers and value.")

        @Argument(help: "PARTITION:OFFSET on the dead-letter topic (from 'dlq list').")
        var place: Place

        func run() async throws {
            guard
                let letter = try await DeadLetterCommand.letters().first(where: {
                    $0.partition == place.partition && $0.offset == place.offset
                })
            else {
                throw ValidationError("no dead letter at \(place.partition):\(place.offset)")
            }
            say("key: \(letter.keyText ?? "(none)")")
            for header in letter.headers {
                say("header \(header.name): \(String(decoding: header.value, as: UTF8.self).prefix(500))")
            }
            say("value (\(letter.value.count) bytes):")
            say(String(decoding: letter.value.prefix(16_384), as: UTF8.self))
        }
    }

    struct Redrive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: """
                Send a dead letter back to its original topic (once), as it was or replaced by a corrected value; the redrive is recorded \
                and announced (id.jembatan.deadletter.redriven.v1). Another dead letter of the same original record is not sent again.
                """)

        @Argument(help: "PARTITION:OFFSET on the dead-letter topic.")
        var place: Place

        @Option(help: "A corrected value (a CloudEvent JSON file) to send instead of the original.")
        var valueFile: String?

        @Option(help: "Why it is safe to redrive now (recorded), e.g. the fix that was deployed.")
        var reason: String

        func run() async throws {
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ValidationError("--reason: say what was fixed")
            }
            guard
                let letter = try await DeadLetterCommand.letters().first(where: {
                    $0.partition == place.partition && $0.offset == place.offset
                })
            else {
                throw ValidationError("no dead letter at \(place.partition):\(place.offset)")
            }
            guard let topicName = DeadLetterCommand.header(letter, DeadLetterHeader.originalTopic),
                let topic = Topic(rawValue: topicName), topic != .deadLetter,
                let originalPartition = DeadLetterCommand.header(letter, DeadLetterHeader.originalPartition).flatMap(
                    Int.init),
                let originalOffset = DeadLetterCommand.header(letter, DeadLetterHeader.originalOffset).flatMap(
                    Int64.init)
            else {
                throw ValidationError(
                    "the dead letter at \(place.partition):\(place.offset) does not name its original topic, partition and offset"
                )
            }
            if DeadLetterCommand.header(letter, DeadLetterHeader.truncatedFrom) != nil && valueFile == nil {
                throw ValidationError(
                    "the dead letter keeps only the first bytes of an oversized value: give the corrected value with --value-file"
                )
            }
            let value = try valueFile.map { Array(try Data(contentsOf: URL(fileURLWithPath: $0))) } ?? letter.value
            if valueFile != nil, case .failure(let problem) = CloudEventCodec.attributes(of: value, key: letter.keyText)
            {
                throw ValidationError("--value-file: not a usable event: \(problem)")
            }
            let key = letter.keyText ?? ""
            let headers =
                letter.headers.filter { !$0.name.hasPrefix("jembatan-dlq-") } + [
                    KafkaHeader(
                        "jembatan-redrive-of", "\(Topic.deadLetter.rawValue)/\(place.partition)/\(place.offset)")
                ]
            let redriveId = UUID().uuidString.lowercased()
            let message = try await Operations.with { operations -> String in
                let logger = operations.logger
                // Claim first (committed), send, then mark sent with the announcement: a crash in between leaves a claim
                // without `sent_at`, which a later redrive may send again — the consumers' inboxes absorb a repeat.
                let redrive = RedrivePlace(
                    deadLetterPartition: Int(place.partition), deadLetterOffset: place.offset,
                    originalTopic: topic.rawValue,
                    originalPartition: originalPartition, originalOffset: originalOffset)
                let existing = try await MaintenanceStore.redrive(
                    of: redrive, client: operations.client, logger: logger)
                if let existing, existing.sent {
                    throw ValidationError(
                        "already redriven: \(topic.rawValue)[\(originalPartition)]@\(originalOffset) was sent back from dead letter \(existing.deadLetterPartition):\(existing.deadLetterOffset)"
                    )
                }
                if existing == nil {
                    try await MaintenanceStore.claimRedrive(
                        redriveId, of: redrive, replaced: valueFile != nil, reason: reason, client: operations.client,
                        logger: logger)
                }
                let report = try await operations.producer.deliver(
                    topic: topic.rawValue, key: key, value: value, headers: headers)
                try await operations.client.inTransaction(logger: logger) { connection in
                    try await MaintenanceStore.markRedriveSent(redrive, on: connection, logger: logger)
                    try await OperationsSchema.outbox.enqueue(
                        DeadLetterRedriven(
                            requestId: key.isEmpty ? "deadletter-\(place.partition)-\(place.offset)" : key,
                            redriveId: redriveId,
                            deadLetterPartition: Int(place.partition), deadLetterOffset: place.offset,
                            originalTopic: topic.rawValue,
                            originalPartition: originalPartition, originalOffset: originalOffset,
                            replaced: valueFile != nil, reason: reason,
                            redrivenBy: "jembatan dlq redrive", redrivenAt: Date()), on: connection, logger: logger)
                }
                return
                    "redriven to \(topic.rawValue)[\(report.partition)]@\(report.offset)\(valueFile != nil ? " with the corrected value" : "")"
            }
            say(message)
        }
    }
}

/// `jembatan replay --request ID`: re-publish a request's events from the read model, so a
/// downstream read model that lost them rebuilds; consumers that applied them skip them (inbox).
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Re-publish one request's events (as stored by reporting) to their topics, with their original ids.")

    @Option(help: "The request id.")
    var request: String

    @Option(help: "Only events of this topic.")
    var topic: String?

    func run() async throws {
        if let topic, Topic(rawValue: topic) == nil { throw ValidationError("--topic: unknown topic '\(topic)'") }
        let count = try await Operations.with { operations -> Int in
            let events = try await DatabaseInspection.storedEvents(
                of: request.lowercased(), client: operations.client, logger: operations.logger)
            guard !events.isEmpty else { throw ValidationError("reporting holds no events of request \(request)") }
            var sent = 0
            for (type, envelope) in events {
                guard let eventType = EventType(rawValue: type), topic == nil || eventType.topic.rawValue == topic
                else { continue }
                _ = try await operations.producer.deliver(
                    topic: eventType.topic.rawValue, key: request.lowercased(), value: Array(envelope.utf8),
                    headers: [
                        KafkaHeader("content-type", CloudEventCodec.contentType), KafkaHeader("ce_type", type),
                        KafkaHeader("jembatan-replay", "true"),
                    ])
                sent += 1
            }
            return sent
        }
        say("\(count) events of request \(request) re-published with their original ids")
    }
}

import Foundation
import JembatanShared
import Testing

extension RealStack {
    /// The AsyncAPI document against the events the running system really wrote.
    @Suite("Topic catalogue against real events")
    struct TopicCatalogueTests {
        @Test(
            "every event on the topics validates against docs/asyncapi.json (JSON Schema 2020-12, checked by python-jsonschema)"
        )
        func realEventsMatchTheDocument() async throws {
            _ = try await ProcedureTests.walkToCompletion(dataset: "catalogue_probe")
            let topics = Topic.allCases.filter { $0 != .deadLetter }
            // What the system wrote (its outbox relays set `ce_type`); the suite's own deliberately broken records have no such header.
            let events = try await TopicReader.collect(topics, seconds: 12, where: { $0.header("ce_type") != nil }) {
                _ in false
            }
            let file = FileManager.default.temporaryDirectory.appendingPathComponent(
                "events-\(UUID().uuidString).jsonl")
            defer { try? FileManager.default.removeItem(at: file) }
            try Data(
                events.map { String(decoding: $0.value, as: UTF8.self).replacingOccurrences(of: "\n", with: " ") }
                    .joined(separator: "\n").utf8
            ).write(to: file)
            let root = LocalStack.root.path
            let output: String
            do {
                output = try await ExchangeHubTests.shell(
                    "'\(root)/.local/venv/bin/python' '\(root)/deploy/tools/validate-events.py' '\(root)/docs/asyncapi.json' '\(file.path)'"
                )
            } catch {
                Issue.record("events do not match the document: \(error)")
                return
            }
            let summary = try #require(output.split(separator: "\n").last)
            #expect(summary.hasSuffix(", 0 failures"), "\(output)")
            let types = Int(summary.split(separator: " ").dropFirst(4).first ?? "") ?? 0
            #expect(types >= 9, "a completed request alone writes nine types: \(summary)")
            #expect(events.count >= 9)

            // The validator can fail: an event whose data breaks its schema is named.
            let broken =
                #"{"specversion":"1.0","id":"x","source":"/jembatan/intake","type":"id.jembatan.request.withdrawn.v1","subject":"r","time":"2026-11-22T00:00:00.000Z","datacontenttype":"application/json","data":{"requestId":"r","reason":7}}"#
            try Data(broken.utf8).write(to: file)
            await #expect(throws: (any Error).self) {
                try await ExchangeHubTests.shell(
                    "'\(root)/.local/venv/bin/python' '\(root)/deploy/tools/validate-events.py' '\(root)/docs/asyncapi.json' '\(file.path)'"
                )
            }
        }
    }
}

import Foundation
import JembatanShared
import PostgresNIO
import Testing

extension RealStack {
    /// Nothing lost, nothing done twice: redelivery, malformed events and a killed service, on the real stack.
    @Suite("Delivery guarantees on the real stack")
    struct DeliveryGuaranteeTests {
        @Test("a redelivered event changes nothing: the inbox recognises it")
        func redeliveryIsAbsorbed() async throws {
            let requestId = try await ProcedureTests.walkToCompletion(dataset: "redelivery_probe")
            let originals = try await TopicReader.collect([.intake], where: { $0.keyText == requestId }) {
                $0.count >= 2
            }
            let disposition = try #require(originals.first { $0.eventType == EventType.requestDispositioned.rawValue })
            let duplicatesBefore = try await Self.metric("evaluation", "jembatan_events_duplicate_total")

            let producer = try TopicReader.producer()
            defer { producer.shutdown() }
            try await producer.deliver(
                topic: disposition.topic, key: requestId, value: disposition.value, headers: disposition.headers)

            try await Self.waitUntil {
                try await Self.metric("evaluation", "jembatan_events_duplicate_total") > duplicatesBefore
            }
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM evaluation.reviews WHERE request_id = \(requestId)") == 1)
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM evaluation.contracts WHERE request_id = \(requestId)") == 1)
            let evaluationEvents = try await TopicReader.collect(
                [.evaluation], seconds: 8, where: { $0.keyText == requestId }
            ) { _ in false }
            #expect(
                evaluationEvents.filter { $0.eventType == EventType.evaluationStarted.rawValue }.count == 1,
                "the review was not started twice")
            #expect(evaluationEvents.filter { $0.eventType == EventType.contractAgreed.rawValue }.count == 1)
        }

        @Test("malformed events land in the dead-letter topic with the reason; the next valid event is processed")
        func malformedEventsAreDeadLettered() async throws {
            let key = UUID().uuidString.lowercased()
            let valid = try CloudEventCodec.encode(
                RequestDispositioned(
                    requestId: key, note: "n", dispositionedBy: ActorReference(id: "k", role: .head),
                    dispositionedAt: Date()),
                source: .intake, subject: key
            )
            var wrongPayload = String(decoding: valid, as: UTF8.self)
            wrongPayload = wrongPayload.replacingOccurrences(of: #""note":"n""#, with: #""note":17"#)
            let cases: [(label: String, key: String?, value: [UInt8], reason: String)] = [
                ("invalid JSON", key, Array("{not json".utf8), "value is not a JSON object"),
                ("not a CloudEvent", key, Array(#"{"hello":"world"}"#.utf8), "not a CloudEvent"),
                (
                    "unknown type", key,
                    Array(
                        String(decoding: valid, as: UTF8.self).replacingOccurrences(
                            of: "request.dispositioned.v1", with: "request.teleported.v1"
                        ).utf8), "unknown event type"
                ),
                (
                    "unsupported version", key,
                    Array(
                        String(decoding: valid, as: UTF8.self).replacingOccurrences(
                            of: "dispositioned.v1", with: "dispositioned.v7"
                        ).utf8), "unsupported version"
                ),
                ("missing key", nil, valid, "missing record key"),
                ("wrong payload types", key, Array(wrongPayload.utf8), "note: expected a string"),
                ("invalid UTF-8", key, [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x7D], "not valid UTF-8"),
                ("5 MB payload", key, Array(repeating: UInt8(ascii: "x"), count: 5_000_000), "event too large"),
            ]
            let producer = try TopicReader.producer()
            defer { producer.shutdown() }
            for item in cases {
                _ = try await producer.deliver(
                    topic: Topic.intake.rawValue, key: item.key ?? "", value: item.value,
                    headers: [KafkaHeader("case", item.label)])
            }
            // The next valid event on the same topic still goes through.
            let submitted = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests", token: try await Actors.producer,
                json: submission(datasetName: "after_poison"))
            let requestId = try #require(submitted.json["requestId"] as? String)

            let deadLetters = try await TopicReader.collect(
                [.deadLetter],
                where: { $0.header(DeadLetterHeader.consumer) == "evaluation" && $0.header("case") != nil }
            ) {
                Set($0.compactMap { $0.header("case") }).count >= cases.count
            }
            for item in cases {
                let letter = deadLetters.first { $0.header("case") == item.label }
                #expect(letter != nil, "\(item.label) was dead-lettered by evaluation")
                guard let letter else { continue }
                #expect(
                    letter.header(DeadLetterHeader.error)?.contains(item.reason) == true,
                    "\(item.label): \(letter.header(DeadLetterHeader.error) ?? "")")
                #expect(letter.header(DeadLetterHeader.originalTopic) == Topic.intake.rawValue)
                #expect(letter.header(DeadLetterHeader.originalPartition) != nil)
                #expect(letter.header(DeadLetterHeader.originalOffset) != nil)
                if item.value.count <= DeadLetterHeader.maximumOriginalBytes {
                    #expect(letter.value == item.value, "the original record is kept")
                } else {
                    #expect(letter.header(DeadLetterHeader.truncatedFrom) == String(item.value.count))
                    #expect(letter.value == Array(item.value.prefix(DeadLetterHeader.maximumOriginalBytes)))
                }
            }
            try await Self.waitUntil {
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM evaluation.submissions WHERE request_id = \(requestId)") == 1
            }
            let readiness = try await ServiceHTTP.call("GET", "evaluation", "/readyz")
            #expect(readiness.status == 200)
        }

        @Test("kill -9 of a service with a request in flight: after restart the request completes exactly once")
        func killedServiceLosesNothing() async throws {
            let submitted = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests", token: try await Actors.producer,
                json: submission(datasetName: "kill_probe"))
            let requestId = try #require(submitted.json["requestId"] as? String)
            try await LocalStack.script("kill", "provisioning")
            _ = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests/\(requestId)/disposition", token: try await Actors.head,
                json: ["note": "x"])
            _ = try await ServiceHTTP.eventually(
                "evaluation", "/v1/requests/\(requestId)/review", token: try await Actors.technical
            ) { $0["state"] as? String == "awaiting_decision" }
            _ = try await Agreement.agree(requestId, token: try await Actors.technical)
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM evaluation.contracts WHERE request_id = \(requestId)") == 1)
            try await LocalStack.script("kill", "evaluation")
            try await LocalStack.script("start", "evaluation")
            try await LocalStack.script("start", "provisioning")

            _ = try await ServiceHTTP.eventually(
                "validation", "/v1/requests/\(requestId)", token: try await Actors.producer
            ) { $0["state"] as? String == "awaiting_decision" }
            _ = try await FinalEvaluation.decide(requestId, token: try await Actors.producer, ["decision": "accept"])
            _ = try await ServiceHTTP.eventually("reporting", "/v1/requests/\(requestId)", token: try await Actors.head)
            {
                ($0["request"] as? [String: Any])?["state"] as? String == "completed"
            }
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM evaluation.contracts WHERE request_id = \(requestId)") == 1)
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM provisioning.hub_datasets WHERE request_id = \(requestId)") == 1)
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM provisioning.integration_tests WHERE request_id = \(requestId)") == 1)
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM provisioning.credentials WHERE request_id = \(requestId)") == 3,
                "one credential set")
            let events = try await TopicReader.collect(
                [.evaluation, .provisioning, .reporting], seconds: 10, where: { $0.keyText == requestId }
            ) { _ in false }
            #expect(events.filter { $0.eventType == EventType.contractAgreed.rawValue }.count == 1)
            #expect(events.filter { $0.eventType == EventType.apiProvisioned.rawValue }.count == 1)
            #expect(events.filter { $0.eventType == EventType.requestCompleted.rawValue }.count == 1)
        }

        // MARK: - Helpers

        /// A counter's total over all label sets from a service's `/metrics`.
        static func metric(_ service: String, _ name: String) async throws -> Double {
            let reply = try await ServiceHTTP.call("GET", service, "/metrics")
            return reply.text.split(separator: "\n").filter { $0.hasPrefix(name) }.compactMap {
                $0.split(separator: " ").last.flatMap { Double($0) }
            }.reduce(0, +)
        }

        static func waitUntil(seconds: Double = 60, _ condition: () async throws -> Bool) async throws {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if try await condition() { return }
                try await Task.sleep(for: .milliseconds(200))
            }
            Issue.record("condition not met within \(Int(seconds)) s")
        }
    }
}

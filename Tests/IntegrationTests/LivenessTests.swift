import Foundation
import JembatanShared
import Testing

extension RealStack {
    /// Nothing silently stops: consumers resume after PostgreSQL restarts and broker freezes that
    /// outlast the group session, a stalled consumer is recreated, health says what is true.
    @Suite("Liveness")
    struct LivenessTests {
        /// The test stack's group session timeout (stack.sh's default unless the environment sets one).
        static var sessionTimeout: Duration {
            .milliseconds(Int(LocalStack.environment["JEMBATAN_KAFKA_SESSION_TIMEOUT_MS"] ?? "") ?? 6000)
        }

        /// Rounds of the stress test (`JEMBATAN_STRESS_ROUNDS`; `make test` runs 2, `make test-liveness` 20).
        static var rounds: Int { Int(ProcessInfo.processInfo.environment["JEMBATAN_STRESS_ROUNDS"] ?? "") ?? 2 }

        @Test("PostgreSQL restarted while the broker is frozen longer than the session timeout, round after round with requests in flight: every consumer resumes and every request completes exactly once")
        func restartAndFreezeRounds() async throws {
            let producer = try await Actors.producer
            let freeze = Self.sessionTimeout + .seconds(4)
            var requests: [String] = []
            for round in 1...Self.rounds {
                let started = ContinuousClock.now
                // A: agreed just before the freeze (provisioning and validation have work in flight);
                // B: submitted and dispositioned just before it (evaluation has work in flight).
                let first = try await Self.submitAndDisposition("stress_\(round)_a", producer: producer)
                _ = try await ServiceHTTP.eventually("evaluation", "/v1/requests/\(first)/review", token: try await Actors.technical) { $0["state"] as? String == "awaiting_decision" }
                let agreed = try await ServiceHTTP.call("POST", "evaluation", "/v1/requests/\(first)/decision", token: try await Actors.technical, json: ["decision": "agree"])
                #expect(agreed.status == 200, "\(agreed.text)")
                let second = try await Self.submitAndDisposition("stress_\(round)_b", producer: producer)
                requests += [first, second]

                let frozenAt = ContinuousClock.now
                try await LocalStack.script("pause", "broker")
                try await LocalStack.script("restart-postgres")
                try await Task.sleep(until: frozenAt + freeze)
                try await LocalStack.script("resume", "broker")
                let frozenFor = ContinuousClock.now - frozenAt
                try #require(frozenFor > Self.sessionTimeout, "the freeze (\(frozenFor)) outlasts session.timeout.ms (\(Self.sessionTimeout))")

                _ = try await ServiceHTTP.eventually("evaluation", "/v1/requests/\(second)/review", token: try await Actors.technical, seconds: 90) { $0["state"] as? String == "awaiting_decision" }
                let agreedSecond = try await ServiceHTTP.call("POST", "evaluation", "/v1/requests/\(second)/decision", token: try await Actors.technical, json: ["decision": "agree"])
                #expect(agreedSecond.status == 200, "\(agreedSecond.text)")
                for requestId in [first, second] {
                    _ = try await ServiceHTTP.eventually("validation", "/v1/requests/\(requestId)", token: producer, seconds: 90) { $0["state"] as? String == "awaiting_decision" }
                    let decided = try await FinalEvaluation.decide(requestId, token: producer, ["decision": "accept"])
                    #expect(decided.status == 200, "\(decided.text)")
                    _ = try await ServiceHTTP.eventually("reporting", "/v1/requests/\(requestId)", token: producer, seconds: 90) {
                        ($0["request"] as? [String: Any])?["state"] as? String == "completed"
                    }
                }
                print("liveness stress: round \(round) of \(Self.rounds) passed in \(ContinuousClock.now - started) (broker frozen \(frozenFor), PostgreSQL restarted)")
            }
            let events = try await TopicReader.collect([.evaluation, .provisioning, .validation, .reporting], seconds: 15, where: { requests.contains($0.keyText ?? "") }) { _ in false }
            for requestId in requests {
                // A batch abandoned by the relay may reach the broker and be sent again: the same event
                // (same id) twice is at-least-once delivery, absorbed by the inboxes; the same step
                // under two different ids would be work done twice.
                let mine = events.filter { $0.keyText == requestId }
                for type in [EventType.contractAgreed, .apiProvisioned, .requestCompleted] {
                    let ids = Set(mine.filter { $0.eventType == type.rawValue }.compactMap(\.eventID))
                    #expect(ids.count == 1, "\(requestId): \(type.rawValue) under \(ids.count) event ids")
                }
                #expect(try await TestDatabase.count("SELECT count(*)::int FROM provisioning.hub_datasets WHERE request_id = \(requestId)") == 1)
            }
            let deadLetters = try await TopicReader.collect([.deadLetter], seconds: 8, where: { requests.contains($0.keyText ?? "") }) { _ in false }
            #expect(deadLetters.isEmpty, "transient faults never dead-letter")
        }

        static func submitAndDisposition(_ dataset: String, producer: String) async throws -> String {
            let submitted = try await ServiceHTTP.call("POST", "intake", "/v1/requests", token: producer, json: submission(datasetName: dataset))
            let requestId = try #require(submitted.json["requestId"] as? String, "\(submitted.text)")
            let disposition = try await ServiceHTTP.call("POST", "intake", "/v1/requests/\(requestId)/disposition", token: try await Actors.head, json: ["note": "Tindak lanjuti"])
            #expect(disposition.status == 200, "\(disposition.text)")
            return requestId
        }
    }
}

extension KafkaMessage {
    /// CloudEvent id of the record, if it is one.
    var eventID: String? {
        (try? JSONSerialization.jsonObject(with: Data(value)) as? [String: Any])?["id"] as? String
    }
}

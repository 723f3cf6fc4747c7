import Foundation
import JembatanShared
import Logging
import PostgresNIO
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

        @Test(
            "PostgreSQL restarted while the broker is frozen longer than the session timeout, round after round with requests in flight: every consumer resumes and every request completes exactly once"
        )
        func restartAndFreezeRounds() async throws {
            let producer = try await Actors.producer
            let freeze = Self.sessionTimeout + .seconds(4)
            var requests: [String] = []
            for round in 1...Self.rounds {
                let started = ContinuousClock.now
                // A: agreed just before the freeze (provisioning and validation have work in flight);
                // B: submitted and dispositioned just before it (evaluation has work in flight).
                let first = try await Self.submitAndDisposition("stress_\(round)_a", producer: producer)
                _ = try await ServiceHTTP.eventually(
                    "evaluation", "/v1/requests/\(first)/review", token: try await Actors.technical
                ) { $0["state"] as? String == "awaiting_decision" }
                let agreed = try await Agreement.agree(first, token: try await Actors.technical)
                #expect(agreed.status == 200, "\(agreed.text)")
                let second = try await Self.submitAndDisposition("stress_\(round)_b", producer: producer)
                requests += [first, second]

                let frozenAt = ContinuousClock.now
                try await LocalStack.script("pause", "broker")
                try await LocalStack.script("restart-postgres")
                try await Task.sleep(until: frozenAt + freeze)
                try await LocalStack.script("resume", "broker")
                let frozenFor = ContinuousClock.now - frozenAt
                try #require(
                    frozenFor > Self.sessionTimeout,
                    "the freeze (\(frozenFor)) outlasts session.timeout.ms (\(Self.sessionTimeout))")

                _ = try await ServiceHTTP.eventually(
                    "evaluation", "/v1/requests/\(second)/review", token: try await Actors.technical, seconds: 90
                ) { $0["state"] as? String == "awaiting_decision" }
                let agreedSecond = try await Agreement.agree(second, token: try await Actors.technical)
                #expect(agreedSecond.status == 200, "\(agreedSecond.text)")
                for requestId in [first, second] {
                    _ = try await ServiceHTTP.eventually(
                        "validation", "/v1/requests/\(requestId)", token: producer, seconds: 90
                    ) { $0["state"] as? String == "awaiting_decision" }
                    let decided = try await FinalEvaluation.decide(requestId, token: producer, ["decision": "accept"])
                    #expect(decided.status == 200, "\(decided.text)")
                    _ = try await ServiceHTTP.eventually(
                        "reporting", "/v1/requests/\(requestId)", token: producer, seconds: 90
                    ) {
                        ($0["request"] as? [String: Any])?["state"] as? String == "completed"
                    }
                }
                print(
                    "liveness stress: round \(round) of \(Self.rounds) passed in \(ContinuousClock.now - started) (broker frozen \(frozenFor), PostgreSQL restarted)"
                )
            }
            let events = try await TopicReader.collect(
                [.evaluation, .provisioning, .validation, .reporting], seconds: 15,
                where: { requests.contains($0.keyText ?? "") }
            ) { _ in false }
            for requestId in requests {
                // A batch abandoned by the relay may reach the broker and be sent again: the same event
                // (same id) twice is at-least-once delivery, absorbed by the inboxes; the same step
                // under two different ids would be work done twice.
                let mine = events.filter { $0.keyText == requestId }
                for type in [EventType.contractAgreed, .apiProvisioned, .requestCompleted] {
                    let ids = Set(mine.filter { $0.eventType == type.rawValue }.compactMap(\.eventID))
                    #expect(ids.count == 1, "\(requestId): \(type.rawValue) under \(ids.count) event ids")
                }
                #expect(
                    try await TestDatabase.count(
                        "SELECT count(*)::int FROM provisioning.hub_datasets WHERE request_id = \(requestId)") == 1)
            }
            let deadLetters = try await TopicReader.collect(
                [.deadLetter], seconds: 8, where: { requests.contains($0.keyText ?? "") }
            ) { _ in false }
            #expect(deadLetters.isEmpty, "transient faults never dead-letter")
            // The relay's batch limit is a safety net: a batch whose connection PostgreSQL closed fails
            // at once and is sent again; it must never have to wait out the limit (the old hang).
            if !LocalStack.usesCompose {
                let logs = LocalStack.root.appendingPathComponent(".local/test-stack/logs")
                for service in ["intake", "evaluation", "provisioning", "validation", "reporting"] {
                    let text =
                        (try? String(contentsOf: logs.appendingPathComponent("\(service).log"), encoding: .utf8)) ?? ""
                    let abandoned = text.split(separator: "\n").filter {
                        $0.contains("Outbox batch not published") && $0.contains("abandoned while")
                    }
                    #expect(abandoned.isEmpty, "\(service): \(abandoned.first ?? "")")
                }
            }
        }

        @Test(
            "a connection PostgreSQL closed while it sat in the pool fails the next transaction at once, round after round: nothing waits forever on it"
        )
        func closedPooledConnectionNeverHangs() async throws {
            var configuration = DatabaseConfiguration()
            configuration.port = LocalStack.postgresPort
            configuration.password = LocalStack.postgresPassword
            configuration.maximumConnections = 1
            let logger = Logger(label: "test-pool")
            let pool = configuration.makeClient(logger: logger)
            let (succeeded, refused) = try await TestDatabase.with { admin in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await pool.run() }
                    defer { group.cancelAll() }
                    var succeeded = 0
                    var refused = 0
                    // One transaction: it succeeds on a live connection or fails at once on a closed one;
                    // a 10 s wait is the hang this guards against (the deadline then fails the test).
                    func transaction() async throws -> Int32? {
                        do {
                            let pid = try await withDeadline(.seconds(10)) {
                                try await pool.inTransaction(logger: logger) { connection in
                                    var pid: Int32 = 0
                                    for try await value in try await connection.query(
                                        "SELECT pg_backend_pid()", logger: logger
                                    ).decode(Int32.self) { pid = value }
                                    return pid
                                }
                            }
                            succeeded += 1
                            return pid
                        } catch let error where DatabaseFailure.isConnectionProblem(error) {
                            refused += 1
                            return nil
                        }
                    }
                    for _ in 1...100 {
                        var backend: Int32?
                        while backend == nil { backend = try await transaction() }
                        // What a restart does to every pooled connection: the server ends the backend.
                        try await admin.query("SELECT pg_terminate_backend(\(backend!))")
                        _ = try await transaction()
                    }
                    return (succeeded, refused)
                }
            }
            print("closed pooled connection: \(succeeded) transactions on a new connection, \(refused) refused at once")
            #expect(succeeded >= 100, "the pool replaces the closed connection")
        }

        /// Short safety-net timings for a service started with a test fault: session 6 s ≤ max poll
        /// interval 7 s < watchdog bound 8 s (the service refuses to start otherwise).
        static func faulted(_ fault: String) -> [String: String] {
            [
                "JEMBATAN_TEST_CONSUMER_FAULT": fault, "JEMBATAN_KAFKA_MAX_POLL_INTERVAL_MS": "7000",
                "JEMBATAN_CONSUMER_WATCHDOG_SECONDS": "8",
            ]
        }

        /// Restarts `service` (SIGTERM, then start) with `settings` added to its environment.
        static func restart(_ service: String, settings: [String: String] = [:]) async throws {
            try await LocalStack.script(["stop", service], settings: [:])
            try await LocalStack.script(["start", service], settings: settings)
        }

        static func consumerReport(_ service: String) async throws -> (status: Int, consumer: [String: Any]) {
            let live = try await ServiceHTTP.call("GET", service, "/livez")
            return (live.status, (live.json["consumers"] as? [[String: Any]])?.first ?? [:])
        }

        @Test(
            "a consumer whose loop stops turning is recreated by its watchdog and the request completes; /livez fails when recreating does not help"
        )
        func watchdogRecreatesAStalledConsumer() async throws {
            // Recreation that cannot help: every new consumer stalls too; after 3 recreations /livez says so (503).
            try await Self.restart("provisioning", settings: Self.faulted("stall-loop:always"))
            var unlive: (status: Int, consumer: [String: Any])?
            let deadline = Date().addingTimeInterval(90)
            while Date() < deadline {
                let report = try await Self.consumerReport("provisioning")
                if report.status == 503 {
                    unlive = report
                    break
                }
                try await Task.sleep(for: .seconds(1))
            }
            let failed = try #require(unlive, "provisioning's /livez failed after repeated recreations")
            #expect(failed.consumer["live"] as? Bool == false)
            #expect((failed.consumer["recreationsInWindow"] as? Int ?? 0) >= 3)
            #expect(
                (failed.consumer["lastRecreationReason"] as? String ?? "").contains("loop has not turned"),
                "\(failed.consumer)")

            // Recreation that helps: the first consumer stalls while a request needs provisioning; the
            // watchdog replaces it and the request goes on to completion; /livez stays 200.
            try await Self.restart("provisioning", settings: Self.faulted("stall-loop:once"))
            let requestId = try await ProcedureTests.walkToCompletion(dataset: "watchdog_probe")
            let recovered = try await Self.consumerReport("provisioning")
            #expect(recovered.status == 200)
            #expect(recovered.consumer["recreations"] as? Int == 1, "\(recovered.consumer)")
            #expect(recovered.consumer["generation"] as? Int == 2)
            let metrics = try await ServiceHTTP.call("GET", "provisioning", "/metrics")
            #expect(
                metrics.text.split(separator: "\n").contains {
                    $0.hasPrefix("jembatan_consumer_recreations_total{consumer=\"provisioning\"} 1")
                },
                "the recreation is counted")
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM provisioning.hub_datasets WHERE request_id = \(requestId)") == 1)
            try await Self.restart("provisioning")
        }

        /// Sends SIGTERM to every service at once; returns how long each took to exit.
        static func terminateAll() async throws -> [String: Duration] {
            let services = ["intake", "evaluation", "provisioning", "validation", "reporting"]
            var pids: [String: Int32] = [:]
            for service in services {
                pids[service] = Int32(
                    try await LocalStack.script("pid", service).trimmingCharacters(in: .whitespacesAndNewlines))
            }
            let sent = ContinuousClock.now
            for pid in pids.values { kill(pid, SIGTERM) }
            var exited: [String: Duration] = [:]
            while exited.count < services.count, ContinuousClock.now - sent < .seconds(30) {
                for (service, pid) in pids where exited[service] == nil && !Self.isRunning(pid) {
                    exited[service] = ContinuousClock.now - sent
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            for (service, pid) in pids where exited[service] == nil { kill(pid, SIGKILL) }
            return exited
        }

        /// Running until every thread has ended: an exited service whose parent has not reaped it yet
        /// counts as ended, but a zombie leader thread whose other threads still run (and still hold
        /// the port) does not.
        static func isRunning(_ pid: Int32) -> Bool {
            guard kill(pid, 0) == 0 else { return false }
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return true }
            guard stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z") else {
                return true
            }
            let threads = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task").count) ?? 0
            return threads > 1
        }

        @Test("SIGTERM ends every service within 10 s while PostgreSQL is stopped, and while the broker is frozen")
        func boundedShutdown() async throws {
            let services = ["intake", "evaluation", "provisioning", "validation", "reporting"]
            // A request in flight, so consumers and relays have work when the trouble starts.
            _ = try await Self.submitAndDisposition("shutdown_probe", producer: try await Actors.producer)

            try await LocalStack.script("stop-postgres")
            try await Task.sleep(for: .seconds(2))
            let withoutDatabase = try await Self.terminateAll()
            try await LocalStack.script("start-postgres")
            for service in services { try await LocalStack.script("start", service) }

            try await LocalStack.script("pause", "broker")
            try await Task.sleep(for: .seconds(2))
            let withFrozenBroker = try await Self.terminateAll()
            try await LocalStack.script("resume", "broker")
            for service in services { try await LocalStack.script("start", service) }
            // Every service serves again (a restart that silently did nothing once left evaluation down).
            for service in services {
                let ready = try await ServiceHTTP.call("GET", service, "/readyz")
                #expect(ready.status == 200, "\(service) is back after the restart: \(ready.status)")
            }

            for (situation, exits) in [("PostgreSQL stopped", withoutDatabase), ("broker frozen", withFrozenBroker)] {
                print(
                    "bounded shutdown, \(situation): "
                        + services.map { "\($0) \(exits[$0].map { "\($0)" } ?? "did not exit")" }.joined(
                            separator: ", "))
                for service in services {
                    let took = try #require(exits[service], "\(service) exited after SIGTERM with \(situation)")
                    #expect(took < .seconds(15), "\(service) took \(took) to exit with \(situation)")
                }
            }
        }

        static func submitAndDisposition(_ dataset: String, producer: String) async throws -> String {
            let submitted = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests", token: producer, json: submission(datasetName: dataset))
            let requestId = try #require(submitted.json["requestId"] as? String, "\(submitted.text)")
            let disposition = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests/\(requestId)/disposition", token: try await Actors.head,
                json: ["note": "Tindak lanjuti"])
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

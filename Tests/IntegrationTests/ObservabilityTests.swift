import Foundation
import JembatanShared
import Testing

extension RealStack {
    /// What the people who watch the running system read: `/metrics` as Prometheus scrapes it,
    /// JSON log lines with the request id, the real cause of a database error.
    @Suite("Observability")
    struct ObservabilityTests {
        static let services = ["intake", "evaluation", "provisioning", "validation", "reporting"]

        static func metrics(_ service: String) async throws -> PrometheusText {
            let reply = try await ServiceHTTP.call("GET", service, "/metrics")
            #expect(reply.status == 200)
            return PrometheusText(reply.text)
        }

        /// The service's log lines that are JSON objects (the test stack writes JSON).
        static func logLines(_ service: String) throws -> [[String: Any]] {
            let file = LocalStack.root.appendingPathComponent(".local/test-stack/logs/\(service).log")
            let text = try String(contentsOf: file, encoding: .utf8)
            return text.split(separator: "\n").compactMap { line in
                try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            }
        }

        @Test(
            "every service's /metrics has each named series with its Prometheus type and unit suffix, and no series outside the naming rules"
        )
        func namedSeries() async throws {
            // Traffic first, so the per-route and per-event-type series exist.
            let requestId = try await LivenessTests.submitAndDisposition(
                "metrics_probe", producer: try await Actors.producer)
            _ = try await ServiceHTTP.eventually(
                "evaluation", "/v1/requests/\(requestId)/review", token: try await Actors.technical
            ) { $0["state"] as? String == "awaiting_decision" }
            let expected: [(name: String, type: String)] = [
                ("jembatan_http_requests_total", "counter"), ("jembatan_http_request_duration_seconds", "histogram"),
                ("jembatan_consumer_lag", "gauge"), ("jembatan_outbox_pending", "gauge"),
                ("jembatan_outbox_oldest_age_seconds", "gauge"),
                ("jembatan_consumer_loop_age_seconds", "gauge"), ("jembatan_broker_degraded", "gauge"),
                ("jembatan_database_unreachable", "gauge"),
                ("jembatan_consumer_recreations_total", "counter"), ("jembatan_events_retried_total", "counter"),
                ("jembatan_events_deadlettered_total", "counter"), ("jembatan_events_applied_total", "counter"),
            ]
            for service in Self.services {
                let metrics = try await Self.metrics(service)
                for (name, type) in expected {
                    #expect(
                        metrics.types[name] == type,
                        "\(service): \(name) is a \(type) (found \(metrics.types[name] ?? "nothing"))")
                }
                #expect(
                    !metrics.values("jembatan_consumer_lag", where: ["group": "jembatan-\(service)"]).isEmpty,
                    "\(service): lag per partition of its own group")
                for (name, type) in metrics.types {
                    #expect(
                        name.hasPrefix("jembatan_"),
                        "\(service): \(name) follows the jembatan_ prefix (no hb_ or dotted names)")
                    if type == "counter" {
                        #expect(name.hasSuffix("_total"), "\(service): counter \(name) ends in _total")
                    }
                    if type == "histogram" {
                        #expect(name.hasSuffix("_seconds"), "\(service): histogram \(name) is a duration in seconds")
                    }
                }
            }
            let intake = try await Self.metrics("intake")
            #expect(
                (intake.sum(
                    "jembatan_http_requests_total", where: ["method": "POST", "route": "/v1/requests", "status": "201"])
                    ?? 0) >= 1,
                "the submission is counted under its route and status")
            #expect((intake.sum("jembatan_outbox_published_total", where: ["service": "intake"]) ?? 0) >= 2)
            let evaluation = try await Self.metrics("evaluation")
            #expect(evaluation.types["jembatan_event_handling_duration_seconds"] == "histogram")
            #expect(
                (evaluation.sum(
                    "jembatan_event_handling_duration_seconds_count",
                    where: ["type": EventType.requestDispositioned.rawValue]) ?? 0) >= 1,
                "the disposition's handling time is in the histogram of its event type")
        }

        @Test("consumer lag on /metrics rises while a consumer is held and falls to zero once it runs again")
        func lagRisesAndFalls() async throws {
            // Held: every provisioning consumer stalls (the watchdog's recreations do not help).
            try await LivenessTests.restart("provisioning", settings: LivenessTests.faulted("stall-loop:always"))
            let requestId = try await LivenessTests.submitAndDisposition(
                "lag_probe", producer: try await Actors.producer)
            _ = try await ServiceHTTP.eventually(
                "evaluation", "/v1/requests/\(requestId)/review", token: try await Actors.technical
            ) { $0["state"] as? String == "awaiting_decision" }
            let agreed = try await Agreement.agree(requestId, token: try await Actors.technical)
            #expect(agreed.status == 200, "\(agreed.text)")
            func lag() async throws -> Double {
                try await Self.metrics("provisioning").sum(
                    "jembatan_consumer_lag", where: ["group": "jembatan-provisioning"]) ?? -1
            }
            var held = 0.0
            for _ in 0..<60 where held < 1 {
                held = try await lag()
                if held < 1 { try await Task.sleep(for: .milliseconds(500)) }
            }
            #expect(held >= 1, "the agreed contract waits on provisioning's topic: lag \(held)")
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM provisioning.hub_datasets WHERE request_id = \(requestId)") == 0)

            // Released: a normal consumer catches up, and the gauge says so. Right after the restart the
            // gauge is absent (-1 here) until the new consumer first reports: keep reading until it says 0.
            try await LivenessTests.restart("provisioning")
            var after = held
            for _ in 0..<120 where after != 0 {
                after = try await lag()
                if after != 0 { try await Task.sleep(for: .milliseconds(500)) }
            }
            #expect(after == 0, "lag back to 0 after the consumer runs again (was \(held))")
            _ = try await ServiceHTTP.eventually(
                "validation", "/v1/requests/\(requestId)", token: try await Actors.producer
            ) { $0["state"] as? String == "awaiting_decision" }
        }

        @Test(
            "a request's id is in its access-log line and in the lines its handler logs, as JSON; the caller gets it back in X-Request-ID",
            .enabled(if: !LocalStack.usesCompose))
        func requestIdInJSONLogs() async throws {
            let id = "obs-\(UUID().uuidString.lowercased())"
            let submitted = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests", token: try await Actors.producer,
                json: submission(datasetName: "log_probe"), headers: ["X-Request-ID": id])
            #expect(submitted.status == 201, "\(submitted.text)")
            #expect(submitted.header("X-Request-ID") == id)
            let generated = try await ServiceHTTP.call("GET", "intake", "/readyz")
            #expect(
                UUID(uuidString: generated.header("X-Request-ID") ?? "") != nil,
                "without one, the service makes an id and returns it")

            var mine: [[String: Any]] = []
            for _ in 0..<20 {
                mine = try Self.logLines("intake").filter { $0[LogKey.httpRequestID] as? String == id }
                if mine.contains(where: { $0["message"] as? String == "HTTP request" }) { break }
                try await Task.sleep(for: .milliseconds(250))
            }
            let access = try #require(
                mine.first { $0["message"] as? String == "HTTP request" }, "access line with the request id")
            #expect(access["http.method"] as? String == "POST")
            #expect(access["http.route"] as? String == "/v1/requests")
            #expect(access["http.status"] as? String == "201")
            #expect(Double(access["http.duration_seconds"] as? String ?? "") != nil)
            #expect(
                access["level"] as? String == "info" && access["logger"] as? String == "jembatan-intake"
                    && access["ts"] is String)
            let handler = mine.first { $0["message"] as? String == "Request submitted" }
            #expect(
                handler?[LogKey.requestID] as? String == submitted.json["requestId"] as? String,
                "the handler's own line carries the same HTTP request id and names the data-sharing request")
        }

        @Test(
            "a database error shows its real cause: in the operator command's output and in the service log of the request that met it",
            .enabled(if: !LocalStack.usesCompose))
        func databaseErrorCause() async throws {
            let missing = try await ExchangeHubTests.operator(
                ["ops", "incidents"], environment: ["JEMBATAN_POSTGRES_DATABASE": "tidak_ada"])
            #expect(missing.status != 0)
            #expect(missing.output.contains("database \"tidak_ada\" does not exist"), "\(missing.output)")
            #expect(!missing.output.contains("Generic description"), "\(missing.output)")

            // PostgreSQL stopped: a request answers 503 within seconds (not after the pool's minute),
            // with a body, and the log line under its request id names the real cause.
            let token = try await Actors.producer
            try await LocalStack.script("stop-postgres")
            // Once the service has noticed (its gauge says so), requests are refused at once.
            var noticed = false
            for _ in 0..<40 where !noticed {
                noticed = try await Self.metrics("intake").sum("jembatan_database_unreachable") == 1
                if !noticed { try await Task.sleep(for: .milliseconds(250)) }
            }
            #expect(noticed, "jembatan_database_unreachable is 1 within 10 s")
            var refused: (id: String, reply: ServiceHTTP.Reply, took: Duration)?
            let stopped = ContinuousClock.now
            while refused == nil, ContinuousClock.now - stopped < .seconds(30) {
                let id = "dberr-\(UUID().uuidString.lowercased())"
                let asked = ContinuousClock.now
                let reply = try await ServiceHTTP.call(
                    "GET", "intake", "/v1/requests/\(UUID().uuidString.lowercased())", token: token,
                    headers: ["X-Request-ID": id])
                if reply.status == 503 {
                    refused = (id, reply, ContinuousClock.now - asked)
                } else {
                    try await Task.sleep(for: .milliseconds(500))
                }
            }
            try await LocalStack.script("start-postgres")
            let answer = try #require(refused, "a request answered 503 while PostgreSQL was stopped")
            #expect(answer.reply.json.errorCode == "database_unavailable", "\(answer.reply.text)")
            #expect(answer.reply.header("X-Request-ID") == answer.id)
            #expect(answer.took < .seconds(20), "answered at once, not after the pool's minute: \(answer.took)")
            let failed = try Self.logLines("intake").filter {
                $0[LogKey.httpRequestID] as? String == answer.id && $0["level"] as? String == "error"
            }
            let cause = failed.compactMap { $0[LogKey.error] as? String }.joined(separator: " | ")
            // Refused once PostgreSQL is down; while it is still going down the server itself says so (57P03).
            // Either is the real cause; a generic one is not.
            #expect(
                cause.lowercased().contains("connection refused") || cause.contains("57P03")
                    || cause.lowercased().contains("the database system is shutting down"), "the logged cause: \(cause)"
            )
            #expect(!cause.contains("Generic description"))

            // Back: every service answers requests again within seconds.
            for service in Self.services {
                var status = 503
                let back = ContinuousClock.now
                while status == 503, ContinuousClock.now - back < .seconds(30) {
                    status = try await ServiceHTTP.call(
                        "GET", service, "/v1/requests/\(UUID().uuidString.lowercased())", token: token
                    ).status
                    if status == 503 { try await Task.sleep(for: .milliseconds(500)) }
                }
                #expect(status != 503, "\(service) serves again after PostgreSQL is back")
            }
        }
    }
}

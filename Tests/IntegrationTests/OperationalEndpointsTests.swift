import Foundation
import Testing

extension RealStack {
    /// `/livez`, `/readyz`, `/metrics`, `/openapi.json` on every service.
    @Suite("Operational endpoints")
    struct OperationalEndpointsTests {
        static let services = ["intake", "evaluation", "provisioning", "validation", "reporting"]

        @Test(
            "every service is live, ready, exports Prometheus metrics and an OpenAPI 3.1 document of its routes",
            arguments: services)
        func endpoints(service: String) async throws {
            let live = try await ServiceHTTP.call("GET", service, "/livez")
            #expect(live.status == 200)
            let ready = try await ServiceHTTP.call("GET", service, "/readyz")
            #expect(ready.status == 200)
            #expect(ready.json["checks"] as? [String: String] == ["postgresql": "ok", "kafka": "ok"])
            let metrics = try await ServiceHTTP.call("GET", service, "/metrics")
            #expect(metrics.status == 200)
            #expect(
                metrics.text.contains("# TYPE jembatan_http_requests_total counter"),
                "HTTP metrics: \(metrics.text.prefix(300))")
            #expect(!metrics.text.contains("hb_requests"), "our request series replace Hummingbird's")
            let document = try await ServiceHTTP.call("GET", service, "/openapi.json")
            #expect(document.status == 200)
            #expect(document.json["openapi"] as? String == "3.1.0")
            let paths = try #require(document.json["paths"] as? [String: Any])
            for path in ["/livez", "/readyz", "/metrics", "/openapi.json"] {
                #expect(paths[path] != nil, "\(path) documented")
            }
            #expect(paths.keys.contains { $0.hasPrefix("/v1/") }, "the service's own routes are documented")
            let file = FileManager.default.temporaryDirectory.appendingPathComponent(
                "openapi-\(service)-\(UUID().uuidString).json")
            try Data(document.text.utf8).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let validator = LocalStack.root.appendingPathComponent(".local/venv/bin/openapi-spec-validator").path
            let status = system("'\(validator)' '\(file.path)' >/dev/null 2>&1")
            #expect(status == 0, "openapi-spec-validator accepts the \(service) document")
        }

        @Test(
            "a frozen broker leaves every service ready but degraded (body and gauge), and live; back to ready when it answers"
        )
        func brokerOutageIsDegraded() async throws {
            try await LocalStack.script("pause", "broker")
            var degraded: ServiceHTTP.Reply?
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline {
                let reply = try await ServiceHTTP.call("GET", "intake", "/readyz")
                if reply.json["status"] as? String == "degraded" {
                    degraded = reply
                    break
                }
                try await Task.sleep(for: .milliseconds(300))
            }
            let metrics = try await ServiceHTTP.call("GET", "intake", "/metrics")
            let live = try await ServiceHTTP.call("GET", "intake", "/livez")
            try await LocalStack.script("resume", "broker")
            let reply = try #require(degraded, "intake's /readyz said degraded while the broker was frozen")
            #expect(reply.status == 200, "the HTTP API still serves: the outbox keeps the events")
            #expect((reply.json["checks"] as? [String: String]) == ["postgresql": "ok", "kafka": "unreachable"])
            #expect(
                metrics.text.split(separator: "\n").contains {
                    $0.hasPrefix("jembatan_broker_degraded") && $0.hasSuffix(" 1.0")
                        || $0 == "jembatan_broker_degraded 1"
                }, "gauge set: \(metrics.text.split(separator: "\n").filter { $0.contains("broker_degraded") })")
            #expect(live.status == 200, "liveness does not depend on the broker")
            try await DeliveryGuaranteeTests.waitUntil {
                try await ServiceHTTP.call("GET", "intake", "/readyz").json["status"] as? String == "ready"
            }
        }
    }
}

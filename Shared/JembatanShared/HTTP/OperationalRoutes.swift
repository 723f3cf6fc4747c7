import Foundation
import Hummingbird
import Logging
import PostgresNIO
import Prometheus

/// `/livez`, `/readyz`, `/metrics` and `/openapi.json`, the same on every service.
public struct OperationalRoutes: Sendable {
    let client: PostgresClient
    let producer: KafkaProducer
    let gate: StartupGate
    let registry: PrometheusCollectorRegistry
    let openAPIDocument: String

    /// Creates the routes.
    public init(client: PostgresClient, producer: KafkaProducer, gate: StartupGate, registry: PrometheusCollectorRegistry, openAPIDocument: String) {
        self.client = client
        self.producer = producer
        self.gate = gate
        self.registry = registry
        self.openAPIDocument = openAPIDocument
    }

    struct Readiness: Encodable {
        let status: String
        let checks: [String: String]
    }

    /// Adds the routes to `router`.
    public func register(on router: Router<some RequestContext>) {
        router.get("livez") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        router.get("readyz") { _, _ in
            let checks = await self.readinessChecks()
            let ready = checks.values.allSatisfy { $0 == "ok" }
            return try JSONResponse.make(Readiness(status: ready ? "ready" : "not ready", checks: checks), status: ready ? .ok : .serviceUnavailable)
        }
        router.get("metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(bytes: self.registry.emitToBuffer())))
        }
        router.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: self.openAPIDocument)))
        }
    }

    /// Checks PostgreSQL (and the migrations) and the broker.
    func readinessChecks() async -> [String: String] {
        async let database = databaseCheck()
        async let broker = producer.brokerIsReachable(timeout: .seconds(1))
        return ["postgresql": await database, "kafka": await broker ? "ok" : "unreachable"]
    }

    private func databaseCheck() async -> String {
        guard gate.isOpen else { return "migrations pending" }
        do {
            let rows = try await client.query("SELECT 1")
            for try await _ in rows {}
            return "ok"
        } catch {
            return "unreachable"
        }
    }
}

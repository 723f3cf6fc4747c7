import Foundation
import Hummingbird
import Logging
import Metrics
import PostgresNIO
import Prometheus

/// `/livez`, `/readyz`, `/metrics` and `/openapi.json`, the same on every service.
public struct OperationalRoutes: Sendable {
    let client: PostgresClient
    let broker: BrokerMonitor
    let health: ConsumerHealth
    let gate: StartupGate
    let registry: PrometheusCollectorRegistry
    let openAPIDocument: String

    /// Creates the routes.
    public init(
        client: PostgresClient, broker: BrokerMonitor, health: ConsumerHealth, gate: StartupGate,
        registry: PrometheusCollectorRegistry, openAPIDocument: String
    ) {
        self.client = client
        self.broker = broker
        self.health = health
        self.gate = gate
        self.registry = registry
        self.openAPIDocument = openAPIDocument
    }

    struct Readiness: Encodable {
        /// `ready`, `degraded` (the API serves, the broker does not answer: the outbox keeps events) or `not ready`.
        let status: String
        let checks: [String: String]
    }

    struct Liveness: Encodable {
        /// `live`, or `not live` once a consumer was recreated K times in a window without recovering.
        let status: String
        let consumers: [ConsumerHealthReport]
    }

    /// Adds the routes to `router`.
    public func register(on router: Router<some RequestContext>) {
        router.get("livez") { _, _ in
            let consumers = self.health.reports()
            let live = consumers.allSatisfy(\.live)
            return try JSONResponse.make(
                Liveness(status: live ? "live" : "not live", consumers: consumers),
                status: live ? .ok : .serviceUnavailable)
        }
        router.get("readyz") { _, _ in
            let checks = await self.readinessChecks()
            let ready = checks["postgresql"] == "ok"
            let status = !ready ? "not ready" : (checks["kafka"] == "ok" ? "ready" : "degraded")
            return try JSONResponse.make(
                Readiness(status: status, checks: checks), status: ready ? .ok : .serviceUnavailable)
        }
        router.get("metrics") { _, _ in
            // The loop age as of this scrape: a loop that stopped turning does not refresh it itself.
            for report in self.health.reports() {
                Gauge(label: "jembatan_consumer_loop_age_seconds", dimensions: [("consumer", report.consumer)]).record(
                    report.secondsSinceLoopTurned)
            }
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(bytes: self.registry.emitToBuffer())))
        }
        router.get("openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: self.openAPIDocument)))
        }
    }

    /// Checks PostgreSQL (and the migrations); the broker as the monitor last saw it.
    func readinessChecks() async -> [String: String] {
        ["postgresql": await databaseCheck(), "kafka": broker.isReachable ? "ok" : "unreachable"]
    }

    private func databaseCheck() async -> String {
        guard gate.isOpen else { return "migrations pending" }
        do {
            try await DatabaseMonitor.answers(client, logger: Logger(label: "jembatan.readyz"))
            return "ok"
        } catch {
            return "unreachable"
        }
    }
}

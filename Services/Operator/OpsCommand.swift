import ArgumentParser
import Foundation
import JembatanClient
import JembatanShared
import Logging
import PostgresNIO

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `jembatan ops check`: the maintenance SOP's monitoring round over every component.
struct OpsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ops", abstract: "Maintenance SOP: monitoring checks and incidents.",
        subcommands: [Check.self, Incidents.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: """
                Check PostgreSQL, the broker, the topics, each service's /readyz, consumer lag, outbox backlog and disk; record the \
                result, open an incident per failing component, close it when a later check finds it healthy, escalate one open too long. \
                Exit status 1 when a component fails.
                """)

        @Option(help: "Host of the services (their ports are 8081–8085 unless --port-base is given).")
        var servicesHost = "127.0.0.1"

        @Option(help: "The intake port minus one: services listen on base+1 … base+5.")
        var portBase = 8080

        @Option(
            help:
                "A service's base URL instead of host and port, e.g. --service-url intake=http://intake:8081 (repeatable)."
        )
        var serviceUrl: [String] = []

        @Option(help: "Largest acceptable consumer lag per group.")
        var lagLimit = 1000

        @Option(help: "Outbox rows older than this many seconds count as a backlog.")
        var outboxAgeSeconds = 60

        @Option(help: "The filesystem to check for free space (e.g. PostgreSQL's data folder).")
        var diskPath = "."

        @Option(help: "Minimum free disk space in MiB.")
        var diskMinimumMib = 1024

        @Option(help: "Escalate an incident to the head when it is still open after this many minutes.")
        var escalateAfterMinutes = 60

        func run() async throws {
            let configuration = try loadConfiguration()
            let checks = await Self.inspect(self, configuration: configuration)
            let passed = checks.allSatisfy(\.ok)
            for check in checks {
                say(
                    "\(check.ok ? "ok  " : "FAIL") \(check.component.padding(toLength: 28, withPad: " ", startingAt: 0)) \(check.detail)"
                )
            }
            do {
                let changes = try await Operations.with { operations in
                    try await Self.record(checks, escalateAfter: escalateAfterMinutes, operations: operations)
                }
                for change in changes { say(change) }
            } catch {
                say("the check was not recorded: \(error)")
                throw ExitCode(2)
            }
            if !passed { throw ExitCode(1) }
        }

        /// Every component, each within a few seconds; a component that cannot be reached fails with the reason.
        static func inspect(_ options: Check, configuration: JembatanConfiguration) async -> [ComponentCheck] {
            var checks: [ComponentCheck] = []
            let logger = quietLogger()
            // PostgreSQL: a query answered, and each service's outbox backlog.
            var outboxChecks: [ComponentCheck] = []
            do {
                let client = configuration.database.makeClient(logger: logger)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await client.run() }
                    defer { group.cancelAll() }
                    try await DatabaseMonitor.answers(client, within: .seconds(5), logger: logger)
                    for service in ServiceName.allCases {
                        // An event waiting longer than the limit means the relay is stuck; younger ones are normal traffic.
                        let backlog = try await DatabaseInspection.outboxBacklog(
                            of: service, client: client, logger: logger)
                        let stuck = backlog.pending > 0 && backlog.oldestAgeSeconds >= Double(options.outboxAgeSeconds)
                        outboxChecks.append(
                            ComponentCheck(
                                component: "outbox:\(service.rawValue)", ok: !stuck,
                                detail: stuck
                                    ? "\(backlog.pending) events unpublished, the oldest for \(Int(backlog.oldestAgeSeconds)) s (limit \(options.outboxAgeSeconds) s)"
                                    : "no event waiting longer than \(options.outboxAgeSeconds) s"))
                    }
                }
                checks.append(
                    ComponentCheck(
                        component: "postgresql", ok: true,
                        detail: "\(configuration.database.host):\(configuration.database.port) answers"))
            } catch {
                let cause = await configuration.database.unreachableCause(logger: logger) ?? String(reflecting: error)
                checks.append(
                    ComponentCheck(
                        component: "postgresql", ok: false,
                        detail: "\(configuration.database.host):\(configuration.database.port): \(cause.prefix(400))"))
            }
            // Broker and topics.
            if let producer = try? KafkaProducer(configuration: configuration.kafka, logger: logger) {
                defer { producer.shutdown() }
                let reachable = await producer.brokerIsReachable(timeout: .seconds(5))
                checks.append(
                    ComponentCheck(
                        component: "broker", ok: reachable,
                        detail: reachable
                            ? "\(configuration.kafka.bootstrapServers) answers"
                            : "\(configuration.kafka.bootstrapServers) did not answer within 5 s"))
                if reachable, let partitions = try? await producer.topicPartitions() {
                    let missing = Topic.allCases.filter { partitions[$0.rawValue] == nil }.map(\.rawValue)
                    checks.append(
                        ComponentCheck(
                            component: "topics", ok: missing.isEmpty,
                            detail: missing.isEmpty
                                ? "all \(Topic.allCases.count) topics exist"
                                : "missing: \(missing.joined(separator: ", "))"))
                    if let lines = try? await LagCommand.measure(configuration: configuration.kafka) {
                        for service in ServiceName.allCases {
                            let lag = lines.filter { $0.group == service.consumerGroup }.reduce(Int64(0)) {
                                $0 + $1.lag
                            }
                            checks.append(
                                ComponentCheck(
                                    component: "lag:\(service.consumerGroup)", ok: lag <= options.lagLimit,
                                    detail: "\(lag) events behind (limit \(options.lagLimit))"))
                        }
                    } else {
                        checks.append(
                            ComponentCheck(component: "lag", ok: false, detail: "consumer offsets could not be read"))
                    }
                } else {
                    checks.append(ComponentCheck(component: "topics", ok: false, detail: "topic metadata unavailable"))
                }
            } else {
                checks.append(
                    ComponentCheck(component: "broker", ok: false, detail: "the Kafka client could not be created"))
            }
            // Each service's readiness.
            var urls: [String: String] = [:]
            for entry in options.serviceUrl {
                let parts = entry.split(separator: "=", maxSplits: 1)
                if parts.count == 2 { urls[String(parts[0])] = String(parts[1]) }
            }
            for (index, service) in ServiceName.allCases.enumerated() {
                let base = urls[service.rawValue] ?? "http://\(options.servicesHost):\(options.portBase + index + 1)"
                do {
                    let status = try await ServiceClient(timeout: 3) { _ in base }.call("GET", service, "/readyz")
                        .status
                    checks.append(
                        ComponentCheck(
                            component: "service:\(service.rawValue)", ok: status == 200,
                            detail: "\(base)/readyz answered \(status)"))
                } catch {
                    checks.append(
                        ComponentCheck(
                            component: "service:\(service.rawValue)", ok: false,
                            detail: "\(base)/readyz unreachable (\(error.localizedDescription))"))
                }
            }
            // Each service's own view of its messaging, from the /metrics Prometheus scrapes and /livez.
            for (index, service) in ServiceName.allCases.enumerated() {
                let base = urls[service.rawValue] ?? "http://\(options.servicesHost):\(options.portBase + index + 1)"
                checks.append(
                    await Self.messagingHealth(of: service, base: base, outboxAgeLimit: options.outboxAgeSeconds))
            }
            checks += outboxChecks
            // Disk.
            if let attributes = try? FileManager.default.attributesOfFileSystem(forPath: options.diskPath),
                let free = (attributes[.systemFreeSize] as? NSNumber)?.int64Value,
                let size = (attributes[.systemSize] as? NSNumber)?.int64Value, size > 0
            {
                let freeMib = free >> 20
                let share = Double(free) * 100 / Double(size)
                let ok = freeMib >= options.diskMinimumMib && share >= 5
                checks.append(
                    ComponentCheck(
                        component: "disk", ok: ok,
                        detail: "\(freeMib) MiB free (\(String(format: "%.1f", share)) %) at \(options.diskPath)"))
            } else {
                checks.append(
                    ComponentCheck(component: "disk", ok: false, detail: "\(options.diskPath) cannot be inspected"))
            }
            return checks
        }

        /// Lag, outbox age and consumer health as the service itself reports them on `/metrics` and `/livez`.
        static func messagingHealth(of service: ServiceName, base: String, outboxAgeLimit: Int) async -> ComponentCheck
        {
            let component = "health:\(service.rawValue)"
            func fetch(_ path: String) async throws -> (Int, String) {
                let reply = try await ServiceClient(timeout: 3) { _ in base }.call("GET", service, path)
                return (reply.status, reply.text)
            }
            do {
                let (_, text) = try await fetch("/metrics")
                let (livez, _) = try await fetch("/livez")
                let metrics = PrometheusText(text)
                let lag = Int(metrics.sum("jembatan_consumer_lag") ?? 0)
                let pending = Int(metrics.sum("jembatan_outbox_pending", where: ["service": service.rawValue]) ?? 0)
                let age = metrics.sum("jembatan_outbox_oldest_age_seconds", where: ["service": service.rawValue]) ?? 0
                let loopAge = metrics.values("jembatan_consumer_loop_age_seconds").map(\.value).max() ?? 0
                let recreations = Int(metrics.sum("jembatan_consumer_recreations_total") ?? 0)
                let degraded = (metrics.sum("jembatan_broker_degraded") ?? 0) > 0
                let ok = livez == 200 && age <= Double(outboxAgeLimit) && !degraded
                let detail =
                    "lag \(lag) · outbox \(pending) pending, oldest \(Int(age)) s · consumer loop turned \(String(format: "%.1f", loopAge)) s ago · "
                    + "\(recreations) recreations · \(livez == 200 ? "live" : "NOT LIVE") · broker \(degraded ? "unreachable" : "reachable")"
                return ComponentCheck(component: component, ok: ok, detail: detail)
            } catch {
                return ComponentCheck(
                    component: component, ok: false,
                    detail: "\(base)/metrics unreachable (\(error.localizedDescription))")
            }
        }

        /// Stores the check, opens, escalates and closes incidents, and enqueues their events — one transaction.
        static func record(_ checks: [ComponentCheck], escalateAfter minutes: Int, operations: Operations) async throws
            -> [String]
        {
            let logger = operations.logger
            let now = Date()
            let checkId = UUID().uuidString.lowercased()
            let outbox = OperationsSchema.outbox
            return try await operations.client.inTransaction(logger: logger) { connection in
                try await MaintenanceStore.lockIncidents(on: connection, logger: logger)
                var changes: [String] = []
                let passed = checks.allSatisfy(\.ok)
                try await MaintenanceStore.recordCheck(
                    checkId, passed: passed, checks: checks, at: now, on: connection, logger: logger)
                let open = try await MaintenanceStore.openIncidents(on: connection, logger: logger)
                for check in checks {
                    if !check.ok, open[check.component] == nil {
                        let incidentId = UUID().uuidString.lowercased()
                        try await MaintenanceStore.openIncident(
                            incidentId, component: check.component, detail: check.detail, at: now, on: connection,
                            logger: logger)
                        try await outbox.enqueue(
                            IncidentOpened(
                                incidentId: incidentId, component: check.component, detail: check.detail,
                                checkId: checkId, openedAt: now), on: connection, logger: logger)
                        changes.append("incident \(incidentId) opened: \(check.component)")
                    } else if !check.ok, let incident = open[check.component], incident.escalatedAt == nil,
                        now.timeIntervalSince(incident.openedAt) >= Double(minutes * 60)
                    {
                        try await MaintenanceStore.escalateIncident(
                            incident.incidentId, at: now, on: connection, logger: logger)
                        let openMinutes = Int(now.timeIntervalSince(incident.openedAt) / 60)
                        try await outbox.enqueue(
                            IncidentEscalated(
                                incidentId: incident.incidentId, component: check.component, openMinutes: openMinutes,
                                escalatedAt: now), on: connection, logger: logger)
                        changes.append(
                            "incident \(incident.incidentId) escalated to the head: \(check.component) open for \(openMinutes) min"
                        )
                    } else if check.ok, let incident = open[check.component] {
                        try await MaintenanceStore.closeIncident(
                            incident.incidentId, at: now, on: connection, logger: logger)
                        try await outbox.enqueue(
                            IncidentClosed(
                                incidentId: incident.incidentId, component: check.component,
                                openedAt: incident.openedAt, closedAt: now, checkId: checkId), on: connection,
                            logger: logger)
                        changes.append("incident \(incident.incidentId) closed: \(check.component) recovered")
                    }
                }
                try await outbox.enqueue(
                    OpsCheckCompleted(
                        checkId: checkId, passed: passed, checks: checks, checkedBy: "jembatan ops check",
                        checkedAt: now), on: connection, logger: logger)
                changes.append(
                    "check \(checkId) recorded: \(passed ? "all components healthy" : "\(checks.filter { !$0.ok }.count) failing")"
                )
                return changes
            }
        }
    }

    struct Incidents: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List incidents (open first).")

        func run() async throws {
            let lines = try await Operations.with { operations in
                try await MaintenanceStore.incidents(client: operations.client, logger: operations.logger).map {
                    incident in
                    let state =
                        incident.closedAt.map { "closed \(EventTime.format($0))" }
                        ?? (incident.escalatedAt != nil ? "OPEN, escalated" : "OPEN")
                    return
                        "\(incident.incidentId)  \(incident.component)  opened \(EventTime.format(incident.openedAt))  \(state)  \(incident.detail)"
                }
            }
            if lines.isEmpty { say("no incidents") }
            lines.forEach(say)
        }
    }
}

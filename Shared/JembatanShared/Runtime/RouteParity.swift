import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// A service's routes as its router holds them and as its OpenAPI document describes them, to
/// check that they are the same: no undocumented route, no documented route that does not exist.
public enum RouteParity {
    /// The operational routes every service has (``OperationalRoutes``); both sides leave them out.
    static let operational: Set<String> = ["GET /livez", "GET /readyz", "GET /metrics", "GET /openapi.json"]

    /// `METHOD /path/{parameter}` of every route `definition` registers (operational ones aside).
    /// Registering only builds closures: nothing connects (the client never runs, the producer is
    /// shut down at once).
    public static func registered(_ definition: ServiceDefinition) throws -> Set<String> {
        let logger = Logger(label: "route-parity", factory: { _ in SwiftLogNoOpLogHandler() })
        let configuration = try JembatanConfiguration(service: definition.service, environment: [:])
        let client = configuration.database.makeClient(logger: logger)
        let producer = try KafkaProducer(configuration: configuration.kafka, logger: logger)
        defer { producer.shutdown() }
        let context = ServiceContext(
            service: definition.service, client: client, outbox: Outbox(service: definition.service),
            producer: producer,
            configuration: configuration, logger: logger, gate: StartupGate(),
            accounts: AccountDirectory(client: client, logger: logger))
        let router = Router(context: JembatanRequestContext.self)
        definition.routes(router, context)
        return Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" }).subtracting(operational)
    }

    /// `METHOD /path/{parameter}` of every operation of `definition`'s OpenAPI document (operational ones aside).
    public static func documented(_ definition: ServiceDefinition) throws -> Set<String> {
        let document = try JSONSerialization.jsonObject(with: Data(definition.openAPIDocument.utf8)) as? [String: Any]
        let paths = document?["paths"] as? [String: [String: Any]] ?? [:]
        var routes: Set<String> = []
        for (path, operations) in paths {
            for method in operations.keys where ["get", "post", "put", "patch", "delete"].contains(method) {
                routes.insert("\(method.uppercased()) \(path)")
            }
        }
        return routes.subtracting(operational)
    }

    /// What differs: routes served but not documented, and documented but not served (empty when they agree).
    public static func mismatches(_ definition: ServiceDefinition) throws -> [String] {
        let served = try registered(definition)
        let described = try documented(definition)
        guard !served.isEmpty else { return ["no route registered"] }
        return served.subtracting(described).sorted().map { "served but not documented: \($0)" }
            + described.subtracting(served).sorted().map { "documented but not served: \($0)" }
    }
}

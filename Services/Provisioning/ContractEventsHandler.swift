import Foundation
import JembatanShared
import Logging
import PostgresNIO

/// On an agreed contract: create each dataset's storage, register its endpoint, run the
/// integration unit test (SOP step 6) and announce the provisioned API, all in one transaction.
struct ContractEventsHandler: Sendable {
    let context: ServiceContext

    var consumer: ConsumerDefinition {
        ConsumerDefinition(name: "provisioning", topics: [.evaluation], handledTypes: [.contractAgreed]) { event, connection, logger in
            try await provision(try event.payload(ContractAgreed.self), on: connection, logger: logger)
        }
    }

    func provision(_ contract: ContractAgreed, on connection: PostgresConnection, logger: Logger) async throws {
        guard UUIDText.isValid(contract.contractId) else { throw EventRejected(reason: "contractId is not a UUID") }
        var endpoints: [ProvisionedEndpoint] = []
        var checks: [String] = []
        let now = Date()
        for dataset in contract.datasets {
            guard HubStorage.isSafeDatasetName(dataset.name) else {
                throw EventRejected(reason: "dataset name '\(dataset.name)' is not a lower snake case identifier")
            }
            let table = HubStorage.tableName(contractId: contract.contractId, dataset: dataset.name)
            let path = "/v1/datasets/\(dataset.name)/records"
            try await connection.query(PostgresQuery(unsafeSQL: """
                CREATE TABLE IF NOT EXISTS provisioning.\(table) (
                    record_key text PRIMARY KEY,
                    record jsonb NOT NULL,
                    updated_at timestamptz NOT NULL DEFAULT now()
                )
                """), logger: logger)
            try await connection.query("""
                INSERT INTO provisioning.hub_datasets (contract_id, dataset, request_id, agency_code, storage_table, endpoint_path, provisioned_at)
                VALUES (\(contract.contractId), \(dataset.name), \(contract.requestId), \(contract.agencyCode), \(table), \(path), \(now))
                ON CONFLICT (contract_id, dataset) DO NOTHING
                """, logger: logger)
            checks += try await HubStorage.integrationTest(table: table, dataset: dataset, on: connection, logger: logger)
            endpoints.append(ProvisionedEndpoint(dataset: dataset.name, path: path))
        }
        let checksJSON = try CloudEventCodec.jsonText(checks)
        try await connection.query("""
            INSERT INTO provisioning.integration_tests (request_id, contract_id, passed, checks, ran_at)
            VALUES (\(contract.requestId), \(contract.contractId), true, \(checksJSON)::jsonb, \(now))
            """, logger: logger)
        try await context.outbox.enqueue(APIProvisioned(
            requestId: contract.requestId, contractId: contract.contractId, agencyCode: contract.agencyCode, endpoints: endpoints,
            integrationTestChecks: checks, provisionedBy: .system(.provisioning), provisionedAt: now
        ), on: connection, logger: logger)
    }
}

/// Naming and self-test of the hub's per-dataset storage.
enum HubStorage {
    static func isSafeDatasetName(_ name: String) -> Bool {
        guard let first = name.first, first.isASCII, first.isLowercase, name.count <= 40 else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }
    }

    /// `hub_<first 8 hex of the contract>_<dataset>`: unique per contract version, a valid identifier.
    static func tableName(contractId: String, dataset: String) -> String {
        "hub_\(contractId.prefix(8))_\(dataset)"
    }

    /// Writes a synthetic record, reads it back, removes it; returns what was checked.
    static func integrationTest(table: String, dataset: DatasetDefinition, on connection: PostgresConnection, logger: Logger) async throws -> [String] {
        let probeKey = "__integration_test__"
        let probe = "{\"probe\": true}"
        try await connection.query(PostgresQuery(unsafeSQL: "INSERT INTO provisioning.\(table) (record_key, record) VALUES ($1, $2::jsonb)", binds: bindings(probeKey, probe)), logger: logger)
        var readBack = false
        for try await value in try await connection.query(PostgresQuery(unsafeSQL: "SELECT record->>'probe' FROM provisioning.\(table) WHERE record_key = $1", binds: bindings(probeKey)), logger: logger).decode(String?.self) {
            readBack = value == "true"
        }
        guard readBack else { throw EventRejected(reason: "integration test failed: synthetic record not read back from \(table)") }
        try await connection.query(PostgresQuery(unsafeSQL: "DELETE FROM provisioning.\(table) WHERE record_key = $1", binds: bindings(probeKey)), logger: logger)
        return ["\(dataset.name): synthetic record written", "\(dataset.name): synthetic record read back", "\(dataset.name): synthetic record removed"]
    }

    private static func bindings(_ values: String...) -> PostgresBindings {
        var binds = PostgresBindings()
        for value in values { binds.append(value) }
        return binds
    }
}

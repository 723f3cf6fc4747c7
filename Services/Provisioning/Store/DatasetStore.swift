import Foundation
import JembatanShared
import Logging
import PostgresNIO

/// An endpoint of a provisioned request, as its people see it.
struct StoredEndpoint: Sendable {
    let contractId: String
    let dataset: String
    let datasetId: String?
    let path: String
    let provisionedAt: Date
    let agencyCode: String
}

/// One integration unit test of a contract.
struct StoredIntegrationTest: Sendable {
    let contractId: String
    let passed: Bool
    let checks: [String]
    let evidence: [IntegrationCheck]?
    let ranAt: Date
}

/// The only place with SQL for the hub's registry (`provisioning.datasets`, `hub_datasets`,
/// `integration_tests`, `deliveries`, `reference_codes`/`reference_sets`). Record storage is
/// ``HubStore``; credentials are ``CredentialStore``.
enum DatasetStore {
    // MARK: - Registry

    /// Registers (or re-registers for a new contract version) a dataset and its storage; its state
    /// is `test_failed` until the integration test passes.
    static func register(
        _ definition: DatasetDefinition, datasetId: String, of contract: ContractAgreed, consumers: [String],
        table: String,
        storageVersion: Int, at date: Date, on connection: PostgresConnection, logger: Logger
    ) async throws {
        let definitionJSON = try CloudEventCodec.jsonText(definition)
        try await connection.queryUnlessClosed(
            """
            INSERT INTO provisioning.datasets (dataset_id, request_id, agency_code, name, contract_id, contract_version, definition, consumers,
                storage_table, storage_version, state, provisioned_at, updated_at)
            VALUES (\(datasetId), \(contract.requestId), \(contract.agencyCode), \(definition.name), \(contract.contractId), \(contract.contractVersion),
                \(definitionJSON)::jsonb, \(consumers), \(table), \(storageVersion), \(DatasetState.testFailed.rawValue), \(date), \(date))
            ON CONFLICT (dataset_id) DO UPDATE SET contract_id = EXCLUDED.contract_id, contract_version = EXCLUDED.contract_version,
                definition = EXCLUDED.definition, consumers = EXCLUDED.consumers, storage_table = EXCLUDED.storage_table,
                storage_version = EXCLUDED.storage_version, state = \(DatasetState.testFailed.rawValue), updated_at = EXCLUDED.updated_at
            """, logger: logger)
        try await connection.queryUnlessClosed(
            """
            INSERT INTO provisioning.hub_datasets (contract_id, dataset, request_id, agency_code, storage_table, endpoint_path, provisioned_at, dataset_id, contract_version)
            VALUES (\(contract.contractId), \(definition.name), \(contract.requestId), \(contract.agencyCode), \(table),
                \("/v1/datasets/\(datasetId)/records"), \(date), \(datasetId), \(contract.contractVersion))
            ON CONFLICT (contract_id, dataset) DO NOTHING
            """, logger: logger)
    }

    /// `provisioned` once the integration test passed, else `test_failed`.
    static func setState(
        _ state: DatasetState, of datasetIds: [String], at date: Date, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.queryUnlessClosed(
            """
            UPDATE provisioning.datasets SET state = \(state.rawValue), updated_at = \(date)
            WHERE dataset_id = ANY(\(datasetIds))
            """, logger: logger)
    }

    static func recordIntegrationTest(
        of contract: ContractAgreed, passed: Bool, lines: [String], checks: [IntegrationCheck], at date: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.queryUnlessClosed(
            """
            INSERT INTO provisioning.integration_tests (request_id, contract_id, passed, checks, evidence, ran_at)
            VALUES (\(contract.requestId), \(contract.contractId), \(passed), \(try CloudEventCodec.jsonText(lines))::jsonb,
                    \(try CloudEventCodec.jsonText(checks))::jsonb, \(date))
            """, logger: logger)
    }

    /// The provisioned datasets, in id order.
    static func provisioned(client: PostgresClient, logger: Logger) async throws -> [HubDataset] {
        let rows = try await client.queryUnlessClosed(
            PostgresQuery(
                unsafeSQL:
                    "SELECT \(HubDataset.columns) FROM provisioning.datasets WHERE state = 'provisioned' ORDER BY dataset_id"
            ),
            logger: logger)
        var datasets: [HubDataset] = []
        for try await row in rows.decode(HubDataset.Row.self) { datasets.append(try HubDataset(row: row)) }
        return datasets
    }

    /// The agency of the request's datasets (nil: the hub has none).
    static func agency(ofRequest requestId: String, client: PostgresClient, logger: Logger) async throws -> String? {
        for try await agency in try await client.queryUnlessClosed(
            "SELECT agency_code FROM provisioning.datasets WHERE request_id = \(requestId) LIMIT 1", logger: logger
        )
        .decode(String.self) {
            return agency
        }
        return nil
    }

    /// The request's most recently changed dataset (its contract and state), its row locked until commit.
    static func lockedLatestDataset(ofRequest requestId: String, on connection: PostgresConnection, logger: Logger)
        async throws -> (contractId: String, state: DatasetState)?
    {
        for try await (contract, state) in try await connection.queryUnlessClosed(
            """
            SELECT contract_id, state FROM provisioning.datasets WHERE request_id = \(requestId) ORDER BY updated_at DESC LIMIT 1 FOR UPDATE
            """, logger: logger
        ).decode((String, String).self) {
            return (contract, try DatasetState(stored: state))
        }
        return nil
    }

    /// Records the delivery of a contract's results (once); false when it was already delivered.
    static func recordDelivery(
        ofRequest requestId: String, contractId: String, note: String, by account: String, at date: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        let inserted = try await connection.queryUnlessClosed(
            """
            INSERT INTO provisioning.deliveries (request_id, contract_id, note, delivered_by, delivered_at)
            VALUES (\(requestId), \(contractId), \(note), \(account), \(date)) ON CONFLICT DO NOTHING RETURNING contract_id
            """, logger: logger)
        for try await _ in inserted.decode(String.self) { return true }
        return false
    }

    // MARK: - What the people of a request see

    static func endpoints(ofRequest requestId: String, client: PostgresClient, logger: Logger) async throws
        -> [StoredEndpoint]
    {
        try await client.withConnection { try await endpoints(ofRequest: requestId, on: $0, logger: logger) }
    }

    static func endpoints(ofRequest requestId: String, on connection: PostgresConnection, logger: Logger)
        async throws -> [StoredEndpoint]
    {
        var endpoints: [StoredEndpoint] = []
        for try await (contract, dataset, datasetId, path, at, agency) in try await connection.queryUnlessClosed(
            """
            SELECT contract_id, dataset, dataset_id, endpoint_path, provisioned_at, agency_code FROM provisioning.hub_datasets WHERE request_id = \(requestId) ORDER BY provisioned_at, dataset
            """, logger: logger
        ).decode((String, String, String?, String, Date, String).self) {
            endpoints.append(
                StoredEndpoint(
                    contractId: contract, dataset: dataset, datasetId: datasetId, path: path, provisionedAt: at,
                    agencyCode: agency))
        }
        return endpoints
    }

    static func integrationTests(ofRequest requestId: String, client: PostgresClient, logger: Logger) async throws
        -> [StoredIntegrationTest]
    {
        var tests: [StoredIntegrationTest] = []
        for try await (contract, passed, checks, evidence, at) in try await client.queryUnlessClosed(
            """
            SELECT contract_id, passed, checks::text, evidence::text, ran_at FROM provisioning.integration_tests WHERE request_id = \(requestId) ORDER BY test_id
            """, logger: logger
        ).decode((String, Bool, String, String?, Date).self) {
            tests.append(
                StoredIntegrationTest(
                    contractId: contract, passed: passed,
                    checks: try CloudEventCodec.decodeJSON([String].self, from: checks),
                    evidence: try evidence.map { try CloudEventCodec.decodeJSON([IntegrationCheck].self, from: $0) },
                    ranAt: at))
        }
        return tests
    }

    // MARK: - Reference lists

    /// Replaces a reference list (codes in batches of 20 000) and records who imported it.
    static func replaceReferenceList(
        _ set: String, codes: [String], labels: [String], by account: String, at date: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.queryUnlessClosed(
            "DELETE FROM provisioning.reference_codes WHERE reference_set = \(set)", logger: logger)
        var offset = 0
        while offset < codes.count {
            let end = min(offset + 20_000, codes.count)
            try await connection.queryUnlessClosed(
                """
                INSERT INTO provisioning.reference_codes (reference_set, code, label)
                SELECT \(set), code, label FROM unnest(\(Array(codes[offset..<end])), \(Array(labels[offset..<end]))) AS t(code, label)
                """, logger: logger)
            offset = end
        }
        try await connection.queryUnlessClosed(
            """
            INSERT INTO provisioning.reference_sets (reference_set, codes, imported_at, imported_by) VALUES (\(set), \(codes.count), \(date), \(account))
            ON CONFLICT (reference_set) DO UPDATE SET codes = EXCLUDED.codes, imported_at = EXCLUDED.imported_at, imported_by = EXCLUDED.imported_by
            """, logger: logger)
    }

    static func referenceLists(client: PostgresClient, logger: Logger) async throws -> [(
        set: String, codes: Int, importedAt: Date, importedBy: String
    )] {
        var lists: [(set: String, codes: Int, importedAt: Date, importedBy: String)] = []
        for try await (set, codes, at, by) in try await client.queryUnlessClosed(
            "SELECT reference_set, codes, imported_at, imported_by FROM provisioning.reference_sets ORDER BY reference_set",
            logger: logger
        ).decode((String, Int, Date, String).self) {
            lists.append((set, codes, at, by))
        }
        return lists
    }

    // MARK: - Re-runs and hand-overs

    /// Keeps the contract as announced (once), so its integration test can run again after a fix.
    static func keepReceivedContract(_ contract: ContractAgreed, on connection: PostgresConnection, logger: Logger)
        async throws
    {
        try await connection.queryUnlessClosed(
            """
            INSERT INTO provisioning.received_contracts (contract_id, request_id, payload, received_at)
            VALUES (\(contract.contractId), \(contract.requestId), \(try CloudEventCodec.jsonText(contract))::jsonb, now())
            ON CONFLICT (contract_id) DO NOTHING
            """, logger: logger)
    }

    /// The contract as announced, if the hub received it.
    static func receivedContract(_ contractId: String, on connection: PostgresConnection, logger: Logger) async throws
        -> ContractAgreed?
    {
        for try await payload in try await connection.queryUnlessClosed(
            "SELECT payload::text FROM provisioning.received_contracts WHERE contract_id = \(contractId)",
            logger: logger
        ).decode(String.self) {
            return try CloudEventCodec.decodeJSON(ContractAgreed.self, from: payload)
        }
        return nil
    }

    /// Records the hand-over of a contract's results (once); false when it was already handed over.
    static func recordHandOver(
        ofRequest requestId: String, contractId: String, note: String, by account: String, at date: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        let inserted = try await connection.queryUnlessClosed(
            """
            INSERT INTO provisioning.hand_overs (request_id, contract_id, note, handed_over_by, handed_over_at)
            VALUES (\(requestId), \(contractId), \(note), \(account), \(date)) ON CONFLICT DO NOTHING RETURNING contract_id
            """, logger: logger)
        for try await _ in inserted.decode(String.self) { return true }
        return false
    }
}

import Foundation
import JembatanShared
import Logging
import PostgresNIO

/// On an agreed contract (SOP steps 5–6): prepare each dataset's storage on the hub (additive
/// changes keep the storage, breaking ones get a new storage version), run the integration
/// unit test, and only when it passes mark the datasets provisioned, issue credentials and
/// announce the API. All in the consumer's one transaction.
struct ContractEventsHandler: Sendable {
    let context: ServiceContext
    let credentials: CredentialStore
    let references: ReferenceCodes

    var consumer: ConsumerDefinition {
        ConsumerDefinition(
            name: "provisioning", topics: ServiceName.provisioning.consumedTopics, handledTypes: [.contractAgreed]
        ) { event, connection, logger in
            let contract = try event.payload(ContractAgreed.self)
            try await DatasetStore.keepReceivedContract(contract, on: connection, logger: logger)
            try await provision(contract, on: connection, logger: logger)
        }
    }

    /// Prepares storage, runs the integration test and, when it passes, issues credentials and
    /// announces the API. Returns whether the test passed. Running it again for the same contract
    /// (after a fix) keeps the storage and its records.
    @discardableResult
    func provision(_ contract: ContractAgreed, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        guard UUIDText.isValid(contract.contractId), UUIDText.isValid(contract.requestId) else {
            throw EventRejected(reason: "contractId and requestId must be UUIDs")
        }
        let now = Date()
        let consumers = (contract.consumers ?? []).filter { $0 != contract.agencyCode }
        var datasets: [HubDataset] = []
        var checks: [IntegrationCheck] = []
        for definition in contract.datasets {
            guard HubDataset.isSafeName(definition.name) else {
                throw EventRejected(reason: "dataset name '\(definition.name)' is not a lower snake case identifier")
            }
            let dataset = try await prepareStorage(
                definition, of: contract, consumers: consumers, at: now, on: connection, logger: logger)
            checks.append(dataset.check)
            datasets.append(dataset.dataset)
        }
        for dataset in datasets {
            checks += try await IntegrationTest(references: references).run(dataset, on: connection, logger: logger)
        }
        let passed = checks.allSatisfy(\.passed)
        try await DatasetStore.setState(
            passed ? .provisioned : .testFailed, of: datasets.map(\.datasetId), at: now, on: connection, logger: logger)
        let lines = checks.map { "\($0.dataset): \($0.check) — \($0.passed ? "passed" : "FAILED"): \($0.detail)" }
        try await DatasetStore.recordIntegrationTest(
            of: contract, passed: passed, lines: lines, checks: checks, at: now, on: connection, logger: logger)
        try await context.outbox.enqueue(
            IntegrationTested(
                requestId: contract.requestId, contractId: contract.contractId, passed: passed, checks: checks,
                testedAt: now),
            on: connection, logger: logger)
        guard passed else {
            logger.warning(
                "Integration test failed; the API is not announced",
                metadata: [LogKey.requestID: "\(contract.requestId)"])
            return false
        }
        var issued: [IssuedCredential] = []
        for dataset in datasets {
            issued.append(
                try await credentials.issue(
                    dataset: dataset, agency: contract.agencyCode, scope: .write, at: now, on: connection))
            issued.append(
                try await credentials.issue(
                    dataset: dataset, agency: contract.agencyCode, scope: .read, at: now, on: connection))
            for consumer in consumers {
                issued.append(
                    try await credentials.issue(
                        dataset: dataset, agency: consumer, scope: .read, at: now, on: connection))
            }
            try await credentials.revokeExcept(
                dataset: dataset.datasetId, agencies: Set(consumers + [contract.agencyCode]), at: now, on: connection)
        }
        try await context.outbox.enqueue(
            APIProvisioned(
                requestId: contract.requestId, contractId: contract.contractId, agencyCode: contract.agencyCode,
                endpoints: datasets.map {
                    ProvisionedEndpoint(
                        dataset: $0.name, path: "/v1/datasets/\($0.datasetId)/records", datasetId: $0.datasetId)
                },
                integrationTestChecks: lines, credentials: issued, provisionedBy: .system(.provisioning),
                provisionedAt: now
            ), on: connection, logger: logger)
        return true
    }

    /// Registers the dataset under this contract and makes sure its storage exists.
    private func prepareStorage(
        _ definition: DatasetDefinition, of contract: ContractAgreed, consumers: [String], at now: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> (dataset: HubDataset, check: IntegrationCheck) {
        let datasetId = HubDataset.identifier(name: definition.name, requestId: contract.requestId)
        let previous = try await HubDataset.find(datasetId, on: connection, logger: logger, forUpdate: true)
        var storageVersion = 1
        var detail = "new storage"
        if let previous {
            let breaking = ContractChange.breakingChanges(from: previous.definition, to: definition)
            if breaking.isEmpty {
                storageVersion = previous.storageVersion
                detail =
                    "contract v\(contract.contractVersion) is additive: storage v\(storageVersion) kept with its records"
            } else {
                storageVersion = previous.storageVersion + 1
                detail =
                    "contract v\(contract.contractVersion) breaks storage v\(previous.storageVersion) (\(breaking.map(\.description).joined(separator: "; "))): new storage v\(storageVersion)"
            }
        }
        let table = HubDataset.tableName(
            requestId: contract.requestId, name: definition.name, storageVersion: storageVersion)
        try await HubStore.createStorage(table, on: connection, logger: logger)
        try await DatasetStore.register(
            definition, datasetId: datasetId, of: contract, consumers: consumers, table: table,
            storageVersion: storageVersion,
            at: now, on: connection, logger: logger)
        guard let dataset = try await HubDataset.find(datasetId, on: connection, logger: logger) else {
            throw EventRejected(reason: "dataset \(datasetId) vanished inside its own transaction")
        }
        return (
            dataset,
            IntegrationCheck(
                dataset: definition.name, check: "storage", passed: true, detail: "\(detail): provisioning.\(table)")
        )
    }
}

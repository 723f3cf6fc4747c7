import Foundation
import Logging
import PostgresNIO

/// A dataset stored in the hub, as other services may read it.
public struct HubDatasetView: Sendable {
    public var datasetId: String
    public var requestId: String
    public var agencyCode: String
    public var name: String
    public var contractId: String
    public var contractVersion: Int
    public var definition: DatasetDefinition
    /// `hub_<request8>_<name>_v<N>` in schema `provisioning`; checked to be a plain identifier.
    public var storageTable: String
    public var provisionedAt: Date
}

/// The read-only view of the hub's tables for services other than provisioning (which alone
/// writes them): validation checks records, reporting counts them. Nothing here writes.
public enum HubReader {
    /// Provisioned datasets, all or those of one request.
    public static func datasets(ofRequest requestId: String? = nil, on connection: PostgresConnection, logger: Logger) async throws -> [HubDatasetView] {
        var binds = PostgresBindings()
        var condition = "state = 'provisioned'"
        if let requestId {
            binds.append(requestId)
            condition += " AND request_id = $1"
        }
        var views: [HubDatasetView] = []
        let rows = try await connection.query(PostgresQuery(unsafeSQL: """
            SELECT dataset_id, request_id, agency_code, name, contract_id, contract_version, definition::text, storage_table, provisioned_at
            FROM provisioning.datasets WHERE \(condition) ORDER BY dataset_id
            """, binds: binds), logger: logger)
        for try await (dataset, request, agency, name, contract, version, definition, table, provisioned) in rows.decode((String, String, String, String, String, Int, String, String, Date).self) {
            guard isStorageTable(table) else { continue }
            views.append(HubDatasetView(datasetId: dataset, requestId: request, agencyCode: agency, name: name, contractId: contract, contractVersion: version,
                                        definition: try CloudEventCodec.decodeJSON(DatasetDefinition.self, from: definition), storageTable: table, provisionedAt: provisioned))
        }
        return views
    }

    /// True for names provisioning gives storage tables (safe to put into SQL text).
    public static func isStorageTable(_ name: String) -> Bool {
        name.hasPrefix("hub_") && name.count <= 63 && name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }
    }
}

import Foundation
import Hummingbird
import JembatanShared
import Logging
import PostgresNIO

/// What a credential allows.
enum Scope: String, Sendable, Codable {
    case read, write
}

/// An authenticated exchange caller: one credential, bound to one dataset and one scope.
struct ExchangeCaller: Sendable {
    var credentialId: String
    var agencyCode: String
    var scope: Scope
    var datasetId: String
    var requestId: String
    var ratePerMinute: Int

    /// The credential must be for `datasetId` (else 404, so other datasets are not revealed) and carry `scope`.
    func authorize(_ scope: Scope, on datasetId: String) throws {
        guard self.datasetId == datasetId else { throw APIError.notFound("dataset") }
        guard self.scope == scope else {
            throw APIError(
                .forbidden, code: "insufficient_scope",
                message: "this credential has scope '\(self.scope.rawValue)'; the call needs '\(scope.rawValue)'",
                field: "Authorization")
        }
    }
}

/// Issues, authenticates and manages exchange credentials (`provisioning.credentials`).
struct CredentialStore: Sendable {
    let client: PostgresClient
    let logger: Logger
    /// Default rate for new credentials.
    let defaultRatePerMinute: Int
    /// How long an issued credential is valid.
    static let validity: TimeInterval = 365 * 24 * 3600

    /// Issues a credential row for `agency` on `dataset` unless an unrevoked one with that scope exists.
    /// The secret is made when the agency collects it, so nothing secret is ever stored or sent in events.
    func issue(dataset: HubDataset, agency: String, scope: Scope, at date: Date, on connection: PostgresConnection)
        async throws -> IssuedCredential
    {
        let existing = try await connection.queryUnlessClosed(
            """
            SELECT credential_id, expires_at FROM provisioning.credentials
            WHERE dataset_id = \(dataset.datasetId) AND agency_code = \(agency) AND scope = \(scope.rawValue) AND revoked_at IS NULL AND expires_at > \(date)
            ORDER BY issued_at LIMIT 1
            """, logger: logger)
        for try await (id, expires) in existing.decode((String, Date).self) {
            return IssuedCredential(
                credentialId: id, datasetId: dataset.datasetId, agencyCode: agency, scope: scope.rawValue,
                expiresAt: expires)
        }
        let id = ExchangeKey.newCredentialID()
        let expires = date.addingTimeInterval(Self.validity)
        try await connection.queryUnlessClosed(
            """
            INSERT INTO provisioning.credentials (credential_id, dataset_id, request_id, agency_code, scope, issued_at, expires_at, rate_per_minute)
            VALUES (\(id), \(dataset.datasetId), \(dataset.requestId), \(agency), \(scope.rawValue), \(date), \(expires), \(defaultRatePerMinute))
            """, logger: logger)
        return IssuedCredential(
            credentialId: id, datasetId: dataset.datasetId, agencyCode: agency, scope: scope.rawValue,
            expiresAt: expires)
    }

    /// Revokes credentials of agencies no longer in the contract.
    func revokeExcept(dataset: String, agencies: Set<String>, at date: Date, on connection: PostgresConnection)
        async throws
    {
        try await connection.queryUnlessClosed(
            """
            UPDATE provisioning.credentials SET revoked_at = \(date), revoked_by = 'jembatan-provisioning'
            WHERE dataset_id = \(dataset) AND revoked_at IS NULL AND NOT (agency_code = ANY(\(Array(agencies))))
            """, logger: logger)
    }

    /// The caller of an exchange request, from `Authorization: Bearer jbk_…`.
    func authenticate(_ request: Request, now: Date = Date()) async throws -> ExchangeCaller {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw APIError(
                .unauthorized, code: "unauthenticated", message: "send 'Authorization: Bearer <exchange key>'",
                field: "Authorization")
        }
        guard let key = ExchangeKey(presented: String(header.dropFirst("Bearer ".count))) else {
            throw APIError(
                .unauthorized, code: "invalid_credential",
                message: "not an exchange key (jbk_…), or mistyped (checksum)", field: "Authorization")
        }
        let rows = try await client.queryUnlessClosed(
            """
            SELECT c.secret_hash, c.agency_code, c.scope, c.dataset_id, c.request_id, c.rate_per_minute, c.expires_at, c.revoked_at, d.state
            FROM provisioning.credentials c JOIN provisioning.datasets d USING (dataset_id)
            WHERE c.credential_id = \(key.id)
            """, logger: logger)
        for try await (hash, agency, scope, dataset, requestId, rate, expires, revoked, state) in rows.decode(
            (ByteBuffer?, String, String, String, String, Int, Date, Date?, String).self)
        {
            guard let hash, AccessToken.hashesMatch(Array(hash.readableBytesView), key.hash),
                let scope = Scope(rawValue: scope)
            else { break }
            if revoked != nil {
                throw APIError(
                    .unauthorized, code: "credential_revoked", message: "this credential was revoked",
                    field: "Authorization")
            }
            if expires <= now {
                throw APIError(
                    .unauthorized, code: "credential_expired",
                    message: "this credential expired; rotate it for a new one", field: "Authorization")
            }
            guard state == DatasetState.provisioned.rawValue else {
                throw APIError(
                    .forbidden, code: "dataset_not_provisioned",
                    message: "the dataset's API is not provisioned (integration test not passed)",
                    field: "Authorization")
            }
            return ExchangeCaller(
                credentialId: key.id, agencyCode: agency, scope: scope, datasetId: dataset, requestId: requestId,
                ratePerMinute: rate)
        }
        throw APIError(
            .unauthorized, code: "invalid_credential", message: "the exchange key is unknown", field: "Authorization")
    }
}

/// A credential row as the people who manage keys see it (never the secret).
struct StoredCredential: Sendable {
    let credentialId: String
    let datasetId: String
    let requestId: String
    let agencyCode: String
    let scope: String
    let hasSecret: Bool
    let issuedAt: Date
    let collectedAt: Date?
    let expiresAt: Date
    let revokedAt: Date?
    let rotatedFrom: String?
    let ratePerMinute: Int
    let requestCount: Int64
    let recordCount: Int64
    let lastUsedAt: Date?
}

extension CredentialStore {
    static let columns = """
        credential_id, dataset_id, request_id, agency_code, scope, secret_hash IS NOT NULL, issued_at, collected_at, expires_at, revoked_at, rotated_from,
        rate_per_minute, request_count, record_count, last_used_at
        """
    typealias Row = (
        String, String, String, String, String, Bool, Date, Date?, Date, Date?, String?, Int, Int64, Int64, Date?
    )

    static func credential(_ row: Row) -> StoredCredential {
        StoredCredential(
            credentialId: row.0, datasetId: row.1, requestId: row.2, agencyCode: row.3, scope: row.4, hasSecret: row.5,
            issuedAt: row.6,
            collectedAt: row.7, expiresAt: row.8, revokedAt: row.9, rotatedFrom: row.10, ratePerMinute: row.11,
            requestCount: row.12,
            recordCount: row.13, lastUsedAt: row.14)
    }

    /// The credential, its row locked until commit when `lock` (inside the caller's transaction).
    static func find(_ id: String, lock: Bool = false, on connection: PostgresConnection, logger: Logger) async throws
        -> StoredCredential?
    {
        let rows = try await connection.queryUnlessClosed(
            PostgresQuery(
                unsafeSQL: """
                    SELECT \(columns) FROM provisioning.credentials WHERE credential_id = $1\(lock ? " FOR UPDATE" : "")
                    """, binds: HubDataset.binds(id)), logger: logger)
        for try await row in rows.decode(Row.self) { return credential(row) }
        return nil
    }

    /// The request's credentials, oldest first.
    static func credentials(ofRequest requestId: String, client: PostgresClient, logger: Logger) async throws
        -> [StoredCredential]
    {
        let rows = try await client.queryUnlessClosed(
            PostgresQuery(
                unsafeSQL: """
                    SELECT \(columns) FROM provisioning.credentials WHERE request_id = $1 ORDER BY issued_at, credential_id
                    """, binds: HubDataset.binds(requestId)), logger: logger)
        var credentials: [StoredCredential] = []
        for try await row in rows.decode(Row.self) { credentials.append(credential(row)) }
        return credentials
    }

    static func setRate(_ ratePerMinute: Int, of id: String, client: PostgresClient, logger: Logger) async throws {
        try await client.queryUnlessClosed(
            "UPDATE provisioning.credentials SET rate_per_minute = \(ratePerMinute) WHERE credential_id = \(id)",
            logger: logger)
    }

    /// Stores the hash of the key made when the agency collects it.
    static func recordCollection(
        of id: String, keyHash: [UInt8], by account: String, at date: Date, on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        try await connection.queryUnlessClosed(
            """
            UPDATE provisioning.credentials SET secret_hash = \(ByteBuffer(bytes: keyHash)), collected_at = \(date), collected_by = \(account)
            WHERE credential_id = \(id)
            """, logger: logger)
    }

    /// A new credential replacing `old`, collected at once; the old one expires after the overlap.
    static func recordRotation(
        of old: StoredCredential, newID id: String, keyHash: [UInt8], by account: String, at date: Date,
        overlapEnd: Date,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.queryUnlessClosed(
            """
            INSERT INTO provisioning.credentials (credential_id, dataset_id, request_id, agency_code, scope, secret_hash, issued_at, collected_at, collected_by,
                expires_at, rotated_from, rate_per_minute)
            VALUES (\(id), \(old.datasetId), \(old.requestId), \(old.agencyCode), \(old.scope), \(ByteBuffer(bytes: keyHash)), \(date), \(date), \(account),
                \(date.addingTimeInterval(validity)), \(old.credentialId), \(old.ratePerMinute))
            """, logger: logger)
        try await connection.queryUnlessClosed(
            """
            UPDATE provisioning.credentials SET expires_at = least(expires_at, \(overlapEnd)) WHERE credential_id = \(old.credentialId)
            """, logger: logger)
    }

    static func recordRevocation(
        of id: String, by account: String, at date: Date, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.queryUnlessClosed(
            """
            UPDATE provisioning.credentials SET revoked_at = \(date), revoked_by = \(account) WHERE credential_id = \(id)
            """, logger: logger)
    }
}

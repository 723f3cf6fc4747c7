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
            throw APIError(.forbidden, code: "insufficient_scope", message: "this credential has scope '\(self.scope.rawValue)'; the call needs '\(scope.rawValue)'", field: "Authorization")
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
    func issue(dataset: HubDataset, agency: String, scope: Scope, at date: Date, on connection: PostgresConnection) async throws -> IssuedCredential {
        let existing = try await connection.query("""
            SELECT credential_id, expires_at FROM provisioning.credentials
            WHERE dataset_id = \(dataset.datasetId) AND agency_code = \(agency) AND scope = \(scope.rawValue) AND revoked_at IS NULL AND expires_at > \(date)
            ORDER BY issued_at LIMIT 1
            """, logger: logger)
        for try await (id, expires) in existing.decode((String, Date).self) {
            return IssuedCredential(credentialId: id, datasetId: dataset.datasetId, agencyCode: agency, scope: scope.rawValue, expiresAt: expires)
        }
        let id = ExchangeKey.newCredentialID()
        let expires = date.addingTimeInterval(Self.validity)
        try await connection.query("""
            INSERT INTO provisioning.credentials (credential_id, dataset_id, request_id, agency_code, scope, issued_at, expires_at, rate_per_minute)
            VALUES (\(id), \(dataset.datasetId), \(dataset.requestId), \(agency), \(scope.rawValue), \(date), \(expires), \(defaultRatePerMinute))
            """, logger: logger)
        return IssuedCredential(credentialId: id, datasetId: dataset.datasetId, agencyCode: agency, scope: scope.rawValue, expiresAt: expires)
    }

    /// Revokes credentials of agencies no longer in the contract.
    func revokeExcept(dataset: String, agencies: Set<String>, at date: Date, on connection: PostgresConnection) async throws {
        try await connection.query("""
            UPDATE provisioning.credentials SET revoked_at = \(date), revoked_by = 'jembatan-provisioning'
            WHERE dataset_id = \(dataset) AND revoked_at IS NULL AND NOT (agency_code = ANY(\(Array(agencies))))
            """, logger: logger)
    }

    /// The caller of an exchange request, from `Authorization: Bearer jbk_…`.
    func authenticate(_ request: Request, now: Date = Date()) async throws -> ExchangeCaller {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw APIError(.unauthorized, code: "unauthenticated", message: "send 'Authorization: Bearer <exchange key>'", field: "Authorization")
        }
        guard let key = ExchangeKey(presented: String(header.dropFirst("Bearer ".count))) else {
            throw APIError(.unauthorized, code: "invalid_credential", message: "not an exchange key (jbk_…), or mistyped (checksum)", field: "Authorization")
        }
        let rows = try await client.query("""
            SELECT c.secret_hash, c.agency_code, c.scope, c.dataset_id, c.request_id, c.rate_per_minute, c.expires_at, c.revoked_at, d.state
            FROM provisioning.credentials c JOIN provisioning.datasets d USING (dataset_id)
            WHERE c.credential_id = \(key.id)
            """, logger: logger)
        for try await (hash, agency, scope, dataset, requestId, rate, expires, revoked, state) in rows.decode((ByteBuffer?, String, String, String, String, Int, Date, Date?, String).self) {
            guard let hash, AccessToken.hashesMatch(Array(hash.readableBytesView), key.hash), let scope = Scope(rawValue: scope) else { break }
            if revoked != nil {
                throw APIError(.unauthorized, code: "credential_revoked", message: "this credential was revoked", field: "Authorization")
            }
            if expires <= now {
                throw APIError(.unauthorized, code: "credential_expired", message: "this credential expired; rotate it for a new one", field: "Authorization")
            }
            guard state == "provisioned" else {
                throw APIError(.forbidden, code: "dataset_not_provisioned", message: "the dataset's API is not provisioned (integration test not passed)", field: "Authorization")
            }
            return ExchangeCaller(credentialId: key.id, agencyCode: agency, scope: scope, datasetId: dataset, requestId: requestId, ratePerMinute: rate)
        }
        throw APIError(.unauthorized, code: "invalid_credential", message: "the exchange key is unknown", field: "Authorization")
    }
}

/// Token buckets per credential: `ratePerMinute` calls a minute, bursts up to that many.
/// Per process; with several provisioning instances each grants its own share.
actor RateLimiter {
    struct Decision: Sendable {
        var allowed: Bool
        var limit: Int
        var remaining: Int
        /// Seconds until the next call is allowed (when refused) or the bucket is full.
        var retryAfter: Int
    }

    private var buckets: [String: (tokens: Double, at: Date)] = [:]

    func take(_ key: String, ratePerMinute: Int, now: Date = Date()) -> Decision {
        let capacity = Double(max(ratePerMinute, 1))
        let perSecond = capacity / 60
        var bucket = buckets[key] ?? (capacity, now)
        bucket.tokens = min(capacity, bucket.tokens + now.timeIntervalSince(bucket.at) * perSecond)
        bucket.at = now
        guard bucket.tokens >= 1 else {
            buckets[key] = bucket
            return Decision(allowed: false, limit: ratePerMinute, remaining: 0, retryAfter: Int(((1 - bucket.tokens) / perSecond).rounded(.up)))
        }
        bucket.tokens -= 1
        buckets[key] = bucket
        return Decision(allowed: true, limit: ratePerMinute, remaining: Int(bucket.tokens), retryAfter: Int(((capacity - bucket.tokens) / perSecond).rounded(.up)))
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PostgresNIO

/// An authenticated caller.
public struct Account: Sendable, Equatable {
    /// Account id (UUID).
    public var id: String
    /// Unique account name, used for attribution.
    public var name: String
    /// The role the account acts in.
    public var role: Role
    /// The agency a producer or consumer account belongs to; nil for office-wide roles.
    public var agencyCode: String?

    /// The actor reference events carry.
    public var actor: ActorReference { ActorReference(id: name, role: role) }

    /// True when the account may see objects of `agency`: office-wide roles see every agency,
    /// producers and consumers only their own.
    public func mayAccess(agency: String?) -> Bool {
        guard let own = agencyCode else { return true }
        return own == agency
    }
}

/// Read-only access to accounts: authenticates bearer tokens and checks roles.
public struct AccountDirectory: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// Creates a directory reading through `client`.
    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// The account holding `token`, if the token is valid, unexpired and not revoked.
    public func account(for token: AccessToken, now: Date = Date()) async throws -> Account? {
        let rows = try await client.query(
            """
            SELECT account_id, name, role, agency_code, token_hash, expires_at, revoked_at
            FROM identity.accounts WHERE token_id = \(token.id)
            """, logger: logger)
        for try await (id, name, role, agency, hash, expires, revoked) in rows.decode(
            (String, String, String, String?, ByteBuffer, Date, Date?).self)
        {
            guard AccessToken.hashesMatch(Array(hash.readableBytesView), token.hash), revoked == nil, expires > now,
                let role = Role(rawValue: role)
            else { return nil }
            return Account(id: id, name: name, role: role, agencyCode: agency)
        }
        return nil
    }

    /// The caller of `request`: 401 without a valid bearer token, 403 when its role is not in `roles`.
    public func require(_ request: Request, roles: Set<Role>) async throws -> Account {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw APIError(
                .unauthorized, code: "unauthenticated", message: "send 'Authorization: Bearer <token>'",
                field: "Authorization")
        }
        guard let token = AccessToken(presented: String(header.dropFirst("Bearer ".count))),
            let account = try await account(for: token)
        else {
            throw APIError(
                .unauthorized, code: "invalid_token", message: "the token is unknown, expired or revoked",
                field: "Authorization")
        }
        guard roles.contains(account.role) else {
            throw APIError(
                .forbidden, code: "wrong_role",
                message: "this step is taken by: \(roles.map(\.rawValue).sorted().joined(separator: ", "))")
        }
        return account
    }
}

/// Creates and revokes accounts; used only by the operator command (the schema's one writer).
public struct AccountAdministration: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// Creates the administration over `client`.
    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// An account as listed (never with its token).
    public struct Listing: Sendable {
        /// The account's name.
        public var name: String
        /// Its role.
        public var role: String
        /// The producing agency's code.
        public var agencyCode: String?
        /// When it stops being valid.
        public var expiresAt: Date
        /// When it was revoked, if it was.
        public var revokedAt: Date?
    }

    /// Applies the identity migrations (idempotent, under the advisory lock).
    public func prepare() async throws {
        try await MigrationService.applyPending(
            SchemaMigrations(schema: IdentityMigrations.schema, migrations: IdentityMigrations.all), client: client,
            logger: logger)
    }

    /// Creates an account and returns its token: the only time the token is visible.
    public func create(
        name: String, role: Role, agencyCode: String?, validFor: Duration = .seconds(365 * 86_400), createdBy: String
    ) async throws -> AccessToken {
        guard !name.isEmpty, name.count <= 64,
            name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
        else {
            throw AccountError("name: 1–64 letters, digits, '-', '_' or '.'")
        }
        guard role != .system else { throw AccountError("role: 'system' is reserved for the services") }
        let needsAgency = role == .producer || role == .consumer
        if needsAgency && (agencyCode ?? "").isEmpty {
            throw AccountError("agency: a \(role.rawValue) account belongs to an agency (--agency)")
        }
        if !needsAgency && agencyCode != nil {
            throw AccountError("agency: only producer and consumer accounts belong to an agency")
        }
        let token = AccessToken.generate()
        let expires = Date().addingTimeInterval(TimeInterval(validFor.components.seconds))
        do {
            try await client.query(
                """
                INSERT INTO identity.accounts (account_id, name, role, agency_code, token_id, token_hash, created_by, expires_at)
                VALUES (\(UUID().uuidString.lowercased()), \(name), \(role.rawValue), \(agencyCode), \(token.id), \(ByteBuffer(bytes: token.hash)), \(createdBy), \(expires))
                """, logger: logger)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw AccountError("name: an account named '\(name)' exists already")
        }
        return token
    }

    /// Revokes the account's token at once; true when an active account was revoked.
    public func revoke(name: String) async throws -> Bool {
        let rows = try await client.query(
            "UPDATE identity.accounts SET revoked_at = now() WHERE name = \(name) AND revoked_at IS NULL RETURNING 1",
            logger: logger)
        for try await _ in rows { return true }
        return false
    }

    /// Every account, newest first.
    public func list() async throws -> [Listing] {
        var result: [Listing] = []
        let rows = try await client.query(
            "SELECT name, role, agency_code, expires_at, revoked_at FROM identity.accounts ORDER BY created_at DESC",
            logger: logger)
        for try await (name, role, agency, expires, revoked) in rows.decode((String, String, String?, Date, Date?).self)
        {
            result.append(Listing(name: name, role: role, agencyCode: agency, expiresAt: expires, revokedAt: revoked))
        }
        return result
    }
}

/// An account request that breaks a rule.
public struct AccountError: Error, CustomStringConvertible, Sendable {
    /// `field: rule`.
    public let description: String
    init(_ description: String) { self.description = description }
}

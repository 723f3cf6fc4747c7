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

    /// An account as read from the identity schema.
    public init(id: String, name: String, role: Role, agencyCode: String?) {
        self.id = id
        self.name = name
        self.role = role
        self.agencyCode = agencyCode
    }

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

    /// A person as printed under a paraf or signature, with their password hash (nil: a machine account).
    public struct Signer: Sendable {
        /// Full name (the account name when none is set).
        public let fullName: String
        /// NIP, or empty.
        public let nip: String
        /// Position, or empty.
        public let position: String
        /// bcrypt hash of the password; nil for a machine account.
        public let passwordHash: String?
    }

    /// The active person behind `account`.
    public func signer(_ account: Account) async throws -> Signer? {
        let rows = try await client.queryUnlessClosed(
            """
            SELECT coalesce(full_name, name), coalesce(nip, ''), coalesce(position, ''), password_hash
            FROM identity.accounts WHERE account_id = \(account.id) AND deactivated_at IS NULL
            """, logger: logger)
        for try await (name, nip, position, hash) in rows.decode((String, String, String, String?).self) {
            return Signer(fullName: name, nip: nip, position: position, passwordHash: hash)
        }
        return nil
    }

    /// Creates a directory reading through `client`.
    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// The account holding `token`, if the token is valid, unexpired and not revoked, its account
    /// active, and (for a workspace session's token) the session open and not idle.
    public func account(for token: AccessToken, now: Date = Date()) async throws -> Account? {
        let rows = try await client.queryUnlessClosed(
            """
            SELECT a.account_id, a.name, a.role, a.agency_code, t.token_hash, t.expires_at, t.revoked_at,
                   a.deactivated_at, t.kind, s.ended_at, s.last_seen_at, s.expires_at
            FROM identity.tokens t JOIN identity.accounts a ON a.account_id = t.account_id
            LEFT JOIN identity.sessions s ON s.session_hash = t.session_hash
            WHERE t.token_id = \(token.id)
            """, logger: logger)
        for try await (id, name, role, agency, hash, expires, revoked, deactivated, kind, ended, seen, sessionEnd)
            in rows.decode(
                (String, String, String, String?, ByteBuffer, Date, Date?, Date?, String, Date?, Date?, Date?).self)
        {
            guard AccessToken.hashesMatch(Array(hash.readableBytesView), token.hash), revoked == nil, expires > now,
                deactivated == nil, let role = Role(rawValue: role)
            else { return nil }
            if kind == "session" {
                guard ended == nil, let seen, let sessionEnd, sessionEnd > now,
                    now.timeIntervalSince(seen) < SessionPolicy.idleSeconds
                else { return nil }
            }
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

/// How long a workspace session lives: 30 minutes without a request, 12 hours at most.
public enum SessionPolicy {
    /// Idle expiry, seconds.
    public static let idleSeconds: TimeInterval = 30 * 60
    /// Absolute expiry, seconds.
    public static let absoluteSeconds: TimeInterval = 12 * 3600
}

/// An account request that breaks a rule: the field and the rule, in Indonesian (the workspace
/// shows it beside the field; `jembatan accounts` prints `field: rule`).
public struct AccountError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The form field (`username`, `nip`, `password`, …).
    public let field: String
    /// The rule that failed.
    public let message: String
    /// `field: rule`.
    public var description: String { "\(field): \(message)" }

    /// `field` broke `message`.
    public init(_ field: String, _ message: String) {
        self.field = field
        self.message = message
    }
}

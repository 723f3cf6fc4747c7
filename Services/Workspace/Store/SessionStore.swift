import Crypto
import Foundation
import JembatanShared
import Logging
import PostgresNIO

/// Server-side sessions in `identity.sessions`. The cookie holds a 256-bit random secret; the row is
/// keyed by its SHA-256, and the session's API token and CSRF token are derived from the secret
/// with HMAC, so neither the cookie's value nor the token is stored anywhere in clear.
struct SessionStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// The key of a session: SHA-256 of the cookie's secret.
    static func hash(of secret: String) -> [UInt8] {
        Array(SHA256.hash(data: Data("jembatan-session:\(secret)".utf8)))
    }

    /// The CSRF token bound to the session with secret `secret`.
    static func csrf(of secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data("jembatan-csrf".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return AccessToken.base64URL(Data(mac))
    }

    /// A new random secret (32 bytes, base64url).
    static func newSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return AccessToken.base64URL(Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }))
    }

    /// Opens a session for `accountId` with its API token (expiring with the session); returns the cookie's secret.
    func open(accountId: String, address: String, now: Date = Date()) async throws -> String {
        let secret = Self.newSecret()
        let hash = ByteBuffer(bytes: Self.hash(of: secret))
        let token = AccessToken.derived(fromSessionSecret: secret)
        let expires = now.addingTimeInterval(SessionPolicy.absoluteSeconds)
        try await client.inTransaction(logger: logger) { connection in
            try await connection.queryUnlessClosed(
                """
                INSERT INTO identity.sessions (session_hash, account_id, token_id, address, created_at, last_seen_at, expires_at)
                VALUES (\(hash), \(accountId), \(token.id), \(address), \(now), \(now), \(expires))
                """, logger: logger)
            try await connection.queryUnlessClosed(
                """
                INSERT INTO identity.tokens (token_id, account_id, token_hash, kind, label, created_by, expires_at, session_hash)
                VALUES (\(token.id), \(accountId), \(ByteBuffer(bytes: token.hash)), 'session', 'sesi ruang kerja',
                        'workspace', \(expires), \(hash))
                """, logger: logger)
        }
        return secret
    }

    /// The person of the session with secret `secret` when it is open, not idle for 30 minutes and
    /// within its 12 hours; marks it seen. Nil otherwise (an expired one is ended on the way).
    func resume(secret: String, now: Date = Date()) async throws -> SignedIn? {
        let hash = Self.hash(of: secret)
        let rows = try await client.queryUnlessClosed(
            """
            UPDATE identity.sessions s SET last_seen_at = \(now)
            FROM identity.accounts a
            WHERE s.session_hash = \(ByteBuffer(bytes: hash)) AND a.account_id = s.account_id
              AND s.ended_at IS NULL AND a.deactivated_at IS NULL
              AND s.expires_at > \(now) AND s.last_seen_at > \(now.addingTimeInterval(-SessionPolicy.idleSeconds))
            RETURNING a.account_id, a.name, a.role, a.agency_code, coalesce(a.full_name, a.name),
                      (SELECT count(*)::int FROM workspace.notifications n
                       WHERE n.account_id = a.account_id AND n.read_at IS NULL)
            """, logger: logger)
        for try await (id, name, role, agency, fullName, unread) in rows.decode(
            (String, String, String, String?, String, Int).self)
        {
            guard let role = Role(rawValue: role) else { return nil }
            return SignedIn(
                account: Account(id: id, name: name, role: role, agencyCode: agency), fullName: fullName,
                sessionHash: hash, token: AccessToken.derived(fromSessionSecret: secret), csrf: Self.csrf(of: secret),
                unread: unread)
        }
        // Idle or past its 12 hours: end it, so its token dies with it.
        try await client.queryUnlessClosed(
            """
            UPDATE identity.sessions SET ended_at = \(now), ended_reason = 'expired'
            WHERE session_hash = \(ByteBuffer(bytes: hash)) AND ended_at IS NULL
            """, logger: logger)
        return nil
    }

    /// Ends the session (logout): its token is refused from now on.
    func end(sessionHash: [UInt8], reason: String) async throws {
        try await client.inTransaction(logger: logger) { connection in
            try await connection.queryUnlessClosed(
                """
                UPDATE identity.sessions SET ended_at = now(), ended_reason = \(reason)
                WHERE session_hash = \(ByteBuffer(bytes: sessionHash)) AND ended_at IS NULL
                """, logger: logger)
            try await connection.queryUnlessClosed(
                """
                UPDATE identity.tokens SET revoked_at = now()
                WHERE session_hash = \(ByteBuffer(bytes: sessionHash)) AND revoked_at IS NULL
                """, logger: logger)
        }
    }

    /// The account that may sign in as `username`: id, password hash, whether it is active.
    func credentials(username: String) async throws -> (id: String, passwordHash: String?, active: Bool)? {
        let rows = try await client.queryUnlessClosed(
            "SELECT account_id, password_hash, deactivated_at IS NULL FROM identity.accounts WHERE name = \(username)",
            logger: logger)
        for try await (id, hash, active) in rows.decode((String, String?, Bool).self) { return (id, hash, active) }
        return nil
    }

    /// Full names of accounts by sign-in name (the history in words names people, not accounts).
    func fullNames(_ usernames: Set<String>) async throws -> [String: String] {
        guard !usernames.isEmpty else { return [:] }
        var names: [String: String] = [:]
        let rows = try await client.queryUnlessClosed(
            """
            SELECT name, full_name, position FROM identity.accounts
            WHERE name = ANY(\(Array(usernames))) AND full_name IS NOT NULL
            """, logger: logger)
        for try await (name, full, position) in rows.decode((String, String, String?).self) {
            names[name] = position.map { "\(full) (\($0))" } ?? full
        }
        return names
    }
}

/// Sign-in back-off: after 5 failures for an account or an address, a wait that doubles from 30 s
/// (30, 60, 120 … capped at one hour); a success clears the account's and the address's count.
struct SignInThrottle: Sendable {
    let client: PostgresClient
    let logger: Logger
    static let freeFailures = 5

    /// The wait before the `failures`-th failure may be followed by another attempt (nil: none).
    static func wait(afterFailures failures: Int) -> TimeInterval? {
        guard failures >= freeFailures else { return nil }
        return min(30 * pow(2, Double(failures - freeFailures)), 3600)
    }

    /// Seconds until `subjects` may try again (0 when none is locked).
    func lockedFor(_ subjects: [String], now: Date = Date()) async throws -> Int {
        let rows = try await client.queryUnlessClosed(
            "SELECT max(locked_until) FROM identity.signin_failures WHERE subject = ANY(\(subjects))", logger: logger)
        for try await until in rows.decode(Date?.self) {
            if let until, until > now { return Int(until.timeIntervalSince(now).rounded(.up)) }
        }
        return 0
    }

    /// Counts a failure for each subject; returns the longest lock it started, in seconds (0 when none).
    func fail(_ subjects: [String], now: Date = Date()) async throws -> Int {
        var longest = 0
        for subject in subjects {
            let rows = try await client.queryUnlessClosed(
                """
                INSERT INTO identity.signin_failures (subject, failures, last_failure_at) VALUES (\(subject), 1, \(now))
                ON CONFLICT (subject) DO UPDATE SET failures = identity.signin_failures.failures + 1, last_failure_at = \(now)
                RETURNING failures
                """, logger: logger)
            var failures = 0
            for try await count in rows.decode(Int.self) { failures = count }
            if let wait = Self.wait(afterFailures: failures) {
                let until = now.addingTimeInterval(wait)
                try await client.queryUnlessClosed(
                    "UPDATE identity.signin_failures SET locked_until = \(until) WHERE subject = \(subject)",
                    logger: logger)
                longest = max(longest, Int(wait))
            }
        }
        return longest
    }

    /// A successful sign-in clears the counts.
    func clear(_ subjects: [String]) async throws {
        try await client.queryUnlessClosed(
            "DELETE FROM identity.signin_failures WHERE subject = ANY(\(subjects))", logger: logger)
    }
}

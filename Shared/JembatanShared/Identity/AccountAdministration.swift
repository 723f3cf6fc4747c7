import Foundation
import HummingbirdBcrypt
import Logging
import PostgresNIO

/// A person's account as the admin enters it (the accounts page, `jembatan accounts create`).
public struct PersonDetails: Sendable, Equatable {
    /// Sign-in name: 1–64 letters, digits, '-', '_' or '.'.
    public var username: String
    /// Full name as on official letters.
    public var fullName: String
    /// NIP (18 digits) for civil servants; empty for others.
    public var nip: String = ""
    /// Position (jabatan).
    public var position: String = ""
    /// The role the account acts in.
    public var role: Role
    /// The agency of a producer or consumer account.
    public var agencyCode: String?
    /// E-mail address.
    public var email: String = ""
    /// Telephone.
    public var telephone: String = ""

    /// Details of a new account.
    public init(
        username: String, fullName: String, nip: String = "", position: String = "", role: Role,
        agencyCode: String? = nil, email: String = "", telephone: String = ""
    ) {
        self.username = username
        self.fullName = fullName
        self.nip = nip
        self.position = position
        self.role = role
        self.agencyCode = agencyCode
        self.email = email
        self.telephone = telephone
    }

    /// Every rule the details break, each with its field (empty when they are valid).
    public func problems() -> [AccountError] {
        var problems: [AccountError] = []
        if !Self.isValidUsername(username) {
            problems.append(AccountError("username", "1–64 huruf, angka, '-', '_' atau '.'"))
        }
        let name = fullName.trimmingCharacters(in: .whitespaces)
        if name.isEmpty || name.count > 100 {
            problems.append(AccountError("fullName", "wajib diisi, paling banyak 100 karakter"))
        }
        if !nip.isEmpty && !(nip.count == 18 && nip.allSatisfy(\.isASCII) && nip.allSatisfy(\.isNumber)) {
            problems.append(AccountError("nip", "NIP terdiri atas 18 angka (kosongkan bila bukan ASN)"))
        }
        if position.count > 120 { problems.append(AccountError("position", "paling banyak 120 karakter")) }
        if role == .system { problems.append(AccountError("role", "peran 'system' hanya untuk layanan")) }
        let needsAgency = role == .producer || role == .consumer
        if needsAgency && (agencyCode ?? "").isEmpty {
            problems.append(AccountError("agency", "akun produsen dan konsumen wajib memiliki kode instansi"))
        }
        if !needsAgency && !(agencyCode ?? "").isEmpty {
            problems.append(AccountError("agency", "hanya akun produsen dan konsumen yang terikat pada instansi"))
        }
        if let agencyCode, !agencyCode.isEmpty,
            agencyCode.count > 40
                || !agencyCode.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
        {
            problems.append(AccountError("agency", "kode instansi: huruf, angka, '-', '_' atau '.', paling banyak 40"))
        }
        if !email.isEmpty {
            let parts = email.split(separator: "@", omittingEmptySubsequences: false)
            if parts.count != 2 || parts[0].isEmpty || !parts[1].contains(".") || email.contains(" ")
                || email.count > 254
            {
                problems.append(AccountError("email", "alamat e-mail tidak sah (contoh: nama@dinas.go.id)"))
            }
        }
        if !telephone.isEmpty {
            let digits = telephone.filter(\.isNumber)
            if digits.count < 8 || digits.count > 15 || !telephone.allSatisfy({ $0.isNumber || " +-()".contains($0) }) {
                problems.append(AccountError("telephone", "8–15 angka; boleh diawali '+'"))
            }
        }
        return problems
    }

    /// 1–64 letters, digits, '-', '_' or '.'.
    public static func isValidUsername(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64
            && name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
    }
}

/// Passwords: the rule a new one must meet, and bcrypt (hummingbird-auth) computed on a
/// dispatch queue, never on the event loop or the cooperative pool.
public enum Passwords {
    /// bcrypt's cost factor (2^11 rounds: about 0.1–0.2 s here).
    public static let cost: UInt8 = 11

    /// The rule `password` breaks for `username`, if any.
    public static func problem(_ password: String, username: String) -> AccountError? {
        if password.count < 10 { return AccountError("password", "kata sandi paling sedikit 10 karakter") }
        if password.utf8.count > 72 { return AccountError("password", "kata sandi paling banyak 72 byte") }
        if password.lowercased().contains(username.lowercased()) && !username.isEmpty {
            return AccountError("password", "kata sandi tidak boleh memuat nama pengguna")
        }
        return nil
    }

    /// The bcrypt hash of `password`.
    public static func hash(_ password: String) async -> String {
        await offLoop { Bcrypt.hash(password, cost: cost) }
    }

    /// Whether `password` matches `hash`.
    public static func verify(_ password: String, hash: String) async -> Bool {
        await offLoop { Bcrypt.verify(password, hash: hash) }
    }

    /// A hash to verify against when the account does not exist, so an unknown name costs the same time.
    static let decoy = Bcrypt.hash("jembatan-decoy-password", cost: cost)

    /// Verifies against the decoy (same cost as a real check).
    public static func verifyDecoy(_ password: String) async {
        _ = await verify(password, hash: decoy)
    }

    static func offLoop<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async { continuation.resume(returning: work()) }
        }
    }
}

/// Creates accounts and their tokens, sets passwords, deactivates: the workspace's accounts page
/// and `jembatan accounts` (the first admin, recovery) both write through it.
public struct AccountAdministration: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// Creates the administration over `client`.
    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// An account as listed (never with a secret).
    public struct Listing: Sendable {
        /// Account id.
        public var id: String
        /// Sign-in name.
        public var name: String
        /// Its role.
        public var role: String
        /// The agency's code.
        public var agencyCode: String?
        /// Full name.
        public var fullName: String?
        /// NIP.
        public var nip: String?
        /// Position.
        public var position: String?
        /// E-mail.
        public var email: String?
        /// Telephone.
        public var telephone: String?
        /// Whether a password is set (people sign in; machine accounts only hold tokens).
        public var hasPassword: Bool
        /// When it was deactivated, if it was.
        public var deactivatedAt: Date?
        /// Created.
        public var createdAt: Date
    }

    /// An API token as listed: its public id and label, never its secret.
    public struct TokenListing: Sendable {
        /// Public id (`jbt_<id>_…`).
        public var id: String
        /// What it is for.
        public var label: String
        /// `api` or `session`.
        public var kind: String
        /// Created.
        public var createdAt: Date
        /// Expires.
        public var expiresAt: Date
        /// Revoked, if it was.
        public var revokedAt: Date?
    }

    /// Applies the identity migrations (idempotent, under the advisory lock).
    public func prepare() async throws {
        try await MigrationService.applyPending(
            SchemaMigrations(schema: IdentityMigrations.schema, migrations: IdentityMigrations.all), client: client,
            logger: logger)
    }

    /// Creates a machine account with one API token and returns the token: the only time it is visible.
    public func create(
        name: String, role: Role, agencyCode: String?, validFor: Duration = .seconds(365 * 86_400), createdBy: String
    ) async throws -> AccessToken {
        try await create(
            PersonDetails(username: name, fullName: name, role: role, agencyCode: agencyCode), password: nil,
            createdBy: createdBy)
        return try await issueToken(
            username: name, label: "token awal", validFor: validFor, createdBy: createdBy)
    }

    /// Creates a person's account, with an initial password when given; every broken rule is reported.
    public func create(_ person: PersonDetails, password: String?, createdBy: String, address: String? = nil)
        async throws
    {
        var problems = person.problems()
        if let password, let problem = Passwords.problem(password, username: person.username) {
            problems.append(problem)
        }
        if let first = problems.first { throw AccountProblems(problems: problems, first: first) }
        let hash: String? = if let password { await Passwords.hash(password) } else { nil }
        let id = UUID().uuidString.lowercased()
        func blank(_ text: String) -> String? { text.isEmpty ? nil : text }
        do {
            try await client.queryUnlessClosed(
                """
                INSERT INTO identity.accounts (account_id, name, role, agency_code, created_by, full_name, nip, position,
                    email, telephone, password_hash, password_changed_at)
                VALUES (\(id), \(person.username), \(person.role.rawValue), \(blank(person.agencyCode ?? "")), \(createdBy),
                    \(person.fullName.trimmingCharacters(in: .whitespaces)), \(blank(person.nip)), \(blank(person.position)),
                    \(blank(person.email)), \(blank(person.telephone)), \(hash), \(hash == nil ? nil : Date()))
                """, logger: logger)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            let problem = AccountError("username", "nama pengguna '\(person.username)' sudah dipakai")
            throw AccountProblems(problems: [problem], first: problem)
        }
        try await audit(
            actor: createdBy, action: "account.created", subject: person.username, address: address,
            detail: person.role.rawValue)
    }

    /// Sets `username`'s password (the admin's reset, the person's own change, recovery). Ends the
    /// account's sessions except `keepingSession` (the one a person changes it from).
    public func setPassword(
        username: String, password: String, by actor: String, keepingSession: [UInt8]? = nil, address: String? = nil
    ) async throws {
        if let problem = Passwords.problem(password, username: username) {
            throw AccountProblems(problems: [problem], first: problem)
        }
        let hash = await Passwords.hash(password)
        let rows = try await client.queryUnlessClosed(
            """
            UPDATE identity.accounts SET password_hash = \(hash), password_changed_at = now()
            WHERE name = \(username) AND deactivated_at IS NULL RETURNING account_id
            """, logger: logger)
        var accountId: String?
        for try await id in rows.decode(String.self) { accountId = id }
        guard let accountId else {
            let problem = AccountError("username", "tidak ada akun aktif bernama '\(username)'")
            throw AccountProblems(problems: [problem], first: problem)
        }
        try await endSessions(accountId: accountId, reason: "password", except: keepingSession)
        try await audit(
            actor: actor, action: actor == username ? "password.changed" : "password.reset", subject: username,
            address: address, detail: nil)
    }

    /// Issues an API token for `username` (several per account) and returns it: shown once.
    public func issueToken(
        username: String, label: String, validFor: Duration, createdBy: String, address: String? = nil
    ) async throws -> AccessToken {
        let trimmed = label.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 80 else {
            let problem = AccountError("label", "keterangan token wajib diisi, paling banyak 80 karakter")
            throw AccountProblems(problems: [problem], first: problem)
        }
        let token = AccessToken.generate()
        let expires = Date().addingTimeInterval(TimeInterval(validFor.components.seconds))
        let rows = try await client.queryUnlessClosed(
            """
            INSERT INTO identity.tokens (token_id, account_id, token_hash, kind, label, created_by, expires_at)
            SELECT \(token.id), account_id, \(ByteBuffer(bytes: token.hash)), 'api', \(trimmed), \(createdBy), \(expires)
            FROM identity.accounts WHERE name = \(username) AND deactivated_at IS NULL
            RETURNING 1
            """, logger: logger)
        var inserted = false
        for try await _ in rows { inserted = true }
        guard inserted else {
            let problem = AccountError("username", "tidak ada akun aktif bernama '\(username)'")
            throw AccountProblems(problems: [problem], first: problem)
        }
        try await audit(
            actor: createdBy, action: "token.created", subject: username, address: address, detail: token.id)
        return token
    }

    /// Revokes one API token of `username` at once; true when an active one was revoked.
    public func revokeToken(username: String, tokenId: String, by actor: String, address: String? = nil) async throws
        -> Bool
    {
        let rows = try await client.queryUnlessClosed(
            """
            UPDATE identity.tokens t SET revoked_at = now() FROM identity.accounts a
            WHERE t.account_id = a.account_id AND a.name = \(username) AND t.token_id = \(tokenId)
              AND t.kind = 'api' AND t.revoked_at IS NULL
            RETURNING 1
            """, logger: logger)
        var revoked = false
        for try await _ in rows { revoked = true }
        if revoked {
            try await audit(actor: actor, action: "token.revoked", subject: username, address: address, detail: tokenId)
        }
        return revoked
    }

    /// Deactivates the account: its sessions and every token die at once. True when it was active.
    public func deactivate(username: String, by actor: String, address: String? = nil) async throws -> Bool {
        try await client.inTransaction(logger: logger) { connection in
            let rows = try await connection.queryUnlessClosed(
                """
                UPDATE identity.accounts SET deactivated_at = now()
                WHERE name = \(username) AND deactivated_at IS NULL RETURNING account_id
                """, logger: logger)
            var accountId: String?
            for try await id in rows.decode(String.self) { accountId = id }
            guard let accountId else { return false }
            try await connection.queryUnlessClosed(
                "UPDATE identity.tokens SET revoked_at = now() WHERE account_id = \(accountId) AND revoked_at IS NULL",
                logger: logger)
            try await connection.queryUnlessClosed(
                """
                UPDATE identity.sessions SET ended_at = now(), ended_reason = 'deactivated'
                WHERE account_id = \(accountId) AND ended_at IS NULL
                """, logger: logger)
            try await connection.queryUnlessClosed(
                """
                INSERT INTO identity.audit (actor, action, subject, address)
                VALUES (\(actor), 'account.deactivated', \(username), \(address))
                """, logger: logger)
            return true
        }
    }

    /// Deactivates the account (`jembatan accounts revoke`); true when it was active.
    public func revoke(name: String) async throws -> Bool {
        try await deactivate(username: name, by: "jembatan accounts")
    }

    /// Ends the account's open sessions (and so their tokens), except `except`.
    func endSessions(accountId: String, reason: String, except: [UInt8]?) async throws {
        let keep = ByteBuffer(bytes: except ?? [])
        try await client.queryUnlessClosed(
            """
            UPDATE identity.sessions SET ended_at = now(), ended_reason = \(reason)
            WHERE account_id = \(accountId) AND ended_at IS NULL AND session_hash <> \(keep)
            """, logger: logger)
    }

    /// Every account, newest first.
    public func list() async throws -> [Listing] {
        var result: [Listing] = []
        let rows = try await client.queryUnlessClosed(
            """
            SELECT account_id, name, role, agency_code, full_name, nip, position, email, telephone,
                   password_hash IS NOT NULL, deactivated_at, created_at
            FROM identity.accounts ORDER BY created_at DESC
            """, logger: logger)
        for try await row in rows.decode(
            (String, String, String, String?, String?, String?, String?, String?, String?, Bool, Date?, Date).self)
        {
            result.append(
                Listing(
                    id: row.0, name: row.1, role: row.2, agencyCode: row.3, fullName: row.4, nip: row.5,
                    position: row.6, email: row.7, telephone: row.8, hasPassword: row.9, deactivatedAt: row.10,
                    createdAt: row.11))
        }
        return result
    }

    /// One account by its sign-in name.
    public func listing(username: String) async throws -> Listing? {
        try await list().first { $0.name == username }
    }

    /// The API tokens of `username`, newest first (session tokens are not listed).
    public func tokens(username: String) async throws -> [TokenListing] {
        var result: [TokenListing] = []
        let rows = try await client.queryUnlessClosed(
            """
            SELECT t.token_id, t.label, t.kind, t.created_at, t.expires_at, t.revoked_at
            FROM identity.tokens t JOIN identity.accounts a ON a.account_id = t.account_id
            WHERE a.name = \(username) AND t.kind = 'api' ORDER BY t.created_at DESC
            """, logger: logger)
        for try await (id, label, kind, created, expires, revoked) in rows.decode(
            (String, String, String, Date, Date, Date?).self)
        {
            result.append(
                TokenListing(
                    id: id, label: label, kind: kind, createdAt: created, expiresAt: expires, revokedAt: revoked))
        }
        return result
    }

    /// Appends a line to the identity audit trail (never a password, session id or token).
    public func audit(actor: String, action: String, subject: String?, address: String?, detail: String?) async throws {
        try await client.queryUnlessClosed(
            """
            INSERT INTO identity.audit (actor, action, subject, address, detail)
            VALUES (\(actor), \(action), \(subject), \(address), \(detail))
            """, logger: logger)
    }
}

/// Every rule an account request breaks (the first one for a one-line answer).
public struct AccountProblems: Error, CustomStringConvertible, Sendable {
    /// Each broken rule with its field.
    public let problems: [AccountError]
    /// The first.
    public let first: AccountError
    /// `field: rule; …`.
    public var description: String { problems.map(\.description).joined(separator: "; ") }
}

/// The `identity` schema, owned by the workspace: accounts (the person: NIP, position, e-mail,
/// telephone, password hash), their API tokens (several per account; the session's own token
/// among them), sessions, sign-in failures and the identity audit trail. Written by the workspace
/// and by `jembatan accounts` (the first admin, recovery) through ``AccountAdministration``;
/// services only read tokens through ``AccountDirectory``. Every process applies these
/// migrations at start (under the advisory lock), so whichever starts first prepares the schema.
public enum IdentityMigrations {
    /// The schema.
    public static let schema = SchemaName("identity")

    /// Its migrations.
    public static let all: [Migration] = [
        Migration(
            version: 10, name: "create accounts",
            statements: [
                """
                CREATE TABLE identity.accounts (
                    account_id text PRIMARY KEY,
                    name text NOT NULL UNIQUE,
                    role text NOT NULL CHECK (role IN ('producer', 'head', 'supervisor', 'technical', 'consumer', 'admin')),
                    agency_code text,
                    token_id text NOT NULL UNIQUE,
                    token_hash bytea NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    created_by text NOT NULL,
                    expires_at timestamptz NOT NULL,
                    revoked_at timestamptz,
                    CHECK ((role IN ('producer', 'consumer')) = (agency_code IS NOT NULL))
                )
                """
            ]),
        Migration(
            version: 11, name: "people, several tokens per account, sessions, sign-in failures, audit",
            statements: [
                """
                CREATE TABLE identity.tokens (
                    token_id text PRIMARY KEY,
                    account_id text NOT NULL REFERENCES identity.accounts (account_id),
                    token_hash bytea NOT NULL,
                    kind text NOT NULL CHECK (kind IN ('api', 'session')),
                    label text NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    created_by text NOT NULL,
                    expires_at timestamptz NOT NULL,
                    revoked_at timestamptz,
                    session_hash bytea,
                    CHECK ((kind = 'session') = (session_hash IS NOT NULL))
                )
                """,
                """
                INSERT INTO identity.tokens (token_id, account_id, token_hash, kind, label, created_at, created_by, expires_at, revoked_at)
                SELECT token_id, account_id, token_hash, 'api', 'token awal', created_at, created_by, expires_at, revoked_at
                FROM identity.accounts
                """,
                "CREATE INDEX tokens_account ON identity.tokens (account_id)",
                "ALTER TABLE identity.accounts DROP COLUMN token_id, DROP COLUMN token_hash, DROP COLUMN expires_at",
                "ALTER TABLE identity.accounts RENAME COLUMN revoked_at TO deactivated_at",
                """
                ALTER TABLE identity.accounts
                    ADD COLUMN full_name text, ADD COLUMN nip text, ADD COLUMN position text,
                    ADD COLUMN email text, ADD COLUMN telephone text,
                    ADD COLUMN password_hash text, ADD COLUMN password_changed_at timestamptz
                """,
                """
                CREATE TABLE identity.sessions (
                    session_hash bytea PRIMARY KEY,
                    account_id text NOT NULL REFERENCES identity.accounts (account_id),
                    token_id text NOT NULL,
                    address text,
                    created_at timestamptz NOT NULL DEFAULT now(),
                    last_seen_at timestamptz NOT NULL DEFAULT now(),
                    expires_at timestamptz NOT NULL,
                    ended_at timestamptz,
                    ended_reason text
                )
                """,
                "CREATE INDEX sessions_open ON identity.sessions (account_id) WHERE ended_at IS NULL",
                """
                CREATE TABLE identity.signin_failures (
                    subject text PRIMARY KEY,
                    failures integer NOT NULL,
                    last_failure_at timestamptz NOT NULL,
                    locked_until timestamptz
                )
                """,
                """
                CREATE TABLE identity.audit (
                    sequence bigserial PRIMARY KEY,
                    at timestamptz NOT NULL DEFAULT now(),
                    actor text NOT NULL,
                    action text NOT NULL,
                    subject text,
                    address text,
                    detail text
                )
                """,
            ]),
    ]
}

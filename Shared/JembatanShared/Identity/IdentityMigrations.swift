/// The `identity` schema: accounts and their token hashes. Written only by the operator
/// command (`jembatan accounts`); services read it through ``AccountDirectory``.
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
            ])
    ]
}

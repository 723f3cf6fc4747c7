import JembatanShared

/// The exchange hub proper: dataset registry with storage versions, credentials, pushed
/// batches (idempotency), reference codes, deliveries and the hash-chained call log.
enum CreateExchangeTables {
    static let migration = Migration(
        version: 11, name: "create exchange hub tables",
        statements: [
            // Additive contract changes keep using the same storage, so one table serves several contracts.
            "ALTER TABLE provisioning.hub_datasets DROP CONSTRAINT hub_datasets_storage_table_key",
            "ALTER TABLE provisioning.hub_datasets ADD COLUMN dataset_id text",
            "ALTER TABLE provisioning.hub_datasets ADD COLUMN contract_version integer",
            "ALTER TABLE provisioning.integration_tests ADD COLUMN evidence jsonb",
            "CREATE SEQUENCE provisioning.hub_change_seq",
            """
            CREATE TABLE provisioning.datasets (
                dataset_id text PRIMARY KEY,
                request_id text NOT NULL,
                agency_code text NOT NULL,
                name text NOT NULL,
                contract_id text NOT NULL,
                contract_version integer NOT NULL,
                definition jsonb NOT NULL,
                consumers text[] NOT NULL,
                storage_table text NOT NULL,
                storage_version integer NOT NULL,
                state text NOT NULL CHECK (state IN ('provisioned', 'test_failed')),
                provisioned_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL
            )
            """,
            "CREATE INDEX datasets_request ON provisioning.datasets (request_id)",
            """
            CREATE TABLE provisioning.credentials (
                credential_id text PRIMARY KEY,
                dataset_id text NOT NULL REFERENCES provisioning.datasets (dataset_id),
                request_id text NOT NULL,
                agency_code text NOT NULL,
                scope text NOT NULL CHECK (scope IN ('read', 'write')),
                secret_hash bytea,
                issued_at timestamptz NOT NULL,
                collected_at timestamptz,
                collected_by text,
                expires_at timestamptz NOT NULL,
                revoked_at timestamptz,
                revoked_by text,
                rotated_from text REFERENCES provisioning.credentials (credential_id),
                rate_per_minute integer NOT NULL,
                request_count bigint NOT NULL DEFAULT 0,
                record_count bigint NOT NULL DEFAULT 0,
                last_used_at timestamptz
            )
            """,
            "CREATE INDEX credentials_request ON provisioning.credentials (request_id)",
            """
            CREATE TABLE provisioning.ingest_batches (
                credential_id text NOT NULL,
                idempotency_key text NOT NULL,
                batch_id text NOT NULL UNIQUE,
                body_sha256 bytea NOT NULL,
                status integer NOT NULL,
                response jsonb NOT NULL,
                created_at timestamptz NOT NULL,
                PRIMARY KEY (credential_id, idempotency_key)
            )
            """,
            """
            CREATE TABLE provisioning.reference_codes (
                reference_set text NOT NULL,
                code text NOT NULL,
                label text NOT NULL,
                PRIMARY KEY (reference_set, code)
            )
            """,
            """
            CREATE TABLE provisioning.reference_sets (
                reference_set text PRIMARY KEY,
                codes integer NOT NULL,
                imported_at timestamptz NOT NULL,
                imported_by text NOT NULL
            )
            """,
            """
            CREATE TABLE provisioning.deliveries (
                request_id text NOT NULL,
                contract_id text NOT NULL,
                note text NOT NULL,
                delivered_by text NOT NULL,
                delivered_at timestamptz NOT NULL,
                PRIMARY KEY (request_id, contract_id)
            )
            """,
            """
            CREATE TABLE provisioning.exchange_audit (
                seq bigint PRIMARY KEY,
                at_ms bigint NOT NULL,
                actor text NOT NULL,
                agency_code text NOT NULL,
                dataset_id text NOT NULL,
                operation text NOT NULL,
                status integer NOT NULL,
                records integer NOT NULL,
                rejected integer NOT NULL,
                previous_hash bytea NOT NULL,
                entry_hash bytea NOT NULL
            )
            """,
        ])
}

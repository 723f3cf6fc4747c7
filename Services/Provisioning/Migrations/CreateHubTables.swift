import JembatanShared

/// The hub's registry of dataset storage and endpoints, and integration-test evidence.
enum CreateHubTables {
    static let migration = Migration(
        version: 10, name: "create hub registry and integration tests",
        statements: [
            """
            CREATE TABLE provisioning.hub_datasets (
                contract_id text NOT NULL,
                dataset text NOT NULL,
                request_id text NOT NULL,
                agency_code text NOT NULL,
                storage_table text NOT NULL UNIQUE,
                endpoint_path text NOT NULL,
                provisioned_at timestamptz NOT NULL,
                PRIMARY KEY (contract_id, dataset)
            )
            """,
            "CREATE INDEX hub_datasets_request ON provisioning.hub_datasets (request_id)",
            """
            CREATE TABLE provisioning.integration_tests (
                test_id bigserial PRIMARY KEY,
                request_id text NOT NULL,
                contract_id text NOT NULL,
                passed boolean NOT NULL,
                checks jsonb NOT NULL,
                ran_at timestamptz NOT NULL
            )
            """,
        ])
}

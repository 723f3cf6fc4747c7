import JembatanShared

/// Validation runs (scorecards), reconciliations, freshness findings and the queue of runs asked for by pushes.
enum CreateRuns {
    static let migration = Migration(
        version: 11, name: "create validation runs, reconciliations, freshness findings",
        statements: [
            """
            CREATE TABLE validation.runs (
                run_id text PRIMARY KEY,
                request_id text NOT NULL,
                contract_id text NOT NULL,
                trigger text NOT NULL CHECK (trigger IN ('manual', 'ingest')),
                run_by text NOT NULL,
                as_of timestamptz NOT NULL,
                started_at timestamptz NOT NULL,
                completed_at timestamptz NOT NULL,
                passed boolean NOT NULL,
                score double precision NOT NULL,
                records bigint NOT NULL,
                failed_checks jsonb NOT NULL,
                scorecard jsonb NOT NULL
            )
            """,
            "CREATE INDEX runs_request ON validation.runs (request_id, completed_at DESC)",
            """
            CREATE TABLE validation.reconciliations (
                reconciliation_id text PRIMARY KEY,
                request_id text NOT NULL,
                contract_id text NOT NULL,
                dataset_id text NOT NULL,
                submitted_by text NOT NULL,
                completed_at timestamptz NOT NULL,
                source_records bigint NOT NULL,
                hub_records bigint NOT NULL,
                missing_in_hub bigint NOT NULL,
                extra_in_hub bigint NOT NULL,
                changed bigint NOT NULL,
                matched bigint NOT NULL,
                report jsonb NOT NULL
            )
            """,
            "CREATE INDEX reconciliations_request ON validation.reconciliations (request_id, completed_at DESC)",
            """
            CREATE TABLE validation.freshness_findings (
                dataset_id text NOT NULL,
                last_update timestamptz NOT NULL,
                request_id text NOT NULL,
                update_frequency text NOT NULL,
                as_of timestamptz NOT NULL,
                age_days integer NOT NULL,
                allowed_days integer NOT NULL,
                PRIMARY KEY (dataset_id, last_update)
            )
            """,
            "CREATE TABLE validation.pending_runs (request_id text PRIMARY KEY, requested_at timestamptz NOT NULL)",
            "ALTER TABLE validation.cases ADD COLUMN decision_run_id text",
        ])
}

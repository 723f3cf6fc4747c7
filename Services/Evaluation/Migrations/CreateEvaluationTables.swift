import JembatanShared

/// Submissions under evaluation, reviews with their findings, and versioned dataset contracts.
enum CreateEvaluationTables {
    static let migration = Migration(
        version: 10, name: "create submissions, reviews and contracts",
        statements: [
            """
            CREATE TABLE evaluation.submissions (
                request_id text PRIMARY KEY,
                agency_code text NOT NULL,
                datasets jsonb NOT NULL,
                submitted_at timestamptz NOT NULL
            )
            """,
            """
            CREATE TABLE evaluation.reviews (
                review_id bigserial PRIMARY KEY,
                request_id text NOT NULL REFERENCES evaluation.submissions,
                findings jsonb NOT NULL,
                decision text NOT NULL CHECK (decision IN ('agreed', 'returned')),
                decided_by text NOT NULL,
                decided_at timestamptz NOT NULL
            )
            """,
            """
            CREATE TABLE evaluation.contracts (
                contract_id text PRIMARY KEY,
                request_id text NOT NULL REFERENCES evaluation.submissions,
                version integer NOT NULL,
                datasets jsonb NOT NULL,
                agreed_at timestamptz NOT NULL,
                UNIQUE (request_id, version)
            )
            """,
        ])
}

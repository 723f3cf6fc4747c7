import JembatanShared

/// Requests are revised after a return (versions kept) and can be withdrawn.
enum AddVersionsAndReturns {
    static let migration = Migration(
        version: 11, name: "add versions, returns and withdrawals",
        statements: [
            "ALTER TABLE intake.requests DROP CONSTRAINT requests_state_check",
            """
            ALTER TABLE intake.requests
                ADD CONSTRAINT requests_state_check CHECK (state IN ('submitted', 'dispositioned', 'returned', 'resubmitted', 'withdrawn')),
                ADD COLUMN version integer NOT NULL DEFAULT 1,
                ADD COLUMN return_reasons jsonb,
                ADD COLUMN withdrawn_by text,
                ADD COLUMN withdrawn_at timestamptz,
                ADD COLUMN withdrawal_reason text
            """,
            """
            CREATE TABLE intake.request_versions (
                request_id text NOT NULL REFERENCES intake.requests,
                version integer NOT NULL,
                definition jsonb NOT NULL,
                created_by text NOT NULL,
                created_at timestamptz NOT NULL,
                PRIMARY KEY (request_id, version)
            )
            """,
            """
            INSERT INTO intake.request_versions (request_id, version, definition, created_by, created_at)
            SELECT request_id, 1, definition, submitted_by, submitted_at FROM intake.requests
            """,
        ])
}

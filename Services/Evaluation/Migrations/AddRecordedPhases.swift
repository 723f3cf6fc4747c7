import JembatanShared

/// Steps the team records as done (the interchange document, the laboratory's assignment, design
/// and build): a request waits in `preparing` between the agreement and the announced contract.
enum AddRecordedPhases {
    static let migration = Migration(
        version: 13, name: "add recorded phases",
        statements: [
            "ALTER TABLE evaluation.submissions DROP CONSTRAINT submissions_state_check",
            """
            ALTER TABLE evaluation.submissions ADD CONSTRAINT submissions_state_check
                CHECK (state IN ('awaiting_disposition', 'awaiting_decision', 'preparing', 'agreed', 'returned', 'withdrawn'))
            """,
            """
            CREATE TABLE evaluation.phase_records (
                request_id text NOT NULL,
                phase text NOT NULL,
                contract_id text,
                note text NOT NULL,
                recorded_by text NOT NULL,
                recorded_at timestamptz NOT NULL
            )
            """,
            """
            CREATE UNIQUE INDEX phase_records_once ON evaluation.phase_records (request_id, phase, coalesce(contract_id, ''))
            """,
        ])
}

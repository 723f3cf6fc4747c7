import JembatanShared

/// The head's decline: a terminal state with who, when and the reason.
enum AddDecline {
    static let migration = Migration(
        version: 17, name: "add the head's decline",
        statements: [
            "ALTER TABLE intake.requests DROP CONSTRAINT requests_state_check",
            """
            ALTER TABLE intake.requests
                ADD CONSTRAINT requests_state_check CHECK (state IN ('draft', 'submitted', 'dispositioned', 'returned', 'resubmitted', 'withdrawn', 'declined')),
                ADD COLUMN declined_by text,
                ADD COLUMN declined_at timestamptz,
                ADD COLUMN decline_reason text
            """,
        ])
}

import JembatanShared

/// The team decides after the automated review: submissions carry their version, state and current findings; decisions carry reasons.
enum AddDecisionFlow {
    static let migration = Migration(
        version: 11, name: "add decision flow",
        statements: [
            """
            ALTER TABLE evaluation.submissions
                ADD COLUMN version integer NOT NULL DEFAULT 1,
                ADD COLUMN state text NOT NULL DEFAULT 'awaiting_disposition'
                    CHECK (state IN ('awaiting_disposition', 'awaiting_decision', 'agreed', 'returned', 'withdrawn')),
                ADD COLUMN findings jsonb NOT NULL DEFAULT '[]'
            """,
            "ALTER TABLE evaluation.reviews ADD COLUMN version integer NOT NULL DEFAULT 1, ADD COLUMN reasons jsonb NOT NULL DEFAULT '[]'",
        ])
}

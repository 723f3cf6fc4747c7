import JembatanShared

/// Drafts (incomplete, private to the producer) and the full submission body with its pinned profile version.
enum AddDrafts {
    static let migration = Migration(
        version: 12, name: "add drafts and pinned profile version",
        statements: [
            "ALTER TABLE intake.requests DROP CONSTRAINT requests_state_check",
            """
            ALTER TABLE intake.requests
                ADD CONSTRAINT requests_state_check CHECK (state IN ('draft', 'submitted', 'dispositioned', 'returned', 'resubmitted', 'withdrawn')),
                ADD COLUMN submission jsonb,
                ADD COLUMN profile_version integer
            """,
        ])
}

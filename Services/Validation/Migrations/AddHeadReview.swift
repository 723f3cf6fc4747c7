import JembatanShared

/// The head's judgement after the hand-over (Kaltim step 11): a case can end `approved`.
enum AddHeadReview {
    static let migration = Migration(
        version: 12, name: "add head review",
        statements: [
            "ALTER TABLE validation.cases DROP CONSTRAINT cases_state_check",
            """
            ALTER TABLE validation.cases ADD CONSTRAINT cases_state_check
                CHECK (state IN ('awaiting_decision', 'accepted', 'reopened', 'approved'))
            """,
            "ALTER TABLE validation.cases ADD COLUMN reviewed_by text, ADD COLUMN reviewed_at timestamptz, ADD COLUMN review_note text",
        ])
}

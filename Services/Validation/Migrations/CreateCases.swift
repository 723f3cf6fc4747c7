import JembatanShared

/// One validation case per request: provisioned → decided (accepted or reopened).
enum CreateCases {
    static let migration = Migration(
        version: 10, name: "create validation cases",
        statements: [
            """
            CREATE TABLE validation.cases (
                request_id text PRIMARY KEY,
                contract_id text NOT NULL,
                agency_code text NOT NULL,
                provisioned_at timestamptz NOT NULL,
                state text NOT NULL CHECK (state IN ('awaiting_decision', 'accepted', 'reopened')),
                decided_by text,
                decided_at timestamptz,
                decision_note text
            )
            """
        ])
}

import JembatanShared

/// Requests with their data definition and disposition; intake is the only writer.
enum CreateRequests {
    static let migration = Migration(
        version: 10, name: "create requests",
        statements: [
            """
            CREATE TABLE intake.requests (
                request_id text PRIMARY KEY,
                agency_code text NOT NULL,
                title text NOT NULL,
                purpose text NOT NULL,
                profile text NOT NULL,
                definition jsonb NOT NULL,
                state text NOT NULL CHECK (state IN ('submitted', 'dispositioned')),
                submitted_by text NOT NULL,
                submitted_at timestamptz NOT NULL,
                disposition_note text,
                dispositioned_by text,
                dispositioned_at timestamptz
            )
            """,
            "CREATE INDEX requests_agency ON intake.requests (agency_code, submitted_at)",
        ])
}

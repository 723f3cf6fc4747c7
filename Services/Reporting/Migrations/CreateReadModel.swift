import JembatanShared

/// The read model: one row per request and its timeline of events.
enum CreateReadModel {
    static let migration = Migration(
        version: 10, name: "create read model",
        statements: [
            """
            CREATE TABLE reporting.requests (
                request_id text PRIMARY KEY,
                agency_code text,
                title text,
                profile text,
                state text NOT NULL,
                sop_step integer NOT NULL,
                submitted_at timestamptz,
                completed_at timestamptz,
                updated_at timestamptz NOT NULL
            )
            """,
            """
            CREATE TABLE reporting.timeline (
                event_id text PRIMARY KEY,
                request_id text NOT NULL,
                event_type text NOT NULL,
                source text NOT NULL,
                actor_id text NOT NULL,
                actor_role text NOT NULL,
                state text NOT NULL,
                sop_step integer NOT NULL,
                occurred_at timestamptz NOT NULL,
                recorded_at timestamptz NOT NULL DEFAULT now()
            )
            """,
            "CREATE INDEX timeline_request ON reporting.timeline (request_id, occurred_at)",
        ])
}

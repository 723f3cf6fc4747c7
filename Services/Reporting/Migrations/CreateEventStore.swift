import JembatanShared

/// Every event of every request as it arrived, the source of the integration report.
enum CreateEventStore {
    static let migration = Migration(
        version: 12, name: "create event store for reports",
        statements: [
            """
            CREATE TABLE reporting.events (
                event_id text PRIMARY KEY,
                request_id text NOT NULL,
                event_type text NOT NULL,
                occurred_at timestamptz NOT NULL,
                envelope jsonb NOT NULL
            )
            """,
            "CREATE INDEX events_request ON reporting.events (request_id, occurred_at)",
        ])
}

/// The outbox and inbox tables every service has in its own schema (versions 1–9 are reserved for them).
public enum MessagingMigrations {
    /// Outbox (events waiting for the relay) and inbox (events already applied), in `schema`.
    public static func all(schema: SchemaName) -> [Migration] {
        [
            Migration(
                version: 1, name: "create outbox",
                statements: [
                    """
                    CREATE TABLE \(schema).outbox (
                        seq bigserial PRIMARY KEY,
                        event_id text NOT NULL UNIQUE,
                        topic text NOT NULL,
                        message_key text NOT NULL,
                        event_type text NOT NULL,
                        envelope text NOT NULL,
                        created_at timestamptz NOT NULL DEFAULT now(),
                        published_at timestamptz
                    )
                    """,
                    "CREATE INDEX outbox_unpublished ON \(schema).outbox (seq) WHERE published_at IS NULL",
                    """
                    CREATE FUNCTION \(schema).notify_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN PERFORM pg_notify('\(schema)_outbox', ''); RETURN NULL; END $$
                    """,
                    """
                    CREATE TRIGGER outbox_notify AFTER INSERT ON \(schema).outbox
                    FOR EACH STATEMENT EXECUTE FUNCTION \(schema).notify_outbox()
                    """,
                ]),
            Migration(
                version: 2, name: "create inbox",
                statements: [
                    """
                    CREATE TABLE \(schema).inbox (
                        consumer text NOT NULL,
                        event_id text NOT NULL,
                        event_type text NOT NULL,
                        topic text NOT NULL,
                        kafka_partition integer NOT NULL,
                        kafka_offset bigint NOT NULL,
                        applied_at timestamptz NOT NULL DEFAULT now(),
                        PRIMARY KEY (consumer, event_id)
                    )
                    """
                ]),
        ]
    }
}

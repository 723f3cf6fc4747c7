import JembatanShared

/// The maintenance records: checks, incidents, backups and dead-letter redrives.
enum CreateMaintenanceRecords {
    static let migration = Migration(
        version: 10, name: "create maintenance records",
        statements: [
            "CREATE TABLE operations.checks (check_id text PRIMARY KEY, checked_at timestamptz NOT NULL, passed boolean NOT NULL, results jsonb NOT NULL)",
            """
            CREATE TABLE operations.incidents (
                incident_id text PRIMARY KEY, component text NOT NULL, detail text NOT NULL, opened_at timestamptz NOT NULL,
                escalated_at timestamptz, closed_at timestamptz
            )
            """,
            "CREATE UNIQUE INDEX incidents_open ON operations.incidents (component) WHERE closed_at IS NULL",
            """
            CREATE TABLE operations.backups (
                backup_id text PRIMARY KEY, file text NOT NULL, size_bytes bigint NOT NULL, started_at timestamptz NOT NULL,
                completed_at timestamptz NOT NULL, verified boolean NOT NULL, tables jsonb NOT NULL, problems jsonb NOT NULL
            )
            """,
            """
            CREATE TABLE operations.redrives (
                redrive_id text PRIMARY KEY, dead_letter_partition integer NOT NULL, dead_letter_offset bigint NOT NULL,
                original_topic text NOT NULL, original_partition integer NOT NULL, original_offset bigint NOT NULL,
                replaced boolean NOT NULL, reason text NOT NULL, claimed_at timestamptz NOT NULL, sent_at timestamptz,
                UNIQUE (dead_letter_partition, dead_letter_offset), UNIQUE (original_topic, original_partition, original_offset)
            )
            """,
        ])
}

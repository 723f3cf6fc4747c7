import JembatanShared

/// Each threshold a step reached, once per run of that step (a step entered again starts over).
enum CreateSLAAlerts {
    static let migration = Migration(
        version: 11, name: "create SLA alerts",
        statements: [
            """
            CREATE TABLE reporting.sla_alerts (
                request_id text NOT NULL,
                sop_step integer NOT NULL,
                step_started_at timestamptz NOT NULL,
                threshold integer NOT NULL,
                used_percent double precision NOT NULL,
                deadline timestamptz NOT NULL,
                alerted_at timestamptz NOT NULL,
                PRIMARY KEY (request_id, sop_step, step_started_at, threshold)
            )
            """
        ])
}

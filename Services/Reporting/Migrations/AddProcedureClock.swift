import JembatanShared

/// Every step on the clock: the timeline keeps what the procedure clock needs from each event
/// (the phase a step record closes, when the evidence of a decision was ready) and the phase the
/// entry opened; the request keeps its phase and pinned profile version; deviations get the
/// responsible person's justification.
enum AddProcedureClock {
    static let migration = Migration(
        version: 14, name: "add procedure clock and justifications",
        statements: [
            """
            ALTER TABLE reporting.timeline ADD COLUMN completed_phase text, ADD COLUMN evidence_at timestamptz,
                ADD COLUMN phase text
            """,
            "ALTER TABLE reporting.requests ADD COLUMN phase text, ADD COLUMN profile_version integer",
            """
            CREATE TABLE reporting.justifications (
                request_id text NOT NULL,
                phase text NOT NULL,
                step_started_at timestamptz NOT NULL,
                sop_step integer NOT NULL,
                justification text NOT NULL,
                justified_by text NOT NULL,
                justified_role text NOT NULL,
                justified_at timestamptz NOT NULL,
                PRIMARY KEY (request_id, phase, step_started_at)
            )
            """,
        ])
}

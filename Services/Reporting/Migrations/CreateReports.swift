import JembatanShared

/// Stored reports: every version kept, each announced once with `report.published`.
enum CreateReports {
    static let migration = Migration(
        version: 13, name: "create stored reports",
        statements: [
            """
            CREATE TABLE reporting.reports (
                report_id text PRIMARY KEY,
                kind text NOT NULL CHECK (kind IN ('integration', 'monthly', 'maintenance')),
                subject text NOT NULL,
                period text,
                version integer NOT NULL,
                agency_code text,
                title text NOT NULL,
                html text NOT NULL,
                pdf bytea,
                sha256 text NOT NULL,
                generated_at timestamptz NOT NULL,
                UNIQUE (kind, subject, version)
            )
            """
        ])
}

import JembatanShared

/// The contract names the agencies that may read each dataset.
enum AddConsumersToSubmissions {
    static let migration = Migration(
        version: 12, name: "add consumers",
        statements: [
            "ALTER TABLE evaluation.submissions ADD COLUMN consumers jsonb NOT NULL DEFAULT '[]'",
            "ALTER TABLE evaluation.contracts ADD COLUMN agency_code text, ADD COLUMN consumers jsonb NOT NULL DEFAULT '[]'",
        ])
}

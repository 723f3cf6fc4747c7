import JembatanShared

/// The contracts the hub received (so a failed integration test can be run again after the fix)
/// and the hand-over records (berita acara serah terima) after the producer accepted.
enum AddHandOversAndReruns {
    static let migration = Migration(
        version: 12, name: "add received contracts and hand-overs",
        statements: [
            """
            CREATE TABLE provisioning.received_contracts (
                contract_id text PRIMARY KEY,
                request_id text NOT NULL,
                payload jsonb NOT NULL,
                received_at timestamptz NOT NULL
            )
            """,
            """
            CREATE TABLE provisioning.hand_overs (
                request_id text NOT NULL,
                contract_id text NOT NULL,
                note text NOT NULL,
                handed_over_by text NOT NULL,
                handed_over_at timestamptz NOT NULL,
                PRIMARY KEY (request_id, contract_id)
            )
            """,
        ])
}

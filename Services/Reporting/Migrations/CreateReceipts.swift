import JembatanShared

/// Receipts: the producer acknowledges the delivered results; the Kepala Bidang, then the Kepala
/// Dinas, acknowledge the request's report ("dilaporkan ke Kepala Bidang dan diteruskan ke Kepala Dinas").
enum CreateReceipts {
    static let migration = Migration(
        version: 18, name: "create receipts",
        statements: [
            """
            CREATE TABLE reporting.receipts (
                request_id text NOT NULL,
                kind text NOT NULL CHECK (kind IN ('results', 'report')),
                role text NOT NULL CHECK (role IN ('producer', 'supervisor', 'head')),
                acknowledged_by text NOT NULL,
                acknowledged_at timestamptz NOT NULL,
                PRIMARY KEY (request_id, kind, role)
            )
            """
        ])
}

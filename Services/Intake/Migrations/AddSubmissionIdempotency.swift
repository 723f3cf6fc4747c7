import JembatanShared

/// A submission may carry an `Idempotency-Key`: a form sent twice (a double click, an answer lost
/// on a bad connection) creates one request, not two.
enum AddSubmissionIdempotency {
    static let migration = Migration(
        version: 13, name: "add submission idempotency keys",
        statements: [
            "ALTER TABLE intake.requests ADD COLUMN idempotency_key text",
            """
            CREATE UNIQUE INDEX requests_submitter_idempotency_key ON intake.requests (submitted_by, idempotency_key)
                WHERE idempotency_key IS NOT NULL
            """,
        ])
}

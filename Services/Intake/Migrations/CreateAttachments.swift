import JembatanShared

/// The files of steps 1 and 2 ("Dokumen data dan informasi aplikasi", the written data document),
/// stored in PostgreSQL with their SHA-256 and the media type read from their content.
enum CreateAttachments {
    static let migration = Migration(
        version: 18, name: "create attachments",
        statements: [
            """
            CREATE TABLE intake.attachments (
                attachment_id text PRIMARY KEY,
                request_id text NOT NULL REFERENCES intake.requests (request_id),
                kind text NOT NULL CHECK (kind IN ('dokumen_aplikasi', 'dokumen_data')),
                file_name text NOT NULL,
                media_type text NOT NULL,
                size_bytes integer NOT NULL CHECK (size_bytes > 0 AND size_bytes <= 20971520),
                sha256 text NOT NULL,
                content bytea NOT NULL,
                uploaded_by text NOT NULL,
                uploaded_at timestamptz NOT NULL
            )
            """,
            "CREATE INDEX attachments_request ON intake.attachments (request_id)",
        ])
}

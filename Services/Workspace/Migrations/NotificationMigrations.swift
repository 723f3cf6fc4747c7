import JembatanShared

/// The workspace's own schema: the inbox of the events it reads (messaging migrations 1–9), the
/// people's notifications and the mail queue that carries them out.
enum NotificationMigrations {
    static let schema = SchemaName("workspace")

    static let all: [Migration] =
        MessagingMigrations.all(schema: schema) + [
            Migration(
                version: 10, name: "notifications and the mail queue",
                statements: [
                    """
                    CREATE TABLE workspace.notifications (
                        notification_id bigserial PRIMARY KEY,
                        account_id text NOT NULL REFERENCES identity.accounts (account_id),
                        event_id text NOT NULL,
                        kind text NOT NULL,
                        request_id text,
                        title text NOT NULL,
                        body text NOT NULL,
                        link text NOT NULL,
                        created_at timestamptz NOT NULL DEFAULT now(),
                        read_at timestamptz,
                        UNIQUE (event_id, kind, account_id)
                    )
                    """,
                    """
                    CREATE INDEX notifications_unread ON workspace.notifications (account_id, created_at DESC)
                    WHERE read_at IS NULL
                    """,
                    "CREATE INDEX notifications_by_account ON workspace.notifications (account_id, created_at DESC)",
                    """
                    CREATE TABLE workspace.mails (
                        mail_id bigserial PRIMARY KEY,
                        notification_id bigint NOT NULL UNIQUE REFERENCES workspace.notifications (notification_id),
                        address text NOT NULL,
                        state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
                        attempts integer NOT NULL DEFAULT 0,
                        next_attempt_at timestamptz NOT NULL DEFAULT now(),
                        last_error text,
                        sent_at timestamptz,
                        created_at timestamptz NOT NULL DEFAULT now()
                    )
                    """,
                    "CREATE INDEX mails_due ON workspace.mails (next_attempt_at) WHERE state = 'pending'",
                    """
                    CREATE FUNCTION workspace.notify_mails() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN PERFORM pg_notify('workspace_mails', ''); RETURN NULL; END $$
                    """,
                    """
                    CREATE TRIGGER mails_notify AFTER INSERT ON workspace.mails
                    FOR EACH STATEMENT EXECUTE FUNCTION workspace.notify_mails()
                    """,
                ]),
            Migration(
                version: 11, name: "each dataset's last contract, for change notices",
                statements: [
                    """
                    CREATE TABLE workspace.contracts (
                        dataset_id text PRIMARY KEY,
                        request_id text NOT NULL,
                        contract_version integer NOT NULL,
                        definition jsonb NOT NULL,
                        updated_at timestamptz NOT NULL DEFAULT now()
                    )
                    """
                ]),
        ]
}

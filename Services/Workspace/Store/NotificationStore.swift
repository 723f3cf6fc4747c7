import Foundation
import JembatanShared
import Logging
import PostgresNIO

/// The people's notifications (`workspace.notifications`) and the mail queue that carries each one
/// out (`workspace.mails`). A notification is written in the same transaction as the inbox row of
/// the event that caused it, so an event read twice tells nobody twice; its mail is queued in that
/// transaction too and sent later, so a slow or stopped mail server holds up nothing.
struct NotificationStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// An active account a notice reaches.
    struct Recipient: Sendable, Equatable {
        var accountId: String
        var email: String?
    }

    /// The active accounts `audience` names (none when nobody holds that role there).
    static func recipients(_ audience: Audience, on connection: PostgresConnection, logger: Logger) async throws
        -> [Recipient]
    {
        let rows: PostgresRowSequence
        switch audience {
        case .account(let name):
            rows = try await connection.queryUnlessClosed(
                """
                SELECT account_id, email FROM identity.accounts WHERE name = \(name) AND deactivated_at IS NULL
                """, logger: logger)
        case .role(let role, let agency):
            rows = try await connection.queryUnlessClosed(
                """
                SELECT account_id, email FROM identity.accounts
                WHERE role = \(role.rawValue) AND deactivated_at IS NULL
                  AND (\(agency)::text IS NULL OR agency_code = \(agency))
                ORDER BY name
                """, logger: logger)
        }
        var found: [Recipient] = []
        for try await (id, email) in rows.decode((String, String?).self) {
            let address = email?.trimmingCharacters(in: .whitespaces) ?? ""
            found.append(Recipient(accountId: id, email: address.isEmpty ? nil : address))
        }
        return found
    }

    /// What intake recorded of the request (its agency, title and intended consumers): intake
    /// writes it before announcing the request, so every later event finds it (read-only view).
    static func facts(ofRequest requestId: String, on connection: PostgresConnection, logger: Logger) async throws
        -> RequestFacts?
    {
        let rows = try await connection.queryUnlessClosed(
            """
            SELECT agency_code, title,
                   coalesce(ARRAY(SELECT jsonb_array_elements_text(submission->'intendedConsumers')), '{}')
            FROM intake.requests WHERE request_id = \(requestId)
            """, logger: logger)
        for try await (agency, title, consumers) in rows.decode((String, String, [String]).self) {
            return RequestFacts(agencyCode: agency, title: title, consumers: consumers)
        }
        return nil
    }

    /// The account a disposition sheet's addressee names (its sign-in name or full name), if any.
    static func addressee(_ text: String, on connection: PostgresConnection, logger: Logger) async throws -> String? {
        let wanted = text.trimmingCharacters(in: .whitespaces)
        guard !wanted.isEmpty else { return nil }
        for try await name in try await connection.queryUnlessClosed(
            """
            SELECT name FROM identity.accounts
            WHERE deactivated_at IS NULL AND role IN ('technical', 'supervisor')
              AND (lower(name) = lower(\(wanted)) OR lower(full_name) = lower(\(wanted)))
            ORDER BY name LIMIT 1
            """, logger: logger
        ).decode(String.self) { return name }
        return nil
    }

    /// The last contract the workspace saw for `datasetId`: its version and definition.
    static func lastContract(of datasetId: String, on connection: PostgresConnection, logger: Logger) async throws
        -> (version: Int, definition: DatasetDefinition)?
    {
        for try await (version, definition) in try await connection.queryUnlessClosed(
            "SELECT contract_version, definition::text FROM workspace.contracts WHERE dataset_id = \(datasetId) FOR UPDATE",
            logger: logger
        ).decode((Int, String).self) {
            return (version, try CloudEventCodec.decodeJSON(DatasetDefinition.self, from: definition))
        }
        return nil
    }

    /// Remembers `definition` as `datasetId`'s contract at `version` (a later version only).
    static func saveContract(
        _ definition: DatasetDefinition, of datasetId: String, requestId: String, version: Int,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        let json = try CloudEventCodec.jsonText(definition)
        try await connection.queryUnlessClosed(
            """
            INSERT INTO workspace.contracts (dataset_id, request_id, contract_version, definition)
            VALUES (\(datasetId), \(requestId), \(version), \(json)::jsonb)
            ON CONFLICT (dataset_id) DO UPDATE SET contract_version = EXCLUDED.contract_version,
                definition = EXCLUDED.definition, updated_at = now()
            WHERE workspace.contracts.contract_version < EXCLUDED.contract_version
            """, logger: logger)
    }

    /// Writes `notice` for each recipient (once per event, kind and person) and queues its mail
    /// when `mail` is on and the person has an address. Returns how many notifications are new.
    @discardableResult
    static func record(
        _ notice: Notice, eventId: String, for recipients: [Recipient], mail: Bool, on connection: PostgresConnection,
        logger: Logger
    ) async throws -> Int {
        var created = 0
        for recipient in recipients {
            var newId: Int64?
            for try await id in try await connection.queryUnlessClosed(
                """
                INSERT INTO workspace.notifications (account_id, event_id, kind, request_id, title, body, link)
                VALUES (\(recipient.accountId), \(eventId), \(notice.kind), \(notice.requestId), \(notice.title),
                        \(notice.body), \(notice.link))
                ON CONFLICT (event_id, kind, account_id) DO NOTHING
                RETURNING notification_id
                """, logger: logger
            ).decode(Int64.self) { newId = id }
            guard let newId else { continue }
            created += 1
            if mail, let address = recipient.email {
                try await connection.queryUnlessClosed(
                    "INSERT INTO workspace.mails (notification_id, address) VALUES (\(newId), \(address))",
                    logger: logger)
            }
        }
        return created
    }

    /// One notification as its person sees it.
    struct Entry: Sendable {
        var id: Int64
        var kind: String
        var requestId: String?
        var title: String
        var body: String
        var link: String
        var createdAt: Date
        var readAt: Date?
        /// Where the mail stands: pending, sent or failed (nil: no mail for it).
        var mail: String?
    }

    /// The person's notifications, newest first.
    func list(accountId: String, limit: Int = 200) async throws -> [Entry] {
        let rows = try await client.queryUnlessClosed(
            """
            SELECT n.notification_id, n.kind, n.request_id, n.title, n.body, n.link, n.created_at, n.read_at, m.state
            FROM workspace.notifications n LEFT JOIN workspace.mails m ON m.notification_id = n.notification_id
            WHERE n.account_id = \(accountId) ORDER BY n.created_at DESC, n.notification_id DESC LIMIT \(limit)
            """, logger: logger)
        var entries: [Entry] = []
        for try await (id, kind, request, title, body, link, created, read, mail) in rows.decode(
            (Int64, String, String?, String, String, String, Date, Date?, String?).self)
        {
            entries.append(
                Entry(
                    id: id, kind: kind, requestId: request, title: title, body: body, link: link, createdAt: created,
                    readAt: read, mail: mail))
        }
        return entries
    }

    /// How many of the person's notifications are unread (the count in the navigation).
    func unreadCount(accountId: String) async throws -> Int {
        for try await count in try await client.queryUnlessClosed(
            "SELECT count(*)::int FROM workspace.notifications WHERE account_id = \(accountId) AND read_at IS NULL",
            logger: logger
        ).decode(Int.self) { return count }
        return 0
    }

    /// Marks the person's notification read and returns where it points (nil: not theirs or none).
    func open(id: Int64, accountId: String) async throws -> String? {
        for try await link in try await client.queryUnlessClosed(
            """
            UPDATE workspace.notifications SET read_at = coalesce(read_at, now())
            WHERE notification_id = \(id) AND account_id = \(accountId) RETURNING link
            """, logger: logger
        ).decode(String.self) { return link }
        return nil
    }

    /// Marks every notification of the person read.
    func markAllRead(accountId: String) async throws {
        try await client.queryUnlessClosed(
            "UPDATE workspace.notifications SET read_at = now() WHERE account_id = \(accountId) AND read_at IS NULL",
            logger: logger)
    }

    /// A queued mail with what it says.
    struct QueuedMail: Sendable {
        var id: Int64
        var address: String
        var attempts: Int
        var fullName: String
        var title: String
        var body: String
        var notificationId: Int64
    }

    /// Takes up to `limit` due mails for one attempt each: their next attempt moves `lease` ahead,
    /// so a sender that dies mid-send leaves them to be tried again then, not lost.
    func claimDue(limit: Int, lease: Duration) async throws -> [QueuedMail] {
        let seconds = Int(lease.components.seconds)
        let rows = try await client.queryUnlessClosed(
            """
            UPDATE workspace.mails m SET attempts = m.attempts + 1,
                   next_attempt_at = now() + make_interval(secs => \(seconds))
            FROM workspace.notifications n JOIN identity.accounts a ON a.account_id = n.account_id
            WHERE n.notification_id = m.notification_id AND m.mail_id IN (
                SELECT mail_id FROM workspace.mails WHERE state = 'pending' AND next_attempt_at <= now()
                ORDER BY mail_id LIMIT \(limit) FOR UPDATE SKIP LOCKED)
            RETURNING m.mail_id, m.address, m.attempts, coalesce(a.full_name, a.name), n.title, n.body,
                      n.notification_id
            """, logger: logger)
        var mails: [QueuedMail] = []
        for try await (id, address, attempts, name, title, body, notification) in rows.decode(
            (Int64, String, Int32, String, String, String, Int64).self)
        {
            mails.append(
                QueuedMail(
                    id: id, address: address, attempts: Int(attempts), fullName: name, title: title, body: body,
                    notificationId: notification))
        }
        return mails.sorted { $0.id < $1.id }
    }

    /// The mail server took the mail.
    func sent(_ id: Int64) async throws {
        try await client.queryUnlessClosed(
            "UPDATE workspace.mails SET state = 'sent', sent_at = now(), last_error = NULL WHERE mail_id = \(id)",
            logger: logger)
    }

    /// The attempt failed for a reason that may pass: try again after `delay`.
    func retry(_ id: Int64, error: String, after delay: Duration) async throws {
        let seconds = Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18
        try await client.queryUnlessClosed(
            """
            UPDATE workspace.mails SET last_error = \(error),
                   next_attempt_at = now() + make_interval(secs => \(seconds))
            WHERE mail_id = \(id) AND state = 'pending'
            """, logger: logger)
    }

    /// The mail can never go (address refused, authentication refused): it stays failed, with why.
    func failed(_ id: Int64, error: String) async throws {
        try await client.queryUnlessClosed(
            "UPDATE workspace.mails SET state = 'failed', last_error = \(error) WHERE mail_id = \(id)", logger: logger)
    }
}

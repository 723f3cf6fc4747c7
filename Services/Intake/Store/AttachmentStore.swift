import Foundation
import Logging
import PostgresNIO

/// A stored attachment without its content.
struct StoredAttachment: Sendable, Encodable {
    let attachmentId: String
    let requestId: String
    let kind: String
    let fileName: String
    let mediaType: String
    let sizeBytes: Int
    let sha256: String
    let uploadedBy: String
    let uploadedAt: Date
}

/// `intake.attachments`: the files of steps 1 and 2, stored in PostgreSQL (so the backups hold them).
enum AttachmentStore {
    static func insert(_ attachment: StoredAttachment, content: [UInt8], client: PostgresClient, logger: Logger)
        async throws
    {
        let bytes = ByteBuffer(bytes: content)
        try await client.queryUnlessClosed(
            """
            INSERT INTO intake.attachments
                (attachment_id, request_id, kind, file_name, media_type, size_bytes, sha256, content, uploaded_by, uploaded_at)
            VALUES (\(attachment.attachmentId), \(attachment.requestId), \(attachment.kind), \(attachment.fileName),
                    \(attachment.mediaType), \(attachment.sizeBytes), \(attachment.sha256), \(bytes),
                    \(attachment.uploadedBy), \(attachment.uploadedAt))
            """, logger: logger)
    }

    static func list(requestId: String, client: PostgresClient, logger: Logger) async throws -> [StoredAttachment] {
        let rows = try await client.queryUnlessClosed(
            """
            SELECT attachment_id, request_id, kind, file_name, media_type, size_bytes, sha256, uploaded_by, uploaded_at
            FROM intake.attachments WHERE request_id = \(requestId) ORDER BY uploaded_at, attachment_id
            """, logger: logger)
        var found: [StoredAttachment] = []
        for try await (id, request, kind, name, type, size, sha, by, at) in rows.decode(
            (String, String, String, String, String, Int, String, String, Date).self)
        {
            found.append(
                StoredAttachment(
                    attachmentId: id, requestId: request, kind: kind, fileName: name, mediaType: type, sizeBytes: size,
                    sha256: sha, uploadedBy: by, uploadedAt: at))
        }
        return found
    }

    /// One attachment with its content and its request's agency.
    static func content(_ id: String, client: PostgresClient, logger: Logger) async throws -> (
        attachment: StoredAttachment, agency: String, content: ByteBuffer
    )? {
        let rows = try await client.queryUnlessClosed(
            """
            SELECT a.attachment_id, a.request_id, a.kind, a.file_name, a.media_type, a.size_bytes, a.sha256,
                   a.uploaded_by, a.uploaded_at, r.agency_code, a.content
            FROM intake.attachments a JOIN intake.requests r ON r.request_id = a.request_id
            WHERE a.attachment_id = \(id)
            """, logger: logger)
        for try await (id, request, kind, name, type, size, sha, by, at, agency, content) in rows.decode(
            (String, String, String, String, String, Int, String, String, Date, String, ByteBuffer).self)
        {
            return (
                StoredAttachment(
                    attachmentId: id, requestId: request, kind: kind, fileName: name, mediaType: type, sizeBytes: size,
                    sha256: sha, uploadedBy: by, uploadedAt: at), agency, content
            )
        }
        return nil
    }
}

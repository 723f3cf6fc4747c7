import Crypto
import Foundation
import Hummingbird
import JembatanShared
import Logging
import PostgresNIO
import ServiceLifecycle

/// Stores a report and enqueues its announcement in the same transaction. The HTML is the report of
/// record (its SHA-256 is announced); the PDF is printed from it afterwards (ahead of time by the
/// schedule, or on the first download) and kept, so a slow or missing printer never delays a report.
struct ReportArchive: Sendable {
    let context: ServiceContext

    struct Draft: Sendable {
        let kind: String
        let subject: String
        let period: String?
        let agencyCode: String?
        let title: String
        let html: String
        /// Who verifies and signs it: an integration report is also a document of record, numbered
        /// with its first version.
        var rule: DocumentRule? = nil
    }

    /// Publishes `draft` as the next version of its report; with `onlyFirst`, nothing happens when a version exists.
    func publish(_ draft: Draft, onlyFirst: Bool, at now: Date) async throws -> ReportPublished? {
        let logger = context.logger
        if onlyFirst, try await exists(kind: draft.kind, subject: draft.subject) { return nil }
        let digest = SHA256.hash(data: Data(draft.html.utf8)).map { String(format: "%02x", $0) }.joined()
        let reportId = UUID().uuidString.lowercased()
        return try await context.client.inTransaction(logger: logger) { connection in
            try await connection.queryUnlessClosed(
                "SELECT pg_advisory_xact_lock(hashtext('reporting.reports'), hashtext(\(draft.kind + "/" + draft.subject)))",
                logger: logger)
            var latest = 0
            for try await version in try await connection.queryUnlessClosed(
                """
                SELECT coalesce(max(version), 0) FROM reporting.reports WHERE kind = \(draft.kind) AND subject = \(draft.subject)
                """, logger: logger
            ).decode(Int.self) { latest = version }
            if onlyFirst && latest > 0 { return nil }
            try await connection.queryUnlessClosed(
                """
                INSERT INTO reporting.reports (report_id, kind, subject, period, version, agency_code, title, html, sha256, generated_at)
                VALUES (\(reportId), \(draft.kind), \(draft.subject), \(draft.period), \(latest + 1), \(draft.agencyCode), \(draft.title), \(draft.html), \(digest), \(now))
                """, logger: logger)
            if draft.kind == "integration", latest == 0, let rule = draft.rule {
                // The report of record for step 12, numbered in the publication's transaction; the
                // Kepala Bidang verifies it and the Kepala Dinas signs it in the workspace.
                _ = try await DocumentStore.issue(
                    schema: IntegrationReportDocument.schema, requestId: draft.subject,
                    kind: DocumentKind.integrationReport, agency: draft.agencyCode ?? "", title: draft.title,
                    body: ["reportId": reportId], defaultClassification: IntegrationReportDocument.classification,
                    rule: rule, at: now, on: connection, logger: logger)
            }
            let event = ReportPublished(
                requestId: draft.subject, reportId: reportId, kind: draft.kind, period: draft.period,
                title: draft.title,
                path: "/v1/reports/\(reportId)", formats: ["html", "pdf"], sha256: digest, publishedAt: now)
            try await context.outbox.enqueue(event, on: connection, logger: logger)
            return event
        }
    }

    /// The stored PDF of `reportId`, printed now from the stored HTML if it was not yet; nil when there is no such report.
    func pdf(reportId: String) async throws -> ByteBuffer? {
        var html: String?
        for try await (text, pdf) in try await context.client.queryUnlessClosed(
            "SELECT html, pdf FROM reporting.reports WHERE report_id = \(reportId)", logger: context.logger
        )
        .decode((String, ByteBuffer?).self) {
            if let pdf { return pdf }
            html = text
        }
        guard let html else { return nil }
        let printed = ByteBuffer(
            bytes: try await PDFRenderer(chromium: context.configuration.chromium).render(html: html))
        try await context.client.queryUnlessClosed(
            "UPDATE reporting.reports SET pdf = \(printed) WHERE report_id = \(reportId) AND pdf IS NULL",
            logger: context.logger)
        return printed
    }

    /// The stored HTML of `reportId`.
    func html(reportId: String) async throws -> String? {
        for try await text in try await context.client.queryUnlessClosed(
            "SELECT html FROM reporting.reports WHERE report_id = \(reportId)", logger: context.logger
        ).decode(String.self) { return text }
        return nil
    }

    /// Prints up to `limit` stored reports that have no PDF yet (oldest first).
    func printPending(limit: Int) async throws {
        var pending: [String] = []
        for try await id in try await context.client.queryUnlessClosed(
            """
            SELECT report_id FROM reporting.reports WHERE pdf IS NULL ORDER BY generated_at LIMIT \(limit)
            """, logger: context.logger
        ).decode(String.self) { pending.append(id) }
        for id in pending { _ = try await pdf(reportId: id) }
    }

    func exists(kind: String, subject: String) async throws -> Bool {
        for try await _ in try await context.client.queryUnlessClosed(
            "SELECT 1 FROM reporting.reports WHERE kind = \(kind) AND subject = \(subject) LIMIT 1",
            logger: context.logger
        ).decode(Int.self) {
            return true
        }
        return false
    }

    /// Who may read a stored report: office-wide roles every one; an agency its own integration reports.
    static func mayRead(_ account: Account, kind: String, agency: String?) -> Bool {
        account.agencyCode == nil || (kind == "integration" && account.mayAccess(agency: agency))
    }

    /// Completed requests whose integration report is not stored yet, oldest first.
    func dueIntegrationReports(limit: Int) async throws -> [String] {
        var due: [String] = []
        for try await id in try await context.client.queryUnlessClosed(
            """
            SELECT r.request_id FROM reporting.requests r WHERE r.completed_at IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM reporting.reports p WHERE p.kind = 'integration' AND p.subject = r.request_id)
            ORDER BY r.completed_at LIMIT \(limit)
            """, logger: context.logger
        ).decode(String.self) { due.append(id) }
        return due
    }

    /// A stored report's listing entry.
    struct Entry: Sendable {
        let reportId: String
        let kind: String
        let subject: String
        let period: String?
        let version: Int
        let agencyCode: String?
        let title: String
        let sha256: String
        let generatedAt: Date
    }

    /// Stored reports, newest first (at most 500), optionally of one kind and subject.
    func entries(kind: String?, subject: String?) async throws -> [Entry] {
        var result: [Entry] = []
        for try await (id, kind, subject, period, version, agency, title, digest, at) in try await context.client
            .queryUnlessClosed(
                """
                SELECT report_id, kind, subject, period, version, agency_code, title, sha256, generated_at FROM reporting.reports
                WHERE (\(kind)::text IS NULL OR kind = \(kind)) AND (\(subject)::text IS NULL OR subject = \(subject))
                ORDER BY generated_at DESC, version DESC LIMIT 500
                """, logger: context.logger
            ).decode((String, String, String, String?, Int, String?, String, String, Date).self)
        {
            result.append(
                Entry(
                    reportId: id, kind: kind, subject: subject, period: period, version: version, agencyCode: agency,
                    title: title,
                    sha256: digest, generatedAt: at))
        }
        return result
    }

    /// A stored report's HTML with who may read it.
    func document(_ reportId: String) async throws -> (kind: String, agencyCode: String?, html: String, title: String)?
    {
        for try await (kind, agency, html, title) in try await context.client.queryUnlessClosed(
            """
            SELECT kind, agency_code, html, title FROM reporting.reports WHERE report_id = \(reportId)
            """, logger: context.logger
        ).decode((String, String?, String, String).self) {
            return (kind, agency, html, title)
        }
        return nil
    }
}

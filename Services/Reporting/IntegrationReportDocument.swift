import Foundation
import JembatanShared
import Logging

/// The integration report as a document of record (Kaltim step 12, "Laporan hasil integrasi"):
/// numbered when its first version is published, verified by the Kepala Bidang and signed by the
/// Kepala Dinas (the profile's rule), printed from the stored report with the signature block.
enum IntegrationReportDocument {
    static let schema = SchemaName("reporting")
    /// The archive classification of a report (Tata Naskah Dinas: 000.5 — data and statistics).
    static let classification = "000.5.4"

    /// The rule of the request's profile, else the standard one.
    static func rule(profile: String?) -> DocumentRule? {
        let kind = DocumentKind.integrationReport
        return profile.flatMap { SOPProfileCatalog.all[$0] }?.documentRule(kind)
            ?? DocumentRule.standard.first { $0.kind == kind }
    }

    /// Signing over reporting's documents: the page is the stored report the document numbers.
    static func signing(_ context: ServiceContext) -> DocumentSigning {
        DocumentSigning(
            owner: .reporting, schema: schema, client: context.client, configuration: context.configuration
        ) { document, logger in
            guard let reportId = document.body["reportId"],
                let html = try await ReportArchive(context: context).html(reportId: reportId)
            else { throw APIError.notFound("report") }
            // The stored report is not changed: its number is printed below it, as the signature is.
            return try DocumentNumberLine.inserted(into: html, number: document.number, state: document.state)
        }
    }
}

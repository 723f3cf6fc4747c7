import Foundation
import JembatanShared
import Logging
import PostgresNIO

/// The producer's validation result report ("Laporan hasil validasi", Kaltim step 9): numbered
/// when the producer accepts on a named run, signed by the producer (the profile's rule).
enum ValidationReportDocument {
    static let schema = SchemaName("validation")

    static func issue(
        requestId: String, agency: String, evidence: ValidationEvidence, note: String, profile: SOPProfile,
        by actor: ActorReference, at date: Date, on connection: PostgresConnection, logger: Logger
    ) async throws -> StoredDocument {
        let kind = DocumentKind.validationReport
        var body = [
            "agency": agency, "run": evidence.runId, "score": Indonesian.percent(evidence.score),
            "result": evidence.passed ? "lulus" : "tidak lulus (diterima dengan alasan)",
            "failed": evidence.failedChecks.isEmpty ? "–" : evidence.failedChecks.joined(separator: ", "),
            "note": note.isEmpty ? "–" : note, "by": actor.id, "date": Indonesian.moment(date),
        ]
        if let missing = evidence.missingInHub, let extra = evidence.extraInHub, let changed = evidence.changed {
            body["reconciliation"] = "\(missing) tidak ada di hub, \(extra) lebih, \(changed) berbeda"
        }
        return try await DocumentStore.issue(
            schema: schema, requestId: requestId, kind: kind, agency: agency, title: DocumentKind.titles[kind] ?? kind,
            body: body, defaultClassification: "000.5.2", rule: profile.documentRule(kind), at: date,
            on: connection, logger: logger)
    }

    /// Signing over validation's documents.
    static func signing(_ context: ServiceContext) -> DocumentSigning {
        DocumentSigning(
            owner: .validation, schema: schema, client: context.client, configuration: context.configuration
        ) { document, _ in
            try RecordDocumentPage.render(
                document, heading: "LAPORAN HASIL VALIDASI DATA",
                opening: "Instansi pemilik data telah memeriksa data yang terintegrasi di hub dan menerimanya.",
                lines: [
                    ("Instansi", "agency"), ("Uji validasi", "run"), ("Skor mutu", "score"), ("Hasil", "result"),
                    ("Pemeriksaan gagal", "failed"), ("Rekonsiliasi", "reconciliation"), ("Catatan", "note"),
                    ("Diputuskan oleh", "by"), ("Tanggal", "date"),
                ])
        }
    }
}

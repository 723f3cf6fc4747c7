import Foundation
import JembatanShared
import Logging
import PostgresNIO

/// The hand-over record (berita acara serah terima, Kaltim step 10; the laboratory's hand-over):
/// numbered with the hand-over, verified by the technical team and signed by the Kepala Bidang
/// (the profile's rule).
enum HandOverRecord {
    static let schema = SchemaName("provisioning")

    static func issue(
        requestId: String, contractId: String, note: String, profile: SOPProfile, by actor: ActorReference,
        at date: Date, on connection: PostgresConnection, logger: Logger
    ) async throws -> StoredDocument {
        let kind = DocumentKind.handOverRecord
        let datasets = try await DatasetStore.endpoints(ofRequest: requestId, on: connection, logger: logger)
        let agency = datasets.first?.agencyCode ?? ""
        return try await DocumentStore.issue(
            schema: schema, requestId: requestId, kind: kind, agency: agency, title: DocumentKind.titles[kind] ?? kind,
            body: [
                "agency": agency, "contract": contractId,
                "datasets": datasets.filter { $0.contractId == contractId }.map { "\($0.dataset) (\($0.path))" }
                    .joined(separator: ", "),
                "step": profile.line(for: .handOver)?.reference ?? "Serah terima", "note": note, "by": actor.id,
                "date": Indonesian.moment(date),
            ], defaultClassification: "000.5.2", rule: profile.documentRule(kind), at: date, on: connection,
            logger: logger)
    }

    /// Signing over provisioning's documents.
    static func signing(_ context: ServiceContext) -> DocumentSigning {
        DocumentSigning(
            owner: .provisioning, schema: schema, client: context.client, configuration: context.configuration
        ) { document, _ in
            try RecordDocumentPage.render(
                document, heading: "BERITA ACARA SERAH TERIMA HASIL INTEGRASI DATA",
                opening:
                    "Pada tanggal yang tercantum, hasil integrasi data berikut diserahterimakan oleh Dinas Komunikasi dan Informatika kepada instansi pemilik data.",
                lines: [
                    ("Instansi penerima", "agency"), ("Kontrak data", "contract"),
                    ("Dataset dan alamat API", "datasets"),
                    ("Langkah SOP", "step"), ("Yang diserahkan", "note"), ("Diserahkan oleh", "by"),
                    ("Tanggal", "date"),
                ],
                closing: "Demikian berita acara ini dibuat untuk dipergunakan sebagaimana mestinya.")
        }
    }
}

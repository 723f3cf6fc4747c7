import Foundation
import JembatanShared
import Logging
import PostgresNIO

/// The technical team's integration formulation ("Dokumen Rumusan Integrasi Data", Kaltim step 4):
/// numbered when the interchange document step is recorded, verified by the technical team and
/// signed by the Kepala Bidang (the profile's rule).
enum FormulationDocument {
    static let schema = SchemaName("evaluation")

    static func issue(
        contract: StoredContract, note: String, step: String, profile: SOPProfile, by actor: ActorReference,
        at date: Date, on connection: PostgresConnection, logger: Logger
    ) async throws -> StoredDocument {
        let kind = DocumentKind.integrationFormulation
        return try await DocumentStore.issue(
            schema: schema, requestId: contract.requestId, kind: kind, agency: contract.agencyCode,
            title: DocumentKind.titles[kind] ?? kind,
            body: [
                "agency": contract.agencyCode, "contract": "versi \(contract.version) (\(contract.contractId))",
                "datasets": contract.datasets.map { "\($0.name) (\($0.fields.count) kolom)" }.joined(separator: ", "),
                "consumers": contract.consumers.isEmpty ? "–" : contract.consumers.joined(separator: ", "),
                "step": step, "note": note, "by": actor.id, "date": Indonesian.moment(date),
            ], defaultClassification: "000.5.2", rule: profile.documentRule(kind), at: date, on: connection,
            logger: logger)
    }

    /// Signing over evaluation's documents.
    static func signing(_ context: ServiceContext) -> DocumentSigning {
        DocumentSigning(
            owner: .evaluation, schema: schema, client: context.client, configuration: context.configuration
        ) { document, _ in
            try RecordDocumentPage.render(
                document, heading: "DOKUMEN RUMUSAN INTEGRASI DATA",
                opening:
                    "Tim teknis merumuskan skenario integrasi dan pertukaran data melalui web service yang disepakati sebagai berikut.",
                lines: [
                    ("Instansi pemilik data", "agency"), ("Kontrak data", "contract"), ("Dataset", "datasets"),
                    ("Instansi pengguna", "consumers"), ("Langkah SOP", "step"), ("Rumusan", "note"),
                    ("Dicatat oleh", "by"), ("Tanggal", "date"),
                ])
        }
    }
}

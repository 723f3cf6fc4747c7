import Foundation
import Hummingbird
import JembatanShared

/// `POST /v1/ddl/import`: the producer's own `CREATE TABLE` statements turned into dataset
/// definitions (to complete with classification and update frequency, then submit).
struct DDLImportController: Sendable {
    let context: ServiceContext

    func register(on router: Router<JembatanRequestContext>) {
        router.post("v1/ddl/import", use: importDDL)
    }

    @Sendable func importDDL(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        _ = try routeContext.require([.producer, .technical])
        let limit = 1 << 20
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw APIError(.contentTooLarge, code: "body_too_large", message: "DDL larger than \(limit) bytes")
        }
        guard let sql = String(validating: buffer.readableBytesView, as: UTF8.self),
            !sql.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        else {
            throw APIError.validationFailed([
                FieldViolation(
                    field: "body", rule: "required", message: "send the CREATE TABLE statements as UTF-8 text")
            ])
        }
        return try JSONResponse.make(DDLImporter.importDefinitions(sql))
    }
}

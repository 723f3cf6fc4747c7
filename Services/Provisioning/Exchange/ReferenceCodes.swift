import Foundation
import Hummingbird
import JembatanShared
import Logging
import PostgresNIO

/// `PUT /v1/reference/{set}` (admin): replaces a reference list from CSV `code,label` (a header row first);
/// `GET /v1/reference`: the loaded lists.
struct ReferenceController: Sendable {
    let context: ServiceContext

    func register(on router: Router<JembatanRequestContext>) {
        router.put("v1/reference/:set", use: importList)
        router.get("v1/reference", use: list)
    }

    struct ListSummary: Codable {
        let referenceSet: String
        let codes: Int
        let importedAt: Date
        let importedBy: String
    }

    @Sendable func importList(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.admin, .technical])
        guard let set = routeContext.parameters.get("set"), HubDataset.isSafeName(set) else {
            throw APIError(
                .badRequest, code: "invalid_parameter", message: "a reference list name is lower snake case",
                field: "set")
        }
        var lines = LineSplitter(csv: true)
        var codes: [String] = []
        var labels: [String] = []
        var seen = Set<String>()
        var violations: [FieldViolation] = []
        func take(_ line: UnsafeBufferPointer<UInt8>, _ lineNumber: Int) {
            guard lineNumber > 1, !line.isEmpty else { return }
            let cells = CSVRow.cells(line)
            guard cells.count >= 2, !cells[0].isEmpty else {
                if violations.count < 100 {
                    violations.append(
                        FieldViolation(field: "line[\(lineNumber)]", rule: "syntax", message: "expected code,label"))
                }
                return
            }
            guard seen.insert(cells[0]).inserted else {
                if violations.count < 100 {
                    violations.append(
                        FieldViolation(
                            field: "line[\(lineNumber)]", rule: "unique", message: "code '\(cells[0])' appears twice"))
                }
                return
            }
            codes.append(cells[0])
            labels.append(cells[1])
        }
        for try await buffer in request.body {
            try lines.feed(buffer, take)
        }
        try lines.finish(take)
        guard violations.isEmpty else { throw APIError.validationFailed(violations) }
        guard !codes.isEmpty else {
            throw APIError.validationFailed([
                FieldViolation(field: "body", rule: "required", message: "the list has no codes")
            ])
        }
        let now = Date()
        try await context.client.inTransaction(logger: routeContext.logger) { connection in
            try await DatasetStore.replaceReferenceList(
                set, codes: codes, labels: labels, by: account.name, at: now, on: connection,
                logger: routeContext.logger)
        }
        return try JSONResponse.make(
            ListSummary(referenceSet: set, codes: codes.count, importedAt: now, importedBy: account.name))
    }

    @Sendable func list(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        _ = try routeContext.require(Set(Role.allCases))
        let lists = try await DatasetStore.referenceLists(client: context.client, logger: routeContext.logger).map {
            ListSummary(referenceSet: $0.set, codes: $0.codes, importedAt: $0.importedAt, importedBy: $0.importedBy)
        }
        return try JSONResponse.make(["lists": lists])
    }
}

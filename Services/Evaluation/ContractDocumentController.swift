import Foundation
import Hummingbird
import JembatanShared

/// The interchange document (dataset contract vN) as JSON, as JSON Schema, and as a printable HTML page.
struct ContractDocumentController: Sendable {
    let context: ServiceContext

    func register(on router: Router<JembatanRequestContext>) {
        router.get("v1/contracts/:contractId", use: show)
        router.get("v1/contracts/:contractId/schema.json", use: schema)
        router.get("v1/contracts/:contractId/document", use: document)
    }

    struct Contract: Encodable {
        let contractId: String
        let requestId: String
        let version: Int
        let agencyCode: String
        let consumers: [String]
        let agreedAt: Date
        let datasets: [DatasetDefinition]
    }

    /// Loads the contract if `request`'s account may read it (office roles, the producing agency, its consumers).
    func load(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Contract {
        let account = try routeContext.require([.producer, .consumer, .head, .supervisor, .technical, .admin])
        guard let contractId = routeContext.parameters.get("contractId"), UUIDText.isValid(contractId) else { throw APIError.notFound("contract") }
        guard let stored = try await EvaluationStore.contract(contractId.lowercased(), client: context.client, logger: routeContext.logger),
              account.mayAccess(agency: stored.agencyCode) || (account.role == .consumer && stored.consumers.contains(account.agencyCode ?? "")) else {
            throw APIError.notFound("contract")
        }
        return Contract(contractId: stored.contractId, requestId: stored.requestId, version: stored.version, agencyCode: stored.agencyCode,
                        consumers: stored.consumers, agreedAt: stored.agreedAt, datasets: stored.datasets)
    }

    @Sendable func show(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        try JSONResponse.make(try await load(request, routeContext))
    }

    @Sendable func schema(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let contract = try await load(request, routeContext)
        var schemas: [String: Any] = [:]
        for dataset in contract.datasets { schemas[dataset.name] = ContractSchema.jsonSchema(of: dataset, contract: contract.contractId, version: contract.version) }
        let body: [String: Any] = ["contractId": contract.contractId, "version": contract.version, "schemas": schemas]
        let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])
        return Response(status: .ok, headers: [.contentType: "application/schema+json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    @Sendable func document(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let contract = try await load(request, routeContext)
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: ContractSchema.html(contract))))
    }
}

/// Renders a contract for machines (JSON Schema 2020-12) and for people (HTML).
enum ContractSchema {
    /// Kemendagri code shapes: province `35`, regency `35.14`, district `35.14.01`, village `35.14.01.2001`.
    static let regionCodePattern = #"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$"#

    static func jsonSchema(of dataset: DatasetDefinition, contract: String, version: Int) -> [String: Any] {
        var properties: [String: Any] = [:]
        for field in dataset.fields {
            var property: [String: Any]
            switch field.kind {
            case .integer: property = ["type": "integer"]
            case .decimal: property = ["type": "number"]
            case .boolean: property = ["type": "boolean"]
            case .date: property = ["type": "string", "format": "date"]
            case .datetime: property = ["type": "string", "format": "date-time"]
            case .regionCode: property = ["type": "string", "pattern": regionCodePattern]
            default: property = ["type": "string"]
            }
            if let description = field.description { property["description"] = description }
            if let values = field.allowedValues { property["enum"] = values }
            if let reference = field.references { property["x-references"] = reference }
            if !field.required { property["type"] = [property["type"]!, "null"] }
            properties[field.name] = property
        }
        var schema: [String: Any] = [
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "urn:jembatan:contract:\(contract):v\(version):\(dataset.name)",
            "title": dataset.name,
            "type": "object",
            "properties": properties,
            "required": dataset.fields.filter(\.required).map(\.name),
            "additionalProperties": false,
            "x-primaryKey": dataset.primaryKey,
        ]
        if let description = dataset.description { schema["description"] = description }
        if let classification = dataset.classification { schema["x-classification"] = classification }
        if let frequency = dataset.updateFrequency { schema["x-updateFrequency"] = frequency }
        return schema
    }

    static func html(_ contract: ContractDocumentController.Contract) -> String {
        let escape = HTMLText.escape
        var sections = ""
        for dataset in contract.datasets {
            var rows = ""
            for field in dataset.fields {
                let constraints = [field.allowedValues.map { "salah satu: " + $0.joined(separator: ", ") }, field.references.map { "referensi: " + $0 }]
                    .compactMap { $0 }.joined(separator: "; ")
                rows += "<tr><td><code>\(escape(field.name))</code>\(dataset.primaryKey.contains(field.name) ? " <b>(kunci)</b>" : "")</td><td>\(escape(field.type))</td>"
                rows += "<td>\(field.required ? "wajib" : "opsional")</td><td>\(escape(field.description ?? ""))</td><td>\(escape(constraints))</td></tr>"
            }
            sections += """
                <h2>Dataset <code>\(escape(dataset.name))</code></h2>
                <p>\(escape(dataset.description ?? ""))</p>
                <p>Klasifikasi: <b>\(escape(dataset.classification ?? "–"))</b> · Frekuensi pemutakhiran: <b>\(escape(dataset.updateFrequency ?? "–"))</b> · Kunci utama: <code>\(escape(dataset.primaryKey.joined(separator: ", ")))</code></p>
                <table><thead><tr><th>Kolom</th><th>Tipe</th><th>Wajib</th><th>Keterangan</th><th>Batasan</th></tr></thead><tbody>\(rows)</tbody></table>
                """
        }
        return """
            <!doctype html><html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Dokumen Interchange — kontrak \(escape(contract.contractId)) v\(contract.version)</title>
            <style>body{font-family:system-ui,sans-serif;margin:2rem;color:#1b1b1b}table{border-collapse:collapse;width:100%;margin-bottom:1.5rem}
            th,td{border:1px solid #ccc;padding:.35rem;text-align:left;font-size:.85rem;vertical-align:top}th{background:#f1f1f1}
            @media print{body{margin:1cm}}</style></head><body>
            <h1>Dokumen Interchange Data</h1>
            <p>Kontrak dataset <code>\(escape(contract.contractId))</code>, versi \(contract.version), disepakati \(ISO8601DateFormatter().string(from: contract.agreedAt))</p>
            <p>Produsen data: <b>\(escape(contract.agencyCode))</b> · Permohonan <code>\(escape(contract.requestId))</code></p>
            <p>Konsumen (hak baca): \(escape(contract.consumers.isEmpty ? "–" : contract.consumers.joined(separator: ", ")))</p>
            \(sections)
            </body></html>
            """
    }
}

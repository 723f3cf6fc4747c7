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
        guard let contractId = routeContext.parameters.get("contractId"), UUIDText.isValid(contractId) else {
            throw APIError.notFound("contract")
        }
        guard
            let stored = try await EvaluationStore.contract(
                contractId.lowercased(), client: context.client, logger: routeContext.logger),
            account.mayAccess(agency: stored.agencyCode)
                || (account.role == .consumer && stored.consumers.contains(account.agencyCode ?? ""))
        else {
            throw APIError.notFound("contract")
        }
        return Contract(
            contractId: stored.contractId, requestId: stored.requestId, version: stored.version,
            agencyCode: stored.agencyCode,
            consumers: stored.consumers, agreedAt: stored.agreedAt, datasets: stored.datasets)
    }

    @Sendable func show(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        try JSONResponse.make(try await load(request, routeContext))
    }

    @Sendable func schema(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let contract = try await load(request, routeContext)
        var schemas: [String: Any] = [:]
        for dataset in contract.datasets {
            schemas[dataset.name] = ContractSchema.jsonSchema(
                of: dataset, contract: contract.contractId, version: contract.version)
        }
        let body: [String: Any] = ["contractId": contract.contractId, "version": contract.version, "schemas": schemas]
        let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])
        return Response(
            status: .ok, headers: [.contentType: "application/schema+json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    @Sendable func document(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let contract = try await load(request, routeContext)
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: try ContractSchema.html(contract))))
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
            // The value rules the hub enforces on every push, so a producer can check records before sending them.
            if let pattern = field.pattern { property["pattern"] = pattern }
            if let minimum = field.minimum { property["minimum"] = minimum }
            if let maximum = field.maximum { property["maximum"] = maximum }
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

    /// What the printable document shows (the `contract-document` template).
    struct View: Sendable {
        struct Field: Sendable {
            let name: String
            let isKey: Bool
            let type: String
            let presence: String
            let description: String
            let constraints: String
        }

        struct Dataset: Sendable {
            let name: String
            let description: String
            let classification: String
            let frequency: String
            let key: String
            let fields: [Field]
        }

        let contractId: String
        let version: Int
        let agreed: String
        let agency: String
        let requestId: String
        let consumers: String
        let datasets: [Dataset]
    }

    /// The rules a field's values must follow, in words (the same the hub enforces).
    static func constraints(of field: FieldDefinition) -> String {
        [
            field.allowedValues.map { "salah satu: " + $0.joined(separator: ", ") },
            field.references.map { "referensi: " + $0 },
            field.pattern.map { "pola: " + $0 }, field.minimum.map { "minimum: \(number($0))" },
            field.maximum.map { "maksimum: \(number($0))" },
        ]
        .compactMap { $0 }.joined(separator: "; ")
    }

    static func number(_ value: Double) -> String { value == value.rounded() ? String(Int(value)) : String(value) }

    static func view(_ contract: ContractDocumentController.Contract) -> View {
        View(
            contractId: contract.contractId, version: contract.version, agreed: WIB.format(contract.agreedAt),
            agency: contract.agencyCode,
            requestId: contract.requestId,
            consumers: contract.consumers.isEmpty ? "–" : contract.consumers.joined(separator: ", "),
            datasets: contract.datasets.map { dataset in
                View.Dataset(
                    name: dataset.name, description: dataset.description ?? "",
                    classification: dataset.classification ?? "–",
                    frequency: dataset.updateFrequency ?? "–", key: dataset.primaryKey.joined(separator: ", "),
                    fields: dataset.fields.map {
                        View.Field(
                            name: $0.name, isKey: dataset.primaryKey.contains($0.name), type: $0.type,
                            presence: $0.required ? "wajib" : "opsional",
                            description: $0.description ?? "", constraints: constraints(of: $0))
                    })
            })
    }

    static func html(_ contract: ContractDocumentController.Contract) throws -> String {
        try EvaluationService.views.render("contract-document", view(contract))
    }
}

import JembatanShared

/// OpenAPI 3.1 of the provisioning service.
enum ProvisioningOpenAPI {
    static let document = OpenAPIDocument.make(service: .provisioning, summary: "SOP steps 5-7: dataset storage and endpoints on the exchange hub, integration unit test", paths: """
        "/v1/requests/{id}/endpoints": {"get": {"summary": "Endpoints and integration-test evidence of a request", "parameters": [{"$ref": "#/components/parameters/RequestId"}],
          "responses": {"200": {"description": "the provisioned API", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Provisioning"}}}},
            "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}}
        """, schemas: """
        "Provisioning": {"type": "object", "required": ["requestId", "endpoints", "integrationTests"], "properties": {
          "requestId": {"type": "string"},
          "endpoints": {"type": "array", "items": {"type": "object", "required": ["contractId", "dataset", "path", "provisionedAt"], "properties": {"contractId": {"type": "string"}, "dataset": {"type": "string"}, "path": {"type": "string"}, "provisionedAt": {"type": "string", "format": "date-time"}}}},
          "integrationTests": {"type": "array", "items": {"type": "object", "required": ["contractId", "passed", "checks", "ranAt"], "properties": {"contractId": {"type": "string"}, "passed": {"type": "boolean"}, "checks": {"type": "array", "items": {"type": "string"}}, "ranAt": {"type": "string", "format": "date-time"}}}}}}
        """)
}

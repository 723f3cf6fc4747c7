import JembatanShared

/// OpenAPI 3.1 of the evaluation service.
enum EvaluationOpenAPI {
    static let document = OpenAPIDocument.make(service: .evaluation, summary: "SOP steps 3-4: technical review, decision, versioned dataset contract", paths: """
        "/v1/requests/{id}/review": {"get": {"summary": "Review findings, decisions and contract versions of a request", "parameters": [{"$ref": "#/components/parameters/RequestId"}],
          "responses": {"200": {"description": "the evaluation", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Evaluation"}}}},
            "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}}
        """, schemas: """
        "Finding": {"type": "object", "required": ["severity", "dataset", "rule", "message"], "properties": {"severity": {"type": "string", "enum": ["blocking", "warning", "info"]}, "dataset": {"type": "string"}, "field": {"type": "string"}, "rule": {"type": "string"}, "message": {"type": "string"}}},
        "Evaluation": {"type": "object", "required": ["requestId", "reviews", "contracts"], "properties": {
          "requestId": {"type": "string"},
          "reviews": {"type": "array", "items": {"type": "object", "required": ["decision", "findings", "decidedBy", "decidedAt"], "properties": {"decision": {"type": "string", "enum": ["agreed", "returned"]}, "findings": {"type": "array", "items": {"$ref": "#/components/schemas/Finding"}}, "decidedBy": {"type": "string"}, "decidedAt": {"type": "string", "format": "date-time"}}}},
          "contracts": {"type": "array", "items": {"type": "object", "required": ["contractId", "version", "agreedAt", "datasets"], "properties": {"contractId": {"type": "string"}, "version": {"type": "integer"}, "agreedAt": {"type": "string", "format": "date-time"}, "datasets": {"type": "array", "items": {"$ref": "#/components/schemas/Dataset"}}}}}}}
        """)
}

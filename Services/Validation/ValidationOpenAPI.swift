import JembatanShared

/// OpenAPI 3.1 of the validation service.
enum ValidationOpenAPI {
    static let document = OpenAPIDocument.make(service: .validation, summary: "SOP steps 8-9: validation case and the producer's final evaluation", paths: """
        "/v1/requests/{id}": {"get": {"summary": "Validation case of a request", "parameters": [{"$ref": "#/components/parameters/RequestId"}],
          "responses": {"200": {"description": "the case", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Case"}}}},
            "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}},
        "/v1/requests/{id}/decision": {"post": {"summary": "Record the producer's final evaluation: accept, or reject with reasons (reopens at step 3)", "parameters": [{"$ref": "#/components/parameters/RequestId"}],
          "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["decision"], "properties": {"decision": {"type": "string", "enum": ["accept", "reject"]}, "note": {"type": "string", "maxLength": 2000}, "reasons": {"type": "array", "items": {"type": "string"}}}}}}},
          "responses": {"200": {"description": "decision recorded", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Case"}}}},
            "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"},
            "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}}}}
        """, schemas: """
        "Case": {"type": "object", "required": ["requestId", "contractId", "state", "provisionedAt"], "properties": {
          "requestId": {"type": "string"}, "contractId": {"type": "string"}, "state": {"type": "string", "enum": ["awaiting_decision", "accepted", "reopened"]},
          "provisionedAt": {"type": "string", "format": "date-time"}, "decidedBy": {"type": "string"}, "decidedAt": {"type": "string", "format": "date-time"}, "note": {"type": "string"}}}
        """)
}

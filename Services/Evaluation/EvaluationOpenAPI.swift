import JembatanShared

/// OpenAPI 3.1 of the evaluation service.
enum EvaluationOpenAPI {
    static let document = OpenAPIDocument.make(
        service: .evaluation, summary: "SOP steps 3-4: technical review, decision, versioned dataset contract",
        paths: """
            \(DocumentRoutes.openAPIPaths)
            "/v1/requests/{id}/steps": {"post": {"summary": "Record a step the request's profile has its actor record as done: the interchange document (step 4), the laboratory's assignment, design and build. The last one before the API announces the contract.", "parameters": [{"$ref": "#/components/parameters/RequestId"}],
              "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["phase", "note"], "properties": {"phase": {"type": "string", "enum": ["assignment", "interchange_document", "design", "build"]}, "note": {"type": "string", "minLength": 1, "maxLength": 2000}}}}}},
              "responses": {"201": {"description": "recorded", "content": {"application/json": {"schema": {"type": "object", "required": ["requestId", "phase", "contractAnnounced"]}}}}, "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}}}},
            "/v1/requests/{id}/review": {"get": {"summary": "Review findings, decisions and contract versions of a request", "parameters": [{"$ref": "#/components/parameters/RequestId"}],
              "responses": {"200": {"description": "the evaluation", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Evaluation"}}}},
                "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}}
            ,
            "/v1/requests/{id}/decision": {"post": {"summary": "The technical team agrees the dataset contract or returns the request with reasons", "parameters": [{"$ref": "#/components/parameters/RequestId"}],
              "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["decision"], "properties": {"decision": {"type": "string", "enum": ["agree", "return"]},
                "reasons": {"type": "array", "items": {"type": "object", "required": ["message"], "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}}}}}}},
              "responses": {"200": {"description": "decided", "content": {"application/json": {"schema": {"type": "object", "required": ["requestId", "decision"], "properties": {"requestId": {"type": "string"}, "decision": {"type": "string", "enum": ["agreed", "returned"]}, "contractId": {"type": "string"}, "contractVersion": {"type": "integer"}}}}}},
                "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"},
                "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}}}}
            ,
            "/v1/contracts/{contractId}": {"get": {"summary": "The dataset contract (interchange document) as JSON", "parameters": [{"$ref": "#/components/parameters/ContractId"}],
              "responses": {"200": {"description": "the contract", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Contract"}}}},
                "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}},
            "/v1/contracts/{contractId}/schema.json": {"get": {"summary": "JSON Schema 2020-12 of each dataset of the contract", "parameters": [{"$ref": "#/components/parameters/ContractId"}],
              "responses": {"200": {"description": "schemas by dataset", "content": {"application/schema+json": {"schema": {"type": "object", "required": ["contractId", "version", "schemas"], "properties": {"contractId": {"type": "string"}, "version": {"type": "integer"}, "schemas": {"type": "object", "additionalProperties": {"type": "object"}}}}}}},
                "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}},
            "/v1/contracts/{contractId}/document": {"get": {"summary": "The interchange document as a printable HTML page", "parameters": [{"$ref": "#/components/parameters/ContractId"}],
              "responses": {"200": {"description": "HTML", "content": {"text/html": {"schema": {"type": "string"}}}},
                "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}}
            """,
        schemas: """
            \(DocumentRoutes.openAPIComponents),
            "Contract": {"type": "object", "required": ["contractId", "requestId", "version", "agencyCode", "consumers", "agreedAt", "datasets"], "properties": {
              "contractId": {"type": "string"}, "requestId": {"type": "string"}, "version": {"type": "integer"}, "agencyCode": {"type": "string"},
              "consumers": {"type": "array", "items": {"type": "string"}}, "agreedAt": {"type": "string", "format": "date-time"}, "datasets": {"type": "array", "items": {"$ref": "#/components/schemas/Dataset"}}}},
            "Finding": {"type": "object", "required": ["severity", "dataset", "rule", "message"], "properties": {"severity": {"type": "string", "enum": ["blocking", "warning", "info"]}, "dataset": {"type": "string"}, "field": {"type": "string"}, "rule": {"type": "string"}, "message": {"type": "string"}}},
            "Evaluation": {"type": "object", "required": ["requestId", "state", "version", "findings", "reviews", "contracts"], "properties": {
              "requestId": {"type": "string"}, "state": {"type": "string", "enum": ["awaiting_disposition", "awaiting_decision", "agreed", "returned", "withdrawn"]},
              "version": {"type": "integer"}, "findings": {"type": "array", "items": {"$ref": "#/components/schemas/Finding"}},
              "reviews": {"type": "array", "items": {"type": "object", "required": ["decision", "version", "findings", "reasons", "decidedBy", "decidedAt"], "properties": {"decision": {"type": "string", "enum": ["agreed", "returned"]}, "version": {"type": "integer"}, "findings": {"type": "array", "items": {"$ref": "#/components/schemas/Finding"}},
                "reasons": {"type": "array", "items": {"type": "object", "required": ["message"], "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}}, "decidedBy": {"type": "string"}, "decidedAt": {"type": "string", "format": "date-time"}}}},
              "contracts": {"type": "array", "items": {"type": "object", "required": ["contractId", "version", "agreedAt", "datasets"], "properties": {"contractId": {"type": "string"}, "version": {"type": "integer"}, "agreedAt": {"type": "string", "format": "date-time"}, "datasets": {"type": "array", "items": {"$ref": "#/components/schemas/Dataset"}}}}}}}
            """)
}

import JembatanShared

/// OpenAPI 3.1 of the intake service.
enum IntakeOpenAPI {
    static let document = OpenAPIDocument.make(
        service: .intake, summary: "SOP steps 1-2: requests, data definitions, completeness check, disposition",
        paths: """
            "/v1/requests": {"post": {"summary": "Submit a request with its data definition (producer)",
              "parameters": [{"name": "Idempotency-Key", "in": "header", "required": false, "schema": {"type": "string", "minLength": 1, "maxLength": 200}, "description": "a repeated submission with the same key and body answers with the request the first one created (header Idempotent-Replayed: true) and creates nothing; the same key with another body is refused (422 idempotency_key_reused)"}],
              "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Submission"}}}},
              "responses": {"201": {"description": "submitted", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Accepted"}}}},
                "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"},
                "413": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}}}},
            "/v1/requests/{id}": {"put": {"summary": "Revise a returned request and submit it again as a new version (producer)", "parameters": [{"$ref": "#/components/parameters/RequestId"}],
              "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Revision"}}}},
              "responses": {"200": {"description": "resubmitted", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Revised"}}}},
                "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"},
                "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}}},
              "get": {"summary": "Read a request", "parameters": [{"$ref": "#/components/parameters/RequestId"}],
              "responses": {"200": {"description": "the request", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Request"}}}},
                "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}},
            "/v1/requests/{id}/disposition": {"post": {"summary": "Issue the disposition to the technical team (head)", "parameters": [{"$ref": "#/components/parameters/RequestId"}],
              "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["note"], "properties": {"note": {"type": "string", "maxLength": 2000}}}}}},
              "responses": {"200": {"description": "dispositioned", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Accepted"}}}},
                "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"},
                "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}}}}
            ,
            "/v1/drafts": {"post": {"summary": "Save an incomplete request as a draft (producer); the answer lists what is still missing",
              "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Draft"}}}},
              "responses": {"201": {"description": "draft saved", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Saved"}}}},
                "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "413": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}}}},
            "/v1/drafts/{id}": {"put": {"summary": "Replace a draft (producer)", "parameters": [{"$ref": "#/components/parameters/RequestId"}],
              "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Draft"}}}},
              "responses": {"200": {"description": "draft saved", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Saved"}}}},
                "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}}},
            "/v1/drafts/{id}/submit": {"post": {"summary": "Submit a complete draft (producer)", "parameters": [{"$ref": "#/components/parameters/RequestId"}],
              "responses": {"200": {"description": "submitted", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Saved"}}}},
                "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}}}},
            "/v1/ddl/import": {"post": {"summary": "Turn CREATE TABLE statements (PostgreSQL or MySQL) into dataset definitions; what is not understood is listed by line",
              "requestBody": {"required": true, "content": {"text/plain": {"schema": {"type": "string"}}, "application/sql": {"schema": {"type": "string"}}}},
              "responses": {"200": {"description": "datasets and problems", "content": {"application/json": {"schema": {"type": "object", "required": ["datasets", "problems"], "properties": {
                  "datasets": {"type": "array", "items": {"$ref": "#/components/schemas/Dataset"}},
                  "problems": {"type": "array", "items": {"type": "object", "required": ["line", "message"], "properties": {"line": {"type": "integer"}, "message": {"type": "string"}}}}}}}}},
                "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "413": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}}}},
            "/v1/requests/{id}/withdraw": {"post": {"summary": "Withdraw a request (producer)", "parameters": [{"$ref": "#/components/parameters/RequestId"}],
              "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string", "maxLength": 2000}}}}}},
              "responses": {"200": {"description": "withdrawn", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Revised"}}}},
                "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"},
                "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}}}},
            "/v1/requests/{id}/diff": {"get": {"summary": "What changed between two versions of the data definition", "parameters": [{"$ref": "#/components/parameters/RequestId"},
                {"name": "from", "in": "query", "schema": {"type": "integer", "minimum": 1}}, {"name": "to", "in": "query", "schema": {"type": "integer", "minimum": 1}}],
              "responses": {"200": {"description": "the differences", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Diff"}}}},
                "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}}
            """,
        schemas: """
            "Draft": {"type": "object", "description": "Like Submission, with every member optional"},
            "Saved": {"type": "object", "required": ["requestId", "state", "missing"], "properties": {"requestId": {"type": "string"}, "state": {"type": "string"},
              "missing": {"type": "array", "items": {"type": "object", "required": ["field", "rule", "message"], "properties": {"field": {"type": "string"}, "rule": {"type": "string"}, "message": {"type": "string"}}}}}},
            "Revision": {"type": "object", "required": ["datasets"], "properties": {"title": {"type": "string"}, "purpose": {"type": "string"}, "datasets": {"type": "array", "minItems": 1, "items": {"$ref": "#/components/schemas/Dataset"}}}},
            "Revised": {"type": "object", "required": ["requestId", "state", "version"], "properties": {"requestId": {"type": "string"}, "state": {"type": "string"}, "version": {"type": "integer"}}},
            "Diff": {"type": "object", "required": ["fromVersion", "toVersion", "changes"], "properties": {"fromVersion": {"type": "integer"}, "toVersion": {"type": "integer"},
              "changes": {"type": "array", "items": {"type": "object", "required": ["path", "change"], "properties": {"path": {"type": "string"}, "change": {"type": "string", "enum": ["dataset_added", "dataset_removed", "primary_key_changed", "field_added", "field_removed", "type_changed", "required_changed"]}, "from": {"type": "string"}, "to": {"type": "string"}}}}}},
            "Submission": {"type": "object", "required": ["title", "purpose", "datasets"], "properties": {
              "agencyCode": {"type": "string"}, "title": {"type": "string", "maxLength": 200}, "purpose": {"type": "string", "maxLength": 4000},
              "profile": {"type": "string", "enum": ["pasuruan", "kaltim", "sragen", "laboratorium"], "description": "SOP profile; its required inputs decide what must be present (default pasuruan)"},
              "legalBasis": {"type": "string"},
              "contactPerson": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}, "email": {"type": "string"}, "phone": {"type": "string"}}},
              "intendedConsumers": {"type": "array", "items": {"type": "string"}},
              "attachments": {"type": "array", "items": {"type": "object", "required": ["name", "mediaType", "sizeBytes"], "properties": {"name": {"type": "string"}, "mediaType": {"type": "string"}, "sizeBytes": {"type": "integer", "minimum": 1}}}},
              "datasets": {"type": "array", "minItems": 1, "items": {"$ref": "#/components/schemas/Dataset"}}}},
            "Accepted": {"type": "object", "required": ["requestId", "state"], "properties": {"requestId": {"type": "string", "format": "uuid"}, "state": {"type": "string"}}},
            "Request": {"type": "object", "required": ["requestId", "agencyCode", "title", "purpose", "profile", "state", "submittedBy", "submittedAt", "datasets"], "properties": {
              "requestId": {"type": "string"}, "agencyCode": {"type": "string"}, "title": {"type": "string"}, "purpose": {"type": "string"}, "profile": {"type": "string"},
              "state": {"type": "string", "enum": ["draft", "submitted", "dispositioned", "returned", "resubmitted", "withdrawn"]}, "submittedBy": {"type": "string"}, "submittedAt": {"type": "string", "format": "date-time"},
              "datasets": {"type": "array", "items": {"$ref": "#/components/schemas/Dataset"}}}}
            """)
}

import JembatanShared

/// OpenAPI 3.1 of the validation service.
enum ValidationOpenAPI {
    static let document = OpenAPIDocument.make(
        service: .validation,
        summary:
            "SOP steps 8-9: quality checks of the hub's records (scorecards), reconciliation with the producer's system, freshness findings, and the producer's final evaluation resting on a run",
        paths: """
            \(DocumentRoutes.openAPIPaths)
            "/v1/requests/{id}/head-review": {"post": {"summary": "Kaltim step 11: the head judges the integrated data after the hand-over: approve (done, kept updated) or send_back to step 3 with reasons", "parameters": [{"$ref": "#/components/parameters/RequestId"}],
              "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["decision"], "properties": {"decision": {"type": "string", "enum": ["approve", "send_back"]}, "note": {"type": "string", "maxLength": 2000}, "reasons": {"type": "array", "items": {"type": "string"}}}}}}},
              "responses": {"200": {"description": "the case", "content": {"application/json": {"schema": {"type": "object"}}}}, "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}}}},
            "/v1/requests/{id}": {"get": {"summary": "Validation case of a request", "parameters": [{"$ref": "#/components/parameters/RequestId"}],
              "responses": {"200": {"description": "the case", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Case"}}}},
                "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}},
            "/v1/requests/{id}/decision": {"post": {"summary": "The producer's final evaluation on a validation run that saw the current data: accept (a failed run needs a note), or reject with reasons (reopens at step 3 with the evidence)", "parameters": [{"$ref": "#/components/parameters/RequestId"}],
              "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["decision", "runId"], "properties": {"decision": {"type": "string", "enum": ["accept", "reject"]},
                "runId": {"type": "string"}, "note": {"type": "string", "maxLength": 2000}, "reasons": {"type": "array", "items": {"type": "string"}}}}}}},
              "responses": {"200": {"description": "decision recorded", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Case"}}}},
                "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"},
                "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}}}},
            "/v1/requests/{id}/validation-runs": {
              "post": {"summary": "Run the quality checks of the request's datasets now (producer, technical, admin); 503 with Retry-After when the hub announced the API a moment ago and validation has not caught up", "parameters": [{"$ref": "#/components/parameters/RequestId"}],
                "responses": {"201": {"description": "the run and its scorecard", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Run"}}}},
                  "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"},
                  "503": {"$ref": "#/components/responses/Error"}}},
              "get": {"summary": "Runs of the request, newest first", "parameters": [{"$ref": "#/components/parameters/RequestId"}],
                "responses": {"200": {"description": "runs", "content": {"application/json": {"schema": {"type": "object", "required": ["runs"], "properties": {"runs": {"type": "array", "items": {"$ref": "#/components/schemas/RunSummary"}}}}}}},
                  "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}},
            "/v1/requests/{id}/validation-runs/{run}": {"get": {"summary": "One run with its scorecard", "parameters": [{"$ref": "#/components/parameters/RequestId"}, {"name": "run", "in": "path", "required": true, "schema": {"type": "string"}}],
              "responses": {"200": {"description": "the run", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Run"}}}},
                "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}},
            "/v1/requests/{id}/reconciliations": {"post": {"summary": "Compare what the producer's own system holds for one dataset (its records as CSV, NDJSON or a JSON array, streamed) with the hub",
              "parameters": [{"$ref": "#/components/parameters/RequestId"}, {"name": "dataset", "in": "query", "required": true, "schema": {"type": "string"}},
                {"name": "declaredCount", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 0}, "description": "how many records the source system holds"}],
              "requestBody": {"required": true, "content": {"text/csv": {"schema": {"type": "string"}}, "application/x-ndjson": {"schema": {"type": "string"}}, "application/json": {"schema": {"type": "array", "items": {"type": "object"}}}}},
              "responses": {"201": {"description": "the comparison", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Reconciliation"}}}},
                "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"},
                "404": {"$ref": "#/components/responses/Error"}, "413": {"$ref": "#/components/responses/Error"}, "415": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}}}},
            "/v1/requests/{id}/reconciliations/{reconciliation}": {"get": {"summary": "One reconciliation", "parameters": [{"$ref": "#/components/parameters/RequestId"}, {"name": "reconciliation", "in": "path", "required": true, "schema": {"type": "string"}}],
              "responses": {"200": {"description": "the comparison", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Reconciliation"}}}},
                "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}},
            "/v1/freshness-checks": {"post": {"summary": "Look for datasets not updated within their frequency (+25 %) as of a moment (default now); new findings are published once per stale period (admin, supervisor, technical)",
              "requestBody": {"required": false, "content": {"application/json": {"schema": {"type": "object", "properties": {"asOf": {"type": "string", "format": "date-time"}}}}}},
              "responses": {"200": {"description": "new findings", "content": {"application/json": {"schema": {"type": "object", "required": ["findings"], "properties": {"findings": {"type": "array", "items": {"$ref": "#/components/schemas/FreshnessFinding"}}}}}}},
                "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}}}}
            """,
        schemas: """
            \(DocumentRoutes.openAPIComponents),
            "Case": {"type": "object", "required": ["requestId", "contractId", "state", "provisionedAt"], "properties": {
              "requestId": {"type": "string"}, "contractId": {"type": "string"}, "state": {"type": "string", "enum": ["awaiting_decision", "accepted", "reopened"]},
              "provisionedAt": {"type": "string", "format": "date-time"}, "decidedBy": {"type": "string"}, "decidedAt": {"type": "string", "format": "date-time"}, "note": {"type": "string"}, "decisionRunId": {"type": "string"}}},
            "Check": {"type": "object", "required": ["dimension", "rule", "passed", "failures", "detail", "examples"], "properties": {
              "dimension": {"type": "string", "enum": ["completeness", "validity", "uniqueness", "timeliness", "consistency", "volume"]}, "rule": {"type": "string"}, "field": {"type": "string"},
              "passed": {"type": "boolean"}, "failures": {"type": "integer"}, "percent": {"type": "number"}, "detail": {"type": "string"}, "examples": {"type": "array", "items": {"type": "string"}}}},
            "Run": {"type": "object", "required": ["runId", "requestId", "contractId", "trigger", "runBy", "asOf", "startedAt", "completedAt", "passed", "score", "records", "failedChecks", "datasets"], "properties": {
              "runId": {"type": "string"}, "requestId": {"type": "string"}, "contractId": {"type": "string"}, "trigger": {"type": "string", "enum": ["manual", "ingest"]}, "runBy": {"type": "string"},
              "asOf": {"type": "string", "format": "date-time"}, "startedAt": {"type": "string", "format": "date-time"}, "completedAt": {"type": "string", "format": "date-time"},
              "passed": {"type": "boolean"}, "score": {"type": "number"}, "records": {"type": "integer"}, "failedChecks": {"type": "array", "items": {"type": "string"}},
              "datasets": {"type": "array", "items": {"type": "object", "required": ["datasetId", "records", "checks"], "properties": {"datasetId": {"type": "string"}, "records": {"type": "integer"},
                "lastUpdate": {"type": "string", "format": "date-time"}, "checks": {"type": "array", "items": {"$ref": "#/components/schemas/Check"}}}}}}},
            "RunSummary": {"type": "object", "required": ["runId", "contractId", "trigger", "runBy", "completedAt", "passed", "score", "records", "failedChecks"], "properties": {
              "runId": {"type": "string"}, "contractId": {"type": "string"}, "trigger": {"type": "string"}, "runBy": {"type": "string"}, "completedAt": {"type": "string", "format": "date-time"},
              "passed": {"type": "boolean"}, "score": {"type": "number"}, "records": {"type": "integer"}, "failedChecks": {"type": "array", "items": {"type": "string"}}}},
            "Keys": {"type": "object", "required": ["count", "examples"], "properties": {"count": {"type": "integer"}, "examples": {"type": "array", "items": {"type": "string"}}}},
            "Reconciliation": {"type": "object", "required": ["reconciliationId", "requestId", "datasetId", "sourceRows", "invalidInSource", "sourceErrors", "duplicateKeysInSource", "sourceRecords", "hubRecords",
                "missingInHub", "extraInHub", "changedCount", "changed", "matched", "consistent", "submittedBy", "completedAt"], "properties": {
              "reconciliationId": {"type": "string"}, "requestId": {"type": "string"}, "datasetId": {"type": "string"}, "declaredCount": {"type": "integer"}, "sourceRows": {"type": "integer"},
              "invalidInSource": {"type": "integer"}, "sourceErrors": {"type": "array", "items": {"type": "object"}}, "duplicateKeysInSource": {"$ref": "#/components/schemas/Keys"},
              "sourceRecords": {"type": "integer"}, "hubRecords": {"type": "integer"}, "missingInHub": {"$ref": "#/components/schemas/Keys"}, "extraInHub": {"$ref": "#/components/schemas/Keys"},
              "changedCount": {"type": "integer"}, "changed": {"type": "array", "items": {"type": "object", "required": ["key", "fields"], "properties": {"key": {"type": "string"}, "fields": {"type": "array", "items": {"type": "string"}}}}},
              "matched": {"type": "integer"}, "consistent": {"type": "boolean"}, "submittedBy": {"type": "string"}, "completedAt": {"type": "string", "format": "date-time"}}},
            "FreshnessFinding": {"type": "object", "required": ["requestId", "datasetId", "updateFrequency", "lastUpdate", "asOf", "ageDays", "allowedDays"], "properties": {
              "requestId": {"type": "string"}, "datasetId": {"type": "string"}, "updateFrequency": {"type": "string"}, "lastUpdate": {"type": "string", "format": "date-time"},
              "asOf": {"type": "string", "format": "date-time"}, "ageDays": {"type": "integer"}, "allowedDays": {"type": "integer"}}}
            """)
}

import JembatanShared

/// OpenAPI 3.1 of the provisioning service: SOP steps 5–7 and the data exchange API of the hub.
enum ProvisioningOpenAPI {
    static let document = OpenAPIDocument.make(
        service: .provisioning,
        summary:
            "SOP steps 5-7 and the exchange hub: dataset storage, the integration unit test, credentials, delivery of results, and the data exchange API (exchange keys jbk_... as bearer tokens on /v1/datasets/{dataset}/records and /changes)",
        paths: """
            \(DocumentRoutes.openAPIPaths)
            "/v1/requests/{id}/integration-test": {"post": {"summary": "The technical team runs a failed integration test again after the fix (the missing reference list loaded): passed, the API is announced", "parameters": [{"$ref": "#/components/parameters/RequestId"}],
              "responses": {"201": {"description": "the test ran", "content": {"application/json": {"schema": {"type": "object", "required": ["requestId", "contractId", "passed"]}}}}, "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}}}},
            "/v1/requests/{id}/hand-over": {"post": {"summary": "The results document is handed over (Kaltim step 10, the laboratory's hand-over), once per contract, after the producer accepted; by the profile's actor", "parameters": [{"$ref": "#/components/parameters/RequestId"}],
              "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["note"], "properties": {"note": {"type": "string", "minLength": 1, "maxLength": 2000}}}}}},
              "responses": {"201": {"description": "recorded", "content": {"application/json": {"schema": {"type": "object"}}}}, "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}}}},
            "/v1/requests/{id}/endpoints": {"get": {"summary": "Endpoints and integration-test evidence of a request", "parameters": [{"$ref": "#/components/parameters/RequestId"}],
              "responses": {"200": {"description": "the provisioned API", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Provisioning"}}}},
                "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}},
            "/v1/requests/{id}/credentials": {"get": {"summary": "Credentials issued for a request (an agency sees its own; office-wide roles all). Never secrets.", "parameters": [{"$ref": "#/components/parameters/RequestId"}],
              "responses": {"200": {"description": "credentials", "content": {"application/json": {"schema": {"type": "object", "required": ["credentials"], "properties": {"credentials": {"type": "array", "items": {"$ref": "#/components/schemas/Credential"}}}}}}},
                "401": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}},
            "/v1/requests/{id}/delivery": {"post": {"summary": "SOP step 7: the supervisor records that the integration results were delivered (once per contract version)", "parameters": [{"$ref": "#/components/parameters/RequestId"}],
              "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["note"], "properties": {"note": {"type": "string", "minLength": 1, "maxLength": 2000}}}}}},
              "responses": {"201": {"description": "recorded", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Delivery"}}}},
                "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"},
                "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}}}},
            "/v1/credentials/{credential}": {
              "get": {"summary": "A credential and its usage (requests, records, last use)", "parameters": [{"$ref": "#/components/parameters/CredentialId"}],
                "responses": {"200": {"description": "the credential", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Credential"}}}}, "401": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}},
              "patch": {"summary": "Change a key's rate (admin, technical)", "parameters": [{"$ref": "#/components/parameters/CredentialId"}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["ratePerMinute"], "properties": {"ratePerMinute": {"type": "integer", "minimum": 1, "maximum": 1000000}}}}}},
                "responses": {"200": {"description": "the credential", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Credential"}}}}, "400": {"$ref": "#/components/responses/Error"},
                  "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}}}},
            "/v1/credentials/{credential}/collect": {"post": {"summary": "The agency collects its key: the secret is made now and is in this answer only", "parameters": [{"$ref": "#/components/parameters/CredentialId"}],
              "responses": {"200": {"description": "the credential with its key", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Credential"}}}},
                "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}}},
            "/v1/credentials/{credential}/rotate": {"post": {"summary": "A new key for the same dataset and scope; the old one keeps working for the overlap window", "parameters": [{"$ref": "#/components/parameters/CredentialId"}],
              "requestBody": {"required": false, "content": {"application/json": {"schema": {"type": "object", "properties": {"overlapMinutes": {"type": "integer", "minimum": 0, "maximum": 10080, "default": 1440}}}}}},
              "responses": {"201": {"description": "the new credential with its key", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Credential"}}}},
                "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"},
                "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}}}},
            "/v1/credentials/{credential}/revoke": {"post": {"summary": "Revoke a key, effective on its next call", "parameters": [{"$ref": "#/components/parameters/CredentialId"}],
              "responses": {"200": {"description": "the revoked credential", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Credential"}}}},
                "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}},
            "/v1/reference": {"get": {"summary": "Reference code lists loaded in the hub", "responses": {"200": {"description": "lists", "content": {"application/json": {"schema": {"type": "object", "required": ["lists"],
                "properties": {"lists": {"type": "array", "items": {"$ref": "#/components/schemas/ReferenceList"}}}}}}}, "401": {"$ref": "#/components/responses/Error"}}}},
            "/v1/reference/{set}": {"put": {"summary": "Replace a reference list from CSV code,label (header row first), e.g. the Kemendagri region list (admin, technical)",
              "parameters": [{"name": "set", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,39}$"}}],
              "requestBody": {"required": true, "content": {"text/csv": {"schema": {"type": "string"}}}},
              "responses": {"200": {"description": "imported", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ReferenceList"}}}},
                "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}}}},
            "/v1/datasets": {"get": {"summary": "Datasets visible to the caller, with Satu Data metadata: an exchange key sees its dataset; an account its agency's own and those it consumes (office-wide roles all)",
              "security": [{"bearer": []}, {"exchangeKey": []}],
              "responses": {"200": {"description": "datasets", "content": {"application/json": {"schema": {"type": "object", "required": ["datasets"], "properties": {"datasets": {"type": "array", "items": {"$ref": "#/components/schemas/DatasetMetadata"}}}}}}},
                "401": {"$ref": "#/components/responses/Error"}}}},
            "/v1/datasets/{dataset}": {"get": {"summary": "One dataset's metadata and contract", "security": [{"bearer": []}, {"exchangeKey": []}], "parameters": [{"$ref": "#/components/parameters/DatasetId"}],
              "responses": {"200": {"description": "the dataset", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DatasetMetadata"}}}}, "401": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}},
            "/v1/datasets/{dataset}/records": {
              "post": {"summary": "Push records (write key): upsert by primary key, each record checked against the contract. NDJSON and CSV are streamed (no size limit); a JSON array is limited to 16 MiB. A batch with a rejected record changes nothing unless partial=true.",
                "security": [{"exchangeKey": []}], "parameters": [{"$ref": "#/components/parameters/DatasetId"},
                  {"name": "partial", "in": "query", "required": false, "schema": {"type": "boolean", "default": false}, "description": "store the valid records of a batch that has rejected ones"},
                  {"name": "Idempotency-Key", "in": "header", "required": false, "schema": {"type": "string", "minLength": 1, "maxLength": 200}, "description": "a retried batch with the same key and body answers with the first result and changes nothing"}],
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "array", "items": {"type": "object"}}}, "application/x-ndjson": {"schema": {"type": "string"}}, "text/csv": {"schema": {"type": "string"}}}},
                "responses": {"200": {"description": "applied", "headers": {"RateLimit-Limit": {"schema": {"type": "integer"}}, "RateLimit-Remaining": {"schema": {"type": "integer"}}, "RateLimit-Reset": {"schema": {"type": "integer"}}}, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/IngestOutcome"}}}},
                  "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"},
                  "413": {"$ref": "#/components/responses/Error"}, "415": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}, "429": {"$ref": "#/components/responses/RateLimited"}}},
              "get": {"summary": "Read records (read key) in key order with an opaque cursor; any contract field is an equality filter", "security": [{"exchangeKey": []}],
                "parameters": [{"$ref": "#/components/parameters/DatasetId"}, {"name": "limit", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}},
                  {"name": "after", "in": "query", "required": false, "schema": {"type": "string"}, "description": "nextCursor of the previous page"}],
                "responses": {"200": {"description": "a page", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RecordPage"}}}},
                  "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "429": {"$ref": "#/components/responses/RateLimited"}}}},
            "/v1/datasets/{dataset}/records/{key}": {"get": {"summary": "One record by primary key (composite keys: values joined with |)", "security": [{"exchangeKey": []}],
              "parameters": [{"$ref": "#/components/parameters/DatasetId"}, {"name": "key", "in": "path", "required": true, "schema": {"type": "string"}}],
              "responses": {"200": {"description": "the record", "content": {"application/json": {"schema": {"type": "object"}}}}, "401": {"$ref": "#/components/responses/Error"},
                "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "429": {"$ref": "#/components/responses/RateLimited"}}}},
            "/v1/datasets/{dataset}/changes": {"get": {"summary": "Records changed after a change number, in the order they changed (an identical re-push is not a change)", "security": [{"exchangeKey": []}],
              "parameters": [{"$ref": "#/components/parameters/DatasetId"}, {"name": "since", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 0, "default": 0}},
                {"name": "limit", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}}],
              "responses": {"200": {"description": "changes", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ChangePage"}}}},
                "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "429": {"$ref": "#/components/responses/RateLimited"}}}}
            """,
        schemas: """
            \(DocumentRoutes.openAPIComponents),
            "Provisioning": {"type": "object", "required": ["requestId", "endpoints", "integrationTests"], "properties": {
              "requestId": {"type": "string"},
              "endpoints": {"type": "array", "items": {"type": "object", "required": ["contractId", "dataset", "path", "provisionedAt"], "properties": {"contractId": {"type": "string"}, "dataset": {"type": "string"}, "datasetId": {"type": "string"}, "path": {"type": "string"}, "provisionedAt": {"type": "string", "format": "date-time"}}}},
              "integrationTests": {"type": "array", "items": {"type": "object", "required": ["contractId", "passed", "checks", "ranAt"], "properties": {"contractId": {"type": "string"}, "passed": {"type": "boolean"}, "checks": {"type": "array", "items": {"type": "string"}},
                "evidence": {"type": "array", "items": {"type": "object", "required": ["dataset", "check", "passed", "detail"], "properties": {"dataset": {"type": "string"}, "check": {"type": "string"}, "passed": {"type": "boolean"}, "detail": {"type": "string"}}}},
                "ranAt": {"type": "string", "format": "date-time"}}}}}},
            "Credential": {"type": "object", "required": ["credentialId", "datasetId", "requestId", "agencyCode", "scope", "state", "issuedAt", "expiresAt", "ratePerMinute", "usage"], "properties": {
              "credentialId": {"type": "string"}, "datasetId": {"type": "string"}, "requestId": {"type": "string"}, "agencyCode": {"type": "string"}, "scope": {"type": "string", "enum": ["read", "write"]},
              "state": {"type": "string", "enum": ["awaiting_collection", "active", "expired", "revoked"]}, "issuedAt": {"type": "string", "format": "date-time"}, "collectedAt": {"type": "string", "format": "date-time"},
              "expiresAt": {"type": "string", "format": "date-time"}, "revokedAt": {"type": "string", "format": "date-time"}, "rotatedFrom": {"type": "string"}, "ratePerMinute": {"type": "integer"},
              "usage": {"type": "object", "required": ["requests", "records"], "properties": {"requests": {"type": "integer"}, "records": {"type": "integer"}, "lastUsedAt": {"type": "string", "format": "date-time"}}},
              "key": {"type": "string", "description": "jbk_<id>_<secret>_<check>: only in the answer to collect or rotate"}}},
            "Delivery": {"type": "object", "required": ["requestId", "contractId", "note", "deliveredBy", "deliveredAt"], "properties": {"requestId": {"type": "string"}, "contractId": {"type": "string"}, "note": {"type": "string"},
              "deliveredBy": {"$ref": "#/components/schemas/Actor"}, "deliveredAt": {"type": "string", "format": "date-time"}}},
            "ReferenceList": {"type": "object", "required": ["referenceSet", "codes", "importedAt", "importedBy"], "properties": {"referenceSet": {"type": "string"}, "codes": {"type": "integer"}, "importedAt": {"type": "string", "format": "date-time"}, "importedBy": {"type": "string"}}},
            "DatasetMetadata": {"type": "object", "required": ["datasetId", "name", "producer", "requestId", "contractId", "contractVersion", "primaryKey", "fields", "consumers", "provisionedAt", "updatedAt", "recordsPath", "changesPath"], "properties": {
              "datasetId": {"type": "string"}, "name": {"type": "string"}, "description": {"type": "string"}, "producer": {"type": "string", "description": "agency code of the data producer (produsen data)"}, "requestId": {"type": "string"},
              "classification": {"type": "string"}, "updateFrequency": {"type": "string"}, "contractId": {"type": "string"}, "contractVersion": {"type": "integer"}, "primaryKey": {"type": "array", "items": {"type": "string"}},
              "fields": {"type": "array", "items": {"$ref": "#/components/schemas/Field"}}, "consumers": {"type": "array", "items": {"type": "string"}}, "provisionedAt": {"type": "string", "format": "date-time"},
              "updatedAt": {"type": "string", "format": "date-time"}, "recordsPath": {"type": "string"}, "changesPath": {"type": "string"}}},
            "IngestOutcome": {"type": "object", "required": ["batchId", "datasetId", "format", "received", "accepted", "rejected", "inserted", "updated", "errors", "errorsTruncated"], "properties": {
              "batchId": {"type": "string"}, "datasetId": {"type": "string"}, "format": {"type": "string", "enum": ["json", "ndjson", "csv"]}, "received": {"type": "integer"}, "accepted": {"type": "integer"}, "rejected": {"type": "integer"},
              "inserted": {"type": "integer"}, "updated": {"type": "integer"}, "errorsTruncated": {"type": "boolean"},
              "errors": {"type": "array", "items": {"type": "object", "required": ["position", "rule", "message"], "properties": {"position": {"type": "string"}, "field": {"type": "string"}, "rule": {"type": "string"}, "message": {"type": "string"}}}}}},
            "RecordPage": {"type": "object", "required": ["datasetId", "records", "nextCursor"], "properties": {"datasetId": {"type": "string"}, "records": {"type": "array", "items": {"type": "object"}}, "nextCursor": {"type": ["string", "null"]}}},
            "ChangePage": {"type": "object", "required": ["datasetId", "changes", "nextSince"], "properties": {"datasetId": {"type": "string"}, "nextSince": {"type": "integer"},
              "changes": {"type": "array", "items": {"type": "object", "required": ["change", "key", "record"], "properties": {"change": {"type": "integer"}, "key": {"type": "string"}, "record": {"type": "object"}}}}}}
            """,
        securitySchemes: """
            "exchangeKey": {"type": "http", "scheme": "bearer", "description": "Exchange key jbk_<id>_<secret>_<check>, collected once per credential; scoped to one dataset and read or write"}
            """,
        parameters: """
            "CredentialId": {"name": "credential", "in": "path", "required": true, "schema": {"type": "string", "pattern": "^[0-9a-f]{12}$"}},
            "DatasetId": {"name": "dataset", "in": "path", "required": true, "schema": {"type": "string"}, "description": "<name>-<first 8 hex of the request id>"}
            """,
        responses: """
            "RateLimited": {"description": "the key's rate is used up", "headers": {"Retry-After": {"schema": {"type": "integer"}}, "RateLimit-Limit": {"schema": {"type": "integer"}}, "RateLimit-Remaining": {"schema": {"type": "integer"}}},
              "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            """)
}

/// Builds each service's OpenAPI 3.1 document: the operational endpoints and the error schema
/// are the same everywhere; a service adds its own paths and schemas.
public enum OpenAPIDocument {
    /// A complete document. `paths`, `schemas` and the optional extra components are JSON object members (without braces).
    public static func make(
        service: ServiceName, summary: String, paths: String, schemas: String,
        securitySchemes: String = "", parameters: String = "", responses: String = ""
    ) -> String {
        """
        {
          "openapi": "3.1.0",
          "info": {"title": "Jembatan \(service.rawValue) service", "version": "1.0.0", "description": "\(summary) Every response carries X-Request-ID (the caller's X-Request-ID when it is 1–128 visible ASCII characters, else a new UUID); the service log's lines for the request carry the same id. Any operation may answer 503 database_unavailable while PostgreSQL cannot be reached (retry shortly) or 500 internal_error (the log has the cause under the X-Request-ID)."},
          "servers": [{"url": "http://127.0.0.1:\(service.defaultPort)"}],
          "security": [{"bearer": []}],
          "paths": {
            "/livez": {"get": {"security": [], "summary": "Process is alive (no dependency checks)", "responses": {"200": {"description": "alive", "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
            "/readyz": {"get": {"security": [], "summary": "PostgreSQL (migrations applied) and broker reachable", "responses": {
              "200": {"description": "ready", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Readiness"}}}},
              "503": {"description": "not ready", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Readiness"}}}}}}},
            "/metrics": {"get": {"security": [], "summary": "Prometheus metrics", "responses": {"200": {"description": "metrics", "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
            "/openapi.json": {"get": {"security": [], "summary": "This document", "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {"schema": {"type": "object"}}}}}}}\(paths.isEmpty ? "" : ",")
            \(paths)
          },
          "components": {
            "securitySchemes": {
              "bearer": {"type": "http", "scheme": "bearer", "description": "Account token from 'jembatan accounts create' (jbt_…); the account's role and agency decide what it may do and see"}\(securitySchemes.isEmpty ? "" : ",")
              \(securitySchemes)
            },
            "parameters": {
              "RequestId": {"name": "id", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}},
              "ContractId": {"name": "contractId", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}},
              "DocumentId": {"name": "documentId", "in": "path", "required": true, "schema": {"type": "string", "format": "uuid"}}\(parameters.isEmpty ? "" : ",")
              \(parameters)
            },
            "responses": {
              "Error": {"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}\(responses.isEmpty ? "" : ",")
              \(responses)
            },
            "schemas": {
              "Readiness": {"type": "object", "required": ["status", "checks"], "properties": {"status": {"type": "string"}, "checks": {"type": "object", "additionalProperties": {"type": "string"}}}},
              "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
                "code": {"type": "string"}, "message": {"type": "string"}, "field": {"type": "string"},
                "violations": {"type": "array", "items": {"type": "object", "required": ["field", "rule", "message"], "properties": {"field": {"type": "string"}, "rule": {"type": "string"}, "message": {"type": "string"}}}}}}}},
              "Actor": {"type": "object", "required": ["id", "role"], "properties": {"id": {"type": "string"}, "role": {"type": "string"}}},
              "Field": {"type": "object", "required": ["name", "type", "required"], "properties": {"name": {"type": "string"}, "type": {"type": "string"}, "required": {"type": "boolean"}, "description": {"type": "string"},
                "allowedValues": {"type": "array", "items": {"type": "string"}}, "references": {"type": "string"}, "pattern": {"type": "string"}, "minimum": {"type": "number"}, "maximum": {"type": "number"}}},
              "Dataset": {"type": "object", "required": ["name", "fields", "primaryKey"], "properties": {"name": {"type": "string"}, "description": {"type": "string"}, "fields": {"type": "array", "items": {"$ref": "#/components/schemas/Field"}}, "primaryKey": {"type": "array", "items": {"type": "string"}},
                "classification": {"type": "string", "enum": ["public", "internal", "restricted"]}, "updateFrequency": {"type": "string", "enum": ["daily", "weekly", "monthly", "quarterly", "yearly", "on_change"]},
                "naturalKey": {"type": "array", "items": {"type": "string"}},
                "rules": {"type": "array", "items": {"type": "object", "required": ["name", "field", "operator"], "properties": {"name": {"type": "string"}, "field": {"type": "string"}, "operator": {"type": "string", "enum": ["<", "<=", "=", "!=", ">=", ">"]}, "otherField": {"type": "string"}, "value": {"type": "string"}}}},
                "expectedRecords": {"type": "object", "properties": {"minimum": {"type": "integer", "minimum": 0}, "maximum": {"type": "integer", "minimum": 0}}}}}\(schemas.isEmpty ? "" : ",")
              \(schemas)
            }
          }
        }
        """
    }
}

import JembatanShared

/// OpenAPI 3.1 of the reporting service.
enum ReportingOpenAPI {
    static let document = OpenAPIDocument.make(service: .reporting, summary: "SOP step 10: read model of every request, timeline, SLA clock on the working-day calendar, dashboard", paths: """
        "/": {"get": {"security": [], "summary": "Dashboard (HTML) for the signed-in account (session cookie or bearer token); producers see only their agency", "responses": {"200": {"description": "the dashboard", "content": {"text/html": {"schema": {"type": "string"}}}}, "303": {"description": "not signed in: to /login"}}}},
        "/login": {"get": {"security": [], "summary": "Sign-in form", "responses": {"200": {"description": "form", "content": {"text/html": {"schema": {"type": "string"}}}}}},
          "post": {"security": [], "summary": "Sign in with an account token (form field 'token'); sets an HttpOnly session cookie", "requestBody": {"required": true, "content": {"application/x-www-form-urlencoded": {"schema": {"type": "object", "required": ["token"], "properties": {"token": {"type": "string"}}}}}},
            "responses": {"303": {"description": "to / when the token is valid, back to /login?failed=1 when not"}}}},
        "/logout": {"post": {"security": [], "summary": "Sign out (clears the session cookie)", "responses": {"303": {"description": "to /login"}}}},
        "/v1/requests": {"get": {"summary": "Every request in the read model", "responses": {"200": {"description": "requests", "content": {"application/json": {"schema": {"type": "object", "required": ["requests"], "properties": {"requests": {"type": "array", "items": {"$ref": "#/components/schemas/RequestSummary"}}}}}}},
            "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}}}},
        "/v1/requests/{id}": {"get": {"summary": "One request with its timeline", "parameters": [{"$ref": "#/components/parameters/RequestId"}],
          "responses": {"200": {"description": "request and timeline", "content": {"application/json": {"schema": {"type": "object", "required": ["request", "timeline"], "properties": {"request": {"$ref": "#/components/schemas/RequestSummary"}, "timeline": {"type": "array", "items": {"$ref": "#/components/schemas/TimelineEntry"}}}}}}},
            "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}},
        "/v1/requests/{id}/report": {"get": {"summary": "Laporan Hasil Integrasi Data: printable HTML of the request's procedure, built from its events (request, disposition, evaluation, contract, endpoints and integration test, delivery, validation and reconciliation, final decision, time per step against the standard, timeline)",
          "parameters": [{"$ref": "#/components/parameters/RequestId"}],
          "responses": {"200": {"description": "the report", "content": {"text/html": {"schema": {"type": "string"}}}}, "401": {"$ref": "#/components/responses/Error"},
            "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}},
        "/v1/requests/{id}/report.pdf": {"get": {"summary": "The same report printed to PDF by headless Chromium", "parameters": [{"$ref": "#/components/parameters/RequestId"}],
          "responses": {"200": {"description": "the report", "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}, "401": {"$ref": "#/components/responses/Error"},
            "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "503": {"$ref": "#/components/responses/Error"}}}},
        "/v1/requests/{id}/report.json": {"get": {"summary": "The same report as JSON (the events' payloads and the per-step times)", "parameters": [{"$ref": "#/components/parameters/RequestId"}],
          "responses": {"200": {"description": "the report", "content": {"application/json": {"schema": {"type": "object", "required": ["requestId", "generatedAt", "steps", "timeline"]}}}},
            "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}},
        "/v1/requests/{id}/timeline.csv": {"get": {"summary": "The request's timeline as CSV (occurred_at, event_type, actor)", "parameters": [{"$ref": "#/components/parameters/RequestId"}],
          "responses": {"200": {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}}, "401": {"$ref": "#/components/responses/Error"},
            "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}},
        "/v1/sla-checks": {"post": {"summary": "Measure every open step against its standard as of a moment (default now); thresholds reached for the first time are published (head, supervisor, admin)",
          "requestBody": {"required": false, "content": {"application/json": {"schema": {"type": "object", "properties": {"asOf": {"type": "string", "format": "date-time"}}}}}},
          "responses": {"200": {"description": "new alerts", "content": {"application/json": {"schema": {"type": "object", "required": ["alerts"], "properties": {"alerts": {"type": "array", "items": {"$ref": "#/components/schemas/SLAAlert"}}}}}}},
            "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}}}},
        "/v1/sla-alerts": {"get": {"summary": "Thresholds reached by the current step of open requests (an agency sees its own)",
          "responses": {"200": {"description": "alerts", "content": {"application/json": {"schema": {"type": "object", "required": ["alerts"], "properties": {"alerts": {"type": "array", "items": {"type": "object",
            "required": ["requestId", "step", "threshold", "usedPercent", "stepStartedAt", "deadline", "alertedAt"], "properties": {"requestId": {"type": "string"}, "agencyCode": {"type": "string"},
            "step": {"type": "integer"}, "threshold": {"type": "integer"}, "usedPercent": {"type": "number"}, "stepStartedAt": {"type": "string", "format": "date-time"},
            "deadline": {"type": "string", "format": "date-time"}, "alertedAt": {"type": "string", "format": "date-time"}}}}}}}}},
            "401": {"$ref": "#/components/responses/Error"}}}}
        """, schemas: """
        "RequestSummary": {"type": "object", "required": ["requestId", "state", "sopStep", "updatedAt"], "properties": {
          "requestId": {"type": "string"}, "agencyCode": {"type": "string"}, "title": {"type": "string"}, "profile": {"type": "string"},
          "state": {"type": "string"}, "sopStep": {"type": "integer"}, "submittedAt": {"type": "string", "format": "date-time"},
          "completedAt": {"type": "string", "format": "date-time"}, "updatedAt": {"type": "string", "format": "date-time"}}},
        "TimelineEntry": {"type": "object", "required": ["eventId", "type", "source", "actor", "occurredAt"], "properties": {
          "eventId": {"type": "string"}, "type": {"type": "string"}, "source": {"type": "string"}, "actor": {"$ref": "#/components/schemas/Actor"}, "occurredAt": {"type": "string", "format": "date-time"}}},
        "SLAAlert": {"type": "object", "required": ["requestId", "agencyCode", "profile", "step", "stepName", "threshold", "usedPercent", "standard", "stepStartedAt", "deadline", "checkedAt"], "properties": {
          "requestId": {"type": "string"}, "agencyCode": {"type": "string"}, "profile": {"type": "string"}, "step": {"type": "integer"}, "stepName": {"type": "string"},
          "threshold": {"type": "integer", "enum": [50, 75, 90, 100]}, "usedPercent": {"type": "number"}, "standard": {"type": "string"}, "stepStartedAt": {"type": "string", "format": "date-time"},
          "deadline": {"type": "string", "format": "date-time"}, "checkedAt": {"type": "string", "format": "date-time"}, "escalatedTo": {"type": "string"}}}
        """)
}

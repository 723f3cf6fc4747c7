import Foundation
import JembatanShared
import Testing

extension RealStack {
    /// Roles per endpoint, injection strings, sizes, revoked credentials, secrets in logs, and schemathesis over every OpenAPI document.
    @Suite("Security and fuzzing")
    struct SecurityTests {
        static let injections = [
            "' OR '1'='1", "'; DROP TABLE intake.requests; --", "1; SELECT pg_sleep(5)", "%27%20OR%201%3D1",
            "\" OR \"\"=\"", "../../etc/passwd",
        ]

        @Test("each endpoint refuses the roles it is not for (403), and calls without a token (401)")
        func rolesPerEndpoint() async throws {
            let requestId = try await ProcedureTests.walkToCompletion(dataset: "roles_probe")
            let all: [Role: String] = [
                .producer: try await Actors.producer, .head: try await Actors.head,
                .technical: try await Actors.technical,
                .supervisor: try await Actors.supervisor, .consumer: try await Actors.consumer,
            ]
            // (method, service, path, body, roles allowed); everyone else must be refused.
            let table: [(String, String, String, [String: Any]?, Set<Role>)] = [
                ("POST", "intake", "/v1/requests", submission(datasetName: "roles_other"), [.producer]),
                ("POST", "intake", "/v1/requests/\(requestId)/disposition", ["note": "x"], [.head]),
                ("POST", "evaluation", "/v1/requests/\(requestId)/decision", ["decision": "agree"], [.technical]),
                ("POST", "provisioning", "/v1/requests/\(requestId)/delivery", ["note": "x"], [.supervisor]),
                (
                    "POST", "validation", "/v1/requests/\(requestId)/decision",
                    ["decision": "accept", "runId": "x", "note": "x"], [.producer]
                ),
                ("POST", "reporting", "/v1/sla-checks", [:], [.head, .supervisor]),
                ("POST", "reporting", "/v1/read-model/replays", [:], [.supervisor]),
                ("POST", "reporting", "/v1/monthly-reports/2026-11/publications", [:], [.head, .supervisor]),
                ("PUT", "provisioning", "/v1/reference/wilayah", nil, [.technical]),
                ("POST", "validation", "/v1/freshness-checks", [:], [.supervisor, .technical]),
            ]
            for (method, service, path, body, allowed) in table {
                for (role, token) in all where !allowed.contains(role) {
                    let reply = try await ServiceHTTP.call(method, service, path, token: token, json: body)
                    #expect(
                        reply.status == 403 || reply.status == 404,
                        "\(role.rawValue) \(method) \(service) \(path): \(reply.status) \(reply.text.prefix(200))")
                }
                let anonymous = try await ServiceHTTP.call(method, service, path, json: body)
                #expect(anonymous.status == 401, "no token \(method) \(service) \(path): \(anonymous.status)")
            }
        }

        @Test(
            "injection strings in path and query parameters are refused or not found, never a server error, and change nothing"
        )
        func injection() async throws {
            let head = try await Actors.head
            let producer = try await Actors.producer
            let before = try await TestDatabase.count("SELECT count(*)::int FROM intake.requests")
            for text in Self.injections {
                let encoded = text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
                for (service, path, token) in [
                    ("intake", "/v1/requests/\(encoded)", producer), ("reporting", "/v1/requests/\(encoded)", head),
                    ("evaluation", "/v1/contracts/\(encoded)", head),
                    ("validation", "/v1/requests/\(encoded)/validation-runs", producer),
                    ("reporting", "/v1/reports?kind=\(encoded)", head),
                    ("reporting", "/v1/reports?subject=\(encoded)", head),
                    ("reporting", "/v1/monthly-reports/\(encoded)/report.json", head),
                    ("intake", "/v1/requests/\(encoded)/diff?from=\(encoded)&to=1", producer),
                    ("provisioning", "/v1/credentials/\(encoded)", producer),
                ] {
                    let reply = try await ServiceHTTP.call("GET", service, path, token: token)
                    // A path parameter is refused or not found; a filter value may match nothing.
                    let matchedNothing = reply.status == 200 && (reply.json["reports"] as? [Any])?.isEmpty == true
                    #expect(
                        (400..<500).contains(reply.status) || matchedNothing,
                        "\(service) \(path): \(reply.status) \(reply.text.prefix(200))")
                }
            }
            // A NUL character cannot be stored or compared in PostgreSQL text: refused by name, before any query.
            for (service, path) in [
                ("reporting", "/v1/reports?subject=a%00b"), ("reporting", "/v1/reports?kind=%00"),
                ("intake", "/v1/requests/a%00b"),
            ] {
                let reply = try await ServiceHTTP.call("GET", service, path, token: head)
                #expect(reply.status == 400, "\(service) \(path): \(reply.status) \(reply.text.prefix(200))")
                #expect((reply.json["error"] as? [String: Any])?["code"] as? String == "invalid_parameter")
            }
            #expect(try await TestDatabase.count("SELECT count(*)::int FROM intake.requests") == before)
        }

        @Test("oversized bodies and pages are refused with the limit named; a revoked token stops working at once")
        func limits() async throws {
            let producer = try await Actors.producer
            let huge = Data(repeating: UInt8(ascii: " "), count: 20 << 20)
            let oversized = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests", token: producer, rawBody: huge, contentType: "application/json")
            #expect(oversized.status == 413, "\(oversized.status) \(oversized.text.prefix(200))")
            let page = try await ServiceHTTP.call(
                "GET", "reporting", "/v1/reports?limit=1000000", token: try await Actors.head)
            #expect(page.status < 500)
            let name = "revoked-\(UUID().uuidString.prefix(6))"
            let created = try await ExchangeHubTests.operator("accounts", "create", "--name", name, "--role", "head")
            let token = try #require(created.output.split(separator: "\n").last.map(String.init))
            #expect(try await ServiceHTTP.call("GET", "reporting", "/v1/requests", token: token).status == 200)
            _ = try await ExchangeHubTests.operator("accounts", "revoke", "--name", name)
            #expect(
                try await ServiceHTTP.call("GET", "reporting", "/v1/requests", token: token).status == 401,
                "revoked: refused on the next call")
        }

        @Test("no account token or exchange key ever appears in a service log")
        func secretsStayOutOfLogs() async throws {
            let folder = LocalStack.root.appendingPathComponent(".local/test-stack/logs")
            guard !LocalStack.usesCompose else { return }
            var scanned = 0
            let token = try #require(
                try NSRegularExpression(
                    pattern: #"jbt_[0-9a-f]+_[A-Za-z0-9_-]{20,}|jbk_[0-9a-f]{12}_[A-Za-z0-9_-]{20,}"#))
            for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasSuffix(".log") {
                let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
                scanned += text.utf8.count
                let found = token.firstMatch(in: text, range: NSRange(text.startIndex..., in: text))
                #expect(
                    found == nil,
                    "\(file) contains a secret: \(found.map { String(text[Range($0.range, in: text)!].prefix(20)) } ?? "")…"
                )
            }
            #expect(scanned > 100_000, "the logs were read (\(scanned) bytes)")
            // The pattern does match a real token: the check can fail.
            let sample = try await Actors.head
            #expect(token.firstMatch(in: sample, range: NSRange(sample.startIndex..., in: sample)) != nil)
        }

        @Test(
            "schemathesis against every service's OpenAPI document: no server error, every response within its schema, invalid input rejected"
        )
        func schemathesis() async throws {
            let root = LocalStack.root.path
            let binary = "\(root)/.local/venv/bin/schemathesis"
            try #require(FileManager.default.isExecutableFile(atPath: binary), "make setup installs schemathesis")
            let tokens: [String: String] = [
                "intake": try await Actors.producer, "evaluation": try await Actors.technical,
                "provisioning": try await Actors.technical,
                "validation": try await Actors.producer, "reporting": try await Actors.head,
            ]
            for service in ["intake", "evaluation", "provisioning", "validation", "reporting"] {
                let base = "http://127.0.0.1:\(LocalStack.port(of: service))"
                // The document routes are one shared definition (DocumentRoutes): fuzzed once, on intake.
                let shared = service == "intake" ? "" : "|/v1/documents/|/documents$|jembatan-keys"
                let output: String
                do {
                    output = try await ExchangeHubTests.shell(
                        """
                        '\(binary)' run '\(base)/openapi.json' --url '\(base)' -H 'Authorization: Bearer \(tokens[service]!)' \
                        --checks not_a_server_error,response_schema_conformance,negative_data_rejection --max-examples 15 --phases coverage,fuzzing \
                        --exclude-path-regex 'report\\.pdf|document\\.pdf|/read-model/replays|/sla-checks|/freshness-checks|/publications\(shared)' \
                        --no-color --request-timeout 30
                        """)
                } catch {
                    Issue.record("schemathesis found problems in \(service): \(String(describing: error).suffix(3000))")
                    continue
                }
                #expect(
                    output.contains("passed") || output.contains("No issues found"), "\(service): \(output.suffix(800))"
                )
            }
        }
    }
}

import Foundation
import JembatanShared
import Testing

extension RealStack {
    /// Bearer tokens, roles and agency ownership on every service.
    @Suite("Accounts, roles and agency ownership")
    struct AccessControlTests {
        @Test("requests without a valid token are refused with 401: missing, malformed, unknown, revoked, expired")
        func invalidTokens() async throws {
            let missing = try await ServiceHTTP.call("GET", "reporting", "/v1/requests")
            #expect(missing.status == 401)
            #expect((missing.json["error"] as? [String: Any])?["code"] as? String == "unauthenticated")
            let malformed = try await ServiceHTTP.call("GET", "reporting", "/v1/requests", token: "not-a-token")
            #expect(malformed.status == 401)
            let unknown = try await ServiceHTTP.call(
                "GET", "reporting", "/v1/requests", token: AccessToken.generate().text)
            #expect(unknown.status == 401)
            #expect((unknown.json["error"] as? [String: Any])?["code"] as? String == "invalid_token")

            let revokedToken = try await TestAccounts.shared.token("revoked-head", .head)
            #expect(try await ServiceHTTP.call("GET", "reporting", "/v1/requests", token: revokedToken).status == 200)
            try await TestAccounts.shared.revoke("revoked-head")
            #expect(
                try await ServiceHTTP.call("GET", "reporting", "/v1/requests", token: revokedToken).status == 401,
                "revocation is effective immediately")

            let shortLived = try await TestAccounts.shared.token("short-lived-head", .head, validFor: .seconds(1))
            try await Task.sleep(for: .milliseconds(1500))
            #expect(try await ServiceHTTP.call("GET", "reporting", "/v1/requests", token: shortLived).status == 401)
        }

        @Test("a token is stored only as a hash")
        func tokensAreHashed() async throws {
            let token = try await Actors.head
            let stored = try await TestDatabase.count(
                "SELECT count(*)::int FROM identity.tokens WHERE encode(token_hash, 'escape') LIKE '%' || \(String(token.suffix(20))) || '%' OR token_id = \(token)"
            )
            #expect(stored == 0)
            let hashed = try await TestDatabase.count(
                "SELECT count(*)::int FROM identity.tokens WHERE token_hash = sha256(convert_to(\(token), 'UTF8'))")
            #expect(hashed == 1, "its SHA-256 is what is kept")
        }

        @Test("each step checks the role")
        func rolesAreChecked() async throws {
            let submitted = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests", token: try await Actors.producer,
                json: submission(datasetName: "role_probe"))
            let requestId = try #require(submitted.json["requestId"] as? String)
            let producerDisposition = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests/\(requestId)/disposition", token: try await Actors.producer,
                json: ["note": "x"])
            #expect(producerDisposition.status == 403)
            #expect((producerDisposition.json["error"] as? [String: Any])?["code"] as? String == "wrong_role")
            let headSubmission = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests", token: try await Actors.head, json: submission())
            #expect(headSubmission.status == 403)
            let headDecision = try await ServiceHTTP.call(
                "POST", "validation", "/v1/requests/\(requestId)/decision", token: try await Actors.head,
                json: ["decision": "accept"])
            #expect(headDecision.status == 403, "the head can see, not decide")
        }

        @Test("a producer never sees or changes another agency's request, not even by its id")
        func otherAgencyIsInvisible() async throws {
            let requestId = try await ProcedureTests.walkToCompletion(dataset: "ownership_probe")
            let other = try await Actors.otherAgencyProducer
            for (service, path) in [
                ("intake", "/v1/requests/\(requestId)"), ("evaluation", "/v1/requests/\(requestId)/review"),
                ("provisioning", "/v1/requests/\(requestId)/endpoints"), ("validation", "/v1/requests/\(requestId)"),
                ("reporting", "/v1/requests/\(requestId)"),
            ] {
                let reply = try await ServiceHTTP.call("GET", service, path, token: other)
                #expect(reply.status == 404, "\(service) \(path): \(reply.status)")
                #expect(!reply.text.contains("35.14-dinkes"))
                let own = try await ServiceHTTP.call("GET", service, path, token: try await Actors.producer)
                #expect(own.status == 200, "the owning agency sees \(service) \(path)")
            }
            let list = try await ServiceHTTP.call("GET", "reporting", "/v1/requests", token: other)
            #expect(
                (list.json["requests"] as? [[String: Any]])?.contains { $0["requestId"] as? String == requestId }
                    == false)
            var foreign = submission()
            foreign["agencyCode"] = "35.14-dinkes"
            let impersonation = try await ServiceHTTP.call(
                "POST", "intake", "/v1/requests", token: other, json: foreign)
            #expect(impersonation.status == 422)
            #expect((impersonation.json["error"] as? [String: Any])?["field"] as? String == "agencyCode")
        }

    }
}

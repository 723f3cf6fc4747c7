import Foundation
import JembatanShared
import PostgresNIO
import Testing

extension RealStack {
    /// The people's workspace on the real stack: sign-in, sessions, CSRF, agencies, back-off, logs.
    @Suite("Workspace: sign-in, sessions and what each person may see")
    struct WorkspaceTests {
        static let password = "kopi-pagi-di-pendopo"

        static func signedIn(_ username: String, _ role: Role, agency: String? = nil) async throws -> WorkspaceBrowser {
            try await TestPeople.shared.person(username, role, agency: agency, password: password)
            let browser = WorkspaceBrowser()
            let answer = try await browser.signIn(username, password)
            #expect(answer.status == 303 && answer.location == "/", "\(username) signs in: \(answer.status)")
            return browser
        }

        @Test(
            "the head sees the request on Tugas saya's pages; another agency's producer gets a 404 inside the workspace"
        )
        func pagesAndAgencies() async throws {
            let requestId = try await ProcedureTests.walkToCompletion(dataset: "workspace_probe")
            let head = try await Self.signedIn("ws.kepala", .head)
            for path in ["/", "/permohonan", "/ringkasan", "/katalog", "/volume", "/laporan", "/akun"] {
                let page = try await head.get(path)
                #expect(page.status == 200, "\(path): \(page.status)")
                #expect(page.text.contains("<title>Jembatan — ") && page.text.contains("action=\"/keluar\""))
            }
            #expect(try await head.get("/permohonan").text.contains(requestId))
            let detail = try await head.get("/permohonan/\(requestId)")
            #expect(
                detail.text.contains("Permohonan diajukan oleh") && detail.text.contains("Waktu per langkah")
                    && !detail.text.contains("id.jembatan."), "the history in words")
            let pdf = try await head.get("/permohonan/\(requestId)/laporan.pdf")
            #expect(pdf.status == 200 && pdf.text.hasPrefix("%PDF"), "the report PDF through the workspace")

            let own = try await Self.signedIn("ws.dinkes", .producer, agency: "35.14-dinkes")
            #expect(try await own.get("/permohonan/\(requestId)").status == 200)
            let other = try await Self.signedIn("ws.bappeda", .producer, agency: "35.15-bappeda")
            let hidden = try await other.get("/permohonan/\(requestId)")
            #expect(hidden.status == 404 && hidden.text.contains("tidak ditemukan") && hidden.text.contains("<nav"))
            for path in ["/permohonan", "/ringkasan", "/katalog"] {
                #expect(!(try await other.get(path).text.contains(requestId.prefix(8))), "\(path) hides it")
            }
            #expect(try await other.get("/admin/akun").status == 403, "only the admin manages accounts")
            let anonymous = try await WorkspaceBrowser().get("/permohonan/\(requestId)")
            #expect(
                anonymous.status == 303 && anonymous.location == "/masuk?kembali=/permohonan/\(requestId)",
                "signing in leads back to the page asked for")
            let reporting = try await ServiceHTTP.call("GET", "reporting", "/")
            #expect(
                reporting.status == 200 && reporting.text.contains("action=\"/masuk\""),
                "reporting's / leads to the workspace")
        }

        @Test("a form without the session's CSRF token, or with another, is refused and changes nothing")
        func csrf() async throws {
            let admin = try await Self.signedIn("ws.admin", .admin)
            let before = try await TestDatabase.count("SELECT count(*)::int FROM identity.accounts")
            for token in [nil, "bukan-token-sesi"] {
                var form = [
                    "username": "ws.palsu", "fullName": "Akun Palsu", "role": "head",
                    "password": "kata-sandi-panjang-1",
                ]
                if let token { form["_csrf"] = token }
                let refused = try await admin.post("/admin/akun", form)
                #expect(refused.status == 403 && refused.text.contains("Formulir kedaluwarsa"))
            }
            #expect(try await TestDatabase.count("SELECT count(*)::int FROM identity.accounts") == before)
            let person = try await Self.signedIn("ws.sandi", .technical)
            let hash = try await Self.passwordHash("ws.sandi")
            let refused = try await person.post(
                "/akun/sandi",
                ["current": Self.password, "new": "sandi-baru-yang-panjang", "confirm": "sandi-baru-yang-panjang"])
            #expect(refused.status == 403)
            #expect(try await Self.passwordHash("ws.sandi") == hash, "the password is unchanged")
            // With the page's own token it goes through.
            let page = try await person.get("/akun")
            let changed = try await person.post(
                "/akun/sandi",
                [
                    "current": Self.password, "new": "sandi-baru-yang-panjang", "confirm": "sandi-baru-yang-panjang",
                    "_csrf": page.csrf ?? "",
                ])
            #expect(changed.status == 303 && changed.location == "/akun?diganti=1")
            #expect(try await Self.passwordHash("ws.sandi") != hash)
            // The sign-in form is no exception: without its token nobody is signed in.
            let stranger = WorkspaceBrowser()
            let noToken = try await stranger.post("/masuk", ["username": "ws.admin", "password": Self.password])
            #expect(noToken.status == 403 && stranger.sessionSecret == nil)
        }

        static func passwordHash(_ username: String) async throws -> String {
            try await TestDatabase.with { client in
                for try await hash in try await client.query(
                    "SELECT password_hash FROM identity.accounts WHERE name = \(username)"
                ).decode(String.self) { return hash }
                return ""
            }
        }

        @Test("a session's token works on the services until logout, and dies with deactivation; so do API tokens")
        func sessionsDie() async throws {
            let person = try await Self.signedIn("ws.teknis", .technical)
            let secret = try #require(person.sessionSecret)
            let token = AccessToken.derived(fromSessionSecret: secret).text
            #expect(try await ServiceHTTP.call("GET", "reporting", "/v1/tasks", token: token).status == 200)
            let page = try await person.get("/")
            let out = try await person.post("/keluar", ["_csrf": page.csrf ?? ""])
            #expect(out.status == 303 && out.location == "/masuk")
            #expect(try await ServiceHTTP.call("GET", "reporting", "/v1/tasks", token: token).status == 401)
            let again = WorkspaceBrowser()
            _ = try await again.signIn("ws.teknis", Self.password)
            let reused = try await WorkspaceBrowser.reusing(secret).get("/")
            #expect(reused.status == 303 && reused.location == "/masuk", "the ended session's cookie opens nothing")

            // Deactivation by the admin, through the page: the open session and an API token stop at once.
            let victim = try await Self.signedIn("ws.pengawas", .supervisor)
            let apiToken = try await TestDatabase.with { client in
                try await AccountAdministration(client: client, logger: .init(label: "t")).issueToken(
                    username: "ws.pengawas", label: "mesin", validFor: .seconds(3600), createdBy: "tests")
            }
            #expect(try await ServiceHTTP.call("GET", "reporting", "/v1/tasks", token: apiToken.text).status == 200)
            let admin = try await Self.signedIn("ws.admin2", .admin)
            let detail = try await admin.get("/admin/akun/ws.pengawas")
            let done = try await admin.post("/admin/akun/ws.pengawas/nonaktif", ["_csrf": detail.csrf ?? ""])
            #expect(done.status == 303)
            #expect(try await victim.get("/").location == "/masuk")
            #expect(try await ServiceHTTP.call("GET", "reporting", "/v1/tasks", token: apiToken.text).status == 401)
            let victimToken = AccessToken.derived(fromSessionSecret: try #require(victim.sessionSecret)).text
            #expect(try await ServiceHTTP.call("GET", "reporting", "/v1/tasks", token: victimToken).status == 401)
            let back = try await WorkspaceBrowser().signIn("ws.pengawas", Self.password)
            #expect(back.status == 422, "a deactivated account cannot sign in")
        }

        @Test("no password, session secret or token appears in any log line")
        func secretsStayOutOfLogs() async throws {
            let person = try await Self.signedIn("ws.log", .producer, agency: "35.14-dinkes")
            let secret = try #require(person.sessionSecret)
            _ = try await person.get("/")
            _ = try await person.get("/permohonan")
            let token = AccessToken.derived(fromSessionSecret: secret).text
            let logs = LocalStack.root.appendingPathComponent(".local/test-stack/logs")
            var text = ""
            for file in try FileManager.default.contentsOfDirectory(atPath: logs.path) where file.hasSuffix(".log") {
                text += (try? String(contentsOf: logs.appendingPathComponent(file), encoding: .utf8)) ?? ""
            }
            #expect(text.contains("ws.log"), "the logs were read (they name the account)")
            for (what, value) in [
                ("password", Self.password), ("session secret", secret), ("session token", token),
                ("token secret", String(token.dropFirst(17))),
            ] {
                #expect(!text.contains(value), "a \(what) is in the logs")
            }
        }

        // Last in the suite: it locks the test address for 30 s (and then clears the lock).
        @Test("repeated wrong passwords back off (even the right one waits), each attempt in the audit trail")
        func backOff() async throws {
            try await TestPeople.shared.person("ws.lupa", .head, password: Self.password)
            // Failures also count per address (every test signs in from 127.0.0.1): a success clears it first.
            _ = try await Self.signedIn("ws.kepala", .head)
            let browser = WorkspaceBrowser()
            for attempt in 1...4 {
                let wrong = try await browser.signIn("ws.lupa", "salah-\(attempt)-sekali")
                #expect(wrong.status == 422 && wrong.text.contains("salah"))
            }
            let fifth = try await browser.signIn("ws.lupa", "salah-5-sekali")
            #expect(fifth.status == 429 && fifth.text.contains("30 detik"))
            let right = try await browser.signIn("ws.lupa", Self.password)
            #expect(right.status == 429 && browser.sessionSecret == nil, "the right password waits too")
            #expect(
                try await TestDatabase.count(
                    "SELECT count(*)::int FROM identity.audit WHERE subject = 'ws.lupa' AND action LIKE 'signin.%'")
                    == 6)
            // The address stays locked for 30 s: free it for whatever signs in next on this stack.
            _ = try await TestDatabase.count(
                "WITH gone AS (DELETE FROM identity.signin_failures RETURNING 1) SELECT count(*)::int FROM gone")
        }
    }
}

extension WorkspaceBrowser {
    /// A browser holding only the session cookie `secret` (an old cookie presented again).
    static func reusing(_ secret: String) async throws -> WorkspaceBrowser {
        let browser = WorkspaceBrowser()
        browser.setCookie("jembatan_sesi", secret)
        return browser
    }
}

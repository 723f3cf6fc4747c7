import Foundation
import HTTPTypes
import Testing

@testable import JembatanShared
@testable import Workspace

/// The workspace's pages rendered from fixed data: what each person needs is on the page, in
/// Indonesian; text from requests and people is shown, never run; every input has its label.
@Suite("Workspace pages")
struct WorkspacePagesTests {
    static let hostile = #"<script>alert("x")</script> & 'y'"#
    static let escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
    static let at = ISO8601DateFormatter().date(from: "2026-12-04T02:30:00Z")!

    static func person(_ role: Role, name: String = hostile) -> SignedIn {
        SignedIn(
            account: Account(id: "a1", name: "orang", role: role, agencyCode: role == .producer ? "35.14-dinkes" : nil),
            fullName: name, sessionHash: [1, 2, 3], token: AccessToken.derived(fromSessionSecret: "s"),
            csrf: "csrf-token-123")
    }

    static func render(_ template: String, _ page: some Sendable, role: Role = .head, count: Int? = nil) throws
        -> String
    {
        try Pages.html(template, title: hostile, signedIn: person(role), active: "/", taskCount: count, page: page)
    }

    /// Inputs (other than hidden ones) and selects without a `<label for=…>` naming their id.
    static func unlabelled(_ html: String) -> [String] {
        let labels = Set(html.matches(of: /<label for="([^"]+)"/).map { String($0.1) })
        return html.matches(of: /<(input|select|textarea)([^>]*)>/).compactMap { match in
            let attributes = String(match.2)
            if attributes.contains("type=\"hidden\"") { return nil }
            guard let id = attributes.firstMatch(of: /id="([^"]+)"/)?.1 else { return attributes }
            return labels.contains(String(id)) ? nil : String(id)
        }
    }

    @Test("Tugas saya: each task with its step, standard and deadline; overdue marked; the count in the navigation")
    func tasks() throws {
        let view = TasksController.TasksView(
            greeting: "Selamat datang.",
            tasks: [
                .init(
                    requestId: "r1", title: Self.hostile, agency: "35.14-dinkes", step: "Langkah 1 · Disposisi",
                    standard: "1 hari kerja", deadline: "7 Des 2026 15:18 WIB", provisional: false, overdue: true,
                    waiting: "sejak 4 Des 2026", bar: SLABar(usedPercent: 130)),
                .init(
                    requestId: "r2", title: "Data air bersih", agency: "35.14-pu", step: "Langkah 3 · Evaluasi",
                    standard: "1 bulan", deadline: "4 Jan 2027 09:00 WIB", provisional: true, overdue: false,
                    waiting: "sejak 3 Des 2026", bar: nil),
            ], notices: [], empty: false, roleLabel: Role.head.label, hasTasks: true)
        let html = try Self.render("tasks", view, count: 2)
        #expect(!html.contains("<script>") && html.contains(Self.escaped))
        #expect(html.contains("<tr class=\"overdue\">") && html.contains("TERLAMBAT"))
        #expect(html.contains("sementara: keputusan libur tahun itu belum dimuat"), "a provisional deadline says so")
        #expect(html.contains("<span class=\"count\" aria-label=\"2 menunggu\">2</span>"))
        #expect(html.contains("href=\"/permohonan/r1\"") && html.contains("data-label=\"Batas waktu\""))
        let empty = TasksController.TasksView(
            greeting: "", tasks: [], notices: [], empty: true, roleLabel: "", hasTasks: false)
        let none = try Self.render("tasks", empty)
        #expect(none.contains("Tidak ada tugas") && !none.contains("<table"))
    }

    @Test(
        "the header: each role's sections, the admin's accounts link only for the admin, sign-out with the CSRF token")
    func header() throws {
        let view = TasksController.TasksView(
            greeting: "", tasks: [], notices: [], empty: true, roleLabel: "", hasTasks: false)
        let consumer = try Self.render("tasks", view, role: .consumer)
        #expect(!consumer.contains("href=\"/permohonan\"") && !consumer.contains("href=\"/laporan\""))
        #expect(!consumer.contains("/admin/akun"))
        let admin = try Self.render("tasks", view, role: .admin)
        #expect(admin.contains("href=\"/admin/akun\""))
        #expect(admin.contains("action=\"/keluar\"") && admin.contains("value=\"csrf-token-123\""))
        #expect(admin.contains("<title>Jembatan — ") && admin.contains("lang=\"id\""))
        #expect(!admin.contains("http://") && !admin.contains("https://"), "nothing loads from another host")
    }

    @Test("a request page: history in words, the person's one action with its deadline, every step")
    func request() throws {
        let line = StepLine(
            step: 3, name: "Evaluasi skenario integrasi", role: .technical, deadline: Self.at, provisional: false,
            withinTarget: nil, responsible: nil, deviations: ["waktu"], justification: nil, status: "overdue",
            startedAt: Self.at, endedAt: nil, standard: "3 hari kerja", usedPercent: 120, open: "berjalan")
        let (what, how) = TasksController.action(.evaluation, requestId: "r1")
        let view = TasksController.RequestView(
            requestId: "r1", title: Self.hostile, agency: "35.14-dinkes", profileName: "Pasuruan",
            stateLabel: RequestState.underEvaluation.label,
            history: ["Permohonan diajukan oleh \(Self.hostile) pada 4 Desember 2026 pukul 09.30 WIB."],
            action: .init(
                step: "Langkah 3 · Evaluasi", what: what, how: nil, deadline: "7 Des 2026", overdue: true,
                form: StepForm(
                    requestId: "r1", csrf: "token-csrf",
                    findings: [
                        .init(
                            severity: "harus diperbaiki", blocking: true, place: "puskesmas.kode", rule: "primary_key",
                            message: Self.hostile)
                    ], hasFindings: true, decision: true, errors: ["reasons": "Wajib diisi."],
                    values: ["reasons": Self.hostile])),
            waitingOn: nil, steps: [line], overall: nil, mayReadReport: true,
            documents: [
                .init(
                    documentId: "d1", owner: "intake", title: "Surat Permohonan",
                    number: "000.5.2/007/35.14-dinkes/XII/2026",
                    state: "konsep", created: "4 Des 2026")
            ],
            attachments: [
                .init(
                    attachmentId: "a1", name: Self.hostile, kind: "Dokumen data dan informasi aplikasi",
                    size: "12,0 KB",
                    sha256: "0123456789abcdef")
            ])
        let html = try Self.render("request", view, role: .technical)
        #expect(!html.contains("<script>") && html.contains(Self.escaped))
        #expect(html.contains("Tindakan Anda sekarang: Langkah 3 · Evaluasi") && html.contains("TERLAMBAT"))
        #expect(html.contains("Permohonan diajukan oleh") && html.contains("3 hari kerja") && html.contains("120,0 %"))
        #expect(html.contains("<tr class=\"overdue\">") && html.contains("data-label=\"Penanggung jawab\""))
        #expect(html.contains("/permohonan/r1/laporan.pdf"))
        // The technical team's form: agree, or return with reasons; the refused reasons kept, the rule beside them.
        #expect(html.contains("action=\"/permohonan/r1/langkah/setujui\"") && html.contains("Setujui kontrak dataset"))
        #expect(html.contains("action=\"/permohonan/r1/langkah/kembalikan\"") && html.contains("value=\"token-csrf\""))
        #expect(html.contains("aria-describedby=\"galat-reasons\"") && html.contains("Wajib diisi."))
        #expect(!html.contains("Formulirnya menyusul"), "a step with a form does not send people to the API")
        #expect(html.contains("Hasil kajian otomatis") && html.contains("<code>puskesmas.kode</code>"))
        _ = how
        #expect(
            html.contains("href=\"/permohonan/r1/dokumen/intake/d1\"")
                && html.contains("000.5.2/007/35.14-dinkes/XII/2026"))
    }

    @Test(
        "every step a person takes names what to do; automated steps say nothing is needed", arguments: Phase.allCases)
    func actionForEveryPhase(phase: Phase) {
        let (what, how) = TasksController.action(phase, requestId: "r1")
        #expect(!what.isEmpty)
        if [.apiPreparation, .integrationTest, .report].contains(phase) {
            #expect(how.isEmpty && what.contains("otomatis"))
        } else {
            #expect(how.contains("/v1/requests/r1"), "until its form arrives, the call that takes the step")
        }
    }

    @Test("sign-in page: labelled fields, the CSRF field, the error beside the form, no navigation")
    func signIn() throws {
        let html = try Pages.html(
            "signin", title: "Masuk", signedIn: nil,
            page: SignInController.SignInView(
                csrf: "t0k", username: Self.hostile, error: "Nama pengguna atau kata sandi salah.", next: nil))
        #expect(Self.unlabelled(html).isEmpty, "\(Self.unlabelled(html))")
        #expect(html.contains("name=\"_csrf\" value=\"t0k\"") && html.contains("salah") && !html.contains("Keluar"))
        #expect(!html.contains("<nav") && html.contains(Self.escaped))
        var headers = HTTPFields()
        Pages.secure(&headers)
        #expect(headers[.cacheControl] == "no-store" && headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
    }

    @Test("the admin's accounts page: every field labelled, each error beside its field, values kept")
    func accounts() throws {
        let errors = AccountsController.FieldErrors([
            AccountError("nip", "NIP terdiri atas 18 angka (kosongkan bila bukan ASN)"),
            AccountError("password", "kata sandi paling sedikit 10 karakter"),
        ])
        let view = AccountsController.ListView(
            accounts: [
                .init(
                    username: "u", fullName: Self.hostile, role: "Kepala Dinas", agency: "–", nip: "–", state: "aktif")
            ],
            csrf: "c", roles: [.init(value: "head", label: "Kepala Dinas", selected: true)],
            values: ["fullName": "Budi", "nip": "123"], errors: errors, created: nil)
        let html = try Self.render("accounts", view, role: .admin)
        #expect(Self.unlabelled(html).isEmpty, "\(Self.unlabelled(html))")
        #expect(html.contains("id=\"galat-nip\">NIP terdiri atas 18 angka") && html.contains("aria-invalid=\"true\""))
        #expect(html.contains("kata sandi paling sedikit 10 karakter") && html.contains("value=\"Budi\""))
        #expect(html.contains("Akun belum dibuat"))
        #expect(!html.contains("<script>") && html.contains(Self.escaped))
    }

    @Test("the own account page and the account detail: every field labelled; a new token shown once")
    func accountPages() throws {
        let listing = AccountAdministration.Listing(
            id: "1", name: "budi", role: "producer", agencyCode: "35.14-dinkes", fullName: "Budi", nip: nil,
            position: nil, email: nil, telephone: nil, hasPassword: true, deactivatedAt: nil, createdAt: Self.at)
        let own = try Self.render(
            "account",
            AccountsController.OwnView(
                person: .init(listing), csrf: "c", changed: true, errors: .init([AccountError("confirm", "tidak sama")])
            ))
        #expect(Self.unlabelled(own).isEmpty && own.contains("Kata sandi diganti") && own.contains("tidak sama"))
        let detail = try Self.render(
            "account-detail",
            AccountsController.DetailView(
                person: .init(listing), csrf: "c",
                tokens: [
                    .init(id: "abc123abc123", label: "SIMPUS", created: "", expires: "", state: "aktif", active: true)
                ],
                newToken: "jbt_abc", message: nil, errors: .init(), isSelf: false),
            role: .admin)
        #expect(Self.unlabelled(detail).isEmpty, "\(Self.unlabelled(detail))")
        #expect(detail.contains("tidak akan ditampilkan lagi") && detail.contains("jbt_abc"))
        #expect(detail.contains("/admin/akun/budi/token/abc123abc123/cabut") && detail.contains("Nonaktifkan"))
    }

    @Test("403, 404 and 500 pages keep the person inside the workspace, in Indonesian")
    func errorPages() throws {
        for (status, words) in [(403, "Akses ditolak"), (404, "tidak ditemukan"), (500, "Kode rujukan")] {
            let (title, view) = Pages.errorView(.init(code: status), reference: status == 500 ? "ab12cd34" : nil)
            let html = try Pages.html("error", title: title, signedIn: Self.person(.producer), page: view)
            #expect(Pages.error(.init(code: status), signedIn: nil).status.code == status)
            #expect(html.contains(words) && html.contains("Kembali ke Tugas saya") && html.contains("<nav"))
        }
    }
}

/// Sign-in back-off, forms, session secrets, account rules.
@Suite("Workspace rules")
struct WorkspaceRulesTests {
    @Test("back-off: nothing for the first four failures, then 30 s doubling to at most an hour")
    func backOff() {
        #expect((1...4).allSatisfy { SignInThrottle.wait(afterFailures: $0) == nil })
        #expect(SignInThrottle.wait(afterFailures: 5) == 30)
        #expect(SignInThrottle.wait(afterFailures: 6) == 60)
        #expect(SignInThrottle.wait(afterFailures: 7) == 120)
        #expect(SignInThrottle.wait(afterFailures: 30) == 3600)
    }

    @Test("a form body: percent-encoding and '+' decoded, the first of a repeated field kept")
    func formParsing() {
        let form = Form.parse("username=siti.r&password=a%2Bb+c%26d&_csrf=x&username=other&empty=")
        #expect(form["username"] == "siti.r" && form["password"] == "a+b c&d" && form["_csrf"] == "x")
        #expect(form["empty"] == "" && form["missing"] == "")
    }

    @Test(
        "a session's secrets: its token and CSRF token derive from the cookie, differ between sessions, and the token parses"
    )
    func sessionSecrets() throws {
        let one = SessionStore.newSecret()
        let two = SessionStore.newSecret()
        #expect(one.count == 43 && one != two)
        let token = AccessToken.derived(fromSessionSecret: one)
        #expect(token == AccessToken.derived(fromSessionSecret: one))
        #expect(AccessToken(presented: token.text)?.id == token.id)
        #expect(token.text != AccessToken.derived(fromSessionSecret: two).text)
        #expect(SessionStore.csrf(of: one) != SessionStore.csrf(of: two))
        #expect(!token.text.contains(one) && !SessionStore.csrf(of: one).contains(one))
        #expect(SessionStore.hash(of: one) != SessionStore.hash(of: two))
    }

    @Test("an account's details: each broken rule named with its field, in Indonesian")
    func personRules() {
        let bad = PersonDetails(
            username: "siti r", fullName: " ", nip: "12345", role: .producer, agencyCode: nil, email: "siti@",
            telephone: "12")
        #expect(
            Set(bad.problems().map(\.field)) == ["username", "fullName", "nip", "agency", "email", "telephone"])
        let good = PersonDetails(
            username: "siti.r", fullName: "Siti Rahmawati", nip: "198109032006042011", position: "Kepala Bidang",
            role: .supervisor, email: "siti@kominfo.go.id", telephone: "+62 343 123456")
        #expect(good.problems().isEmpty)
        #expect(
            PersonDetails(username: "a", fullName: "A", role: .head, agencyCode: "x").problems().map(\.field) == [
                "agency"
            ])
        #expect(Passwords.problem("pendek", username: "siti") != nil)
        #expect(Passwords.problem("siti.r-rahasia-2026", username: "siti.r")?.field == "password")
        #expect(Passwords.problem("kopi-pagi-di-pendopo", username: "siti.r") == nil)
    }

    @Test("bcrypt: a password matches its hash, another does not")
    func bcrypt() async {
        let hash = await Passwords.hash("kopi-pagi-di-pendopo")
        #expect(hash.hasPrefix("$2"))
        #expect(await Passwords.verify("kopi-pagi-di-pendopo", hash: hash))
        #expect(!(await Passwords.verify("kopi-pagi-di-pendopo!", hash: hash)))
    }
}

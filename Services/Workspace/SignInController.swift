import Foundation
import HTTPTypes
import Hummingbird
import JembatanShared

/// `/masuk` and `/keluar`: username and password (bcrypt), a server-side session, back-off after
/// repeated failures, and a line in the identity audit trail for each attempt.
struct SignInController: Sendable {
    let context: WorkspaceContext

    func register(on router: RouterGroup<WorkspaceRequestContext>) {
        router.get("masuk", use: form)
        router.post("masuk", use: signIn)
        router.post("keluar", use: signOut)
    }

    struct SignInView: Sendable {
        let csrf: String
        let username: String
        let error: String?
        /// Where the person goes after signing in (a workspace path from a mail's link), if not `/`.
        let next: String?
    }

    /// A workspace path to return to: one leading `/`, no scheme or host (never another site).
    static func localPath(_ text: String) -> String? {
        guard text.hasPrefix("/"), !text.hasPrefix("//"), !text.contains("\\"), text.count <= 512,
            !text.contains(where: { $0.isWhitespace || $0.isNewline })
        else { return nil }
        return text
    }

    /// The form, with a fresh double-submit token in its own cookie (there is no session yet).
    func page(
        username: String = "", next: String? = nil, error: String? = nil, status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let token = SessionStore.newSecret()
        var response = try Pages.render(
            "signin", title: "Masuk", signedIn: nil,
            page: SignInView(csrf: token, username: username, error: error, next: next), status: status)
        response.headers.append(
            HTTPField(
                name: .setCookie,
                value: Cookies.make(Cookies.signIn, token, secure: context.secureCookies, maxAge: 3600)))
        return response
    }

    @Sendable func form(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let next = request.uri.queryParameters.get("kembali").flatMap(Self.localPath)
        if routeContext.signedIn != nil { return Pages.redirect(to: next ?? "/") }
        return try page(next: next)
    }

    @Sendable func signIn(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let form = routeContext.form
        let username = String(form.trimmed("username").prefix(64))
        let password = form["password"]
        let next = Self.localPath(form.trimmed("kembali"))
        guard !username.isEmpty, !password.isEmpty else {
            return try page(
                username: username, next: next, error: "Isi nama pengguna dan kata sandi.",
                status: .unprocessableContent)
        }
        let address = routeContext.address
        let subjects = ["akun:\(username.lowercased())", "alamat:\(address)"]
        let locked = try await context.throttle.lockedFor(subjects)
        if locked > 0 {
            try await context.administration.audit(
                actor: username, action: "signin.refused-locked", subject: username, address: address,
                detail: "\(locked) s")
            return try page(
                username: username, next: next,
                error:
                    "Terlalu banyak percobaan gagal. Coba lagi setelah \(locked) detik.",
                status: .tooManyRequests)
        }
        let credentials = try await context.sessions.credentials(username: username)
        var accepted = false
        if let credentials, let hash = credentials.passwordHash {
            accepted = await Passwords.verify(password, hash: hash) && credentials.active
        } else {
            await Passwords.verifyDecoy(password)
        }
        guard accepted, let credentials else {
            let lock = try await context.throttle.fail(subjects)
            try await context.administration.audit(
                actor: username, action: lock > 0 ? "signin.failed-locked" : "signin.failed", subject: username,
                address: address, detail: lock > 0 ? "tunggu \(lock) s" : nil)
            routeContext.logger.notice(
                "Sign-in failed", metadata: ["account": "\(username)", "client.address": "\(address)"])
            if lock > 0 {
                return try page(
                    username: username, next: next,
                    error: "Terlalu banyak percobaan gagal. Coba lagi setelah \(lock) detik.",
                    status: .tooManyRequests)
            }
            return try page(
                username: username, next: next, error: "Nama pengguna atau kata sandi salah.",
                status: .unprocessableContent)
        }
        try await context.throttle.clear(subjects)
        let secret = try await context.sessions.open(accountId: credentials.id, address: address)
        try await context.administration.audit(
            actor: username, action: "signin", subject: username, address: address, detail: nil)
        routeContext.logger.info("Signed in", metadata: ["account": "\(username)"])
        return Pages.redirect(
            to: next ?? "/",
            cookies: [
                Cookies.make(Cookies.session, secret, secure: context.secureCookies),
                Cookies.make(Cookies.signIn, "", secure: context.secureCookies, maxAge: 0),
            ])
    }

    @Sendable func signOut(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        if let person = routeContext.signedIn {
            try await context.sessions.end(sessionHash: person.sessionHash, reason: "logout")
            try await context.administration.audit(
                actor: person.account.name, action: "signout", subject: person.account.name,
                address: routeContext.address, detail: nil)
        }
        return Pages.redirect(
            to: "/masuk", cookies: [Cookies.make(Cookies.session, "", secure: context.secureCookies, maxAge: 0)])
    }
}

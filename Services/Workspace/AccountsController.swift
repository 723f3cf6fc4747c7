import Foundation
import Hummingbird
import JembatanShared

/// *Akun saya* (the person's details, password change) and, for the admin, the accounts page:
/// create people, reset a password, deactivate (sessions and tokens die at once), API tokens.
struct AccountsController: Sendable {
    let context: WorkspaceContext

    func register(on router: RouterGroup<WorkspaceRequestContext>) {
        router.get("akun", use: own)
        router.post("akun/sandi", use: changePassword)
        router.get("admin/akun", use: list)
        router.post("admin/akun", use: create)
        router.get("admin/akun/:username", use: detail)
        router.post("admin/akun/:username/sandi", use: resetPassword)
        router.post("admin/akun/:username/nonaktif", use: deactivate)
        router.post("admin/akun/:username/token", use: issueToken)
        router.post("admin/akun/:username/token/:tokenId/cabut", use: revokeToken)
    }

    /// Field errors by field name, for the templates (`errors.password`).
    struct FieldErrors: Sendable {
        var username: String?
        var fullName: String?
        var nip: String?
        var position: String?
        var role: String?
        var agency: String?
        var email: String?
        var telephone: String?
        var password: String?
        var current: String?
        var confirm: String?
        var label: String?
        var days: String?

        init(_ problems: [AccountError] = []) {
            for problem in problems {
                switch problem.field {
                case "username": username = username ?? problem.message
                case "fullName": fullName = fullName ?? problem.message
                case "nip": nip = nip ?? problem.message
                case "position": position = position ?? problem.message
                case "role": role = role ?? problem.message
                case "agency": agency = agency ?? problem.message
                case "email": email = email ?? problem.message
                case "telephone": telephone = telephone ?? problem.message
                case "current": current = current ?? problem.message
                case "confirm": confirm = confirm ?? problem.message
                case "label": label = label ?? problem.message
                case "days": days = days ?? problem.message
                default: password = password ?? problem.message
                }
            }
            any = !problems.isEmpty
        }

        /// Whether any field has an error (stored: the templates read stored properties only).
        private(set) var any = false
    }

    struct PersonView: Sendable {
        let username: String
        let fullName: String
        let nip: String
        let position: String
        let role: String
        let agency: String
        let email: String
        let telephone: String
        let active: Bool
        let created: String

        init(_ listing: AccountAdministration.Listing) {
            username = listing.name
            fullName = listing.fullName ?? listing.name
            nip = listing.nip ?? "–"
            position = listing.position ?? "–"
            role = Role(rawValue: listing.role)?.label ?? listing.role
            agency = listing.agencyCode ?? "–"
            email = listing.email ?? "–"
            telephone = listing.telephone ?? "–"
            active = listing.deactivatedAt == nil
            created = WIB.format(listing.createdAt)
        }
    }

    // MARK: Akun saya

    struct OwnView: Sendable {
        let person: PersonView
        let csrf: String
        let changed: Bool
        let errors: FieldErrors
    }

    func ownPage(_ person: SignedIn, changed: Bool = false, errors: FieldErrors = FieldErrors()) async throws
        -> Response
    {
        guard let listing = try await context.administration.listing(username: person.account.name) else {
            throw PageError.notFound
        }
        return try Pages.render(
            "account", title: "Akun saya", signedIn: person, active: "/akun",
            taskCount: try await context.taskCount(person),
            page: OwnView(person: PersonView(listing), csrf: person.csrf, changed: changed, errors: errors),
            status: errors.any ? .unprocessableContent : .ok)
    }

    @Sendable func own(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person()
        return try await ownPage(person, changed: request.uri.queryParameters.get("diganti") != nil)
    }

    @Sendable func changePassword(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response
    {
        let person = try routeContext.person()
        let form = routeContext.form
        guard let credentials = try await context.sessions.credentials(username: person.account.name),
            let hash = credentials.passwordHash, await Passwords.verify(form["current"], hash: hash)
        else {
            return try await ownPage(
                person, errors: FieldErrors([AccountError("current", "kata sandi saat ini salah")]))
        }
        guard form["new"] == form["confirm"] else {
            return try await ownPage(
                person, errors: FieldErrors([AccountError("confirm", "ulangan tidak sama dengan kata sandi baru")]))
        }
        do {
            try await context.administration.setPassword(
                username: person.account.name, password: form["new"], by: person.account.name,
                keepingSession: person.sessionHash, address: routeContext.address)
        } catch let problems as AccountProblems {
            return try await ownPage(person, errors: FieldErrors(problems.problems))
        }
        return Pages.redirect(to: "/akun?diganti=1")
    }

    // MARK: Akun pengguna (admin)

    struct ListView: Sendable {
        struct Line: Sendable {
            let username: String
            let fullName: String
            let role: String
            let agency: String
            let nip: String
            let state: String
        }

        struct RoleOption: Sendable {
            let value: String
            let label: String
            let selected: Bool
        }

        let accounts: [Line]
        let csrf: String
        let roles: [RoleOption]
        let values: [String: String]
        let errors: FieldErrors
        let created: String?
    }

    func listPage(
        _ person: SignedIn, values: [String: String] = [:], errors: FieldErrors = FieldErrors(), created: String? = nil
    ) async throws -> Response {
        let accounts = try await context.administration.list().map {
            ListView.Line(
                username: $0.name, fullName: $0.fullName ?? $0.name, role: Role(rawValue: $0.role)?.label ?? $0.role,
                agency: $0.agencyCode ?? "–", nip: $0.nip ?? "–",
                state: $0.deactivatedAt == nil ? ($0.hasPassword ? "aktif" : "aktif (hanya token)") : "nonaktif")
        }
        let roles = Role.allCases.filter { $0 != .system }.map {
            ListView.RoleOption(value: $0.rawValue, label: $0.label, selected: values["role"] == $0.rawValue)
        }
        return try Pages.render(
            "accounts", title: "Akun pengguna", signedIn: person, active: "/admin/akun",
            taskCount: try await context.taskCount(person),
            page: ListView(
                accounts: accounts, csrf: person.csrf, roles: roles, values: values, errors: errors, created: created),
            status: errors.any ? .unprocessableContent : .ok)
    }

    @Sendable func list(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person(in: [.admin])
        return try await listPage(person, created: request.uri.queryParameters.get("dibuat").map { String($0) })
    }

    @Sendable func create(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person(in: [.admin])
        let form = routeContext.form
        var values: [String: String] = [:]
        for name in ["username", "fullName", "nip", "position", "role", "agency", "email", "telephone"] {
            values[name] = form.trimmed(name)
        }
        guard let role = Role(rawValue: form["role"]) else {
            return try await listPage(
                person, values: values, errors: FieldErrors([AccountError("role", "pilih peran")]))
        }
        let details = PersonDetails(
            username: form.trimmed("username"), fullName: form.trimmed("fullName"), nip: form.trimmed("nip"),
            position: form.trimmed("position"), role: role,
            agencyCode: form.trimmed("agency").isEmpty ? nil : form.trimmed("agency"), email: form.trimmed("email"),
            telephone: form.trimmed("telephone"))
        do {
            try await context.administration.create(
                details, password: form["password"], createdBy: person.account.name, address: routeContext.address)
        } catch let problems as AccountProblems {
            return try await listPage(person, values: values, errors: FieldErrors(problems.problems))
        }
        return Pages.redirect(to: "/admin/akun?dibuat=\(details.username)")
    }

    struct DetailView: Sendable {
        struct Token: Sendable {
            let id: String
            let label: String
            let created: String
            let expires: String
            let state: String
            let active: Bool
        }

        let person: PersonView
        let csrf: String
        let tokens: [Token]
        let newToken: String?
        let message: String?
        let errors: FieldErrors
        let isSelf: Bool
    }

    func detailPage(
        _ admin: SignedIn, username: String, newToken: String? = nil, message: String? = nil,
        errors: FieldErrors = FieldErrors()
    ) async throws -> Response {
        guard let listing = try await context.administration.listing(username: username) else {
            throw PageError.notFound
        }
        let now = Date()
        let tokens = try await context.administration.tokens(username: username).map {
            DetailView.Token(
                id: $0.id, label: $0.label, created: WIB.format($0.createdAt), expires: WIB.format($0.expiresAt),
                state: $0.revokedAt != nil ? "dicabut" : ($0.expiresAt < now ? "kedaluwarsa" : "aktif"),
                active: $0.revokedAt == nil && $0.expiresAt > now)
        }
        return try Pages.render(
            "account-detail", title: "Akun \(listing.fullName ?? listing.name)", signedIn: admin,
            active: "/admin/akun", taskCount: try await context.taskCount(admin),
            page: DetailView(
                person: PersonView(listing), csrf: admin.csrf, tokens: tokens, newToken: newToken, message: message,
                errors: errors, isSelf: username == admin.account.name),
            status: errors.any ? .unprocessableContent : .ok)
    }

    func username(_ routeContext: WorkspaceRequestContext) throws -> String {
        guard let name = routeContext.parameters.get("username"), PersonDetails.isValidUsername(name) else {
            throw PageError.notFound
        }
        return name
    }

    @Sendable func detail(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let admin = try routeContext.person(in: [.admin])
        let messages = [
            "sandi": "Kata sandi diatur ulang; sesi akun ini diakhiri.", "nonaktif": "Akun dinonaktifkan.",
            "dicabut": "Token dicabut.",
        ]
        return try await detailPage(
            admin, username: try username(routeContext),
            message: request.uri.queryParameters.get("pesan").flatMap { messages[String($0)] })
    }

    @Sendable func resetPassword(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let admin = try routeContext.person(in: [.admin])
        let name = try username(routeContext)
        do {
            try await context.administration.setPassword(
                username: name, password: routeContext.form["password"], by: admin.account.name,
                address: routeContext.address)
        } catch let problems as AccountProblems {
            return try await detailPage(admin, username: name, errors: FieldErrors(problems.problems))
        }
        return Pages.redirect(to: "/admin/akun/\(name)?pesan=sandi")
    }

    @Sendable func deactivate(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let admin = try routeContext.person(in: [.admin])
        let name = try username(routeContext)
        guard name != admin.account.name else {
            return try await detailPage(
                admin, username: name,
                errors: FieldErrors([AccountError("username", "admin tidak dapat menonaktifkan akunnya sendiri")]))
        }
        _ = try await context.administration.deactivate(
            username: name, by: admin.account.name, address: routeContext.address)
        return Pages.redirect(to: "/admin/akun/\(name)?pesan=nonaktif")
    }

    @Sendable func issueToken(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let admin = try routeContext.person(in: [.admin])
        let name = try username(routeContext)
        guard let days = Int(routeContext.form.trimmed("days")), (1...3650).contains(days) else {
            return try await detailPage(
                admin, username: name, errors: FieldErrors([AccountError("days", "masa berlaku 1–3650 hari")]))
        }
        do {
            let token = try await context.administration.issueToken(
                username: name, label: routeContext.form.trimmed("label"), validFor: .seconds(days * 86_400),
                createdBy: admin.account.name, address: routeContext.address)
            // Shown once, on this answer only; it is stored as a hash.
            return try await detailPage(admin, username: name, newToken: token.text)
        } catch let problems as AccountProblems {
            return try await detailPage(admin, username: name, errors: FieldErrors(problems.problems))
        }
    }

    @Sendable func revokeToken(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let admin = try routeContext.person(in: [.admin])
        let name = try username(routeContext)
        guard let tokenId = routeContext.parameters.get("tokenId") else { throw PageError.notFound }
        _ = try await context.administration.revokeToken(
            username: name, tokenId: tokenId, by: admin.account.name, address: routeContext.address)
        return Pages.redirect(to: "/admin/akun/\(name)?pesan=dicabut")
    }
}

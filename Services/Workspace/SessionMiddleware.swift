import Foundation
import HTTPTypes
import Hummingbird
import JembatanShared
import Logging

/// A posted form (`application/x-www-form-urlencoded`), read once by ``SessionMiddleware``.
struct Form: Sendable {
    let fields: [String: String]

    subscript(_ name: String) -> String { fields[name] ?? "" }

    /// The trimmed value of `name`.
    func trimmed(_ name: String) -> String { self[name].trimmingCharacters(in: .whitespacesAndNewlines) }

    static func parse(_ text: String) -> Form {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            let value =
                parts.count > 1
                ? (String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "") : ""
            if fields[name] == nil { fields[name] = value }
        }
        return Form(fields: fields)
    }
}

/// The cookies of the workspace.
enum Cookies {
    /// The session: a random secret; HttpOnly, SameSite=Lax, Secure on https.
    static let session = "jembatan_sesi"
    /// Before sign-in: the double-submit token of the sign-in form.
    static let signIn = "jembatan_masuk"

    /// `name=value` with the workspace's attributes (`maxAge` 0 deletes it).
    static func make(_ name: String, _ value: String, secure: Bool, maxAge: Int? = nil) -> String {
        var cookie = "\(name)=\(value); Path=/; HttpOnly; SameSite=Lax"
        if secure { cookie += "; Secure" }
        if let maxAge { cookie += "; Max-Age=\(maxAge)" }
        return cookie
    }

    /// The value of cookie `name` in `request`.
    static func value(_ name: String, in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for part in header.split(separator: ";") {
                let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if pair.count == 2, pair[0] == name { return String(pair[1]) }
            }
        }
        return nil
    }
}

/// Finds the person behind the session cookie, checks the synchronizer token of every posted form
/// before any handler runs (a form without the session's token changes nothing), and turns page
/// errors into the workspace's own 403, 404 and 500 pages.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = WorkspaceRequestContext
    let sessions: SessionStore
    let logger: Logger
    /// Largest form body read.
    static let formLimit = 256 * 1024
    /// Largest file form read (an attachment is at most 20 MB; each form states its own limit).
    static let uploadLimit = 21 * 1024 * 1024
    /// Largest record-file form: the file (256 MB) goes to a temporary file as it arrives.
    static let recordFileLimit = 256 * 1024 * 1024 + 64 * 1024

    /// Forms that carry a file of records (written to disk as it arrives, not kept in memory).
    static func takesRecordFiles(_ path: String) -> Bool {
        path.hasPrefix("/katalog/") && (path.hasSuffix("/rekaman") || path.hasSuffix("/rekonsiliasi"))
    }

    private func tooLarge(_ limit: String, _ context: Context) throws -> Response {
        try refused(
            "Berkas terlalu besar",
            "Kiriman ini melebihi batas formulir (\(limit)). Tidak ada yang disimpan. Kembali dan pilih berkas yang lebih kecil.",
            .contentTooLarge, context)
    }

    /// A form refused before any handler ran, on the workspace's error page.
    private func refused(_ heading: String, _ message: String, _ status: HTTPResponse.Status, _ context: Context)
        throws -> Response
    {
        try Pages.render(
            "error", title: heading, signedIn: context.signedIn,
            page: Pages.ErrorView(heading: heading, message: message, reference: nil), status: status)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var context = context
        if let secret = Cookies.value(Cookies.session, in: request), secret.count == 43 {
            context.signedIn = try await sessions.resume(secret: secret)
            if let person = context.signedIn { context.logger[metadataKey: "account"] = "\(person.account.name)" }
        }
        var request = request
        var spooled: MultipartForm?
        // Record files written to disk while the form was read go when the answer is made.
        defer { spooled?.removeSpooled() }
        do {
            if request.method == .post {
                let type = request.headers[.contentType] ?? ""
                var form: Form
                if type.lowercased().hasPrefix("multipart/form-data") {
                    let records = Self.takesRecordFiles(request.uri.path)
                    let uploaded: MultipartForm
                    do {
                        uploaded = try await MultipartForm.read(
                            request.body, contentType: type, limit: records ? Self.recordFileLimit : Self.uploadLimit,
                            spoolDirectory: records ? FileManager.default.temporaryDirectory : nil)
                    } catch MultipartForm.Failure.tooLarge {
                        return try tooLarge(records ? "256 MB per berkas rekaman" : "20 MB per berkas", context)
                    } catch MultipartForm.Failure.malformed {
                        return try refused(
                            "Formulir tidak terbaca",
                            "Kiriman formulir ini terpotong atau rusak. Tidak ada yang disimpan. Kembali dan kirim ulang.",
                            .badRequest, context)
                    }
                    spooled = uploaded
                    form = Form(fields: uploaded.fields)
                    context.files = uploaded.files
                    request.body = .init(buffer: ByteBuffer())
                } else {
                    let body: ByteBuffer
                    do { body = try await request.body.collect(upTo: Self.formLimit) } catch {
                        return try tooLarge("256 KB", context)
                    }
                    form = Form.parse(String(buffer: body))
                    request.body = .init(buffer: body)
                }
                let expected: String? =
                    request.uri.path == "/masuk" ? Cookies.value(Cookies.signIn, in: request) : context.signedIn?.csrf
                guard let expected, !expected.isEmpty,
                    AccessToken.hashesMatch(Array(form["_csrf"].utf8), Array(expected.utf8))
                else {
                    context.logger.notice(
                        "Form refused: missing or wrong CSRF token", metadata: ["http.route": "\(request.uri.path)"])
                    if context.signedIn == nil && request.uri.path != "/masuk" {
                        return Pages.redirect(to: "/masuk")
                    }
                    return try refused(
                        "Formulir kedaluwarsa",
                        "Formulir ini tidak berasal dari sesi Anda yang sekarang (mungkin dibuka sebelum masuk ulang). Tidak ada yang diubah. Buka halaman itu lagi dan kirim ulang.",
                        .forbidden, context)
                }
                context.form = form
            }
            return try await next(request, context)
        } catch let error as PageError {
            return Pages.error(error.status, signedIn: context.signedIn)
        } catch let error as HTTPError where [.notFound, .forbidden].contains(error.status) {
            return Pages.error(error.status, signedIn: context.signedIn)
        } catch let error as SignInRequired {
            return try error.response(from: request, context: context)
        } catch is ServiceCalls.SignedOut {
            return Pages.redirect(to: "/masuk")
        } catch {
            let reference = String(UUID().uuidString.prefix(8)).lowercased()
            context.logger.error(
                "Page failed", metadata: ["error": "\(String(reflecting: error))", "reference": "\(reference)"])
            return Pages.error(.internalServerError, signedIn: context.signedIn, reference: reference)
        }
    }
}

extension WorkspaceRequestContext {
    /// The signed-in person, or a redirect to the sign-in page.
    func person() throws -> SignedIn {
        guard let signedIn else { throw SignInRequired() }
        return signedIn
    }

    /// The signed-in person when their role is one of `roles` (else the 403 page).
    func person(in roles: Set<Role>) throws -> SignedIn {
        let person = try person()
        guard roles.contains(person.account.role) else { throw PageError.forbidden }
        return person
    }
}

/// No session: pages send the person to the sign-in form.
struct SignInRequired: Error, HTTPResponseError {
    var status: HTTPResponse.Status { .seeOther }
    /// A page asked for by address (a mail's link, a bookmark) is opened after signing in.
    func response(from request: Request, context: some RequestContext) throws -> Response {
        let path = request.uri.path
        guard request.method == .get, path != "/", SignInController.localPath(path) != nil,
            let escaped = path.addingPercentEncoding(
                withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "/-_.")))
        else { return Pages.redirect(to: "/masuk") }
        return Pages.redirect(to: "/masuk?kembali=\(escaped)")
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import JembatanShared

/// The frame around every workspace page: title, the sections the person's role has (with the
/// count of waiting tasks), who is signed in, and the CSRF token for the sign-out form.
struct WorkspaceFrame: Sendable {
    struct Link: Sendable {
        let path: String
        let name: String
        let active: Bool
        /// A count shown beside the name (waiting tasks, unread notifications).
        let count: Int?
        /// What the count counts, for screen readers.
        let countLabel: String
    }

    struct Person: Sendable {
        let name: String
        let username: String
        let role: String
        let agency: String?
    }

    let title: String
    let nav: [Link]
    let person: Person?
    let csrf: String?

    /// The sections of `role`, in the order of the header.
    static func sections(for role: Role) -> [(path: String, name: String)] {
        var sections: [(String, String)] = [("/", "Tugas saya"), ("/pemberitahuan", "Pemberitahuan")]
        if role != .consumer { sections += [("/permohonan", "Permohonan"), ("/ringkasan", "Ringkasan")] }
        sections.append(("/katalog", "Katalog dataset"))
        if role != .consumer { sections += [("/volume", "Volume"), ("/laporan", "Laporan")] }
        if role == .admin || role == .technical { sections.append(("/rujukan", "Data rujukan")) }
        if role == .admin { sections.append(("/admin/akun", "Akun pengguna")) }
        sections.append(("/akun", "Akun saya"))
        return sections
    }

    init(title: String, signedIn: SignedIn?, active: String, taskCount: Int? = nil) {
        self.title = title
        if let signedIn {
            nav = Self.sections(for: signedIn.account.role).map {
                Link(
                    path: $0.path, name: $0.name, active: $0.path == active,
                    count: $0.path == "/"
                        ? taskCount : $0.path == "/pemberitahuan" && signedIn.unread > 0 ? signedIn.unread : nil,
                    countLabel: $0.path == "/pemberitahuan" ? "belum dibaca" : "menunggu")
            }
            person = Person(
                name: signedIn.fullName, username: signedIn.account.name, role: signedIn.account.role.label,
                agency: signedIn.account.agencyCode)
            csrf = signedIn.csrf
        } else {
            nav = []
            person = nil
            csrf = nil
        }
    }
}

/// A page: frame and model.
struct WorkspacePage<Model: Sendable>: Sendable {
    let frame: WorkspaceFrame
    let page: Model
}

/// Rendering, redirects and the error pages of the workspace.
enum Pages {
    /// `template` in the frame, as HTML.
    static func html<Model: Sendable>(
        _ template: String, title: String, signedIn: SignedIn?, active: String = "", taskCount: Int? = nil,
        page: Model
    ) throws -> String {
        try WorkspaceService.views.render(
            template,
            WorkspacePage(
                frame: WorkspaceFrame(title: title, signedIn: signedIn, active: active, taskCount: taskCount),
                page: page))
    }

    /// `template` in the frame, with `status`.
    static func render<Model: Sendable>(
        _ template: String, title: String, signedIn: SignedIn?, active: String = "", taskCount: Int? = nil,
        page: Model, status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let text = try html(
            template, title: title, signedIn: signedIn, active: active, taskCount: taskCount, page: page)
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8"]
        Self.secure(&headers)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// Headers every page carries: no caching of personal pages, no framing, no outside resources.
    static func secure(_ headers: inout HTTPFields) {
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        headers[HTTPField.Name("Content-Security-Policy")!] =
            "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'"
    }

    /// 303 to `location`, setting `cookies`.
    static func redirect(to location: String, cookies: [String] = []) -> Response {
        var headers: HTTPFields = [.location: location]
        for cookie in cookies { headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return Response(status: .seeOther, headers: headers)
    }

    struct ErrorView: Sendable {
        let heading: String
        let message: String
        let reference: String?
    }

    /// The 403, 404 or 500 page, inside the workspace.
    static func error(_ status: HTTPResponse.Status, signedIn: SignedIn?, reference: String? = nil) -> Response {
        let (title, view) = errorView(status, reference: reference)
        do {
            return try render("error", title: title, signedIn: signedIn, page: view, status: status)
        } catch {
            return Response(status: status, body: .init(byteBuffer: ByteBuffer(string: title)))
        }
    }

    /// The title and text of the 403, 404 or 500 page.
    static func errorView(_ status: HTTPResponse.Status, reference: String?) -> (String, ErrorView) {
        let (title, message): (String, String) =
            switch status.code {
            case 403:
                (
                    "Akses ditolak",
                    "Halaman ini bukan untuk peran Anda. Kembali ke Tugas saya untuk melihat yang menunggu Anda."
                )
            case 404:
                ("Halaman tidak ditemukan", "Halaman atau permohonan ini tidak ada, atau bukan milik instansi Anda.")
            default:
                (
                    "Terjadi gangguan",
                    "Permintaan Anda belum dapat diproses. Tidak ada data yang berubah karena gangguan ini. Coba lagi sebentar lagi; bila berulang, sampaikan kode rujukan di bawah kepada admin."
                )
            }
        return (title, ErrorView(heading: title, message: message, reference: reference))
    }
}

/// Why a page cannot be shown: the middleware turns it into the page in the workspace.
struct PageError: Error {
    let status: HTTPResponse.Status
    static let notFound = PageError(status: .notFound)
    static let forbidden = PageError(status: .forbidden)
}

import Foundation
import Hummingbird
import JembatanShared

/// A request's documents of record (naskah dinas) in the workspace: each one's page with its number,
/// state, paraf and signature; the paraf button for the verifier's role; the signature form (the
/// signer re-enters their password) for the signer's role; the document to read, and once signed
/// the PDF. Each document lives in the role that owns it; the workspace calls that service.
struct DocumentsController: Sendable {
    let context: WorkspaceContext

    /// The services that keep documents of record.
    static let owners: [ServiceName] = [.intake, .evaluation, .validation, .provisioning, .reporting]

    static let readers: Set<Role> = [.producer, .head, .supervisor, .technical, .admin]

    func register(on router: RouterGroup<WorkspaceRequestContext>) {
        router.get("permohonan/:id/dokumen/:owner/:documentId", use: page)
        router.post("permohonan/:id/dokumen/:owner/:documentId/paraf", use: paraf)
        router.post("permohonan/:id/dokumen/:owner/:documentId/tanda-tangan", use: sign)
        router.get("dokumen/:owner/:documentId", use: read)
        router.get("dokumen/:owner/:documentId/pdf", use: pdf)
        router.get("permohonan/:id/lampiran/:attachmentId", use: attachment)
        router.get("kontrak/:contractId", use: contract)
        router.post("permohonan/:id/lampiran", use: upload)
    }

    /// An agreed contract as evaluation renders it for people (fields, rules, consumers).
    @Sendable func contract(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person(in: Self.readers)
        guard let id = routeContext.parameters.get("contractId"),
            id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") })
        else { throw PageError.notFound }
        let reply = try await context.services.raw("GET", .evaluation, "/v1/contracts/\(id)/document", as: person)
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: reply.data)))
    }

    /// The producer attaches a step's document (at most 20 MB; intake reads its kind from its bytes).
    @Sendable func upload(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person(in: [.producer])
        let requestId = try TasksController.requestId(request, routeContext)
        let pages = TasksController(context: context)
        guard let file = routeContext.files["berkas"], !file.data.isEmpty else {
            return try await pages.renderRequest(
                requestId, person: person,
                outcome: FormOutcome(
                    action: "lampiran", error: "Pilih berkas yang akan dilampirkan.", fields: ["file": "Pilih berkas."]),
                status: .unprocessableContent)
        }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._")
        let name = file.fileName.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
        let kind = routeContext.form.trimmed("kind").addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
        let reply = try await context.services.upload(
            .intake, "/v1/requests/\(requestId)/attachments?kind=\(kind)&name=\(name)", as: person, data: file.data,
            contentType: "application/octet-stream")
        guard reply.status >= 300 else {
            return Pages.redirect(to: "/permohonan/\(requestId)?selesai=lampiran#lampiran")
        }
        return try await pages.renderRequest(
            requestId, person: person,
            outcome: FormOutcome(refusal: reply, form: routeContext.form, action: "lampiran"),
            status: reply.status == 413 ? .contentTooLarge : .unprocessableContent)
    }

    /// A request's attachments (steps 1 and 2), as intake lists them.
    struct Attachments: Decodable {
        struct Attachment: Decodable {
            let attachmentId: String
            let kind: String
            let fileName: String
            let sizeBytes: Int
            let sha256: String
        }
        let attachments: [Attachment]
    }

    static func attachments(of requestId: String, as person: SignedIn, context: WorkspaceContext) async throws
        -> [Attachments.Attachment]
    {
        do {
            return try await context.services.get(
                Attachments.self, .intake, "/v1/requests/\(requestId)/attachments", as: person
            ).attachments
        } catch let error as PageError where error.status == .notFound {
            return []
        }
    }

    /// An attachment, downloaded through the workspace (intake checks who may have it).
    @Sendable func attachment(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person(in: Self.readers)
        guard let id = routeContext.parameters.get("attachmentId"), UUIDText.isValid(id) else {
            throw PageError.notFound
        }
        let reply = try await context.services.raw("GET", .intake, "/v1/attachments/\(id.lowercased())", as: person)
        var response = TasksController.passOn(reply, type: "application/octet-stream")
        if let disposition = reply.header("Content-Disposition") {
            response.headers[.contentDisposition] = disposition
        }
        return response
    }

    /// Every document of a request, from every owner, oldest first (an owner that is down hides
    /// its documents rather than the page).
    static func documents(of requestId: String, as person: SignedIn, context: WorkspaceContext) async throws
        -> [DocumentListing.Document]
    {
        try await withThrowingTaskGroup(of: [DocumentListing.Document].self) { group in
            for owner in owners {
                group.addTask {
                    do {
                        return try await context.services.get(
                            DocumentListing.self, owner, "/v1/requests/\(requestId)/documents", as: person
                        ).documents
                    } catch let error as PageError where error.status == .notFound {
                        return []
                    }
                }
            }
            var all: [DocumentListing.Document] = []
            for try await part in group { all += part }
            return all.sorted { $0.createdAt < $1.createdAt }
        }
    }

    static func owner(_ routeContext: WorkspaceRequestContext) throws -> ServiceName {
        guard let text = routeContext.parameters.get("owner"), let owner = ServiceName(rawValue: text),
            owners.contains(owner)
        else { throw PageError.notFound }
        return owner
    }

    static func documentId(_ routeContext: WorkspaceRequestContext) throws -> String {
        guard let id = routeContext.parameters.get("documentId"), UUIDText.isValid(id) else {
            throw PageError.notFound
        }
        return id.lowercased()
    }

    struct DocumentView: Sendable {
        let requestId: String
        let owner: String
        let documentId: String
        let title: String
        let number: String
        let state: String
        let created: String
        let verifier: String?
        let verified: String?
        let signer: String?
        let signed: String?
        let sha256: String?
        let mayParaf: Bool
        let maySign: Bool
        let waiting: String?
        let isSigned: Bool
        let message: String?
        let error: String?
        let passwordError: String?
        let csrf: String
    }

    /// The document's page, with `message` (done) or `error` (refused) at the top.
    func render(
        requestId: String, owner: ServiceName, documentId: String, person: SignedIn, message: String? = nil,
        error: String? = nil, passwordError: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let listing = try await context.services.get(
            DocumentListing.self, owner, "/v1/requests/\(requestId)/documents", as: person)
        guard let document = listing.documents.first(where: { $0.documentId == documentId }) else {
            throw PageError.notFound
        }
        let role = person.account.role
        let mayParaf = document.state == "draft" && document.verifierRole == role
        let maySign =
            document.state == (document.verifierRole == nil ? "draft" : "verified") && document.signerRole == role
        var waiting: String?
        if !mayParaf && !maySign && document.state != "signed" {
            if document.state == "draft", let verifier = document.verifierRole {
                waiting = "Menunggu paraf \(verifier.label)."
            } else if let signer = document.signerRole {
                waiting = "Menunggu tanda tangan \(signer.label)."
            }
        }
        let view = DocumentView(
            requestId: requestId, owner: owner.rawValue, documentId: documentId, title: document.title,
            number: document.number, state: TasksController.documentStates[document.state] ?? document.state,
            created: Indonesian.moment(document.createdAt),
            verifier: document.verifierRole?.label,
            verified: document.verification.map {
                "\($0.name), \(Indonesian.moment($0.at))"
            }, signer: document.signerRole?.label,
            signed: document.signature.map {
                "\($0.name) (\($0.position), NIP \($0.nip)), \(Indonesian.moment($0.at))"
            }, sha256: document.signature?.sha256, mayParaf: mayParaf, maySign: maySign, waiting: waiting,
            isSigned: document.state == "signed", message: message, error: error, passwordError: passwordError,
            csrf: person.csrf)
        return try Pages.render(
            "naskah", title: "\(document.title) \(document.number)", signedIn: person, active: "/permohonan",
            taskCount: try await context.taskCount(person), page: view, status: status)
    }

    @Sendable func page(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person(in: Self.readers)
        return try await render(
            requestId: try TasksController.requestId(request, routeContext), owner: try Self.owner(routeContext),
            documentId: try Self.documentId(routeContext), person: person)
    }

    @Sendable func paraf(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person(in: Self.readers)
        let requestId = try TasksController.requestId(request, routeContext)
        let owner = try Self.owner(routeContext)
        let id = try Self.documentId(routeContext)
        let reply = try await context.services.submit("POST", owner, "/v1/documents/\(id)/paraf", as: person)
        guard reply.status < 300 else {
            return try await render(
                requestId: requestId, owner: owner, documentId: id, person: person,
                error: Self.explain(ServiceCalls.errorCode(reply)), status: .conflict)
        }
        return try await render(
            requestId: requestId, owner: owner, documentId: id, person: person,
            message: "Paraf Anda tercatat. Naskah kini menunggu tanda tangan.")
    }

    @Sendable func sign(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person(in: Self.readers)
        let requestId = try TasksController.requestId(request, routeContext)
        let owner = try Self.owner(routeContext)
        let id = try Self.documentId(routeContext)
        let password = routeContext.form["password"]
        guard !password.isEmpty else {
            return try await render(
                requestId: requestId, owner: owner, documentId: id, person: person,
                passwordError: "Masukkan kata sandi Anda untuk menandatangani.", status: .unprocessableContent)
        }
        let reply = try await context.services.submit(
            "POST", owner, "/v1/documents/\(id)/signature", as: person, json: ["password": password])
        guard reply.status < 300 else {
            let code = ServiceCalls.errorCode(reply)
            if code == "wrong_password" {
                return try await render(
                    requestId: requestId, owner: owner, documentId: id, person: person,
                    passwordError: "Kata sandi salah. Naskah belum ditandatangani.", status: .forbidden)
            }
            return try await render(
                requestId: requestId, owner: owner, documentId: id, person: person, error: Self.explain(code),
                status: .conflict)
        }
        return try await render(
            requestId: requestId, owner: owner, documentId: id, person: person,
            message: "Naskah ditandatangani. PDF-nya memuat nomor, nama, NIP dan jabatan Anda serta kode QR verifikasi."
        )
    }

    /// A service's refusal in words.
    static func explain(_ code: String) -> String {
        switch code {
        case "wrong_role": "Langkah ini bukan untuk peran Anda."
        case "already_verified": "Naskah ini sudah diparaf."
        case "already_signed": "Naskah ini sudah ditandatangani."
        case "not_verified": "Naskah ini perlu diparaf lebih dulu sebelum ditandatangani."
        case "no_verification": "Naskah ini langsung ditandatangani, tanpa paraf."
        case "not_a_person": "Paraf dan tanda tangan diberikan oleh orang, bukan akun mesin."
        case "signer_details":
            "Akun Anda belum mencantumkan NIP dan jabatan, yang tercetak di bawah tanda tangan. Minta admin melengkapinya."
        case "seal_unavailable":
            "Segel layanan belum terpasang (JEMBATAN_SEAL_KEY_FILE), jadi naskah belum bisa ditandatangani. Hubungi admin."
        case "renderer_unavailable", "qrencode_unavailable":
            "PDF naskah tidak dapat dicetak di server saat ini. Tidak ada yang diubah; coba lagi nanti atau hubungi admin."
        default: "Permintaan ditolak (\(code)). Tidak ada yang diubah."
        }
    }

    /// The document to read and print, as its owner renders it.
    @Sendable func read(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person(in: Self.readers)
        let reply = try await context.services.raw(
            "GET", try Self.owner(routeContext), "/v1/documents/\(try Self.documentId(routeContext))", as: person)
        return TasksController.passOn(reply, type: "text/html; charset=utf-8")
    }

    /// The signed PDF.
    @Sendable func pdf(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let person = try routeContext.person(in: Self.readers)
        let reply = try await context.services.submit(
            "GET", try Self.owner(routeContext), "/v1/documents/\(try Self.documentId(routeContext))/pdf", as: person)
        guard reply.status == 200 else { throw PageError.notFound }
        var response = TasksController.passOn(reply, type: "application/pdf")
        if let disposition = reply.header("Content-Disposition") {
            response.headers[.contentDisposition] = disposition
        }
        return response
    }
}

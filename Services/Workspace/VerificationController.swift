import Crypto
import Foundation
import Hummingbird
import JembatanShared

/// The public verification page printed (as a QR code) on every signed document: anyone holding
/// the paper or the file, signed in or not, sees who signed what and when, whether the service's
/// seal holds, and — uploading the file — whether it is the very file that was signed.
struct VerificationController: Sendable {
    let context: WorkspaceContext
    /// The largest file checked (a signed document is far smaller).
    static let fileLimit = 25 * 1024 * 1024

    func register(on router: Router<WorkspaceRequestContext>) {
        router.get("verifikasi/:owner/:documentId", use: show)
        router.post("verifikasi/:owner/:documentId", use: check)
        router.get(".well-known/jembatan-keys.json", use: keys)
    }

    struct View: Sendable {
        let found: Bool
        let number: String
        let title: String
        let agency: String
        let state: String
        let signed: Bool
        let signer: String?
        let signedAt: String?
        let verified: String?
        let sha256: String?
        let keyId: String?
        let sealValid: Bool
        let checked: Bool
        let matches: Bool
        let uploadedSHA256: String?
        let uploadError: String?
        let action: String
    }

    func verification(_ routeContext: WorkspaceRequestContext) async throws -> (DocumentVerification, String)? {
        guard let text = routeContext.parameters.get("owner"), let owner = ServiceName(rawValue: text),
            DocumentsController.owners.contains(owner), let id = routeContext.parameters.get("documentId"),
            UUIDText.isValid(id)
        else { return nil }
        let reply = try await context.services.anonymous(owner, "/v1/documents/\(id.lowercased())/verification")
        guard reply.status == 200 else { return nil }
        let found = try ServiceCalls.decoder.decode(DocumentVerification.self, from: reply.data)
        return (found, "/verifikasi/\(owner.rawValue)/\(found.documentId)")
    }

    func page(
        _ found: (DocumentVerification, String)?, uploaded: Data? = nil, uploadError: String? = nil,
        status: HTTPResponse.Status = .ok
    ) throws -> Response {
        guard let (document, action) = found else {
            return try Pages.render(
                "verifikasi", title: "Verifikasi naskah", signedIn: nil,
                page: View(
                    found: false, number: "", title: "", agency: "", state: "", signed: false, signer: nil,
                    signedAt: nil, verified: nil, sha256: nil, keyId: nil, sealValid: false, checked: false,
                    matches: false, uploadedSHA256: nil, uploadError: nil, action: ""), status: .notFound)
        }
        let signature = document.signature
        let uploadedSHA = uploaded.map(DocumentSeal.sha256)
        return try Pages.render(
            "verifikasi", title: "Verifikasi naskah \(document.number)", signedIn: nil,
            page: View(
                found: true, number: document.number, title: document.title, agency: document.agencyCode,
                state: TasksController.documentStates[document.state] ?? document.state, signed: signature != nil,
                signer: signature.map { "\($0.name) (\($0.position), NIP \($0.nip))" },
                signedAt: signature.map { Indonesian.moment($0.at) },
                verified: document.verification.map { "\($0.name), \(Indonesian.moment($0.at))" },
                sha256: signature?.sha256, keyId: signature?.keyId, sealValid: document.sealValid == true,
                checked: uploadedSHA != nil, matches: uploadedSHA != nil && uploadedSHA == signature?.sha256,
                uploadedSHA256: uploadedSHA, uploadError: uploadError, action: action), status: status)
    }

    @Sendable func show(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        do { return try page(try await verification(routeContext)) } catch { return failed(error, routeContext) }
    }

    @Sendable func check(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        do {
            let found = try await verification(routeContext)
            let form: MultipartForm
            do {
                form = try await MultipartForm.read(
                    request.body, contentType: request.headers[.contentType], limit: Self.fileLimit)
            } catch MultipartForm.Failure.tooLarge {
                return try page(
                    found, uploadError: "Berkas lebih dari 25 MB: naskah yang ditandatangani jauh lebih kecil.",
                    status: .contentTooLarge)
            } catch is MultipartForm.Failure {
                form = MultipartForm()
            }
            guard let file = form.files.values.first(where: { $0.size > 0 }) else {
                return try page(found, uploadError: "Pilih berkas PDF naskah yang akan diperiksa.", status: .badRequest)
            }
            return try page(found, uploaded: Data(file.data))
        } catch { return failed(error, routeContext) }
    }

    func failed(_ error: any Error, _ routeContext: WorkspaceRequestContext) -> Response {
        let reference = String(UUID().uuidString.prefix(8)).lowercased()
        routeContext.logger.error(
            "Verification page failed",
            metadata: ["error": "\(String(reflecting: error))", "reference": "\(reference)"])
        return Pages.error(.internalServerError, signedIn: nil, reference: reference)
    }

    /// The seal's public keys, as intake serves them (one key seals every role's documents).
    @Sendable func keys(_ request: Request, _ routeContext: WorkspaceRequestContext) async throws -> Response {
        let reply = try await context.services.anonymous(.intake, "/.well-known/jembatan-keys.json")
        guard reply.status == 200 else { throw HTTPError(.serviceUnavailable) }
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: reply.data)))
    }
}

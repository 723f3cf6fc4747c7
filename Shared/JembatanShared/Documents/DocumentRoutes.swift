import Foundation
import Hummingbird

/// The routes every role that owns documents of record serves, one definition for all:
///
/// - `GET /v1/requests/{id}/documents`: a request's documents (JSON);
/// - `GET /v1/documents/{id}`: the document to read and print (HTML);
/// - `GET /v1/documents/{id}/pdf`: the signed file;
/// - `POST /v1/documents/{id}/paraf`: the verifier's paraf;
/// - `POST /v1/documents/{id}/signature` with `{"password": …}`: the signer's signature;
/// - `GET /v1/documents/{id}/verification` and `GET /.well-known/jembatan-keys.json`: public, for
///   anyone holding a signed file.
public struct DocumentRoutes: Sendable {
    let signing: DocumentSigning
    /// Whether a request with none of this role's documents is a 404 (intake: every submitted
    /// request has its letter) or an empty list (the roles whose documents come later).
    let emptyIsNotFound: Bool

    /// Who reads a request's documents.
    public static let readers: Set<Role> = [.producer, .head, .supervisor, .technical, .admin]

    /// The routes over `signing`.
    public init(signing: DocumentSigning, emptyIsNotFound: Bool = false) {
        self.signing = signing
        self.emptyIsNotFound = emptyIsNotFound
    }

    /// Adds the routes to `router`.
    public func register(on router: Router<JembatanRequestContext>) {
        router.get("v1/requests/:id/documents", use: list)
        router.get("v1/documents/:documentId", use: show)
        router.get("v1/documents/:documentId/pdf", use: pdf)
        router.post("v1/documents/:documentId/paraf", use: paraf)
        router.post("v1/documents/:documentId/signature", use: sign)
        router.get("v1/documents/:documentId/verification", use: verification)
        router.get(".well-known/jembatan-keys.json", use: keys)
    }

    func id(_ routeContext: JembatanRequestContext) throws -> String {
        guard let id = routeContext.parameters.get("documentId"), UUIDText.isValid(id) else {
            throw APIError.notFound("document")
        }
        return id.lowercased()
    }

    @Sendable func list(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require(Self.readers)
        let requestId = try request.requestIDParameter(routeContext)
        let documents = try await DocumentStore.documents(
            schema: signing.schema, requestId: requestId, client: signing.client, logger: routeContext.logger)
        if documents.isEmpty && emptyIsNotFound { throw APIError.notFound("request") }
        if let first = documents.first, !account.mayAccess(agency: first.agencyCode) {
            throw APIError.notFound("request")
        }
        return try JSONResponse.make(
            DocumentListing(documents: documents.map { DocumentListing.Document($0, owner: signing.owner) }))
    }

    @Sendable func show(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require(Self.readers)
        let document = try await signing.document(try id(routeContext), for: account, logger: routeContext.logger)
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: try await signing.page(document, routeContext.logger))))
    }

    @Sendable func pdf(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require(Self.readers)
        let document = try await signing.document(try id(routeContext), for: account, logger: routeContext.logger)
        guard let file = try await signing.signedFile(document.documentId, logger: routeContext.logger) else {
            throw APIError(.conflict, code: "not_signed", message: "the document is \(document.state), not yet signed")
        }
        let name = document.number.map { $0.isLetter || $0.isNumber ? $0 : "-" }
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/pdf",
                .contentDisposition: "inline; filename=\"\(document.kind)-\(String(name)).pdf\"",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: file)))
    }

    @Sendable func paraf(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.account
        let document = try await signing.verify(try id(routeContext), by: account, logger: routeContext.logger)
        return try JSONResponse.make(DocumentListing.Document(document, owner: signing.owner))
    }

    struct SignatureBody: Decodable {
        let password: String?
    }

    @Sendable func sign(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.account
        let body = try await JSONResponse.decode(SignatureBody.self, from: request, limit: 4096)
        let document = try await signing.sign(
            try id(routeContext), by: account, password: body.password ?? "", logger: routeContext.logger)
        return try JSONResponse.make(DocumentListing.Document(document, owner: signing.owner))
    }

    @Sendable func verification(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        guard let found = try await signing.verification(try id(routeContext), logger: routeContext.logger) else {
            throw APIError.notFound("document")
        }
        return try JSONResponse.make(found)
    }

    @Sendable func keys(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        try JSONResponse.make(SealKeys(try? signing.seal()))
    }
}

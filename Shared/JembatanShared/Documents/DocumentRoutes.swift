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

    /// The routes in OpenAPI 3.1 (members of `paths`, each followed by a comma), for every owner's document.
    public static let openAPIPaths = """
        "/v1/requests/{id}/documents": {"get": {"summary": "The request's documents of record (naskah dinas) this service keeps: number, state, who verifies (paraf) and signs, the paraf and signature once given", "parameters": [{"$ref": "#/components/parameters/RequestId"}],
          "responses": {"200": {"description": "documents", "content": {"application/json": {"schema": {"type": "object", "required": ["documents"], "properties": {"documents": {"type": "array", "items": {"$ref": "#/components/schemas/DocumentOfRecord"}}}}}}}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}},
        "/v1/documents/{documentId}": {"get": {"summary": "A document of record as printable HTML (A4)", "parameters": [{"$ref": "#/components/parameters/DocumentId"}],
          "responses": {"200": {"description": "the document", "content": {"text/html": {"schema": {"type": "string"}}}}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}},
        "/v1/documents/{documentId}/pdf": {"get": {"summary": "The signed PDF (number, signer's name, NIP and position, QR code of the verification address)", "parameters": [{"$ref": "#/components/parameters/DocumentId"}],
          "responses": {"200": {"description": "the signed file", "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}}},
        "/v1/documents/{documentId}/paraf": {"post": {"summary": "The paraf (verification) by the role the profile names; draft → verified", "parameters": [{"$ref": "#/components/parameters/DocumentId"}],
          "responses": {"200": {"description": "verified", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DocumentOfRecord"}}}}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}}},
        "/v1/documents/{documentId}/signature": {"post": {"summary": "The signature by the role the profile names, the signer re-entering their password: prints the PDF, stores it with its SHA-256 and the service's Ed25519 seal", "parameters": [{"$ref": "#/components/parameters/DocumentId"}],
          "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["password"], "properties": {"password": {"type": "string"}}}}}},
          "responses": {"200": {"description": "signed", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DocumentOfRecord"}}}}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}, "503": {"$ref": "#/components/responses/Error"}}}},
        "/v1/documents/{documentId}/verification": {"get": {"summary": "Public (no token): number, title, paraf, signer, the signed file's SHA-256, the seal and whether it holds", "security": [], "parameters": [{"$ref": "#/components/parameters/DocumentId"}],
          "responses": {"200": {"description": "the record", "content": {"application/json": {"schema": {"type": "object", "required": ["documentId", "number", "state", "address"]}}}}, "404": {"$ref": "#/components/responses/Error"}}}},
        "/.well-known/jembatan-keys.json": {"get": {"summary": "Public: the Ed25519 public keys that check the seals", "security": [],
          "responses": {"200": {"description": "keys", "content": {"application/json": {"schema": {"type": "object", "required": ["keys"], "properties": {"keys": {"type": "array", "items": {"type": "object", "required": ["keyId", "algorithm", "publicKey"], "properties": {"keyId": {"type": "string"}, "algorithm": {"type": "string", "enum": ["Ed25519"]}, "publicKey": {"type": "string"}}}}}}}}}}}},
        """

    /// The components the paths refer to (members of `components`), after the owner's own.
    public static let openAPIComponents = """
        "DocumentOfRecord": {"type": "object", "required": ["documentId", "kind", "number", "title", "state", "createdAt"], "properties": {"documentId": {"type": "string", "format": "uuid"}, "kind": {"type": "string"}, "number": {"type": "string"}, "title": {"type": "string"}, "state": {"type": "string", "enum": ["draft", "verified", "signed"]}, "createdAt": {"type": "string", "format": "date-time"}, "owner": {"type": "string"}, "verifierRole": {"type": "string"}, "signerRole": {"type": "string"}, "verification": {"type": "object"}, "signature": {"type": "object"}}}
        """
}

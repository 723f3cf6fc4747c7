import Foundation
import HTTPTypes
import Hummingbird
import JembatanShared

/// The files of steps 1 and 2: the application's data and information document and the written
/// data document. Up to 20 MB each, of the kinds the offices use, read from their content (a file
/// whose bytes are not what its name says is refused), stored with their SHA-256; a refused upload
/// stores nothing. Downloaded only by the roles that may see the request.
struct AttachmentsController: Sendable {
    let context: ServiceContext
    /// The largest file: 20 MB.
    static let limit = 20 * 1024 * 1024
    /// The kinds of attachment: step 1's and step 2's documents.
    static let kinds = [
        "dokumen_aplikasi": "Dokumen data dan informasi aplikasi", "dokumen_data": "Dokumen tertulis data",
    ]

    func register(on router: Router<JembatanRequestContext>) {
        router.post("v1/requests/:id/attachments", use: upload)
        router.get("v1/requests/:id/attachments", use: list)
        router.get("v1/attachments/:attachmentId", use: download)
    }

    struct Listing: Encodable {
        let attachments: [StoredAttachment]
    }

    func request(_ requestId: String, for account: Account, _ routeContext: JembatanRequestContext) async throws
        -> StoredRequest
    {
        guard let stored = try await RequestStore.find(requestId, client: context.client, logger: routeContext.logger),
            account.mayAccess(agency: stored.agencyCode)
        else { throw APIError.notFound("request") }
        return stored
    }

    @Sendable func upload(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.producer])
        let requestId = try request.requestIDParameter(routeContext)
        let stored = try await self.request(requestId, for: account, routeContext)
        guard ![.withdrawn, .declined].contains(stored.state) else {
            throw APIError(
                .conflict, code: "invalid_state", message: "the request is \(stored.state.rawValue): it takes no files",
                field: "state")
        }
        let kind = request.uri.queryParameters["kind"].map(String.init) ?? ""
        let name = (request.uri.queryParameters["name"].map(String.init) ?? "").trimmingCharacters(in: .whitespaces)
        var violations: [FieldViolation] = []
        if Self.kinds[kind] == nil {
            violations.append(
                FieldViolation(
                    field: "kind", rule: "enum", message: "kind is dokumen_aplikasi (step 1) or dokumen_data (step 2)"))
        }
        if name.isEmpty || name.count > 200 || name.contains("/") || name.contains("\\") {
            violations.append(
                FieldViolation(field: "name", rule: "file_name", message: "name the file: 1 to 200 characters, no '/'"))
        }
        let body: ByteBuffer
        do { body = try await request.body.collect(upTo: Self.limit) } catch {
            throw APIError(
                .contentTooLarge, code: "too_large",
                message: "a file is at most 20 MB (\(Self.limit) bytes); nothing was stored", field: "file")
        }
        let bytes = Array(buffer: body)
        if bytes.isEmpty {
            violations.append(FieldViolation(field: "file", rule: "required", message: "the file is empty"))
        } else if let problem = Self.contentProblem(bytes, name: name) {
            violations.append(problem)
        }
        guard violations.isEmpty, let found = FileKind.sniff(bytes) else {
            throw APIError.validationFailed(violations)
        }
        let attachment = StoredAttachment(
            attachmentId: UUID().uuidString.lowercased(), requestId: requestId, kind: kind, fileName: name,
            mediaType: found.mediaType, sizeBytes: bytes.count, sha256: DocumentSeal.sha256(Data(bytes)),
            uploadedBy: account.name, uploadedAt: Date())
        try await AttachmentStore.insert(
            attachment, content: bytes, client: context.client, logger: routeContext.logger)
        routeContext.logger.notice(
            "Attachment stored",
            metadata: [
                LogKey.requestID: "\(requestId)", "attachment.sha256": "\(attachment.sha256)",
                "attachment.bytes": "\(bytes.count)",
            ])
        return try JSONResponse.make(attachment, status: .created)
    }

    /// Why `bytes` named `name` are refused: not one of the kinds by content, or not what the name says.
    static func contentProblem(_ bytes: [UInt8], name: String) -> FieldViolation? {
        let allowed = FileKind.allCases.map(\.label).joined(separator: ", ")
        guard let found = FileKind.sniff(bytes) else {
            return FieldViolation(
                field: "file", rule: "content_type",
                message: "the content is none of \(allowed) (read from the bytes, not the name)")
        }
        guard let claimed = FileKind.claimed(by: name) else {
            return FieldViolation(
                field: "name", rule: "extension", message: "the name ends in the kind's extension (.\(found.rawValue))")
        }
        guard claimed == found else {
            return FieldViolation(
                field: "file", rule: "content_type",
                message: "the name says \(claimed.label) but the content is \(found.label)")
        }
        return nil
    }

    @Sendable func list(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require(DocumentRoutes.readers)
        let requestId = try request.requestIDParameter(routeContext)
        _ = try await self.request(requestId, for: account, routeContext)
        return try JSONResponse.make(
            Listing(
                attachments: try await AttachmentStore.list(
                    requestId: requestId, client: context.client, logger: routeContext.logger)))
    }

    @Sendable func download(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require(DocumentRoutes.readers)
        guard let id = routeContext.parameters.get("attachmentId"), UUIDText.isValid(id),
            let found = try await AttachmentStore.content(
                id.lowercased(), client: context.client, logger: routeContext.logger),
            account.mayAccess(agency: found.agency)
        else { throw APIError.notFound("attachment") }
        let safeName = String(found.attachment.fileName.map { $0.isASCII && $0 != "\"" ? $0 : "_" })
        return Response(
            status: .ok,
            headers: [
                .contentType: found.attachment.mediaType,
                .contentDisposition: "attachment; filename=\"\(safeName)\"",
                HTTPField.Name("X-Content-Type-Options")!: "nosniff",
                HTTPField.Name("Digest")!: "sha-256=\(Data(hex: found.attachment.sha256)?.base64EncodedString() ?? "")",
            ],
            body: .init(byteBuffer: found.content))
    }
}

extension Data {
    /// The bytes of a hex string.
    init?(hex: String) {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) ?? hex.endIndex
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        self.init(bytes)
    }
}

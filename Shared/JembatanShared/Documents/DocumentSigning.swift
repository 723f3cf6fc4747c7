import Foundation
import HTTPTypes
import Logging
import PostgresNIO

/// The paraf and signature of a role's documents of record: a draft is verified (paraf) by the
/// role its rule names, then signed by the signer's role with the signer re-entering their
/// password. Signing prints the PDF with the number, the signer's name, NIP and position and a QR
/// code of the verification address; the file's SHA-256 and the service's Ed25519 seal over it are
/// kept with the file, so anyone holding it can check who signed what, when, and that it is unchanged.
public struct DocumentSigning: Sendable {
    /// The service that owns the documents.
    public let owner: ServiceName
    /// Its schema.
    public let schema: SchemaName
    let client: PostgresClient
    let configuration: JembatanConfiguration
    /// The document's page as HTML (what is read, printed and signed).
    let page: @Sendable (StoredDocument, Logger) async throws -> String

    /// Signing for `owner`'s documents in `schema`, each rendered by `page`.
    public init(
        owner: ServiceName, schema: SchemaName, client: PostgresClient, configuration: JembatanConfiguration,
        page: @escaping @Sendable (StoredDocument, Logger) async throws -> String
    ) {
        self.owner = owner
        self.schema = schema
        self.client = client
        self.configuration = configuration
        self.page = page
    }

    /// Where anyone checks document `id`: the workspace's public page.
    public func verificationAddress(_ id: String) -> String {
        "\(configuration.publicBaseURL)/verifikasi/\(owner.rawValue)/\(id)"
    }

    /// The seal, from `JEMBATAN_SEAL_KEY_FILE`.
    public func seal() throws -> DocumentSeal {
        guard let file = configuration.sealKeyFile else {
            throw APIError(
                .serviceUnavailable, code: "seal_unavailable",
                message:
                    "documents cannot be signed: JEMBATAN_SEAL_KEY_FILE is not set (make one with jembatan keys create)"
            )
        }
        do { return try DocumentSeal(file: file) } catch {
            throw APIError(.serviceUnavailable, code: "seal_unavailable", message: "\(error)")
        }
    }

    /// Document `id` if `account` may see it.
    public func document(_ id: String, for account: Account, logger: Logger) async throws -> StoredDocument {
        guard UUIDText.isValid(id),
            let document = try await DocumentStore.document(
                schema: schema, id: id.lowercased(), client: client, logger: logger),
            account.mayAccess(agency: document.agencyCode)
        else { throw APIError.notFound("document") }
        return document
    }

    func person(_ account: Account, logger: Logger) async throws -> AccountDirectory.Signer {
        guard let person = try await AccountDirectory(client: client, logger: logger).signer(account) else {
            throw APIError(.unauthorized, code: "invalid_token", message: "the account is no longer active")
        }
        return person
    }

    static func refuse(_ status: HTTPResponse.Status, _ code: String, _ message: String, field: String? = nil)
        -> APIError
    {
        APIError(status, code: code, message: message, field: field)
    }

    /// The paraf: `account` (of the verifier's role) verifies the draft.
    public func verify(_ id: String, by account: Account, logger: Logger) async throws -> StoredDocument {
        let document = try await document(id, for: account, logger: logger)
        guard let verifier = document.verifierRole else {
            throw Self.refuse(
                .conflict, "no_verification", "this document goes straight to signature: it has no paraf")
        }
        guard account.role == verifier else {
            throw Self.refuse(.forbidden, "wrong_role", "this document is verified (paraf) by: \(verifier.rawValue)")
        }
        guard document.state == "draft" else {
            throw Self.refuse(.conflict, "already_verified", "this document is already \(document.state)")
        }
        let person = try await person(account, logger: logger)
        guard person.passwordHash != nil else {
            throw Self.refuse(.forbidden, "not_a_person", "a paraf is given by a person, not a machine account")
        }
        let name = person.position.isEmpty ? person.fullName : "\(person.fullName) (\(person.position))"
        let changed = try await DocumentStore.markVerified(
            schema: schema, id: document.documentId, by: account.name, name: name, client: client, logger: logger)
        guard changed else { throw Self.refuse(.conflict, "already_verified", "this document was verified just now") }
        logger.notice(
            "Document verified (paraf)",
            metadata: ["document.id": "\(document.documentId)", "document.kind": "\(document.kind)"])
        return try await self.document(id, for: account, logger: logger)
    }

    /// The signature: `account` (of the signer's role, a person with NIP and position) signs after
    /// re-entering `password`; the PDF is printed, hashed and sealed, then stored with the document.
    public func sign(_ id: String, by account: Account, password: String, logger: Logger) async throws
        -> StoredDocument
    {
        let document = try await document(id, for: account, logger: logger)
        guard let signer = document.signerRole else {
            throw Self.refuse(.conflict, "not_signable", "this document has no signer in its profile")
        }
        guard account.role == signer else {
            throw Self.refuse(.forbidden, "wrong_role", "this document is signed by: \(signer.rawValue)")
        }
        if document.state == "signed" {
            throw Self.refuse(.conflict, "already_signed", "this document is already signed")
        }
        let expected = document.verifierRole == nil ? "draft" : "verified"
        guard document.state == expected else {
            throw Self.refuse(
                .conflict, "not_verified",
                "this document needs the paraf of \(document.verifierRole?.rawValue ?? "") before it is signed")
        }
        guard !password.isEmpty else {
            throw APIError.validationFailed([
                FieldViolation(field: "password", rule: "required", message: "re-enter your password to sign")
            ])
        }
        let person = try await person(account, logger: logger)
        guard let hash = person.passwordHash else {
            throw Self.refuse(.forbidden, "not_a_person", "documents are signed by a person, not a machine account")
        }
        guard await Passwords.verify(password, hash: hash) else {
            logger.notice("Signature refused: wrong password", metadata: ["document.id": "\(document.documentId)"])
            throw Self.refuse(.forbidden, "wrong_password", "the password is not this account's", field: "password")
        }
        guard !person.nip.isEmpty, !person.position.isEmpty else {
            throw Self.refuse(
                .unprocessableContent, "signer_details",
                "a signer's account has a NIP and a position (an admin fills them in on the accounts page)")
        }
        let seal = try seal()
        let signedAt = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1000).rounded() / 1000)
        let address = verificationAddress(document.documentId)
        let block = SignatureBlock(
            number: document.number, name: person.fullName, nip: person.nip, position: person.position,
            signedAt: Indonesian.moment(signedAt),
            paraf: document.verification.map { "\($0.name), \(Indonesian.moment($0.at))" }, address: address,
            keyId: seal.keyId, qr: try await QRCode.png(address).base64EncodedString())
        // The file says what it is once signed.
        var printed = document
        printed.state = "signed"
        let html = try block.inserted(into: try await page(printed, logger))
        let pdf = try await PDFRenderer(chromium: configuration.chromium).render(html: html)
        let sha256 = DocumentSeal.sha256(pdf)
        let sealText = try seal.seal(
            documentId: document.documentId, number: document.number, sha256: sha256, signer: account.name,
            signedAt: signedAt)
        let signature = StoredDocument.Signature(
            by: account.name, name: person.fullName, nip: person.nip, position: person.position, at: signedAt,
            sha256: sha256, seal: sealText, keyId: seal.keyId)
        let changed = try await DocumentStore.markSigned(
            schema: schema, id: document.documentId, from: expected, signature: signature, pdf: pdf, client: client,
            logger: logger)
        guard changed else { throw Self.refuse(.conflict, "already_signed", "this document was signed just now") }
        logger.notice(
            "Document signed",
            metadata: [
                "document.id": "\(document.documentId)", "document.kind": "\(document.kind)",
                "document.sha256": "\(sha256)",
            ])
        return try await self.document(id, for: account, logger: logger)
    }

    /// The signed PDF of document `id`, if it is signed.
    public func signedFile(_ id: String, logger: Logger) async throws -> Data? {
        try await DocumentStore.signedFile(schema: schema, id: id.lowercased(), client: client, logger: logger)
    }

    /// What anyone may learn about document `id` (no sign-in): number, title, who verified and
    /// signed it and when, the signed file's SHA-256, and whether the seal over them holds.
    public func verification(_ id: String, logger: Logger) async throws -> DocumentVerification? {
        guard UUIDText.isValid(id),
            let document = try await DocumentStore.document(
                schema: schema, id: id.lowercased(), client: client, logger: logger)
        else { return nil }
        var sealValid: Bool?
        if let signature = document.signature {
            let key = try? seal()
            sealValid =
                key.map {
                    $0.keyId == signature.keyId
                        && DocumentSeal.verify(
                            seal: signature.seal, publicKey: $0.publicKey, documentId: document.documentId,
                            number: document.number, sha256: signature.sha256, signer: signature.by,
                            signedAt: signature.at)
                } ?? false
        }
        return DocumentVerification(
            documentId: document.documentId, owner: owner.rawValue, kind: document.kind, number: document.number,
            title: document.title, agencyCode: document.agencyCode, state: document.state,
            verifierRole: document.verifierRole, signerRole: document.signerRole,
            verification: document.verification, signature: document.signature, sealValid: sealValid,
            address: verificationAddress(document.documentId))
    }
}

/// `GET /v1/documents/{id}/verification`: what anyone holding a document may check.
public struct DocumentVerification: Codable, Sendable {
    /// Id.
    public var documentId: String
    /// The service that holds it.
    public var owner: String
    /// Kind.
    public var kind: String
    /// Number.
    public var number: String
    /// Title.
    public var title: String
    /// The agency whose numbering it follows.
    public var agencyCode: String
    /// `draft`, `verified` or `signed`.
    public var state: String
    /// Who verifies it.
    public var verifierRole: Role?
    /// Who signs it.
    public var signerRole: Role?
    /// The paraf.
    public var verification: StoredDocument.Verification?
    /// The signature, with the file's SHA-256, the seal and its key id.
    public var signature: StoredDocument.Signature?
    /// Whether the service's seal over the signature holds (nil while unsigned).
    public var sealValid: Bool?
    /// The verification address printed on it.
    public var address: String
}

/// `/.well-known/jembatan-keys.json`: the public keys that check the seals.
public struct SealKeys: Codable, Sendable {
    /// One key.
    public struct Key: Codable, Sendable {
        /// Its id, as printed on documents.
        public var keyId: String
        /// Always `Ed25519`.
        public var algorithm: String
        /// The raw public key, base64.
        public var publicKey: String
    }

    /// The keys.
    public var keys: [Key]

    /// The keys of `seal` (none without a seal key).
    public init(_ seal: DocumentSeal?) {
        keys = seal.map { [Key(keyId: $0.keyId, algorithm: "Ed25519", publicKey: $0.publicKey)] } ?? []
    }
}

/// The signature block printed at the foot of a signed document (template `signature-block`).
struct SignatureBlock: Sendable {
    let number: String
    let name: String
    let nip: String
    let position: String
    let signedAt: String
    let paraf: String?
    let address: String
    let keyId: String
    /// The QR code, PNG, base64.
    let qr: String

    static let views = Result { try PageViews(roleTemplates: nil) }

    /// `page` with the block before its closing body tag.
    func inserted(into page: String) throws -> String {
        let block = try Self.views.get().render("signature-block", self)
        guard let end = page.range(of: "</body>", options: .backwards) else { return page + block }
        return page.replacingCharacters(in: end, with: block + "</body>")
    }
}

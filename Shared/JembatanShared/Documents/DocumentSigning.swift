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

    /// The person behind `account`, as printed under a paraf or signature, with their password hash.
    struct Person {
        let fullName: String
        let nip: String
        let position: String
        let passwordHash: String?
    }

    func person(_ account: Account, logger: Logger) async throws -> Person {
        let rows = try await client.query(
            """
            SELECT coalesce(full_name, name), coalesce(nip, ''), coalesce(position, ''), password_hash
            FROM identity.accounts WHERE account_id = \(account.id) AND deactivated_at IS NULL
            """, logger: logger)
        for try await (name, nip, position, hash) in rows.decode((String, String, String, String?).self) {
            return Person(fullName: name, nip: nip, position: position, passwordHash: hash)
        }
        throw APIError(.unauthorized, code: "invalid_token", message: "the account is no longer active")
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
        let rows = try await client.query(
            PostgresQuery(
                unsafeSQL: """
                    UPDATE \(schema.rawValue).documents
                    SET state = 'verified', verified_by = $2, verified_name = $3, verified_at = now()
                    WHERE document_id = $1 AND state = 'draft' RETURNING document_id
                    """, binds: DocumentStore.binds(document.documentId, account.name, name)), logger: logger)
        var changed = false
        for try await _ in rows.decode(String.self) { changed = true }
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
            signedAt: signedAt, verification: document.verification, address: address, keyId: seal.keyId,
            qr: try await QRCode.svg(address))
        let html = block.inserted(into: try await page(document, logger))
        let pdf = try await PDFRenderer(chromium: configuration.chromium).render(html: html)
        let sha256 = DocumentSeal.sha256(pdf)
        let sealText = try seal.seal(
            documentId: document.documentId, number: document.number, sha256: sha256, signer: account.name,
            signedAt: signedAt)
        var binds = DocumentStore.binds(
            document.documentId, expected, account.name, person.fullName, person.nip, person.position)
        binds.append(signedAt)
        binds.append(ByteBuffer(bytes: pdf))
        binds.append(sha256)
        binds.append(sealText)
        binds.append(seal.keyId)
        let rows = try await client.query(
            PostgresQuery(
                unsafeSQL: """
                    UPDATE \(schema.rawValue).documents
                    SET state = 'signed', signed_by = $3, signer_name = $4, signer_nip = $5, signer_position = $6,
                        signed_at = $7, pdf = $8, sha256 = $9, seal = $10, key_id = $11
                    WHERE document_id = $1 AND state = $2 RETURNING document_id
                    """, binds: binds), logger: logger)
        var changed = false
        for try await _ in rows.decode(String.self) { changed = true }
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
        let rows = try await client.query(
            PostgresQuery(
                unsafeSQL: "SELECT pdf FROM \(schema.rawValue).documents WHERE document_id = $1 AND state = 'signed'",
                binds: DocumentStore.binds(id.lowercased())), logger: logger)
        for try await buffer in rows.decode(ByteBuffer.self) { return Data(buffer: buffer) }
        return nil
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

/// The signature block printed at the foot of a signed document.
struct SignatureBlock {
    let number: String
    let name: String
    let nip: String
    let position: String
    let signedAt: Date
    let verification: StoredDocument.Verification?
    let address: String
    let keyId: String
    let qr: String

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    var html: String {
        let paraf =
            verification.map {
                "<p style=\"margin:.2em 0\">Paraf: \(Self.escape($0.name)), \(Self.escape(Indonesian.moment($0.at)))</p>"
            } ?? ""
        return """
            <section class="signature" style="margin-top:2em;page-break-inside:avoid;display:flex;gap:1.2em;align-items:flex-start;border-top:1px solid #999;padding-top:1em">
            <div style="width:4.2cm;height:4.2cm;flex:none">\(qr.replacingOccurrences(of: "<svg", with: "<svg style=\"width:4.2cm;height:4.2cm\""))</div>
            <div style="font-size:10.5pt">
            <p style="margin:.2em 0">Nomor: <strong>\(Self.escape(number))</strong></p>
            <p style="margin:.2em 0">Ditandatangani secara elektronik melalui Jembatan pada \(Self.escape(Indonesian.moment(signedAt))) oleh</p>
            <p style="margin:.6em 0 .2em"><strong>\(Self.escape(name))</strong><br>\(Self.escape(position))<br>NIP \(Self.escape(nip))</p>
            \(paraf)
            <p style="margin:.6em 0 .2em;font-size:9pt">Periksa keaslian naskah ini di \(Self.escape(address)) (pindai kode QR). Naskah disegel oleh layanan Jembatan (Ed25519, kunci \(Self.escape(keyId))); segel ini bukan tanda tangan elektronik tersertifikasi BSrE.</p>
            </div>
            </section>
            """
    }

    /// `page` with the block before its closing body tag.
    func inserted(into page: String) -> String {
        guard let end = page.range(of: "</body>", options: .backwards) else { return page + html }
        return page.replacingCharacters(in: end, with: html + "</body>")
    }
}

import Foundation
import Logging
import PostgresNIO

/// A document of record (naskah dinas) as a role stores it: its number by the agency's scheme,
/// what it says (fields its template renders), and — once signed — the file, its SHA-256 and the
/// service's seal.
public struct StoredDocument: Sendable, Equatable {
    /// Id (UUID).
    public var documentId: String
    /// The request it belongs to.
    public var requestId: String
    /// `surat_permohonan`, `lembar_disposisi`, …
    public var kind: String
    /// Its number, e.g. `000.5.2/007/35.14-dinkes/XII/2026`.
    public var number: String
    /// The agency whose numbering it follows.
    public var agencyCode: String
    /// Its title as printed.
    public var title: String
    /// The fields its template renders (JSON object).
    public var body: [String: String]
    /// `draft`, `verified` or `signed`.
    public var state: String
    /// When it was made.
    public var createdAt: Date
    /// The phase whose output it is (its step on the clock).
    public var phase: Phase?
    /// Who verifies it (paraf) before signature; nil when it goes straight to signature.
    public var verifierRole: Role?
    /// Who signs it.
    public var signerRole: Role?
    /// The paraf, once given.
    public var verification: Verification?
    /// The signature, once given.
    public var signature: Signature?

    /// A paraf: who verified the draft, and when.
    public struct Verification: Sendable, Equatable, Codable {
        /// Account name.
        public var by: String
        /// Full name and position, as printed.
        public var name: String
        /// When.
        public var at: Date
    }

    /// A signature: the person (name, NIP, position, as printed), the moment, the signed file's
    /// SHA-256 and the service's seal over them.
    public struct Signature: Sendable, Equatable, Codable {
        /// Account name.
        public var by: String
        /// Full name.
        public var name: String
        /// NIP (18 digits) or empty.
        public var nip: String
        /// Position (jabatan).
        public var position: String
        /// When.
        public var at: Date
        /// SHA-256 of the signed PDF, hex.
        public var sha256: String
        /// Ed25519 seal, base64.
        public var seal: String
        /// The seal key's id.
        public var keyId: String
    }

    /// A document.
    public init(
        documentId: String, requestId: String, kind: String, number: String, agencyCode: String, title: String,
        body: [String: String], state: String = "draft", createdAt: Date
    ) {
        self.documentId = documentId
        self.requestId = requestId
        self.kind = kind
        self.number = number
        self.agencyCode = agencyCode
        self.title = title
        self.body = body
        self.state = state
        self.createdAt = createdAt
    }
}

/// The documents table of a role's schema (each role owns the documents of its own steps) and its
/// numbering: one shared shape, so numbering, signing and verification are one library.
public enum DocumentStore {
    /// The migration creating `documents`, `document_sequences` and `numbering_schemes` in `schema`.
    public static func migration(schema: SchemaName, version: Int) -> Migration {
        let name = schema.rawValue
        return Migration(
            version: version, name: "documents of record and their numbering",
            statements: DocumentSequence.migration(schema: schema, version: version).statements + [
                """
                CREATE TABLE \(name).numbering_schemes (
                    agency_code text NOT NULL,
                    kind text NOT NULL,
                    pattern text NOT NULL,
                    classification text NOT NULL,
                    updated_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (agency_code, kind)
                )
                """,
                """
                CREATE TABLE \(name).documents (
                    document_id text PRIMARY KEY,
                    request_id text NOT NULL,
                    kind text NOT NULL,
                    number text NOT NULL,
                    agency_code text NOT NULL,
                    title text NOT NULL,
                    body jsonb NOT NULL,
                    state text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'verified', 'signed')),
                    created_at timestamptz NOT NULL DEFAULT now(),
                    UNIQUE (agency_code, kind, number)
                )
                """,
                "CREATE INDEX documents_request ON \(name).documents (request_id)",
            ])
    }

    /// The migration adding paraf and signature to `documents` in `schema`: who verifies and signs
    /// (from the profile, kept with the document), the paraf, the signer as printed, and the signed
    /// PDF with its SHA-256 and seal (in PostgreSQL, so the backups hold it).
    public static func signingMigration(schema: SchemaName, version: Int) -> Migration {
        let name = schema.rawValue
        return Migration(
            version: version, name: "paraf and signature of documents of record",
            statements: [
                """
                ALTER TABLE \(name).documents
                    ADD COLUMN phase text,
                    ADD COLUMN verifier_role text,
                    ADD COLUMN signer_role text,
                    ADD COLUMN verified_by text,
                    ADD COLUMN verified_name text,
                    ADD COLUMN verified_at timestamptz,
                    ADD COLUMN signed_by text,
                    ADD COLUMN signer_name text,
                    ADD COLUMN signer_nip text,
                    ADD COLUMN signer_position text,
                    ADD COLUMN signed_at timestamptz,
                    ADD COLUMN pdf bytea,
                    ADD COLUMN sha256 text,
                    ADD COLUMN seal text,
                    ADD COLUMN key_id text,
                    ADD CONSTRAINT documents_signed_whole CHECK ((state = 'signed') = (signed_at IS NOT NULL
                        AND pdf IS NOT NULL AND sha256 IS NOT NULL AND seal IS NOT NULL))
                """
            ])
    }

    /// The agency's scheme for `kind`, else the standard one with `classification`.
    public static func scheme(
        schema: SchemaName, agency: String, kind: String, defaultClassification: String,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> NumberingScheme {
        let rows = try await connection.queryUnlessClosed(
            PostgresQuery(
                unsafeSQL:
                    "SELECT pattern, classification FROM \(schema.rawValue).numbering_schemes WHERE agency_code = $1 AND kind = $2",
                binds: binds(agency, kind)), logger: logger)
        for try await (pattern, classification) in rows.decode((String, String).self) {
            return try NumberingScheme(pattern: pattern, classification: classification)
        }
        return try NumberingScheme(classification: defaultClassification)
    }

    /// Numbers and stores a new document on `connection`, inside the caller's transaction: the
    /// number is taken from the agency's counter for the kind and year, so a rolled-back
    /// transaction gives it back and concurrent ones queue for it.
    public static func issue(
        schema: SchemaName, requestId: String, kind: String, agency: String, title: String,
        body: [String: String], defaultClassification: String, rule: DocumentRule?, at date: Date = Date(),
        on connection: PostgresConnection, logger: Logger
    ) async throws -> StoredDocument {
        let scheme = try await scheme(
            schema: schema, agency: agency, kind: kind, defaultClassification: defaultClassification,
            on: connection, logger: logger)
        let year = WIB.calendar.component(.year, from: date)
        let sequence = try await DocumentSequence.next(
            schema: schema, agency: agency, kind: kind, year: year, on: connection, logger: logger)
        var document = StoredDocument(
            documentId: UUID().uuidString.lowercased(), requestId: requestId, kind: kind,
            number: scheme.number(sequence: sequence, agency: agency, date: date), agencyCode: agency,
            title: title, body: body, createdAt: date)
        document.phase = rule?.phase
        document.verifierRole = rule?.verifier
        document.signerRole = rule?.signer
        let json = String(decoding: try JSONEncoder().encode(body), as: UTF8.self)
        var values = binds(document.documentId, requestId, kind, document.number, agency, title, json)
        values.append(date)
        values.append(rule?.phase.rawValue)
        values.append(rule?.verifier?.rawValue)
        values.append(rule?.signer.rawValue)
        try await connection.queryUnlessClosed(
            PostgresQuery(
                unsafeSQL: """
                    INSERT INTO \(schema.rawValue).documents
                        (document_id, request_id, kind, number, agency_code, title, body, created_at,
                         phase, verifier_role, signer_role)
                    VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11)
                    """, binds: values), logger: logger)
        return document
    }

    /// The documents of a request, oldest first.
    public static func documents(
        schema: SchemaName, requestId: String, client: PostgresClient, logger: Logger
    ) async throws -> [StoredDocument] {
        try await read(schema: schema, where: "request_id = $1", requestId, client: client, logger: logger)
    }

    /// One document by id.
    public static func document(schema: SchemaName, id: String, client: PostgresClient, logger: Logger)
        async throws -> StoredDocument?
    {
        try await read(schema: schema, where: "document_id = $1", id, client: client, logger: logger).first
    }

    /// The paraf: draft → verified; false when the document was no longer a draft.
    public static func markVerified(
        schema: SchemaName, id: String, by account: String, name: String, client: PostgresClient, logger: Logger
    ) async throws -> Bool {
        let rows = try await client.queryUnlessClosed(
            PostgresQuery(
                unsafeSQL: """
                    UPDATE \(schema.rawValue).documents
                    SET state = 'verified', verified_by = $2, verified_name = $3, verified_at = now()
                    WHERE document_id = $1 AND state = 'draft' RETURNING document_id
                    """, binds: binds(id, account, name)), logger: logger)
        for try await _ in rows.decode(String.self) { return true }
        return false
    }

    /// The signature with its file: `from` → signed; false when the document had left `from`.
    public static func markSigned(
        schema: SchemaName, id: String, from state: String, signature: StoredDocument.Signature, pdf: Data,
        client: PostgresClient, logger: Logger
    ) async throws -> Bool {
        var values = binds(id, state, signature.by, signature.name, signature.nip, signature.position)
        values.append(signature.at)
        values.append(ByteBuffer(bytes: pdf))
        values.append(signature.sha256)
        values.append(signature.seal)
        values.append(signature.keyId)
        let rows = try await client.queryUnlessClosed(
            PostgresQuery(
                unsafeSQL: """
                    UPDATE \(schema.rawValue).documents
                    SET state = 'signed', signed_by = $3, signer_name = $4, signer_nip = $5, signer_position = $6,
                        signed_at = $7, pdf = $8, sha256 = $9, seal = $10, key_id = $11
                    WHERE document_id = $1 AND state = $2 RETURNING document_id
                    """, binds: values), logger: logger)
        for try await _ in rows.decode(String.self) { return true }
        return false
    }

    /// The signed PDF of document `id`, if it is signed.
    public static func signedFile(schema: SchemaName, id: String, client: PostgresClient, logger: Logger)
        async throws -> Data?
    {
        let rows = try await client.queryUnlessClosed(
            PostgresQuery(
                unsafeSQL: "SELECT pdf FROM \(schema.rawValue).documents WHERE document_id = $1 AND state = 'signed'",
                binds: binds(id)), logger: logger)
        for try await buffer in rows.decode(ByteBuffer.self) { return Data(buffer: buffer) }
        return nil
    }

    static let columns = """
        document_id, request_id, kind, number, agency_code, title, body::text, state, created_at,
        phase, verifier_role, signer_role, verified_by, verified_name, verified_at,
        signed_by, signer_name, signer_nip, signer_position, signed_at, sha256, seal, key_id
        """

    static func read(
        schema: SchemaName, where condition: String, _ value: String, client: PostgresClient, logger: Logger
    ) async throws -> [StoredDocument] {
        let rows = try await client.queryUnlessClosed(
            PostgresQuery(
                unsafeSQL: """
                    SELECT \(columns)
                    FROM \(schema.rawValue).documents WHERE \(condition) ORDER BY created_at, number
                    """, binds: binds(value)), logger: logger)
        var result: [StoredDocument] = []
        for try await row in rows {
            result.append(try document(from: row))
        }
        return result
    }

    static func document(from row: PostgresRow) throws -> StoredDocument {
        let cells = row.makeRandomAccess()
        func text(_ index: Int) throws -> String? { try cells[index].decode(String?.self) }
        func date(_ index: Int) throws -> Date? { try cells[index].decode(Date?.self) }
        let body = try text(6) ?? "{}"
        var document = StoredDocument(
            documentId: try text(0) ?? "", requestId: try text(1) ?? "", kind: try text(2) ?? "",
            number: try text(3) ?? "", agencyCode: try text(4) ?? "", title: try text(5) ?? "",
            body: (try? JSONDecoder().decode([String: String].self, from: Data(body.utf8))) ?? [:],
            state: try text(7) ?? "draft", createdAt: try date(8) ?? Date())
        document.phase = try text(9).map(Phase.init(stored:))
        document.verifierRole = try text(10).map(Role.init(stored:))
        document.signerRole = try text(11).map(Role.init(stored:))
        if let by = try text(12), let name = try text(13), let at = try date(14) {
            document.verification = .init(by: by, name: name, at: at)
        }
        if let by = try text(15), let at = try date(19), let sha256 = try text(20), let seal = try text(21),
            let keyId = try text(22)
        {
            document.signature = .init(
                by: by, name: try text(16) ?? by, nip: try text(17) ?? "", position: try text(18) ?? "", at: at,
                sha256: sha256, seal: seal, keyId: keyId)
        }
        return document
    }

    static func binds(_ values: String...) -> PostgresBindings {
        var binds = PostgresBindings()
        for value in values { binds.append(value) }
        return binds
    }
}

/// An agency's numbering schemes, per kind of letter.
public enum DocumentSchemes {
    /// Sets (or replaces) `agency`'s scheme for `kind`.
    public static func set(
        schema: SchemaName, agency: String, kind: String, scheme: NumberingScheme, client: PostgresClient,
        logger: Logger
    ) async throws {
        try await client.queryUnlessClosed(
            PostgresQuery(
                unsafeSQL: """
                    INSERT INTO \(schema.rawValue).numbering_schemes (agency_code, kind, pattern, classification)
                    VALUES ($1, $2, $3, $4)
                    ON CONFLICT (agency_code, kind) DO UPDATE
                    SET pattern = EXCLUDED.pattern, classification = EXCLUDED.classification, updated_at = now()
                    """, binds: DocumentStore.binds(agency, kind, scheme.pattern, scheme.classification)),
            logger: logger)
    }
}

/// `GET /v1/requests/{id}/documents`: a request's documents of record, as the owning role lists
/// them and the workspace reads them (one definition for both sides).
public struct DocumentListing: Codable, Sendable {
    /// One document, without its content.
    public struct Document: Codable, Sendable {
        /// Id.
        public var documentId: String
        /// `surat_permohonan`, `lembar_disposisi`, …
        public var kind: String
        /// Its number.
        public var number: String
        /// Its title.
        public var title: String
        /// `draft`, `verified` or `signed`.
        public var state: String
        /// When it was made.
        public var createdAt: Date
        /// The service that owns it (where it is verified, signed and checked).
        public var owner: String?
        /// Who verifies it (paraf); nil when it goes straight to signature.
        public var verifierRole: Role?
        /// Who signs it.
        public var signerRole: Role?
        /// The paraf, once given.
        public var verification: StoredDocument.Verification?
        /// The signature, once given.
        public var signature: StoredDocument.Signature?

        /// The listing of `document`, owned by `owner`.
        public init(_ document: StoredDocument, owner: ServiceName? = nil) {
            documentId = document.documentId
            kind = document.kind
            number = document.number
            title = document.title
            state = document.state
            createdAt = document.createdAt
            self.owner = owner?.rawValue
            verifierRole = document.verifierRole
            signerRole = document.signerRole
            verification = document.verification
            signature = document.signature
        }
    }

    /// The documents, oldest first.
    public var documents: [Document]

    /// A listing.
    public init(documents: [Document]) { self.documents = documents }
}

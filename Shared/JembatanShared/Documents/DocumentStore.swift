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

    /// The agency's scheme for `kind`, else the standard one with `classification`.
    public static func scheme(
        schema: SchemaName, agency: String, kind: String, defaultClassification: String,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> NumberingScheme {
        let rows = try await connection.query(
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
        body: [String: String], defaultClassification: String, at date: Date = Date(),
        on connection: PostgresConnection, logger: Logger
    ) async throws -> StoredDocument {
        let scheme = try await scheme(
            schema: schema, agency: agency, kind: kind, defaultClassification: defaultClassification,
            on: connection, logger: logger)
        let year = WIB.calendar.component(.year, from: date)
        let sequence = try await DocumentSequence.next(
            schema: schema, agency: agency, kind: kind, year: year, on: connection, logger: logger)
        let document = StoredDocument(
            documentId: UUID().uuidString.lowercased(), requestId: requestId, kind: kind,
            number: scheme.number(sequence: sequence, agency: agency, date: date), agencyCode: agency,
            title: title, body: body, createdAt: date)
        let json = String(decoding: try JSONEncoder().encode(body), as: UTF8.self)
        var values = binds(document.documentId, requestId, kind, document.number, agency, title, json)
        values.append(date)
        try await connection.query(
            PostgresQuery(
                unsafeSQL: """
                    INSERT INTO \(schema.rawValue).documents
                        (document_id, request_id, kind, number, agency_code, title, body, created_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)
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

    static func read(
        schema: SchemaName, where condition: String, _ value: String, client: PostgresClient, logger: Logger
    ) async throws -> [StoredDocument] {
        let rows = try await client.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT document_id, request_id, kind, number, agency_code, title, body::text, state, created_at
                    FROM \(schema.rawValue).documents WHERE \(condition) ORDER BY created_at, number
                    """, binds: binds(value)), logger: logger)
        var result: [StoredDocument] = []
        for try await (id, request, kind, number, agency, title, body, state, created) in rows.decode(
            (String, String, String, String, String, String, String, String, Date).self)
        {
            let fields = (try? JSONDecoder().decode([String: String].self, from: Data(body.utf8))) ?? [:]
            result.append(
                StoredDocument(
                    documentId: id, requestId: request, kind: kind, number: number, agencyCode: agency, title: title,
                    body: fields, state: state, createdAt: created))
        }
        return result
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
        try await client.query(
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

        /// The listing of `document`.
        public init(_ document: StoredDocument) {
            documentId = document.documentId
            kind = document.kind
            number = document.number
            title = document.title
            state = document.state
            createdAt = document.createdAt
        }
    }

    /// The documents, oldest first.
    public var documents: [Document]

    /// A listing.
    public init(documents: [Document]) { self.documents = documents }
}

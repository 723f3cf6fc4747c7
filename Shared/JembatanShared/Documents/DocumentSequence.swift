import Foundation
import Logging
import PostgresNIO

/// The letter numbers of a role's documents: one counter per agency, kind and year in the role's
/// own `document_sequences` table, taken on the caller's connection inside the transaction that
/// stores the document. A rolled-back document gives its number back (the counter's increment
/// rolls back with it); two documents at once queue on the counter's row lock, so no number is
/// used twice and none is skipped.
public enum DocumentSequence {
    /// The table, in `schema` (the migration that creates it is ``migration(schema:version:)``).
    public static func migration(schema: SchemaName, version: Int) -> Migration {
        Migration(
            version: version, name: "document sequences",
            statements: [
                """
                CREATE TABLE \(schema.rawValue).document_sequences (
                    agency_code text NOT NULL,
                    kind text NOT NULL,
                    year integer NOT NULL,
                    last_number integer NOT NULL CHECK (last_number > 0),
                    PRIMARY KEY (agency_code, kind, year)
                )
                """
            ])
    }

    /// The next number of `kind` for `agency` in `year`, on `connection` (inside its transaction).
    public static func next(
        schema: SchemaName, agency: String, kind: String, year: Int, on connection: PostgresConnection,
        logger: Logger
    ) async throws -> Int {
        let rows = try await connection.queryUnlessClosed(
            PostgresQuery(
                unsafeSQL: """
                    INSERT INTO \(schema.rawValue).document_sequences (agency_code, kind, year, last_number)
                    VALUES ($1, $2, $3, 1)
                    ON CONFLICT (agency_code, kind, year)
                    DO UPDATE SET last_number = \(schema.rawValue).document_sequences.last_number + 1
                    RETURNING last_number
                    """,
                binds: {
                    var binds = PostgresBindings()
                    binds.append(agency)
                    binds.append(kind)
                    binds.append(year)
                    return binds
                }()), logger: logger)
        for try await number in rows.decode(Int.self) { return number }
        throw DocumentSequenceError()
    }

    struct DocumentSequenceError: Error, CustomStringConvertible {
        var description: String { "the document sequence returned no number" }
    }
}

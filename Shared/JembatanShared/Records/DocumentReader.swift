import Foundation
import Logging
import PostgresNIO

/// Read-only view of every role's documents of record for one request (each role owns its own
/// `documents` table): reporting checks each ended step's output against it.
public enum DocumentReader {
    /// One document, as the clock needs it.
    public struct Entry: Sendable, Equatable {
        /// The owning service.
        public let owner: String
        /// Kind.
        public let kind: String
        /// Number.
        public let number: String
        /// `draft`, `verified` or `signed`.
        public let state: String
        /// Who verifies it.
        public let verifierRole: Role?
        /// Who signs it.
        public let signerRole: Role?

        /// An entry.
        public init(
            owner: String, kind: String, number: String, state: String, verifierRole: Role?, signerRole: Role?
        ) {
            self.owner = owner
            self.kind = kind
            self.number = number
            self.state = state
            self.verifierRole = verifierRole
            self.signerRole = signerRole
        }
    }

    /// The schemas that keep documents.
    public static let owners: [ServiceName] = [.intake, .evaluation, .validation, .provisioning, .reporting]

    /// Every document of `requestId`, in every role's schema.
    public static func documents(ofRequest requestId: String, client: PostgresClient, logger: Logger) async throws
        -> [Entry]
    {
        let sql = owners.map {
            "SELECT '\($0.rawValue)', kind, number, state, verifier_role, signer_role FROM \($0.rawValue).documents WHERE request_id = $1"
        }.joined(separator: " UNION ALL ")
        var binds = PostgresBindings()
        binds.append(requestId)
        let rows = try await client.queryUnlessClosed(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
        var found: [Entry] = []
        for try await (owner, kind, number, state, verifier, signer) in rows.decode(
            (String, String, String, String, String?, String?).self)
        {
            found.append(
                Entry(
                    owner: owner, kind: kind, number: number, state: state,
                    verifierRole: verifier.flatMap(Role.init(rawValue:)),
                    signerRole: signer.flatMap(Role.init(rawValue:))
                ))
        }
        return found
    }
}

import Crypto
import Foundation
import Logging
import PostgresNIO

/// One call on the exchange API, as the tamper-evident log records it.
public struct AuditEntry: Sendable, Equatable {
    /// Position in the chain, from 1, without gaps.
    public var sequence: Int64
    /// When, in milliseconds since 1970 (what the hash covers).
    public var atMilliseconds: Int64
    /// Who: the credential id (or account id) that made the call.
    public var actor: String
    /// The caller's agency.
    public var agencyCode: String
    /// The dataset the call was about.
    public var datasetId: String
    /// e.g. `push`, `read`, `get`, `changes`, `contract`, `list`.
    public var operation: String
    /// HTTP status answered.
    public var status: Int
    /// Records accepted (push) or returned (read).
    public var records: Int
    /// Records rejected (push).
    public var rejected: Int
    /// Hash of the previous entry (32 zero bytes for the first).
    public var previousHash: [UInt8]

    /// An entry as stored.
    public init(
        sequence: Int64, atMilliseconds: Int64, actor: String, agencyCode: String, datasetId: String, operation: String,
        status: Int, records: Int, rejected: Int, previousHash: [UInt8]
    ) {
        self.sequence = sequence
        self.atMilliseconds = atMilliseconds
        self.actor = actor
        self.agencyCode = agencyCode
        self.datasetId = datasetId
        self.operation = operation
        self.status = status
        self.records = records
        self.rejected = rejected
        self.previousHash = previousHash
    }

    /// SHA-256 over every field (length-prefixed, so no two entries share a text) and the previous hash.
    public var hash: [UInt8] {
        var text = ""
        for part in [
            "\(sequence)", "\(atMilliseconds)", actor, agencyCode, datasetId, operation, "\(status)", "\(records)",
            "\(rejected)",
        ] {
            text += "\(part.utf8.count):\(part);"
        }
        var hasher = SHA256()
        hasher.update(data: Data(text.utf8))
        hasher.update(data: previousHash)
        return Array(hasher.finalize())
    }
}

/// The hash-chained log of exchange calls (`provisioning.exchange_audit`): appended by the
/// provisioning service, verified by `jembatan audit verify`.
public enum AuditChain {
    /// The hash the first entry links to.
    public static let genesis = [UInt8](repeating: 0, count: 32)

    /// What one call did, before it gets its place in the chain.
    public struct Call: Sendable {
        /// The account that called.
        public var actor: String
        /// The producing agency's code.
        public var agencyCode: String
        /// The hub dataset.
        public var datasetId: String
        /// The route called, e.g. `POST /v1/credentials/{id}/rotate`.
        public var operation: String
        /// The HTTP status answered.
        public var status: Int
        /// Records counted.
        public var records: Int
        /// Records refused.
        public var rejected: Int

        /// One call to record.
        public init(
            actor: String, agencyCode: String, datasetId: String, operation: String, status: Int, records: Int = 0,
            rejected: Int = 0
        ) {
            self.actor = actor
            self.agencyCode = agencyCode
            self.datasetId = datasetId
            self.operation = operation
            self.status = status
            self.records = records
            self.rejected = rejected
        }
    }

    /// Appends `call` inside the caller's transaction. The chain's tail is locked until commit,
    /// so call this last in a transaction to keep the lock short.
    @discardableResult
    public static func append(_ call: Call, at date: Date = Date(), on connection: PostgresConnection, logger: Logger)
        async throws -> AuditEntry
    {
        try await connection.queryUnlessClosed(
            "SELECT pg_advisory_xact_lock(hashtext('jembatan.exchange_audit'))", logger: logger)
        var sequence: Int64 = 1
        var previous = genesis
        for try await (last, hash) in try await connection.queryUnlessClosed(
            "SELECT seq, entry_hash FROM provisioning.exchange_audit ORDER BY seq DESC LIMIT 1", logger: logger
        ).decode((Int64, ByteBuffer).self) {
            sequence = last + 1
            previous = Array(hash.readableBytesView)
        }
        let entry = AuditEntry(
            sequence: sequence, atMilliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded(.down)),
            actor: call.actor,
            agencyCode: call.agencyCode, datasetId: call.datasetId, operation: call.operation, status: call.status,
            records: call.records, rejected: call.rejected, previousHash: previous
        )
        try await connection.queryUnlessClosed(
            """
            INSERT INTO provisioning.exchange_audit (seq, at_ms, actor, agency_code, dataset_id, operation, status, records, rejected, previous_hash, entry_hash)
            VALUES (\(entry.sequence), \(entry.atMilliseconds), \(entry.actor), \(entry.agencyCode), \(entry.datasetId), \(entry.operation),
                    \(entry.status), \(entry.records), \(entry.rejected), \(ByteBuffer(bytes: entry.previousHash)), \(ByteBuffer(bytes: entry.hash)))
            """, logger: logger)
        return entry
    }

    /// The outcome of checking the whole chain.
    public struct Verification: Sendable, Equatable {
        /// Entries checked.
        public var entries: Int
        /// The first entry that does not hold, and why; nil when the chain is intact.
        public var firstBroken: (sequence: Int64, reason: String)?

        /// Equal when every field is.
        public static func == (left: Verification, right: Verification) -> Bool {
            left.entries == right.entries && left.firstBroken?.sequence == right.firstBroken?.sequence
                && left.firstBroken?.reason == right.firstBroken?.reason
        }
    }

    /// Walks the chain in order: every entry's stored hash must be the hash of its fields and
    /// the previous entry's hash, and sequence numbers must have no gaps (a deleted entry breaks it).
    public static func verify(client: PostgresClient, logger: Logger) async throws -> Verification {
        var expectedSequence: Int64 = 1
        var previous = genesis
        var checked = 0
        let rows = try await client.queryUnlessClosed(
            """
            SELECT seq, at_ms, actor, agency_code, dataset_id, operation, status, records, rejected, previous_hash, entry_hash
            FROM provisioning.exchange_audit ORDER BY seq
            """, logger: logger)
        for try await row in rows.decode(
            (Int64, Int64, String, String, String, String, Int, Int, Int, ByteBuffer, ByteBuffer).self)
        {
            let (sequence, at, actor, agency, dataset, operation, status, records, rejected, previousHash, storedHash) =
                row
            let entry = AuditEntry(
                sequence: sequence, atMilliseconds: at, actor: actor, agencyCode: agency, datasetId: dataset,
                operation: operation,
                status: status, records: records, rejected: rejected,
                previousHash: Array(previousHash.readableBytesView))
            checked += 1
            if sequence != expectedSequence {
                return Verification(
                    entries: checked,
                    firstBroken: (sequence, "expected entry \(expectedSequence) here: entries are missing"))
            }
            if entry.previousHash != previous {
                return Verification(
                    entries: checked, firstBroken: (sequence, "its previous-hash does not match entry \(sequence - 1)"))
            }
            if entry.hash != Array(storedHash.readableBytesView) {
                return Verification(
                    entries: checked,
                    firstBroken: (sequence, "its content does not match its hash (changed after it was written)"))
            }
            previous = entry.hash
            expectedSequence += 1
        }
        return Verification(entries: checked, firstBroken: nil)
    }
}

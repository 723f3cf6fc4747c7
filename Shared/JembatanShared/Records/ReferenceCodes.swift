import Foundation
import Logging
import PostgresNIO

/// Reference code lists of the hub (Satu Data "kode referensi", e.g. Kemendagri `wilayah`),
/// cached in memory per list and reloaded when a new import is seen.
public actor ReferenceCodes {
    /// An empty cache.
    public init() {}

    private var cache: [String: (importedAt: Date, codes: Set<String>)] = [:]

    /// The loaded lists among `sets`; lists never imported are absent.
    public func lists(_ sets: Set<String>, on connection: PostgresConnection, logger: Logger) async throws -> [String:
        Set<String>]
    {
        guard !sets.isEmpty else { return [:] }
        var result: [String: Set<String>] = [:]
        let stamps = try await connection.queryUnlessClosed(
            """
            SELECT reference_set, imported_at FROM provisioning.reference_sets WHERE reference_set = ANY(\(Array(sets)))
            """, logger: logger)
        var current: [String: Date] = [:]
        for try await (set, at) in stamps.decode((String, Date).self) { current[set] = at }
        for (set, importedAt) in current {
            if let cached = cache[set], cached.importedAt == importedAt {
                result[set] = cached.codes
                continue
            }
            var codes = Set<String>()
            for try await code in try await connection.queryUnlessClosed(
                "SELECT code FROM provisioning.reference_codes WHERE reference_set = \(set)", logger: logger
            ).decode(String.self) {
                codes.insert(code)
            }
            cache[set] = (importedAt, codes)
            result[set] = codes
        }
        return result
    }
}

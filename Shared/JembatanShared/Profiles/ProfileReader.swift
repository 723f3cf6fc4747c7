import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The read-only view of intake's profiles (`intake.sop_profiles`, which intake alone writes) for
/// every role: the request's pinned profile, or a profile by id. A stored version never changes,
/// so versions once read are kept in memory. A profile intake has not stored yet (a first start)
/// is read from the shipped files.
public enum ProfileReader {
    private static let cache = Mutex<[String: SOPProfile]>([:])

    /// The profile `id` at `version`, or its latest version when `version` is nil.
    public static func profile(
        _ id: String, version: Int?, on connection: PostgresConnection, logger: Logger
    ) async throws -> SOPProfile? {
        if let version, let cached = cache.withLock({ $0["\(id)@\(version)"] }) { return cached }
        let rows = try await connection.queryUnlessClosed(
            """
            SELECT body::text FROM intake.sop_profiles WHERE profile_id = \(id)
              AND (\(version)::integer IS NULL OR version = \(version)) ORDER BY version DESC LIMIT 1
            """, logger: logger)
        for try await body in rows.decode(String.self) {
            let profile = try JSONDecoder().decode(SOPProfile.self, from: Data(body.utf8))
            cache.withLock { $0["\(profile.id)@\(profile.version)"] = profile }
            return profile
        }
        guard let shipped = SOPProfileCatalog.profile(id), version == nil || version == shipped.version else {
            return nil
        }
        return shipped
    }

    /// The profile request `requestId` pinned at submission; the built-in default when intake does
    /// not know the request (never for a submitted one).
    public static func profile(ofRequest requestId: String, on connection: PostgresConnection, logger: Logger)
        async throws -> SOPProfile
    {
        let rows = try await connection.queryUnlessClosed(
            "SELECT profile, profile_version FROM intake.requests WHERE request_id = \(requestId)", logger: logger)
        for try await (id, version) in rows.decode((String, Int?).self) {
            if let found = try await profile(id, version: version, on: connection, logger: logger) { return found }
        }
        return SOPProfileCatalog.profile(SOPProfileCatalog.builtInDefaultID)!
    }

    /// Every stored profile's latest version, with the shipped ones intake has not stored.
    public static func all(on connection: PostgresConnection, logger: Logger) async throws -> [SOPProfile] {
        var found: [String: SOPProfile] = SOPProfileCatalog.all
        let rows = try await connection.queryUnlessClosed(
            "SELECT DISTINCT ON (profile_id) body::text FROM intake.sop_profiles ORDER BY profile_id, version DESC",
            logger: logger)
        for try await body in rows.decode(String.self) {
            let profile = try JSONDecoder().decode(SOPProfile.self, from: Data(body.utf8))
            found[profile.id] = profile
        }
        return found.values.sorted { $0.id < $1.id }
    }

    /// The step of request `requestId`'s profile that covers `phase`; a 409 naming `code` when the
    /// profile has none (the request's procedure has no such step), so the caller can check its actor.
    public static func step(
        _ phase: Phase, ofRequest requestId: String, missing code: String, client: PostgresClient, logger: Logger
    ) async throws -> SOPProfile.Step {
        let profile = try await client.withConnection { connection in
            try await self.profile(ofRequest: requestId, on: connection, logger: logger)
        }
        guard let step = profile.line(for: phase) else {
            throw APIError(
                .conflict, code: code, message: "profile \(profile.id) has no step for \(phase.label.lowercased())")
        }
        return step
    }
}

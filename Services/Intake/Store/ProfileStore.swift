import Foundation
import JembatanShared
import Logging
import PostgresNIO

/// Intake's SQL for `intake.sop_profiles` (every role reads it through ``ProfileReader``).
enum ProfileStore {
    /// The highest stored version of profile `id`, nil when it has none; holds the profile's lock
    /// until the caller's transaction ends (two admins adding the same version: one is told).
    static func latestVersion(of id: String, on connection: PostgresConnection, logger: Logger) async throws -> Int? {
        try await connection.queryUnlessClosed(
            "SELECT pg_advisory_xact_lock(hashtext('intake.sop_profiles:' || \(id)))", logger: logger)
        for try await version in try await connection.queryUnlessClosed(
            "SELECT max(version) FROM intake.sop_profiles WHERE profile_id = \(id)", logger: logger
        ).decode(Int?.self) {
            return version
        }
        return nil
    }

    /// Stores one version of a profile (immutable from then on).
    static func insert(
        _ profile: SOPProfile, body: String, by account: String, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.queryUnlessClosed(
            """
            INSERT INTO intake.sop_profiles (profile_id, version, body, added_by)
            VALUES (\(profile.id), \(profile.version), \(body)::jsonb, \(account))
            """, logger: logger)
    }
}

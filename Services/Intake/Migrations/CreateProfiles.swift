import Foundation
import JembatanShared

/// SOP profiles as data owned by intake: every version of every profile, immutable once stored
/// (requests pin one). The shipped files are stored here; an admin adds more through `POST /v1/profiles`.
enum CreateProfiles {
    static let migration = Migration(
        version: 14, name: "create sop profiles",
        statements: [
            """
            CREATE TABLE intake.sop_profiles (
                profile_id text NOT NULL,
                version integer NOT NULL CHECK (version >= 1),
                body jsonb NOT NULL,
                added_by text NOT NULL,
                added_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (profile_id, version)
            )
            """
        ] + shippedProfiles)

    /// The shipped profiles, stored as they are in `Profiles/Data` (dollar-quoted: the wording is the seeds').
    static var shippedProfiles: [String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return SOPProfileCatalog.all.values.sorted { $0.id < $1.id }.map { profile in
            let body = String(decoding: try! encoder.encode(profile), as: UTF8.self)
            return """
                INSERT INTO intake.sop_profiles (profile_id, version, body, added_by)
                VALUES ('\(profile.id)', \(profile.version), $profile$\(body)$profile$::jsonb, 'shipped')
                ON CONFLICT DO NOTHING
                """
        }
    }
}

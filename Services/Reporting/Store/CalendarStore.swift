import Foundation
import JembatanShared
import Logging
import PostgresNIO

/// Reporting's SQL for `reporting.calendar_years`.
enum CalendarStore {
    /// Every loaded year.
    static func years(client: PostgresClient, logger: Logger) async throws -> [WorkingCalendar.Year] {
        var years: [WorkingCalendar.Year] = []
        for try await body in try await client.queryUnlessClosed(
            "SELECT body::text FROM reporting.calendar_years ORDER BY year", logger: logger
        ).decode(String.self) {
            years.append(try JSONDecoder().decode(WorkingCalendar.Year.self, from: Data(body.utf8)))
        }
        return years
    }

    /// Loads (or corrects) one year's decree.
    static func put(_ year: WorkingCalendar.Year, by account: String, client: PostgresClient, logger: Logger)
        async throws
    {
        let body = String(decoding: try JSONEncoder().encode(year), as: UTF8.self)
        try await client.queryUnlessClosed(
            """
            INSERT INTO reporting.calendar_years (year, body, loaded_by, loaded_at) VALUES (\(year.year), \(body)::jsonb, \(account), now())
            ON CONFLICT (year) DO UPDATE SET body = EXCLUDED.body, loaded_by = EXCLUDED.loaded_by, loaded_at = EXCLUDED.loaded_at
            """, logger: logger)
    }
}

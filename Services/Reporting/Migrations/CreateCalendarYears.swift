import JembatanShared

/// The working-day calendar as data owned by reporting: one row per year's decree (SKB 3 Menteri).
enum CreateCalendarYears {
    static let migration = Migration(
        version: 15, name: "create calendar years",
        statements: [
            """
            CREATE TABLE reporting.calendar_years (
                year integer PRIMARY KEY,
                body jsonb NOT NULL,
                loaded_by text NOT NULL,
                loaded_at timestamptz NOT NULL
            )
            """
        ])
}

/// The working-day calendar as data, one entry per year's decree. A new year is a new entry here
/// (or a file given with `JEMBATAN_CALENDAR_FILE`), never a code change.
enum CalendarYears {
    /// 2026: SKB 3 Menteri No. 1497/2025, 2/2025, 5/2025 (national holidays and cuti bersama).
    static let json = """
        {"years": [
          {"year": 2026, "decree": "SKB 3 Menteri No. 1497/2025, 2/2025, 5/2025",
           "holidays": ["2026-01-01", "2026-01-16", "2026-02-17", "2026-03-19", "2026-03-21", "2026-03-22", "2026-04-03", "2026-04-05",
                        "2026-05-01", "2026-05-14", "2026-05-27", "2026-05-31", "2026-06-01", "2026-06-16", "2026-08-17", "2026-08-25", "2026-12-25"],
           "cutiBersama": ["2026-02-16", "2026-03-18", "2026-03-20", "2026-03-23", "2026-03-24", "2026-05-15", "2026-05-28", "2026-12-24"]}
        ]}
        """
}

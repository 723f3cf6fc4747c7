import Foundation

/// Working days of Indonesian government offices: Monday–Friday minus national holidays and
/// cuti bersama, counted in Western Indonesian Time (WIB, UTC+7), the time of the SOPs' offices.
public struct WorkingCalendar: Sendable {
    /// One year's decree.
    public struct Year: Codable, Sendable {
        /// The year.
        public var year: Int
        /// The SKB 3 Menteri that fixes it.
        public var decree: String
        /// National holidays, `yyyy-MM-dd`.
        public var holidays: [String]
        /// Cuti bersama, `yyyy-MM-dd`.
        public var cutiBersama: [String]
    }

    struct File: Codable {
        var years: [Year]
    }

    /// Days off by `YYYY-MM-DD`, and the years the calendar knows.
    let daysOff: Set<String>
    /// Years the calendar knows.
    public let years: Set<Int>
    static let timeZone = TimeZone(identifier: "Asia/Jakarta")!

    /// The built-in years plus, if given, a JSON file of more (`{"years": [{year, decree, holidays, cutiBersama}]}`).
    public static func standard(extraFile: String? = ProcessInfo.processInfo.environment["JEMBATAN_CALENDAR_FILE"])
        throws -> WorkingCalendar
    {
        var years = try JSONDecoder().decode(File.self, from: Data(CalendarYears.json.utf8)).years
        if let extraFile, !extraFile.isEmpty {
            years += try JSONDecoder().decode(File.self, from: Data(contentsOf: URL(fileURLWithPath: extraFile))).years
        }
        return WorkingCalendar(years: years)
    }

    /// A calendar of `years`.
    public init(years: [Year]) {
        daysOff = Set(years.flatMap { $0.holidays + $0.cutiBersama })
        self.years = Set(years.map(\.year))
    }

    var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = Self.timeZone
        return calendar
    }

    /// `YYYY-MM-DD` of `date` in WIB.
    public func dayText(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    /// True when the WIB day of `date` is a working day. Days of years the calendar does not
    /// know count weekends only; `knows(_:)` says whether that happened.
    public func isWorkingDay(_ date: Date) -> Bool {
        let weekday = calendar.component(.weekday, from: date)
        guard weekday != 1 && weekday != 7 else { return false }
        return !daysOff.contains(dayText(date))
    }

    /// Whether the calendar has the decree of `date`'s year.
    public func knows(_ date: Date) -> Bool {
        years.contains(calendar.component(.year, from: date))
    }

    /// Working time between two moments, in working days: each working day counts for the part
    /// of it (midnight to midnight WIB) that lies between them; days off count nothing.
    public func workingDays(from start: Date, to end: Date) -> Double {
        guard end > start else { return 0 }
        var total = 0.0
        var dayStart = calendar.startOfDay(for: start)
        while dayStart < end {
            let next = calendar.date(byAdding: .day, value: 1, to: dayStart)!
            if isWorkingDay(dayStart) {
                let from = max(start, dayStart)
                let to = min(end, next)
                total += to.timeIntervalSince(from) / next.timeIntervalSince(dayStart)
            }
            dayStart = next
        }
        return total
    }

    /// The moment `days` working days after `start` (fractions allowed).
    public func adding(workingDays days: Double, to start: Date) -> Date {
        var remaining = days
        var cursor = start
        while true {
            let dayStart = calendar.startOfDay(for: cursor)
            let next = calendar.date(byAdding: .day, value: 1, to: dayStart)!
            if isWorkingDay(dayStart) {
                let available = next.timeIntervalSince(cursor) / next.timeIntervalSince(dayStart)
                if remaining <= available {
                    return cursor.addingTimeInterval(remaining * next.timeIntervalSince(dayStart))
                }
                remaining -= available
            }
            cursor = next
        }
    }
}

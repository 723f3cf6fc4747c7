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
        WorkingCalendar(years: try standardYears(extraFile: extraFile))
    }

    /// The built-in years plus those of `extraFile`.
    public static func standardYears(
        extraFile: String? = ProcessInfo.processInfo.environment["JEMBATAN_CALENDAR_FILE"]
    ) throws -> [Year] {
        var years = try JSONDecoder().decode(File.self, from: Data(CalendarYears.json.utf8)).years
        if let extraFile, !extraFile.isEmpty {
            years += try JSONDecoder().decode(File.self, from: Data(contentsOf: URL(fileURLWithPath: extraFile))).years
        }
        return years
    }

    /// Reads a calendar file: `{"years": [...]}` or one year's object.
    public static func years(fromJSON data: Data) throws -> [Year] {
        if let file = try? JSONDecoder().decode(File.self, from: data) { return file.years }
        return [try JSONDecoder().decode(Year.self, from: data)]
    }

    /// What is wrong with a year's decree as data, each naming its field; empty when it can be loaded.
    public static func violations(of year: Year) -> [FieldViolation] {
        var found: [FieldViolation] = []
        if !(2000...2100).contains(year.year) {
            found.append(FieldViolation(field: "year", rule: "range", message: "year must be within 2000–2100"))
        }
        if year.decree.trimmingCharacters(in: .whitespaces).isEmpty {
            found.append(FieldViolation(field: "decree", rule: "required", message: "name the decree (SKB 3 Menteri)"))
        }
        let parser = DateFormatter()
        parser.locale = Locale(identifier: "en_US_POSIX")
        parser.timeZone = timeZone
        parser.dateFormat = "yyyy-MM-dd"
        for (field, days) in [("holidays", year.holidays), ("cutiBersama", year.cutiBersama)] {
            var seen = Set<String>()
            for (index, day) in days.enumerated() {
                guard day.count == 10, let date = parser.date(from: day), parser.string(from: date) == day,
                    day.hasPrefix("\(year.year)-")
                else {
                    found.append(
                        FieldViolation(
                            field: "\(field)[\(index)]", rule: "date_in_year",
                            message: "'\(day)' is not a yyyy-MM-dd date of \(year.year)"))
                    continue
                }
                if !seen.insert(day).inserted {
                    found.append(
                        FieldViolation(field: "\(field)[\(index)]", rule: "unique", message: "\(day) is listed twice"))
                }
            }
        }
        return found
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

    /// Holidays on the same date every year: what a year without its decree still knows
    /// (SYSTEM.md §7: 1 January, 1 May, 1 June, 17 August, 25 December).
    public static let fixedHolidays: Set<String> = ["01-01", "05-01", "06-01", "08-17", "12-25"]

    /// True when the WIB day of `date` is a working day. Days of years the calendar does not
    /// know count weekends and the fixed-date holidays only (provisional); `knows(_:)` says
    /// whether that happened.
    public func isWorkingDay(_ date: Date) -> Bool {
        let weekday = calendar.component(.weekday, from: date)
        guard weekday != 1 && weekday != 7 else { return false }
        let day = dayText(date)
        if !knows(date) { return !Self.fixedHolidays.contains(String(day.dropFirst(5))) }
        return !daysOff.contains(day)
    }

    /// Whether a count from `start` to `end` reaches into a year whose decree is not loaded: its
    /// deadline is provisional.
    public func isProvisional(from start: Date, to end: Date) -> Bool {
        let first = calendar.component(.year, from: start)
        let last = calendar.component(.year, from: max(start, end))
        return (first...last).contains { !years.contains($0) }
    }

    /// The office hours of the WIB day of `date` (minutes after midnight), nil on a day off.
    func officeHours(of dayStart: Date, hours: SOPProfile.OfficeHours) -> (opens: Date, closes: Date)? {
        guard isWorkingDay(dayStart) else { return nil }
        let friday = calendar.component(.weekday, from: dayStart) == 6
        let closes = friday ? hours.closesFriday : hours.closes
        return (
            dayStart.addingTimeInterval(Double(hours.opens) * 60), dayStart.addingTimeInterval(Double(closes) * 60)
        )
    }

    /// Office minutes between two moments: minutes inside office hours on working days.
    public func officeMinutes(from start: Date, to end: Date, hours: SOPProfile.OfficeHours = .standard) -> Double {
        guard end > start else { return 0 }
        var total = 0.0
        var dayStart = calendar.startOfDay(for: start)
        while dayStart < end {
            if let open = officeHours(of: dayStart, hours: hours) {
                let from = max(start, open.opens)
                let to = min(end, open.closes)
                if to > from { total += to.timeIntervalSince(from) / 60 }
            }
            dayStart = calendar.date(byAdding: .day, value: 1, to: dayStart)!
        }
        return total
    }

    /// The moment `minutes` office minutes after `start`.
    public func adding(officeMinutes minutes: Double, to start: Date, hours: SOPProfile.OfficeHours = .standard)
        -> Date
    {
        var remaining = minutes
        var dayStart = calendar.startOfDay(for: start)
        while true {
            if let open = officeHours(of: dayStart, hours: hours) {
                let from = max(start, open.opens)
                if open.closes > from {
                    let available = open.closes.timeIntervalSince(from) / 60
                    if remaining <= available { return from.addingTimeInterval(remaining * 60) }
                    remaining -= available
                }
            }
            dayStart = calendar.date(byAdding: .day, value: 1, to: dayStart)!
        }
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

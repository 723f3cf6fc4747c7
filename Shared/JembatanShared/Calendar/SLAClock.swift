import Foundation

/// Measures a step against its standard duration ("Mutu Baku — Waktu"): working days on the
/// working-day calendar, calendar months, or minutes (the laboratory profile).
public struct SLAClock: Sendable {
    /// Working days and holidays.
    public let calendar: WorkingCalendar

    /// The warning thresholds, in percent of the standard; 100 is a breach.
    public static let thresholds = [50, 75, 90, 100]

    /// A clock counting on `calendar`.
    public init(calendar: WorkingCalendar) {
        self.calendar = calendar
    }

    /// Share of the standard used between `start` and `end` (1.0 = the whole standard).
    public func used(
        _ standard: SOPProfile.Duration, from start: Date, to end: Date,
        hours: SOPProfile.OfficeHours = .standard
    ) -> Double {
        guard standard.value > 0, end > start else { return 0 }
        switch standard.unit {
        case .workingDays:
            return calendar.workingDays(from: start, to: end) / Double(standard.value)
        case .minutes:
            return calendar.officeMinutes(from: start, to: end, hours: hours) / Double(standard.value)
        case .months:
            let deadline = calendar.calendar.date(byAdding: .month, value: standard.value, to: start)!
            return end.timeIntervalSince(start) / deadline.timeIntervalSince(start)
        }
    }

    /// The moment the standard runs out; `remaining` is the share of it still left (a resumed step).
    public func deadline(
        _ standard: SOPProfile.Duration, from start: Date, hours: SOPProfile.OfficeHours = .standard,
        remaining: Double = 1
    ) -> Date {
        let amount = Double(standard.value) * remaining
        switch standard.unit {
        case .workingDays: return calendar.adding(workingDays: amount, to: start)
        case .minutes: return calendar.adding(officeMinutes: amount, to: start, hours: hours)
        case .months:
            let whole = calendar.calendar.date(byAdding: .month, value: standard.value, to: start)!
            return start.addingTimeInterval(whole.timeIntervalSince(start) * remaining)
        }
    }

    /// The highest threshold reached, if any.
    public static func threshold(reachedBy used: Double) -> Int? {
        thresholds.last { used * 100 >= Double($0) }
    }
}

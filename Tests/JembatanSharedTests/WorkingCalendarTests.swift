import Foundation
import Testing

@testable import JembatanShared

@Suite("Working-day calendar (SLA clock)")
struct WorkingCalendarTests {
    let calendar = try! WorkingCalendar.standard(extraFile: nil)

    /// A moment in WIB.
    func wib(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        return formatter.date(from: text + "+07:00")!
    }

    @Test("weekends, national holidays and cuti bersama are not working days; ordinary weekdays are")
    func daysOff() {
        #expect(calendar.isWorkingDay(wib("2026-03-17T09:00:00")))  // Tuesday before Nyepi
        // Cuti bersama, Nyepi, Idul Fitri leave.
        for day in ["2026-03-18", "2026-03-19", "2026-03-20", "2026-03-23", "2026-03-24"] {
            #expect(!calendar.isWorkingDay(wib("\(day)T09:00:00")), "\(day)")
        }
        // Idul Fitri on a weekend.
        #expect(
            !calendar.isWorkingDay(wib("2026-03-21T09:00:00")) && !calendar.isWorkingDay(wib("2026-03-22T09:00:00")))
        #expect(calendar.isWorkingDay(wib("2026-03-25T09:00:00")))  // back to work
        #expect(!calendar.isWorkingDay(wib("2026-08-17T09:00:00")))  // Independence Day
        #expect(!calendar.isWorkingDay(wib("2026-11-22T09:00:00")))  // Sunday
        #expect(calendar.knows(wib("2026-06-01T00:00:00")) && !calendar.knows(wib("2027-06-01T00:00:00")))
    }

    @Test("a step spanning Idul Fitri 2026 counts only working time: 17 March 09:00 to 25 March 09:00 is 1 working day")
    func idulFitri() {
        let elapsed = calendar.workingDays(from: wib("2026-03-17T09:00:00"), to: wib("2026-03-25T09:00:00"))
        #expect(abs(elapsed - 1.0) < 1e-9, "\(elapsed)")
        #expect(calendar.adding(workingDays: 1, to: wib("2026-03-17T09:00:00")) == wib("2026-03-25T09:00:00"))
    }

    @Test("a Friday-to-Monday step is one working day; a day is counted midnight to midnight WIB, not UTC")
    func weekend() {
        #expect(
            abs(calendar.workingDays(from: wib("2026-11-20T10:00:00"), to: wib("2026-11-23T10:00:00")) - 1.0) < 1e-9)
        // 23:00 UTC on Sunday is already Monday 06:00 in WIB.
        let mondayMorning = ISO8601DateFormatter().date(from: "2026-11-22T23:00:00Z")!
        #expect(calendar.isWorkingDay(mondayMorning))
        #expect(
            abs(calendar.workingDays(from: wib("2026-11-23T00:00:00"), to: wib("2026-11-28T00:00:00")) - 5.0) < 1e-9)
    }

    @Test("twelve working days across the May and June holidays end where the decree says")
    func mayHolidays() {
        // From Monday 11 May 2026, 09:00: 14 May (Ascension), 15 May (cuti), 27 May (Idul Adha), 28 May (cuti),
        // 1 June (Pancasila) and the weekends are off, so twelve working days end on Wednesday 3 June, 09:00.
        let start = wib("2026-05-11T09:00:00")
        let end = calendar.adding(workingDays: 12, to: start)
        #expect(end == wib("2026-06-03T09:00:00"), "\(calendar.dayText(end))")
        #expect(abs(calendar.workingDays(from: start, to: end) - 12) < 1e-9)
    }

    @Test("a year's decree as data is checked before it is loaded: each wrong date, duplicate or missing decree named")
    func decreeViolations() {
        let year = WorkingCalendar.Year(
            year: 2027, decree: " ", holidays: ["2027-01-01", "2027-02-30", "2026-12-25", "2027-01-01"],
            cutiBersama: ["27-05-2027"])
        let rules = WorkingCalendar.violations(of: year).map { "\($0.field) \($0.rule)" }
        #expect(
            rules == [
                "decree required", "holidays[1] date_in_year", "holidays[2] date_in_year", "holidays[3] unique",
                "cutiBersama[0] date_in_year",
            ])
        #expect(
            WorkingCalendar.violations(
                of: WorkingCalendar.Year(year: 2027, decree: "SKB", holidays: ["2027-01-01"], cutiBersama: [])
            ).isEmpty)
        let loaded = WorkingCalendar(
            years: try! WorkingCalendar.standardYears(extraFile: nil) + [
                WorkingCalendar.Year(year: 2027, decree: "SKB uji", holidays: ["2027-03-10"], cutiBersama: [])
            ])
        let wednesday = ISO8601DateFormatter().date(from: "2027-03-10T09:00:00+07:00")!
        #expect(!loaded.isWorkingDay(wednesday) && loaded.knows(wednesday), "a loaded year counts its decree")
    }
}

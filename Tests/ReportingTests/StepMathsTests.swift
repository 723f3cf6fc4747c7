import Foundation
import JembatanShared
import Testing

@testable import Reporting

/// Each step of a request against its standard duration (the report's and the dashboard's SLA
/// maths), on the 2026 working-day calendar, without a stack.
@Suite("SLA step maths")
struct StepMathsTests {
    static let clock = SLAClock(calendar: try! WorkingCalendar.standard(extraFile: nil))
    static let pasuruan = SOPProfileCatalog.profile("pasuruan")!
    static let laboratory = SOPProfileCatalog.profile("laboratorium")!

    static func wib(_ text: String) -> Date { ISO8601DateFormatter().date(from: text + "+07:00")! }

    /// Runs of steps (number, start), whether the request finished, "now", and the expected
    /// (step, status, percent used) of each run.
    static let cases:
        [(label: String, runs: [(Int, String)], finished: Bool, now: String, expected: [(Int, String, Double?)])] = [
            (
                "step 1 took half a working day", [(1, "2026-11-23T09:00:00"), (2, "2026-11-23T21:00:00")], false,
                "2026-11-23T22:00:00",
                [(1, "on_time", 50.0), (2, "open", 4.2)]
            ),
            (
                "step 1 over the weekend: Friday 09:00 to Monday 09:00 is one working day, on time",
                [(1, "2026-11-20T09:00:00"), (2, "2026-11-23T09:00:00")], false, "2026-11-23T09:00:00",
                [(1, "on_time", 100.0), (2, "open", 0.0)]
            ),
            (
                "step 1 over Idul Fitri: 17 to 26 March is two working days, late",
                [(1, "2026-03-17T09:00:00"), (2, "2026-03-26T09:00:00")], false, "2026-03-26T09:00:00",
                [(1, "late", 200.0), (2, "open", 0.0)]
            ),
            (
                "an open step past its standard is overdue", [(1, "2026-11-23T09:00:00")], false, "2026-11-25T09:00:00",
                [(1, "overdue", 200.0)]
            ),
            (
                "step 6 has no standard", [(6, "2026-11-23T09:00:00"), (7, "2026-11-24T09:00:00")], false,
                "2026-11-24T09:00:00",
                [(6, "no_standard", nil), (7, "open", 0.0)]
            ),
            (
                "a month-long step: 15 days of November is half",
                [(3, "2026-11-01T00:00:00"), (4, "2026-11-16T00:00:00")], false, "2026-11-16T00:00:00",
                [(3, "on_time", 50.0), (4, "open", 0.0)]
            ),
            (
                "the last run of a finished request is its end",
                [(9, "2026-11-23T09:00:00"), (10, "2026-11-23T10:00:00")], true, "2026-12-01T00:00:00",
                [(9, "on_time", 4.2), (10, "end", nil)]
            ),
            (
                "a step sent back and done again counts each run",
                [(3, "2026-11-02T00:00:00"), (2, "2026-11-03T00:00:00"), (3, "2026-11-05T00:00:00")], false,
                "2026-11-05T00:00:00",
                [(3, "on_time", nil), (2, "late", nil), (3, "open", 0.0)]
            ),
        ]

    @Test(
        "each run of a step is on time, late, open, overdue or without a standard, by working time",
        arguments: cases.indices)
    func steps(index: Int) {
        let row = Self.cases[index]
        let steps = StepMaths.steps(
            runs: row.runs.map { ($0.0, Self.wib($0.1)) }, finished: row.finished, profile: Self.pasuruan,
            clock: Self.clock, now: Self.wib(row.now))
        #expect(steps.map(\.step) == row.expected.map(\.0), "\(row.label)")
        #expect(steps.map(\.status) == row.expected.map(\.1), "\(row.label)")
        for (step, expected) in zip(steps, row.expected) {
            if let percent = expected.2 {
                #expect(step.usedPercent == percent, "\(row.label): step \(step.step) used \(step.usedPercent ?? -1) %")
            }
        }
    }

    @Test("the laboratory counts minutes: one and a half times a step's minutes is 150 % of its standard")
    func minutes() throws {
        let first = try #require(Self.laboratory.steps.first { $0.standard?.unit == .minutes })
        let start = Self.wib("2026-11-23T09:00:00")
        let used = Self.clock.used(
            first.standard!, from: start, to: start.addingTimeInterval(Double(first.standard!.value) * 60 * 1.5))
        #expect(abs(used - 1.5) < 1e-9)
        #expect(
            Self.clock.deadline(first.standard!, from: start)
                == start.addingTimeInterval(Double(first.standard!.value) * 60))
    }

    @Test(
        "alert thresholds: the highest of 50, 75, 90 and 100 % reached",
        arguments: [
            (0.49, nil), (0.5, 50), (0.74, 50), (0.75, 75), (0.9, 90), (0.99, 90), (1.0, 100), (3.0, 100),
        ] as [(Double, Int?)])
    func thresholds(used: Double, expected: Int?) {
        #expect(SLAClock.threshold(reachedBy: used) == expected)
    }
}

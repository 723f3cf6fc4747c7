import Foundation
import Hummingbird
import JembatanShared
import Logging
import PostgresNIO
import Synchronization

/// The working-day calendar the clock counts on: the built-in years, `JEMBATAN_CALENDAR_FILE`, and
/// the years an admin loaded (a loaded year replaces a built-in one). Reloaded after each load and
/// before each SLA round, so a new decree is a data change that takes effect at once.
final class LoadedCalendar: Sendable {
    private let state: Mutex<SLAClock>

    init() { state = Mutex(SLAClock(calendar: try! WorkingCalendar.standard())) }

    /// The clock on the calendar as last loaded.
    var clock: SLAClock { state.withLock { $0 } }

    /// Reads the loaded years again.
    func reload(client: PostgresClient, logger: Logger) async throws {
        let stored = try await CalendarStore.years(client: client, logger: logger)
        let storedYears = Set(stored.map(\.year))
        let years = try WorkingCalendar.standardYears().filter { !storedYears.contains($0.year) } + stored
        state.withLock { $0 = SLAClock(calendar: WorkingCalendar(years: years)) }
    }

    /// The years from now to three months ahead whose decree is not loaded: deadlines there are provisional.
    func missingYears(from now: Date = Date()) -> [Int] {
        let calendar = clock.calendar
        let ahead = now.addingTimeInterval(92 * 86_400)
        var gregorian = Calendar(identifier: .gregorian)
        gregorian.timeZone = TimeZone(identifier: "Asia/Jakarta")!
        let first = gregorian.component(.year, from: now)
        let last = gregorian.component(.year, from: ahead)
        return (first...last).filter { !calendar.years.contains($0) }
    }
}

/// `GET /v1/calendar/years`: the loaded decrees; `PUT /v1/calendar/years/{year}`: an admin loads
/// or corrects a year's decree (`jembatan calendar import FILE` calls it).
struct CalendarController: Sendable {
    let context: ServiceContext

    func register(on router: Router<JembatanRequestContext>) {
        router.get("v1/calendar/years", use: list)
        router.put("v1/calendar/years/:year", use: put)
    }

    struct YearSummary: Encodable {
        let year: Int
        let decree: String
        let holidays: Int
        let cutiBersama: Int
    }

    struct Listing: Encodable {
        let years: [YearSummary]
        /// Years from now to three months ahead without a decree: their deadlines are provisional.
        let provisionalYears: [Int]
    }

    @Sendable func list(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        _ = try routeContext.require(Set(Role.allCases))
        let calendars = ReportingService.calendars
        try await calendars.reload(client: context.client, logger: routeContext.logger)
        let stored = try await CalendarStore.years(client: context.client, logger: routeContext.logger)
        let storedYears = Set(stored.map(\.year))
        let all = try WorkingCalendar.standardYears().filter { !storedYears.contains($0.year) } + stored
        return try JSONResponse.make(
            Listing(
                years: all.sorted { $0.year < $1.year }.map {
                    YearSummary(
                        year: $0.year, decree: $0.decree, holidays: $0.holidays.count, cutiBersama: $0.cutiBersama.count
                    )
                }, provisionalYears: calendars.missingYears()))
    }

    @Sendable func put(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.admin])
        let year = try await JSONResponse.decode(WorkingCalendar.Year.self, from: request)
        var violations = WorkingCalendar.violations(of: year)
        if routeContext.parameters.get("year") != "\(year.year)" {
            violations.append(
                FieldViolation(field: "year", rule: "matches_path", message: "the body's year is not the path's"))
        }
        guard violations.isEmpty else { throw APIError.validationFailed(violations) }
        try await CalendarStore.put(year, by: account.name, client: context.client, logger: routeContext.logger)
        try await ReportingService.calendars.reload(client: context.client, logger: routeContext.logger)
        routeContext.logger.notice(
            "Calendar year loaded", metadata: ["calendar.year": "\(year.year)", "calendar.decree": "\(year.decree)"])
        return try JSONResponse.make(
            YearSummary(
                year: year.year, decree: year.decree, holidays: year.holidays.count,
                cutiBersama: year.cutiBersama.count))
    }
}

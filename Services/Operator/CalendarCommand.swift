import ArgumentParser
import Foundation
import JembatanClient
import JembatanShared

/// `jembatan calendar import FILE`: loads a year's decree of national holidays and cuti bersama
/// (SKB 3 Menteri) into reporting's working-day calendar through its API. The file is
/// `{"years": [{"year", "decree", "holidays", "cutiBersama"}]}` or one year's object.
struct CalendarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar", abstract: "The working-day calendar (holiday decrees per year).",
        subcommands: [Import.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load (or correct) the decree of one or more years from a JSON file.")

        @Argument(help: "JSON file: {\"years\": [{year, decree, holidays, cutiBersama}]} or one year.")
        var file: String

        @Option(help: "Token of an admin account (or JEMBATAN_TOKEN).")
        var token: String?

        @Option(help: "Base URL of the reporting service.")
        var reportingURL = "http://127.0.0.1:\(ServiceName.reporting.defaultPort)"

        func run() async throws {
            guard let token = token ?? ProcessInfo.processInfo.environment["JEMBATAN_TOKEN"] else {
                throw ValidationError("pass --token or set JEMBATAN_TOKEN (an admin account's token)")
            }
            let years: [WorkingCalendar.Year]
            do {
                years = try WorkingCalendar.years(fromJSON: try Data(contentsOf: URL(fileURLWithPath: file)))
            } catch {
                throw ValidationError("\(file) is not a calendar file: \(error)")
            }
            let baseURL = reportingURL
            let client = ServiceClient { _ in baseURL }
            for year in years {
                let reply = try await client.call(
                    "PUT", .reporting, "/v1/calendar/years/\(year.year)", token: token,
                    json: try JSONSerialization.jsonObject(with: try JSONEncoder().encode(year)))
                guard reply.succeeded else { throw ServiceClient.StatusError(status: reply.status, body: reply.text) }
                say(
                    "calendar \(year.year) loaded: \(year.holidays.count) national holidays, \(year.cutiBersama.count) days of cuti bersama (\(year.decree))"
                )
            }
        }
    }
}

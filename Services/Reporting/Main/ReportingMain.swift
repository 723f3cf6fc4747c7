import Foundation
import JembatanShared
import Reporting

/// Reporting: SOP step 10. Read model of every request from every topic; records completion.
@main
struct ReportingMain {
    static func main() async {
        // A broken calendar file is a configuration error, not a silently wrong SLA clock.
        do { _ = try WorkingCalendar.standard() } catch {
            FileHandle.standardError.write(
                Data("jembatan-reporting: invalid configuration: JEMBATAN_CALENDAR_FILE: \(error)\n".utf8))
            exit(78)
        }
        // Templates missing beside the executable are a packaging error: say so instead of failing the first page.
        if case .failure(let error) = ReportingService.loadedViews {
            FileHandle.standardError.write(Data("jembatan-reporting: cannot load the page templates: \(error)\n".utf8))
            exit(78)
        }
        await ServiceRuntime.main(ReportingService.definition)
    }
}

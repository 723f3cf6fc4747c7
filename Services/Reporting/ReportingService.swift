import Foundation
import JembatanShared

/// Reporting: SOP step 10. Read model of every request from every topic; records completion.
///
/// How the reporting service is assembled.
public enum ReportingService {
    /// Checked in `main` before anything starts.
    /// The working-day calendar as loaded (built-in years, `JEMBATAN_CALENDAR_FILE`, loaded decrees).
    static let calendars = LoadedCalendar()

    /// The SLA clock on the calendar as last loaded.
    static var clock: SLAClock { calendars.clock }

    /// The reports' templates, loaded once. Checked in `main` before anything starts.
    public static var views: PageViews { try! loadedViews.get() }

    /// The templates, loaded once; `main` checks the outcome before anything starts.
    public static let loadedViews = Result { try loadViews() }

    /// The shared templates and this role's (`Templates/`, shipped as the module's resource bundle).
    public static func loadViews() throws -> PageViews {
        try PageViews(roleTemplates: Bundle.module.resourceURL?.appendingPathComponent("Templates"))
    }

    public static let definition = ServiceDefinition(
        service: .reporting,
        migrations: [
            CreateReadModel.migration, CreateSLAAlerts.migration, CreateEventStore.migration, CreateReports.migration,
            AddProcedureClock.migration, CreateCalendarYears.migration,
            DocumentStore.migration(schema: IntegrationReportDocument.schema, version: 16),
            DocumentStore.signingMigration(schema: IntegrationReportDocument.schema, version: 17),
            CreateReceipts.migration,
        ],
        openAPIDocument: ReportingOpenAPI.document,
        consumers: { context in [ReadModelProjector(context: context).consumer] },
        routes: { router, context in
            ReportsController(context: context).register(on: router)
            IntegrationReportController(context: context).register(on: router)
            DocumentRoutes(signing: IntegrationReportDocument.signing(context)).register(on: router)
            PublishedReportsController(context: context).register(on: router)
            WorkspaceReads(context: context).register(on: router)
            ReplayController(context: context).register(on: router)
            SLAController(context: context, monitor: SLAMonitor(context: context)).register(on: router)
            CalendarController(context: context).register(on: router)
        },
        background: { context in
            [
                SLASchedule(context: context, monitor: SLAMonitor(context: context)),
                ReportSchedule(context: context),
            ]
        }
    )
}

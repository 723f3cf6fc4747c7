import JembatanShared

/// Reporting: SOP step 10. Read model of every request from every topic; records completion.
@main
struct ReportingMain {
    static func main() async {
        await ServiceRuntime.main(ReportingService.definition)
    }
}

/// How the reporting service is assembled.
enum ReportingService {
    static let definition = ServiceDefinition(
        service: .reporting,
        migrations: [CreateReadModel.migration],
        openAPIDocument: ReportingOpenAPI.document,
        consumers: { context in [ReadModelProjector(context: context).consumer] },
        routes: { router, context in
            ReportsController(context: context).register(on: router)
            DashboardController(context: context).register(on: router)
        }
    )
}

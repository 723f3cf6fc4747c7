import JembatanShared

/// Validation: SOP steps 8–9. Quality checks (scorecards), reconciliation with the producer's system,
/// freshness findings, and the producer's final evaluation resting on them.
///
/// How the validation service is assembled.
public enum ValidationService {
    static let references = ReferenceCodes()

    public static let definition = ServiceDefinition(
        service: .validation,
        migrations: [
            CreateCases.migration, CreateRuns.migration, AddHeadReview.migration,
            DocumentStore.migration(schema: ValidationReportDocument.schema, version: 13),
            DocumentStore.signingMigration(schema: ValidationReportDocument.schema, version: 14),
        ],
        openAPIDocument: ValidationOpenAPI.document,
        consumers: { context in [ProvisioningEventsHandler().consumer] },
        routes: { router, context in
            DecisionsController(context: context).register(on: router)
            DocumentRoutes(signing: ValidationReportDocument.signing(context)).register(on: router)
            RunsController(
                context: context, runner: ValidationRunner(context: context),
                reconciliation: Reconciliation(context: context, references: references)
            )
            .register(on: router)
        },
        background: { context in [ValidationSchedule(context: context, runner: ValidationRunner(context: context))] }
    )
}

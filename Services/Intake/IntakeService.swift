import JembatanShared

/// Intake: SOP steps 1–2. Producers submit requests with their data definition; the head dispositions them.
///
/// How the intake service is assembled (also used by tests).
public enum IntakeService {
    public static let definition = ServiceDefinition(
        service: .intake,
        migrations: [
            CreateRequests.migration, AddVersionsAndReturns.migration, AddDrafts.migration,
            AddSubmissionIdempotency.migration, CreateProfiles.migration,
        ],
        openAPIDocument: IntakeOpenAPI.document,
        consumers: { _ in [EvaluationEventsHandler().consumer] },
        routes: { router, context in
            RequestsController(context: context).register(on: router)
            RevisionsController(context: context).register(on: router)
            DDLImportController(context: context).register(on: router)
            DraftsController(context: context).register(on: router)
            ProfilesController(context: context).register(on: router)
        }
    )
}

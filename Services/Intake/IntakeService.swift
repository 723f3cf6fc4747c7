import Foundation
import JembatanShared

/// Intake: SOP steps 1–2. Producers submit requests with their data definition; the head dispositions them.
///
/// How the intake service is assembled (also used by tests).
public enum IntakeService {
    /// The request letter's template over the shared ones, loaded once; `main` checks the outcome first.
    public static let loadedViews = Result {
        try PageViews(roleTemplates: Bundle.module.resourceURL?.appendingPathComponent("Templates"))
    }

    static var views: PageViews { try! loadedViews.get() }

    public static let definition = ServiceDefinition(
        service: .intake,
        migrations: [
            CreateRequests.migration, AddVersionsAndReturns.migration, AddDrafts.migration,
            AddSubmissionIdempotency.migration, CreateProfiles.migration,
            DocumentStore.migration(schema: RequestLetter.schema, version: 15),
            DocumentStore.signingMigration(schema: RequestLetter.schema, version: 16), AddDecline.migration,
            CreateAttachments.migration,
        ],
        openAPIDocument: IntakeOpenAPI.document,
        consumers: { _ in [EvaluationEventsHandler().consumer] },
        routes: { router, context in
            RequestsController(context: context).register(on: router)
            RevisionsController(context: context).register(on: router)
            DDLImportController(context: context).register(on: router)
            DraftsController(context: context).register(on: router)
            ProfilesController(context: context).register(on: router)
            DocumentsController(context: context).register(on: router)
            AttachmentsController(context: context).register(on: router)
        }
    )
}

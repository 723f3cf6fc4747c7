import Foundation
import JembatanShared

/// Technical evaluation: SOP steps 3–4. Reviews the proposed structure, decides, versions the dataset contract.
///
/// How the evaluation service is assembled.
public enum EvaluationService {
    /// The interchange document's template, loaded once. Checked in `main` before anything starts.
    public static var views: PageViews { try! loadedViews.get() }

    /// The templates, loaded once; `main` checks the outcome before anything starts.
    public static let loadedViews = Result { try loadViews() }

    /// The shared templates and this role's (`Templates/`, shipped as the module's resource bundle).
    public static func loadViews() throws -> PageViews {
        try PageViews(roleTemplates: Bundle.module.resourceURL?.appendingPathComponent("Templates"))
    }

    public static let definition = ServiceDefinition(
        service: .evaluation,
        migrations: [
            CreateEvaluationTables.migration, AddDecisionFlow.migration, AddConsumersToSubmissions.migration,
            AddRecordedPhases.migration,
            DocumentStore.migration(schema: FormulationDocument.schema, version: 14),
            DocumentStore.signingMigration(schema: FormulationDocument.schema, version: 15),
        ],
        openAPIDocument: EvaluationOpenAPI.document,
        consumers: { context in [IntakeEventsHandler(context: context).consumer] },
        routes: { router, context in
            ContractsController(context: context).register(on: router)
            DecisionController(context: context).register(on: router)
            StepsController(context: context).register(on: router)
            DocumentRoutes(signing: FormulationDocument.signing(context)).register(on: router)
            ContractDocumentController(context: context).register(on: router)
        }
    )
}

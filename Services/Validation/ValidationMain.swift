import JembatanShared

/// Validation: SOP steps 8–9. Tracks provisioned requests and records the producer's final evaluation.
@main
struct ValidationMain {
    static func main() async {
        await ServiceRuntime.main(ValidationService.definition)
    }
}

/// How the validation service is assembled.
enum ValidationService {
    static let definition = ServiceDefinition(
        service: .validation,
        migrations: [CreateCases.migration],
        openAPIDocument: ValidationOpenAPI.document,
        consumers: { context in [ProvisioningEventsHandler().consumer] },
        routes: { router, context in DecisionsController(context: context).register(on: router) }
    )
}

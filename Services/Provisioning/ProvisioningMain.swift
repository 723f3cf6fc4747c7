import JembatanShared

/// API provisioning: SOP steps 5–7. Prepares dataset storage and endpoints on the hub and runs the integration unit test.
@main
struct ProvisioningMain {
    static func main() async {
        await ServiceRuntime.main(ProvisioningService.definition)
    }
}

/// How the provisioning service is assembled.
enum ProvisioningService {
    static let definition = ServiceDefinition(
        service: .provisioning,
        migrations: [CreateHubTables.migration],
        openAPIDocument: ProvisioningOpenAPI.document,
        consumers: { context in [ContractEventsHandler(context: context).consumer] },
        routes: { router, context in EndpointsController(context: context).register(on: router) }
    )
}

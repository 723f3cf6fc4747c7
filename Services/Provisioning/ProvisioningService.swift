import JembatanShared

/// API provisioning: SOP steps 5–7 and the exchange hub. Prepares dataset storage and
/// endpoints, runs the integration unit test, issues credentials, serves the exchange API.
///
/// How the provisioning service is assembled.
public enum ProvisioningService {
    static let references = ReferenceCodes()
    static let limiter = RateLimiter()

    public static let definition = ServiceDefinition(
        service: .provisioning,
        migrations: [
            CreateHubTables.migration, CreateExchangeTables.migration, AddHandOversAndReruns.migration,
            DocumentStore.migration(schema: HandOverRecord.schema, version: 13),
            DocumentStore.signingMigration(schema: HandOverRecord.schema, version: 14),
        ],
        openAPIDocument: ProvisioningOpenAPI.document,
        consumers: { context in
            [
                ContractEventsHandler(context: context, credentials: credentials(context), references: references)
                    .consumer
            ]
        },
        routes: { router, context in
            EndpointsController(context: context).register(on: router)
            DocumentRoutes(signing: HandOverRecord.signing(context)).register(on: router)
            CredentialsController(context: context).register(on: router)
            StepsAfterTestController(
                context: context,
                contracts: ContractEventsHandler(
                    context: context, credentials: credentials(context), references: references)
            ).register(on: router)
            ReferenceController(context: context).register(on: router)
            ExchangeController(
                context: context, credentials: credentials(context), references: references, limiter: limiter
            ).register(on: router)
        }
    )

    static func credentials(_ context: ServiceContext) -> CredentialStore {
        CredentialStore(
            client: context.client, logger: context.logger,
            defaultRatePerMinute: context.configuration.exchangeRatePerMinute)
    }
}

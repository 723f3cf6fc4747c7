import Foundation
import Hummingbird
import JembatanClient
import JembatanShared
import Logging
import PostgresNIO
import Prometheus
import ServiceLifecycle

/// What the workspace's controllers are given.
struct WorkspaceContext: Sendable {
    let client: PostgresClient
    let configuration: JembatanConfiguration
    let logger: Logger
    let sessions: SessionStore
    let throttle: SignInThrottle
    let administration: AccountAdministration
    let services: ServiceCalls
    /// Cookies carry `Secure` when people reach the workspace over https.
    var secureCookies: Bool { configuration.publicBaseURL.hasPrefix("https://") }

    /// The person's waiting tasks (Tugas saya, and its count in every page's header).
    func tasks(of person: SignedIn) async throws -> TaskList {
        try await services.get(TaskList.self, .reporting, "/v1/tasks", as: person)
    }

    /// How many things wait for the person: the count in the header.
    func taskCount(_ person: SignedIn) async throws -> Int {
        let list = try await tasks(of: person)
        return list.tasks.count + list.notices.count
    }
}

/// The people's workspace (port 8080): sign-in, sessions, accounts, Tugas saya and every page. It
/// owns the `identity` schema and acts only through the five services' HTTP APIs, with the token
/// minted for each session.
public enum WorkspaceService {
    /// The workspace's templates over the shared ones, loaded once; `main` checks the outcome first.
    public static let loadedViews = Result {
        try PageViews(roleTemplates: Bundle.module.resourceURL?.appendingPathComponent("Templates"))
    }

    static var views: PageViews { try! loadedViews.get() }

    /// Reads the configuration (exiting with a clear message when it is invalid) and runs the workspace.
    public static func main() async {
        let configuration: JembatanConfiguration
        do {
            configuration = try JembatanConfiguration(service: nil, port: 8080)
        } catch {
            FileHandle.standardError.write(Data("jembatan-workspace: invalid configuration: \(error)\n".utf8))
            exit(78)
        }
        if case .failure(let error) = loadedViews {
            FileHandle.standardError.write(Data("jembatan-workspace: cannot load the page templates: \(error)\n".utf8))
            exit(78)
        }
        let registry = ServiceRuntime.bootstrapObservability(configuration)
        let logger = Logger(label: "jembatan-workspace")
        // `jembatan-workspace migrate`: apply the identity schema's migrations and exit (the compose migration job).
        if CommandLine.arguments.dropFirst().first == "migrate" {
            let client = configuration.database.makeClient(logger: logger)
            let status: Int32 = await withTaskGroup(of: Void.self) { group in
                group.addTask { await client.run() }
                defer { group.cancelAll() }
                for attempt in 1...30 {
                    do {
                        for plan in migrationPlans {
                            try await MigrationService.applyPending(plan, client: client, logger: logger)
                        }
                        logger.notice("Migrations applied", metadata: ["db.schema": "identity, workspace"])
                        return 0
                    } catch {
                        logger.warning(
                            "Migrations not applied yet", metadata: ["error": "\(String(reflecting: error))"])
                        try? await Task.sleep(for: Backoff.delay(attempt: attempt))
                    }
                }
                return 1
            }
            exit(status)
        }
        do {
            let application = try buildApplication(configuration: configuration, registry: registry, logger: logger)
            var group = ServiceGroupConfiguration(
                services: [.init(service: application)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
            group.maximumGracefulShutdownDuration = .seconds(7)
            try await ServiceGroup(configuration: group).run()
        } catch {
            logger.critical("Workspace stopped with an error", metadata: ["error": "\(String(reflecting: error))"])
            exit(1)
        }
    }

    /// The identity schema (people, sessions) and the workspace's own (inbox, notifications, mails).
    static let migrationPlans = [
        SchemaMigrations(schema: IdentityMigrations.schema, migrations: IdentityMigrations.all),
        SchemaMigrations(schema: NotificationMigrations.schema, migrations: NotificationMigrations.all),
    ]

    static func buildApplication(
        configuration: JembatanConfiguration, registry: PrometheusCollectorRegistry, logger: Logger
    ) throws -> some ApplicationProtocol {
        let client = configuration.database.makeClient(logger: logger)
        let producer = try KafkaProducer(configuration: configuration.kafka, logger: logger)
        let broker = BrokerMonitor(producer: producer, logger: logger)
        let health = ConsumerHealth(timing: configuration.consumerTiming)
        let notifications = NotificationStore(client: client, logger: logger)
        let gate = StartupGate()
        let urls = configuration.serviceURLs
        let context = WorkspaceContext(
            client: client, configuration: configuration, logger: logger,
            sessions: SessionStore(client: client, logger: logger),
            throttle: SignInThrottle(client: client, logger: logger),
            administration: AccountAdministration(client: client, logger: logger),
            services: ServiceCalls(
                client: ServiceClient(timeout: 30) { urls[$0] ?? "http://127.0.0.1:\($0.defaultPort)" }))
        let database = DatabaseMonitor(client: client, configuration: configuration.database, logger: logger)
        let router = Router(context: WorkspaceRequestContext.self)
        router.middlewares.add(RequestObservationMiddleware(logger: logger, database: database))
        router.middlewares.add(InputCharactersMiddleware())
        // An address no route knows: the 404 page inside the workspace.
        router.middlewares.add(NotFoundPage(sessions: context.sessions))
        // Live while the notifications consumer turns (or was recreated and recovered), as on every service.
        router.get("livez") { _, _ in
            let consumers = health.reports()
            let live = consumers.allSatisfy(\.live)
            return try JSONResponse.make(
                Liveness(status: live ? "live" : "not live", consumers: consumers),
                status: live ? .ok : .serviceUnavailable)
        }
        router.get("readyz") { _, _ in
            var ready = gate.isOpen
            if ready {
                do { try await DatabaseMonitor.answers(client, logger: logger) } catch { ready = false }
            }
            return try JSONResponse.make(
                ["status": ready ? "ready" : "not ready", "postgresql": ready ? "ok" : "unreachable or migrating"],
                status: ready ? .ok : .serviceUnavailable)
        }
        router.get("metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        // Public, no session: the verification page printed as a QR code on signed documents.
        VerificationController(context: context).register(on: router)
        let pages = router.group().add(middleware: SessionMiddleware(sessions: context.sessions, logger: logger))
        SignInController(context: context).register(on: pages)
        TasksController(context: context).register(on: pages)
        DocumentsController(context: context).register(on: pages)
        DatasetsController(context: context).register(on: pages)
        ReferenceDataController(context: context).register(on: pages)
        StepFormsController(context: context).register(on: pages)
        NewRequestController(context: context).register(on: pages)
        OverviewController(context: context).register(on: pages)
        AccountsController(context: context).register(on: pages)
        NotificationsController(context: context, store: notifications).register(on: pages)
        let consumer = NotificationsConsumer(mail: configuration.mail != nil).definition
        var services: [any Service] = [
            client, database,
            MigrationService(client: client, plans: migrationPlans, gate: gate, logger: logger),
            ProducerService(producer: producer), broker,
            EventConsumerService(
                name: consumer.name, topics: consumer.topics, handledTypes: consumer.handledTypes,
                schema: NotificationMigrations.schema, client: client, producer: producer, kafka: configuration.kafka,
                gate: gate, health: health, broker: broker, fault: configuration.consumerFault, logger: logger,
                handler: consumer.handler),
        ]
        if let mail = configuration.mail {
            services.append(
                MailSender(
                    store: notifications, mailer: SMTPMailer(settings: SMTPSettings(mail)), configuration: mail,
                    publicBaseURL: configuration.publicBaseURL, gate: gate, logger: logger))
        }
        return Application(
            router: router,
            configuration: .init(
                address: .hostname(configuration.http.host, port: configuration.http.port),
                serverName: "jembatan-workspace"),
            services: services,
            logger: logger)
    }
}

/// What `/livez` answers.
struct Liveness: Encodable {
    /// `live`, or `not live` once the consumer was recreated K times in a window without recovering.
    let status: String
    let consumers: [ConsumerHealthReport]
}

/// An address no route knows: the 404 page, with the header when the person is signed in.
struct NotFoundPage: RouterMiddleware {
    typealias Context = WorkspaceRequestContext
    let sessions: SessionStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            var signedIn: SignedIn?
            if let secret = Cookies.value(Cookies.session, in: request), secret.count == 43 {
                signedIn = try? await sessions.resume(secret: secret)
            }
            return Pages.error(.notFound, signedIn: signedIn)
        }
    }
}

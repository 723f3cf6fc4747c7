import Foundation
import Hummingbird
import JembatanShared
import PostgresNIO

/// "Laporan Hasil Integrasi Data": one request's procedure, built from the events it left.
struct IntegrationReport: Encodable {
    struct Step: Encodable {
        /// The profile's step number; 0 for a line outside its numbering (revision, fix).
        let step: Int
        let name: String
        /// `3 working_days` (the wire form); ``duration`` is the typed value.
        var standard: String? { duration.map { "\($0.value) \($0.unit.rawValue)" } }
        let duration: SOPProfile.Duration?
        let startedAt: Date
        let endedAt: Date?
        /// Share of the standard used, in percent.
        let usedPercent: Double?
        /// `on_time`, `late` (a deviation to account for), `open`, `overdue`, `no_standard`, `open_no_standard`.
        let status: String
        /// Who acts in the step, by the profile.
        var role: Role = .technical
        /// The first phase of the run (with its start, the key of a justification).
        var phase: Phase = .request
        /// When the standard runs out.
        var deadline: Date?
        /// Counted on a year whose decree is not loaded.
        var provisional = false
        /// Whether the lower end of a range was kept (nil when the standard is no range).
        var withinTarget: Bool?
        /// Who ended the step (the person accountable for a deviation); nil while open.
        var responsible: ActorReference?
        /// The responsible person's justification of a deviation.
        var justification: StoredJustification?
        /// The step's documents of record that are missing or not yet signed now that it has ended
        /// (an output deviation, `naskah`), each with the role that owes it.
        var outputs: [String] = []

        /// The deviations from the standard ("Mutu Baku") this run is: `waktu` when it is late or
        /// overdue; `kelengkapan` for the producer's revision (the request was returned because what it
        /// handed over was not complete or not right).
        var deviations: [String] {
            (status == "late" || status == "overdue" ? ["waktu"] : []) + (phase == .revision ? ["kelengkapan"] : [])
                + outputs.map { "naskah: \($0)" }
        }

        /// A deviation the responsible person accounts for.
        var isDeviation: Bool { !deviations.isEmpty }

        enum CodingKeys: String, CodingKey {
            case step, name, standard, standardLabel, startedAt, endedAt, usedPercent, status, role, phase, deadline,
                provisional,
                withinTarget, responsible, justification, deviations
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(step, forKey: .step)
            try container.encode(name, forKey: .name)
            try container.encodeIfPresent(standard, forKey: .standard)
            try container.encodeIfPresent(duration?.label, forKey: .standardLabel)
            try container.encode(startedAt, forKey: .startedAt)
            try container.encodeIfPresent(endedAt, forKey: .endedAt)
            try container.encodeIfPresent(usedPercent, forKey: .usedPercent)
            try container.encode(status, forKey: .status)
            try container.encode(role, forKey: .role)
            try container.encode(phase, forKey: .phase)
            try container.encodeIfPresent(deadline, forKey: .deadline)
            try container.encode(provisional, forKey: .provisional)
            try container.encodeIfPresent(withinTarget, forKey: .withinTarget)
            try container.encodeIfPresent(responsible, forKey: .responsible)
            try container.encodeIfPresent(justification, forKey: .justification)
            try container.encode(deviations, forKey: .deviations)
        }
    }

    struct Entry: Encodable {
        let occurredAt: Date
        let type: String
        let actor: String
    }

    let requestId: String
    let generatedAt: Date
    var submission: RequestSubmitted?
    var disposition: RequestDispositioned?
    var returns: [RequestReturned] = []
    var contract: ContractAgreed?
    var integrationTest: IntegrationTested?
    var provisioned: APIProvisioned?
    var delivery: ResultsDelivered?
    var validationRun: ValidationRunCompleted?
    var reconciliation: ReconciliationCompleted?
    var accepted: RequestAccepted?
    var reopened: RequestReopened?
    var steps: [Step] = []
    /// The whole procedure against the profile's overall standard (Kaltim: 3–4 months).
    var overall: Step?
    /// The profile's name (institution and SOP).
    var profileName: String?
    var timeline: [Entry] = []
}

/// `GET /v1/requests/{id}/report` (printable HTML), `…/report.json`, `…/timeline.csv`.
struct IntegrationReportController: Sendable {
    let context: ServiceContext
    /// The SLA clock on the calendar as last loaded.
    var clock: SLAClock { ReportingService.clock }

    func register(on router: Router<JembatanRequestContext>) {
        router.get("v1/requests/:id/report", use: html)
        router.get("v1/requests/:id/report.json", use: json)
        router.get("v1/requests/:id/report.pdf", use: pdf)
        router.get("v1/requests/:id/timeline.csv", use: csv)
    }

    @Sendable func json(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        try JSONResponse.make(try await build(request, routeContext))
    }

    @Sendable func pdf(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let report = try await build(request, routeContext)
        let data = try await PDFRenderer(chromium: context.configuration.chromium).render(
            html: try ReportPage.render(report))
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/pdf",
                .contentDisposition: "inline; filename=\"laporan-integrasi-\(report.requestId.prefix(8)).pdf\"",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    @Sendable func csv(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let report = try await build(request, routeContext)
        var text = "occurred_at,event_type,actor\n"
        for entry in report.timeline {
            text +=
                "\(EventTime.format(entry.occurredAt)),\(entry.type),\"\(entry.actor.replacingOccurrences(of: "\"", with: "\"\""))\"\n"
        }
        return Response(
            status: .ok, headers: [.contentType: "text/csv; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    @Sendable func html(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let report = try await build(request, routeContext)
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: try ReportPage.render(report))))
    }

    func build(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> IntegrationReport {
        guard let account = routeContext.sessionAccount else {
            throw APIError(
                .unauthorized, code: "unauthenticated",
                message: "send 'Authorization: Bearer <token>' (people open reports in the workspace)",
                field: "Authorization")
        }
        guard account.role != .consumer else {
            throw APIError(
                .forbidden, code: "wrong_role",
                message: "this report is read by: admin, head, producer, supervisor, technical")
        }
        let requestId = try request.requestIDParameter(routeContext)
        guard
            let report = try await IntegrationReport.assemble(
                requestId: requestId, context: context, clock: clock, at: Date()),
            account.mayAccess(agency: report.submission?.agencyCode)
        else { throw APIError.notFound("request") }
        return report
    }
}

/// The printable page of the report (A4, no external resources): the `integration-report` template.
enum ReportPage {
    struct Signed: Sendable {
        let note: String
        let by: String
        let at: String
    }

    struct Finding: Sendable {
        let severity: String
        let dataset: String
        let field: String
        let rule: String
        let message: String
    }

    struct Agreement: Sendable {
        let by: String
        let at: String
        let findingCount: Int
        let findings: [Finding]
    }

    struct ContractView: Sendable {
        struct Dataset: Sendable {
            let name: String
            let key: String
            let fields: Int
            let classification: String
            let frequency: String
        }

        let contractId: String
        let version: Int
        let consumers: String
        let datasets: [Dataset]
    }

    struct Check: Sendable {
        let dataset: String
        let check: String
        let outcome: String
        let `class`: String
        let detail: String
    }

    struct Test: Sendable {
        let outcome: String
        let at: String
        let checks: [Check]
    }

    struct Validation: Sendable {
        let score: String
        let checks: Int
        let records: Int
        let at: String
        let failed: String?
    }

    /// The lines of `steps`; a step not yet ended shows `open`.
    static func lines(_ steps: [IntegrationReport.Step], open: String) -> [StepLine] {
        steps.map {
            StepLine(
                step: $0.step, name: $0.name, role: $0.role, deadline: $0.deadline, provisional: $0.provisional,
                withinTarget: $0.withinTarget, responsible: $0.responsible, deviations: $0.deviations,
                justification: $0.justification.map { "\($0.justification) — \($0.justifiedBy.id)" },
                status: $0.status, startedAt: $0.startedAt, endedAt: $0.endedAt, standard: $0.duration?.label,
                usedPercent: $0.usedPercent, open: open)
        }
    }

    /// One timeline entry, its event in words.
    struct Entry: Sendable {
        let at: String
        let event: String
        let actor: String

        static func lines(_ timeline: [IntegrationReport.Entry]) -> [Entry] {
            timeline.map { Entry(at: WIB.format($0.occurredAt), event: EventType.label(of: $0.type), actor: $0.actor) }
        }
    }

    struct View: Sendable {
        let requestId: String
        let generated: String
        let title: String
        let agency: String
        let purpose: String
        let legalBasis: String
        let submittedBy: String
        let submittedAt: String
        let profile: String
        let disposition: Signed?
        let returnCount: Int?
        let agreement: Agreement?
        let contract: ContractView?
        let test: Test?
        let endpoints: [String]
        let credentialCount: Int?
        let delivery: Signed?
        let validation: Validation?
        let reconciliation: ReconciliationCompleted?
        let accepted: Signed?
        let reopened: Signed?
        let steps: [StepLine]
        let overall: StepLine?
        let timeline: [Entry]
    }

    static func view(_ report: IntegrationReport) -> View {
        let submission = report.submission
        return View(
            requestId: report.requestId, generated: WIB.format(report.generatedAt), title: submission?.title ?? "–",
            agency: submission?.agencyCode ?? "–",
            purpose: submission?.purpose ?? "–", legalBasis: submission?.legalBasis ?? "–",
            submittedBy: submission?.submittedBy.id ?? "–",
            submittedAt: WIB.format(submission?.submittedAt), profile: report.profileName ?? submission?.profile ?? "–",
            disposition: report.disposition.map {
                Signed(note: $0.note, by: $0.dispositionedBy.id, at: WIB.format($0.dispositionedAt))
            },
            returnCount: report.returns.isEmpty ? nil : report.returns.count,
            agreement: report.contract.map { contract in
                Agreement(
                    by: contract.agreedBy.id, at: WIB.format(contract.agreedAt), findingCount: contract.findings.count,
                    findings: contract.findings.map {
                        Finding(
                            severity: $0.severity.label, dataset: $0.dataset, field: $0.field ?? "–", rule: $0.rule,
                            message: $0.message)
                    })
            },
            contract: report.contract.map { contract in
                ContractView(
                    contractId: contract.contractId, version: contract.contractVersion,
                    consumers: (contract.consumers ?? []).joined(separator: ", "),
                    datasets: contract.datasets.map {
                        .init(
                            name: $0.name, key: $0.primaryKey.joined(separator: ", "), fields: $0.fields.count,
                            classification: $0.classification ?? "–",
                            frequency: $0.updateFrequency ?? "–")
                    })
            },
            test: report.integrationTest.map { test in
                Test(
                    outcome: test.passed ? "lulus" : "gagal", at: WIB.format(test.testedAt),
                    checks: test.checks.map {
                        Check(
                            dataset: $0.dataset, check: $0.check, outcome: $0.passed ? "lulus" : "GAGAL",
                            class: $0.passed ? "ok" : "bad", detail: $0.detail)
                    })
            },
            endpoints: report.provisioned?.endpoints.map(\.path) ?? [],
            credentialCount: report.provisioned?.credentials?.count,
            delivery: report.delivery.map {
                Signed(note: $0.note, by: $0.deliveredBy.id, at: WIB.format($0.deliveredAt))
            },
            validation: report.validationRun.map { run in
                Validation(
                    score: Indonesian.number(run.score), checks: run.checks, records: run.records,
                    at: WIB.format(run.completedAt),
                    failed: run.failedChecks.isEmpty ? nil : run.failedChecks.joined(separator: ", "))
            },
            reconciliation: report.reconciliation,
            accepted: report.accepted.map { Signed(note: $0.note, by: $0.decidedBy.id, at: WIB.format($0.decidedAt)) },
            reopened: report.accepted == nil
                ? report.reopened.map {
                    Signed(note: $0.reasons.joined(separator: "; "), by: $0.decidedBy.id, at: WIB.format($0.decidedAt))
                } : nil,
            steps: lines(report.steps, open: "–"),
            overall: report.overall.flatMap { lines([$0], open: "–").first },
            timeline: Entry.lines(report.timeline))
    }

    static func render(_ report: IntegrationReport) throws -> String {
        try ReportingService.views.render("integration-report", view(report))
    }
}

extension IntegrationReport {
    /// The report of `requestId` as of `now` from the stored events; nil when its submission is unknown.
    /// The report of `requestId` as of `now`; `reportedAt` ends its report step when no report is stored yet
    /// (the report being published).
    static func assemble(
        requestId: String, context: ServiceContext, clock: SLAClock, at now: Date, reportedAt: Date? = nil
    ) async throws -> IntegrationReport? {
        var report = IntegrationReport(requestId: requestId, generatedAt: now)
        for stored in try await ReportReads.events(of: requestId, client: context.client, logger: context.logger) {
            let data = stored.data
            guard let kind = EventType(rawValue: stored.eventType) else { continue }
            switch kind {
            case .requestSubmitted:
                report.submission = try CloudEventCodec.decodeJSON(RequestSubmitted.self, from: data)
            case .requestDispositioned:
                report.disposition = try CloudEventCodec.decodeJSON(RequestDispositioned.self, from: data)
            case .requestReturned:
                report.returns.append(try CloudEventCodec.decodeJSON(RequestReturned.self, from: data))
            case .contractAgreed: report.contract = try CloudEventCodec.decodeJSON(ContractAgreed.self, from: data)
            case .integrationTestPassed, .integrationTestFailed:
                report.integrationTest = try CloudEventCodec.decodeJSON(IntegrationTested.self, from: data)
            case .apiProvisioned: report.provisioned = try CloudEventCodec.decodeJSON(APIProvisioned.self, from: data)
            case .resultsDelivered: report.delivery = try CloudEventCodec.decodeJSON(ResultsDelivered.self, from: data)
            case .validationRunCompleted:
                report.validationRun = try CloudEventCodec.decodeJSON(ValidationRunCompleted.self, from: data)
            case .reconciliationCompleted:
                report.reconciliation = try CloudEventCodec.decodeJSON(ReconciliationCompleted.self, from: data)
            case .requestAccepted: report.accepted = try CloudEventCodec.decodeJSON(RequestAccepted.self, from: data)
            case .requestReopened: report.reopened = try CloudEventCodec.decodeJSON(RequestReopened.self, from: data)
            default: break
            }
        }
        guard report.submission != nil else { return nil }
        // Every step and line of the request's profile against its standard: the procedure clock's reading.
        let store = ReadModelStore.live
        let (profile, milestones) = try await context.client.withConnection { connection in
            (
                try await store.profile(of: requestId, on: connection, logger: context.logger),
                try await store.milestones(of: requestId, on: connection, logger: context.logger)
            )
        }
        let published = try await ReportArchive(context: context).entries(kind: "integration", subject: requestId)
        let reading = ProcedureClock(profile: profile, clock: clock).read(
            milestones, now: now, reportedAt: published.last?.generatedAt ?? reportedAt)
        let justifications = try await ReadModelStore.justifications(
            of: requestId, client: context.client, logger: context.logger)
        report.steps = StepMaths.steps(reading, justifications: justifications)
        do {
            let documents = try await DocumentReader.documents(
                ofRequest: requestId, client: context.client, logger: context.logger)
            StepMaths.checkOutputs(&report.steps, profile: profile, documents: documents)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // A role whose schema is not migrated yet: the steps are read without their outputs this time.
            context.logger.warning(
                "Documents of record unreadable; steps shown without output checks",
                metadata: [LogKey.requestID: "\(requestId)", LogKey.error: "\(String(reflecting: error))"])
        }
        report.overall = reading.overall.map { StepMaths.step($0) }
        report.profileName = profile.name
        for entry in try await ReportReads.timelineBySteps(
            of: requestId, client: context.client, logger: context.logger)
        {
            report.timeline.append(
                .init(
                    occurredAt: entry.occurredAt, type: entry.eventType, actor: "\(entry.actorId) (\(entry.actorRole))")
            )
        }
        return report
    }
}

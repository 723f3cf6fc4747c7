import Foundation
import HTTPTypes
import Hummingbird
import JembatanShared

/// What the workspace's pages read from reporting, as JSON: each person's tasks (Tugas saya), the
/// overview, the dataset catalogue and the exchange volume. Reporting's `/` sends people to the
/// workspace, which renders every page.
struct WorkspaceReads: Sendable {
    let context: ServiceContext
    /// The SLA clock on the calendar as last loaded.
    var clock: SLAClock { ReportingService.clock }

    func register(on router: Router<JembatanRequestContext>) {
        router.get("/", use: home)
        router.get("v1/tasks", use: tasks)
        router.get("v1/dashboard", use: dashboard)
        router.get("v1/catalogue", use: catalogue)
        router.get("v1/volume", use: volume)
    }

    /// People read pages in the workspace.
    @Sendable func home(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        Response(status: .seeOther, headers: [.location: context.configuration.publicBaseURL + "/"])
    }

    // MARK: Tugas saya

    /// The open steps of the requests the caller may see whose actor is the caller's role, oldest
    /// first; for the admin, the calendar years whose decree is missing.
    @Sendable func tasks(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require(Set(Role.allCases))
        var tasks: [TaskList.Task] = []
        if account.role != .consumer && account.role != .admin {
            for row in try await ReportReads.requests(client: context.client, logger: routeContext.logger)
            where !row.state.isClosed && account.mayAccess(agency: row.agencyCode) {
                guard
                    let report = try await IntegrationReport.assemble(
                        requestId: row.requestId, context: context, clock: clock, at: Date())
                else { continue }
                for step in report.steps where step.endedAt == nil && step.role == account.role {
                    tasks.append(
                        TaskList.Task(
                            requestId: row.requestId, title: row.title, agencyCode: row.agencyCode, step: step.step,
                            name: step.name, role: step.role, phase: step.phase, startedAt: step.startedAt,
                            deadline: step.deadline, provisional: step.provisional, usedPercent: step.usedPercent,
                            status: step.status, standard: step.duration?.label))
                }
            }
        }
        // Receipts waiting for the caller: the receiver's time runs until they acknowledge.
        for waiting in try await ReceiptStore(client: context.client, logger: routeContext.logger).pending(
            for: account.role)
        where account.mayAccess(agency: waiting.agencyCode) {
            tasks.append(
                TaskList.Task(
                    requestId: waiting.requestId, title: waiting.title, agencyCode: waiting.agencyCode, step: 0,
                    name: waiting.kind.name, role: account.role, phase: waiting.kind == .results ? .delivery : .report,
                    startedAt: waiting.startedAt, deadline: nil, provisional: false, usedPercent: nil,
                    status: "open_no_standard", standard: nil, receipt: waiting.kind.rawValue))
        }
        var notices: [TaskList.Notice] = []
        if account.role == .admin {
            for year in ReportingService.calendars.missingYears() {
                notices.append(
                    TaskList.Notice(
                        kind: "calendar_year_missing", year: year,
                        message:
                            "Muat keputusan bersama libur nasional dan cuti bersama tahun \(year): batas waktu yang jatuh pada tahun itu masih sementara."
                    ))
            }
        }
        return try JSONResponse.make(
            TaskList(
                tasks: tasks.sorted { ($0.startedAt, $0.requestId) < ($1.startedAt, $1.requestId) }, notices: notices))
    }

    // MARK: Overview

    @Sendable func dashboard(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.producer, .head, .supervisor, .technical, .admin])
        let requests = try await ReportReads.requests(client: context.client, logger: context.logger).filter {
            account.mayAccess(agency: $0.agencyCode)
        }
        var byPhase: [Phase: Int] = [:]
        for item in requests where !item.state.isClosed {
            if let phase = item.phase { byPhase[phase, default: 0] += 1 }
        }
        let month = try await MonthlyReport.assemble(
            period: MonthlyReport.period(of: Date()), context: context, clock: clock, now: Date())
        let lines = month.agencies.filter { account.mayAccess(agency: $0.agencyCode) }
        let measured = lines.reduce(0) { $0 + $1.stepsMeasured }
        let onTime = lines.reduce(0) { $0 + $1.onTime }
        // The highest threshold reached per request's current step.
        var highest: [String: StoredAlert] = [:]
        for alert in try await ReadModelStore.openAlerts(client: context.client, logger: context.logger)
        where account.mayAccess(agency: alert.agencyCode) {
            if (highest[alert.requestId]?.threshold ?? 0) < alert.threshold { highest[alert.requestId] = alert }
        }
        let alerts = highest.values.sorted(by: { ($0.threshold, $1.deadline) > ($1.threshold, $0.deadline) })
        return try JSONResponse.make(
            DashboardSummary(
                period: month.period, requestCount: requests.count,
                completedCount: requests.filter { $0.state == .completed }.count,
                compliancePercent: measured == 0 ? nil : (Double(onTime) * 1000 / Double(measured)).rounded() / 10,
                openByPhase: Phase.allCases.filter { byPhase[$0] != nil || Phase.required.contains($0) }.map {
                    .init(phase: $0, label: $0.label, count: byPhase[$0] ?? 0)
                },
                agencies: lines.map { .init(agencyCode: $0.agencyCode, compliancePercent: $0.compliancePercent) },
                alerts: alerts.map {
                    .init(
                        requestId: $0.requestId, agencyCode: $0.agencyCode, step: $0.step, threshold: $0.threshold,
                        usedPercent: $0.usedPercent, deadline: $0.deadline)
                },
                missingCalendarYears: ReportingService.calendars.missingYears(),
                requests: requests.map {
                    .init(
                        requestId: $0.requestId, agencyCode: $0.agencyCode, title: $0.title, step: $0.sopStep,
                        phase: $0.phase, state: $0.state, updatedAt: $0.updatedAt)
                }))
    }

    // MARK: Catalogue

    /// Every provisioned dataset with its contract terms, quality, volume and freshness, from the stored events.
    func catalogueEntries() async throws -> [DatasetCatalogue.Entry] {
        let logger = context.logger
        var contracts: [String: ContractAgreed] = [:]
        for stored in try await ReportReads.latestEvents(
            ofType: .contractAgreed, client: context.client, logger: logger)
        {
            contracts[stored.requestId] = try CloudEventCodec.decodeJSON(ContractAgreed.self, from: stored.data)
        }
        let scores = try await ReportReads.latestScores(client: context.client, logger: logger)
        let volume = try await ReportReads.datasetVolumes(client: context.client, logger: logger)
        let findings = try await ReportReads.latestFreshnessFindings(client: context.client, logger: logger)
        var entries: [String: DatasetCatalogue.Entry] = [:]
        for stored in try await ReportReads.events(ofTypes: [.apiProvisioned], client: context.client, logger: logger) {
            let provisioned = try CloudEventCodec.decodeJSON(APIProvisioned.self, from: stored.data)
            for endpoint in provisioned.endpoints {
                let datasetId = endpoint.datasetId ?? endpoint.dataset
                var entry = DatasetCatalogue.Entry(
                    datasetId: datasetId, requestId: provisioned.requestId, agencyCode: provisioned.agencyCode)
                entry.name = endpoint.dataset
                if let contract = contracts[provisioned.requestId],
                    let definition = contract.datasets.first(where: { $0.name == endpoint.dataset })
                {
                    entry.classification = definition.classification
                    entry.updateFrequency = definition.updateFrequency
                    entry.consumers = contract.consumers ?? []
                }
                entry.qualityScore = scores[provisioned.requestId]
                if let (records, last) = volume[datasetId] {
                    entry.records = records
                    entry.lastIngestAt = last
                }
                if let finding = findings[datasetId], finding > (entry.lastIngestAt ?? .distantPast) {
                    entry.staleSince = finding
                }
                entries[datasetId] = entry
            }
        }
        return entries.values.sorted { ($0.agencyCode, $0.datasetId) < ($1.agencyCode, $1.datasetId) }
    }

    @Sendable func catalogue(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require(Set(Role.allCases))
        // A consumer agency sees the datasets it may read; a producer its own; the office every one.
        let entries = try await catalogueEntries().filter {
            account.role == .consumer
                ? $0.consumers.contains(account.agencyCode ?? "") : account.mayAccess(agency: $0.agencyCode)
        }
        return try JSONResponse.make(DatasetCatalogue(datasets: entries))
    }

    // MARK: Volume

    @Sendable func volume(_ request: Request, _ routeContext: JembatanRequestContext) async throws -> Response {
        let account = try routeContext.require([.producer, .head, .supervisor, .technical, .admin])
        var totals: [String: (accepted: Int, rejected: Int, batches: Int)] = [:]
        for (day, agency, accepted, rejected, batches) in try await ReportReads.dailyVolumes(
            client: context.client, logger: routeContext.logger)
        where account.mayAccess(agency: agency) {
            let current = totals[day] ?? (0, 0, 0)
            totals[day] = (current.accepted + accepted, current.rejected + rejected, current.batches + batches)
        }
        var days: [ExchangeVolume.Day] = []
        for offset in (0..<30).reversed() {
            let date = Date().addingTimeInterval(-Double(offset) * 86_400)
            let parts = WIB.calendar.dateComponents([.year, .month, .day], from: date)
            let day = String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
            let value = totals[day] ?? (0, 0, 0)
            days.append(.init(day: day, batches: value.batches, accepted: value.accepted, rejected: value.rejected))
        }
        return try JSONResponse.make(ExchangeVolume(days: days))
    }
}

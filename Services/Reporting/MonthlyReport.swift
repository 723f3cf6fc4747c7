import Foundation
import Hummingbird
import JembatanShared
import PostgresNIO

/// The monthly report ("Laporan Bulanan"): per-agency compliance with the standard durations,
/// requests by state at the month's end, datasets and exchange volumes — all from the read model.
struct MonthlyReport: Encodable {
    struct AgencyLine: Encodable {
        let agencyCode: String
        var submitted = 0
        var completed = 0
        /// Steps that ended in the month (or were still open past their standard at its end).
        var stepsMeasured = 0
        var onTime = 0
        var late = 0
        /// `onTime / stepsMeasured` in percent; nil when nothing was measured.
        var compliancePercent: Double? {
            stepsMeasured == 0 ? nil : (Double(onTime) * 1000 / Double(stepsMeasured)).rounded() / 10
        }

        enum CodingKeys: String, CodingKey {
            case agencyCode, submitted, completed, stepsMeasured, onTime, late, compliancePercent
        }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(agencyCode, forKey: .agencyCode)
            try container.encode(submitted, forKey: .submitted)
            try container.encode(completed, forKey: .completed)
            try container.encode(stepsMeasured, forKey: .stepsMeasured)
            try container.encode(onTime, forKey: .onTime)
            try container.encode(late, forKey: .late)
            try container.encodeIfPresent(compliancePercent, forKey: .compliancePercent)
        }
    }

    struct LateStep: Encodable {
        let requestId: String
        let agencyCode: String
        let step: Int
        let name: String
        let usedPercent: Double
        /// `late` (ended past the standard), `overdue` (still open past it at the month's end) or
        /// `incomplete` (returned to the producer for revision: a completeness deviation).
        let status: String
        /// Who is accountable: the person who ended the step, or the role while it is open.
        let responsible: String
        /// The responsible person's justification, if recorded.
        let justification: String?
    }

    struct DatasetVolume: Encodable {
        let datasetId: String
        let requestId: String
        let agencyCode: String
        let batches: Int
        let accepted: Int
        let rejected: Int
        /// The latest validation score of the request up to the month's end.
        let latestScore: Double?
    }

    /// `yyyy-MM`.
    let period: String
    let from: Date
    let to: Date
    let generatedAt: Date
    /// The month had not ended when the report was made.
    let provisional: Bool
    var agencies: [AgencyLine] = []
    var states: [String: Int] = [:]
    var lateSteps: [LateStep] = []
    var datasets: [DatasetVolume] = []

    /// Western Indonesian Time: a month is counted from the 1st 00:00 WIB.
    static var wib: Calendar { WIB.calendar }

    /// The WIB month `yyyy-MM` as an interval; nil when `period` is not such a month.
    static func interval(of period: String) -> (from: Date, to: Date)? {
        let parts = period.split(separator: "-")
        guard period.count == 7, parts.count == 2, let year = Int(parts[0]), let month = Int(parts[1]),
            (2000...2100).contains(year), (1...12).contains(month),
            let from = wib.date(from: DateComponents(year: year, month: month, day: 1)),
            let to = wib.date(byAdding: .month, value: 1, to: from)
        else { return nil }
        return (from, to)
    }

    /// The `yyyy-MM` (WIB) that `date` falls in, moved by `offset` months.
    static func period(of date: Date, offset: Int = 0) -> String {
        let moved = wib.date(byAdding: .month, value: offset, to: date) ?? date
        let parts = wib.dateComponents([.year, .month], from: moved)
        return String(format: "%04d-%02d", parts.year ?? 0, parts.month ?? 0)
    }

    /// Builds the report of `period` as of `now` from the read model and event store.
    static func assemble(period: String, context: ServiceContext, clock: SLAClock, now: Date) async throws
        -> MonthlyReport
    {
        guard let (from, to) = interval(of: period) else {
            throw APIError(
                .badRequest, code: "invalid_month", message: "month must be yyyy-MM (e.g. 2026-11)", field: "month")
        }
        let logger = context.logger
        let until = min(to, now)
        var report = MonthlyReport(period: period, from: from, to: to, generatedAt: now, provisional: now < to)
        var agencies: [String: AgencyLine] = [:]
        var requests: [String: String] = [:]
        for row in try await ReportReads.requestsSubmitted(before: until, client: context.client, logger: logger) {
            let (id, agency, submitted, completed) = (
                row.requestId, row.agencyCode ?? "", row.submittedAt, row.completedAt
            )
            requests[id] = agency
            var line = agencies[agency] ?? AgencyLine(agencyCode: agency)
            if let submitted, submitted >= from { line.submitted += 1 }
            if let completed, completed >= from, completed < until { line.completed += 1 }
            agencies[agency] = line
        }
        // Every request's steps up to the month's end (or now), read through its own profile.
        let store = ReadModelStore.live
        let timelines = try await ReportReads.milestones(before: until, client: context.client, logger: logger)
        for (id, agency) in requests {
            guard let milestones = timelines[id], !milestones.isEmpty else { continue }
            let profile = try await context.client.withConnection { connection in
                try await store.profile(of: id, on: connection, logger: logger)
            }
            let reading = ProcedureClock(profile: profile, clock: clock).read(
                milestones, now: until, reportedAt: nil)
            report.states[reading.state.rawValue, default: 0] += 1
            let justifications = try await ReadModelStore.justifications(
                of: id, client: context.client, logger: logger)
            var line = agencies[agency] ?? AgencyLine(agencyCode: agency)
            for step in StepMaths.steps(reading, justifications: justifications) {
                if step.deviations.contains("kelengkapan"), step.startedAt >= from, step.startedAt < until {
                    report.lateSteps.append(
                        LateStep(
                            requestId: id, agencyCode: agency, step: step.step, name: step.name,
                            usedPercent: step.usedPercent ?? 0, status: "incomplete",
                            responsible: step.responsible.map { "\($0.id) (\($0.role.label))" }
                                ?? "\(step.role.label) \(agency)",
                            justification: step.justification?.justification))
                }
                let endedInMonth = step.endedAt.map { $0 >= from && $0 < until } ?? false
                guard let used = step.usedPercent,
                    endedInMonth && (step.status == "on_time" || step.status == "late") || step.status == "overdue"
                else { continue }
                line.stepsMeasured += 1
                if step.status == "on_time" {
                    line.onTime += 1
                } else {
                    line.late += 1
                    report.lateSteps.append(
                        LateStep(
                            requestId: id, agencyCode: agency, step: step.step, name: step.name,
                            usedPercent: used, status: step.status,
                            responsible: step.responsible.map { "\($0.id) (\($0.role.label))" }
                                ?? "\(step.role.label) \(agency)",
                            justification: step.justification?.justification))
                }
            }
            agencies[agency] = line
        }
        report.agencies = agencies.values.sorted { $0.agencyCode < $1.agencyCode }
        report.lateSteps.sort { ($0.agencyCode, $0.requestId, $0.step) < ($1.agencyCode, $1.requestId, $1.step) }
        let scores = try await ReportReads.latestScores(before: until, client: context.client, logger: logger)
        for volume in try await ReportReads.ingestVolumes(
            from: from, until: until, client: context.client, logger: logger)
        {
            report.datasets.append(
                DatasetVolume(
                    datasetId: volume.datasetId, requestId: volume.requestId, agencyCode: volume.agencyCode,
                    batches: volume.batches,
                    accepted: volume.accepted, rejected: volume.rejected, latestScore: scores[volume.requestId]))
        }
        return report
    }

    var title: String { "Laporan Bulanan Integrasi Data \(period)" }

    /// What the printable page shows (the `monthly-report` template).
    struct View: Sendable {
        struct Agency: Sendable {
            let agencyCode: String
            let submitted: Int
            let completed: Int
            let stepsMeasured: Int
            let onTime: Int
            let late: Int
            let compliance: String
        }

        struct Late: Sendable {
            let requestId: String
            let agencyCode: String
            let step: Int
            let name: String
            let used: String
            let remark: String
            let responsible: String
            let justification: String
        }

        struct StateCount: Sendable {
            let state: String
            let count: Int
        }

        struct Dataset: Sendable {
            let datasetId: String
            let agencyCode: String
            let batches: Int
            let accepted: Int
            let rejected: Int
            let score: String
        }

        let title: String
        let from: String
        let to: String
        let generated: String
        let provisional: Bool
        let agencies: [Agency]
        let lateSteps: [Late]
        let states: [StateCount]
        let datasets: [Dataset]
    }

    var view: View {
        View(
            title: title, from: WIB.format(from), to: WIB.format(to), generated: WIB.format(generatedAt),
            provisional: provisional,
            agencies: agencies.map {
                .init(
                    agencyCode: $0.agencyCode, submitted: $0.submitted, completed: $0.completed,
                    stepsMeasured: $0.stepsMeasured, onTime: $0.onTime, late: $0.late,
                    compliance: $0.compliancePercent.map(Indonesian.percent) ?? "–")
            },
            lateSteps: lateSteps.map {
                .init(
                    requestId: $0.requestId, agencyCode: $0.agencyCode, step: $0.step, name: $0.name,
                    used: Indonesian.percent($0.usedPercent),
                    remark: $0.status == "incomplete"
                        ? "kelengkapan: dikembalikan untuk revisi"
                        : $0.status == "late" ? "selesai terlambat" : "masih berjalan, terlambat",
                    responsible: $0.responsible, justification: $0.justification ?? "belum ada")
            },
            states: states.sorted { $0.key < $1.key }.map {
                .init(state: RequestState.label(of: $0.key), count: $0.value)
            },
            datasets: datasets.map {
                .init(
                    datasetId: $0.datasetId, agencyCode: $0.agencyCode, batches: $0.batches, accepted: $0.accepted,
                    rejected: $0.rejected,
                    score: $0.latestScore.map { Indonesian.number($0) } ?? "–")
            })
    }

    /// The printable page (A4, no external resources).
    func html() throws -> String { try ReportingService.views.render("monthly-report", view) }
}

import Foundation
import JembatanShared
import Testing

@testable import Reporting

/// Each shipped profile's every step, walked through the procedure clock and shown: as report
/// lines (status, responsible person, justification) and on the request page, the integration
/// report and the monthly report (templates), on the 2026 working-day calendar, without a stack.
@Suite("Every step of every profile on the pages")
struct StepMathsTests {
    static let clock = SLAClock(calendar: try! WorkingCalendar.standard(extraFile: nil))
    static let start = ISO8601DateFormatter().date(from: "2026-11-02T09:00:00+07:00")!

    /// A walk through every step and line of `profile`: a return (revision), a failed integration
    /// test (fix), the hand-over and the head's approval where the profile has them; one working
    /// hour apart (three hours for the producer's revision).
    static func fullWalk(_ profile: SOPProfile) -> [Milestone] {
        var time = start
        var walk: [Milestone] = []
        func add(_ event: EventType, _ role: Role, phase: Phase? = nil, hours: Double = 1) {
            time = time.addingTimeInterval(hours * 3600)
            walk.append(
                Milestone(
                    event, at: time, by: ActorReference(id: "\(role.rawValue)-1", role: role), completedPhase: phase,
                    evidenceAt: event == .requestAccepted ? time.addingTimeInterval(-1800) : nil))
        }
        add(.requestSubmitted, .producer)
        add(.requestDispositioned, .head)
        add(.evaluationStarted, .system)
        for phase in profile.recordedBeforeDecision { add(.phaseRecorded, .producer, phase: phase) }
        add(.requestReturned, .technical)
        add(.requestResubmitted, .producer, hours: 27)
        add(.evaluationStarted, .system)
        add(.phaseRecorded, .technical, phase: .evaluation)
        for phase in profile.recordedBeforeAPI.dropLast() { add(.phaseRecorded, .technical, phase: phase) }
        add(.contractAgreed, .technical)
        add(.integrationTestFailed, .system)
        add(.integrationTestPassed, .system)
        add(.apiProvisioned, .system)
        add(.resultsDelivered, .supervisor)
        add(.requestAccepted, .producer)
        if profile.has(.handOver) { add(.resultsHandedOver, .supervisor) }
        if profile.has(.headReview) { add(.integrationApproved, .head) }
        return walk
    }

    static func steps(_ id: String) -> (SOPProfile, [IntegrationReport.Step]) {
        let profile = SOPProfileCatalog.profile(id)!
        let reading = ProcedureClock(profile: profile, clock: clock).read(
            fullWalk(profile), now: start.addingTimeInterval(86_400 * 20))
        return (profile, StepMaths.steps(reading))
    }

    @Test(
        "a full walk reaches every step and line of each profile, the report step last",
        arguments: ["pasuruan", "kaltim", "sragen", "laboratorium"])
    func everyStep(id: String) {
        let (profile, steps) = Self.steps(id)
        for line in profile.lines {
            #expect(steps.contains { $0.name == line.name }, "\(id): \(line.reference) \(line.name)")
        }
        #expect(steps.last?.phase == .report && steps.last?.endedAt == nil, "open until the report is published")
        let revision = steps.first { $0.phase == .revision }
        #expect(revision?.status == "late" && revision?.responsible?.role == .producer, "\(id): revision 27 h")
    }

    @Test("a deviation carries the responsible person and, once recorded, the justification; on time carries none")
    func justification() throws {
        let (_, steps) = Self.steps("pasuruan")
        let revision = try #require(steps.first { $0.phase == .revision })
        let note = StoredJustification(
            requestId: "r1", phase: .revision, stepStartedAt: revision.startedAt, step: 0,
            justification: "Menunggu tanda tangan Kepala OPD", justifiedBy: revision.responsible!, justifiedAt: Date())
        let profile = SOPProfileCatalog.profile("pasuruan")!
        let reading = ProcedureClock(profile: profile, clock: Self.clock).read(
            Self.fullWalk(profile), now: Self.start.addingTimeInterval(86_400 * 20))
        let justified = StepMaths.steps(reading, justifications: [note])
        #expect(justified.first { $0.phase == .revision }?.justification == note)
        #expect(justified.filter { $0.justification != nil }.count == 1)
        #expect(justified.first { $0.phase == .revision }?.deviations == ["waktu", "kelengkapan"])
        #expect(
            justified.filter { $0.phase != .revision && $0.isDeviation }.allSatisfy { $0.deviations == ["waktu"] },
            "only the revision is a completeness deviation")
    }

    @Test(
        "the integration report shows every step of the request's profile, with who acts and who answers for a deviation",
        arguments: ["pasuruan", "kaltim", "sragen", "laboratorium"])
    func pagesRenderEveryStep(id: String) throws {
        let (profile, steps) = Self.steps(id)
        let lines = ReportPage.lines(steps, open: "berjalan")
        var report = IntegrationReport(requestId: "r1", generatedAt: Self.start)
        report.steps = steps
        report.profileName = profile.name
        let printed = try ReportPage.render(report)
        for line in profile.lines {
            #expect(printed.contains(line.name.htmlEscapedForTest), "\(id): \(line.name)")
        }
        #expect(printed.contains(profile.name.htmlEscapedForTest))
        #expect(printed.contains("producer-1 (Produsen Data (OPD))"), "the responsible person of the late revision")
        #expect(
            lines.contains { $0.deviation == "waktu, kelengkapan" }, "the returned request's revision, for the page")
        #expect(printed.contains("penyimpangan kelengkapan"), "and in the report's status column")
        if id == "laboratorium" { #expect(printed.contains("menit kerja")) }
    }

    @Test("the whole procedure's line: Kaltim's 3–4 months in the report, with its target")
    func overallLine() throws {
        let profile = SOPProfileCatalog.profile("kaltim")!
        let reading = ProcedureClock(profile: profile, clock: Self.clock).read(
            Self.fullWalk(profile), now: Self.start.addingTimeInterval(86_400 * 20))
        let overall = try #require(reading.overall.map { StepMaths.step($0) })
        var report = IntegrationReport(requestId: "r1", generatedAt: Self.start)
        report.overall = overall
        report.profileName = profile.name
        let html = try ReportPage.render(report)
        #expect(html.contains("Seluruh prosedur") && html.contains("3–4 bulan") && html.contains("dalam target"))
    }

    @Test("a provisional deadline says so on the page")
    func provisionalDeadline() throws {
        let step = IntegrationReport.Step(
            step: 3, name: "Evaluasi", duration: .init(value: 1, unit: .months), startedAt: Self.start, endedAt: nil,
            usedPercent: 10, status: "open", deadline: Self.start.addingTimeInterval(86_400 * 40), provisional: true)
        #expect(ReportPage.lines([step], open: "berjalan")[0].deadline.contains("sementara"))
    }

    @Test(
        "alert thresholds: the highest of 50, 75, 90 and 100 % reached",
        arguments: [
            (0.49, nil), (0.5, 50), (0.74, 50), (0.75, 75), (0.9, 90), (0.99, 90), (1.0, 100), (3.0, 100),
        ] as [(Double, Int?)])
    func thresholds(used: Double, expected: Int?) {
        #expect(SLAClock.threshold(reachedBy: used) == expected)
    }
}

extension String {
    /// As the templates escape text.
    var htmlEscapedForTest: String {
        replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;")
    }
}

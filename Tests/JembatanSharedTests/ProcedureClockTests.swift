import Foundation
import Testing

@testable import JembatanShared

/// Each shipped profile walked through the procedure clock with injected time, on the 2026
/// working-day calendar: every step's measured time against its standard and target, the
/// producer's revision time on its own line, the fix after a failed integration test, the
/// laboratory in office minutes, Kaltim's hand-over, the head's review and its send-back to step 3,
/// and provisional deadlines in 2027 (no decree loaded).
@Suite("Procedure clock: every SOP step on the clock")
struct ProcedureClockTests {
    static let clock = SLAClock(calendar: try! WorkingCalendar.standard(extraFile: nil))

    static func wib(_ text: String) -> Date { ISO8601DateFormatter().date(from: text + "+07:00")! }

    static let operatorOPD = ActorReference(id: "operator-dinkes", role: .producer)
    static let kepala = ActorReference(id: "kepala-dinas", role: .head)
    static let teknis = ActorReference(id: "tim-teknis", role: .technical)
    static let kabid = ActorReference(id: "kabid-egov", role: .supervisor)
    static let hub = ActorReference.system(.provisioning)
    static let evaluation = ActorReference.system(.evaluation)

    static func at(
        _ event: EventType, _ time: String, _ actor: ActorReference, phase: Phase? = nil, evidence: String? = nil
    )
        -> Milestone
    {
        Milestone(event, at: wib(time), by: actor, completedPhase: phase, evidenceAt: evidence.map(wib))
    }

    static func reading(_ profile: String, _ milestones: [Milestone], now: String) -> ProcedureClock.Reading {
        ProcedureClock(profile: SOPProfileCatalog.profile(profile)!, clock: clock).read(
            milestones.shuffled(), now: wib(now))
    }

    /// The steps up to the delivery, the same for the three Diskominfo profiles (step numbers differ after 5).
    static func throughDelivery(returned: Bool = true) -> [Milestone] {
        var path = [
            at(.requestSubmitted, "2026-11-02T09:00:00", operatorOPD),
            at(.requestDispositioned, "2026-11-02T15:00:00", kepala),
            at(.evaluationStarted, "2026-11-02T15:00:01", evaluation),
        ]
        if returned {
            path += [
                at(.requestReturned, "2026-11-04T15:00:01", teknis),
                at(.requestResubmitted, "2026-11-06T15:00:01", operatorOPD),
                at(.evaluationStarted, "2026-11-06T15:00:02", evaluation),
            ]
        }
        return path + [
            at(.phaseRecorded, "2026-11-09T09:00:00", teknis, phase: .evaluation),
            at(.contractAgreed, "2026-11-10T09:00:00", teknis),
            at(.integrationTestPassed, "2026-11-10T09:00:05", hub),
            at(.apiProvisioned, "2026-11-10T09:00:05", hub),
            at(.resultsDelivered, "2026-11-13T09:00:00", kabid),
        ]
    }

    @Test(
        "Pasuruan: nine steps, each with its own start, end and standard; the producer's revision is its own line and step 3 resumes after it"
    )
    func pasuruan() throws {
        let reading = Self.reading(
            "pasuruan",
            Self.throughDelivery() + [
                Self.at(.requestAccepted, "2026-11-18T09:00:00", Self.operatorOPD, evidence: "2026-11-17T09:00:00")
            ], now: "2026-11-18T10:00:00")
        #expect(reading.runs.map(\.line.number) == [1, 2, 3, 0, 3, 4, 5, 6, 7, 8, 9])
        #expect(reading.state == .completed && reading.completedAt == Self.wib("2026-11-18T09:00:00"))
        let runs = reading.runs
        // Step 1: submission to disposition, 6 hours of a working day.
        #expect(runs[0].phases == [.disposition] && runs[0].endedBy == Self.kepala, "the request itself is a moment")
        #expect(abs(runs[0].measure!.used - 0.25) < 1e-9)
        // The producer's revision: Wednesday 15:00 to Friday 15:00 is two working days against one.
        #expect(runs[3].line.name.contains("Revisi") && runs[3].line.role == .producer)
        #expect(runs[3].measure!.breached && abs(runs[3].measure!.used - 2) < 1e-6)
        #expect(runs[3].endedBy == Self.operatorOPD, "the producer answers for the revision time")
        // Step 3 resumes: the time before the return still counts, the revision's does not.
        let before = runs[2].measure!.used
        #expect(runs[4].measure!.used > before)
        let resumedAlone = Self.clock.used(
            .init(value: 1, unit: .months), from: runs[4].start, to: runs[4].end!)
        #expect(abs(runs[4].measure!.used - (before + resumedAlone)) < 1e-9)
        // Step 4, the interchange document, is a real state: from the agreement to the contract.
        #expect(runs[5].phases == [.interchangeDocument])
        #expect(runs[5].start == Self.wib("2026-11-09T09:00:00") && runs[5].end == Self.wib("2026-11-10T09:00:00"))
        // Step 5 holds the API and its test; step 6, the delivery, took 3 working days against 1: late, the supervisor's.
        #expect(runs[6].phases == [.apiPreparation, .integrationTest])
        #expect(runs[7].measure!.breached && runs[7].endedBy == Self.kabid)
        // Step 7 ends when the evidence was ready; step 8, the final evaluation, from there to the acceptance.
        #expect(runs[8].end == Self.wib("2026-11-17T09:00:00") && runs[9].phases == [.finalEvaluation])
        #expect(runs[9].measure!.used == 1 && !runs[9].measure!.breached, "Tuesday to Wednesday: one working day")
        // Step 9, the report, has no standard and is open until the report is published.
        #expect(runs[10].measure == nil && runs[10].end == nil)
        let reported = ProcedureClock(profile: SOPProfileCatalog.profile("pasuruan")!, clock: Self.clock).read(
            Self.throughDelivery(), now: Self.wib("2026-11-13T10:00:00"), reportedAt: nil)
        #expect(reported.state == .validating && reported.current?.line.number == 7)
    }

    @Test("the order of arrival does not matter: the clock reads the timeline by time")
    func orderIndependent() {
        let milestones = Self.throughDelivery()
        let profile = SOPProfileCatalog.profile("sragen")!
        let clock = ProcedureClock(profile: profile, clock: Self.clock)
        let first = clock.read(milestones, now: Self.wib("2026-11-20T00:00:00"))
        for _ in 0..<10 {
            #expect(clock.read(milestones.shuffled(), now: Self.wib("2026-11-20T00:00:00")).runs == first.runs)
        }
    }

    @Test(
        "Kaltim: steps 9–12 as the seed writes them; the head sends the request back to step 3, then closes it; the whole procedure on its own line"
    )
    func kaltimSendBack() throws {
        let firstRound =
            Self.throughDelivery(returned: false) + [
                Self.at(.requestAccepted, "2026-11-16T09:00:00", Self.operatorOPD, evidence: "2026-11-16T08:00:00"),
                Self.at(.resultsHandedOver, "2026-11-16T14:00:00", Self.kabid),
            ]
        let waiting = Self.reading("kaltim", firstRound, now: "2026-11-17T14:00:00")
        #expect(waiting.state == .handedOver && waiting.current?.line.number == 11, "the head judges at step 11")
        #expect(waiting.completedAt == nil, "an acceptance does not complete a Kaltim request")
        let secondRound =
            firstRound + [
                Self.at(.requestReopened, "2026-11-18T14:00:00", Self.kepala),
                Self.at(.evaluationStarted, "2026-11-18T14:00:01", Self.evaluation),
                Self.at(.phaseRecorded, "2026-11-20T09:00:00", Self.teknis, phase: .evaluation),
                Self.at(.contractAgreed, "2026-11-23T09:00:00", Self.teknis),
                Self.at(.integrationTestPassed, "2026-11-23T09:00:05", Self.hub),
                Self.at(.apiProvisioned, "2026-11-23T09:00:05", Self.hub),
                Self.at(.resultsDelivered, "2026-11-24T09:00:00", Self.kabid),
                Self.at(.requestAccepted, "2026-11-25T09:00:00", Self.operatorOPD, evidence: "2026-11-25T08:00:00"),
                Self.at(.resultsHandedOver, "2026-11-25T15:00:00", Self.kabid),
                Self.at(.integrationApproved, "2026-11-26T09:00:00", Self.kepala),
            ]
        let reading = Self.reading("kaltim", secondRound, now: "2026-11-26T10:00:00")
        #expect(
            reading.runs.map(\.line.number) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
        #expect(reading.state == .completed && reading.completedAt == Self.wib("2026-11-26T09:00:00"))
        let review = reading.runs[10]
        #expect(review.line.role == .head && review.endedBy == Self.kepala)
        // Monday 14:00 to Wednesday 14:00: two working days, past the target (1) within the standard (3).
        #expect(abs(review.measure!.used * 3 - 2) < 1e-6 && review.measure!.withinTarget == false)
        #expect(!review.measure!.breached)
        #expect(reading.runs[11].start == Self.wib("2026-11-18T14:00:00"), "back to step 3 at the head's word")
        // Step 6's 1–3 days: the hub's seconds keep the target.
        #expect(reading.runs[5].measure!.withinTarget == true)
        let overall = try #require(reading.overall)
        #expect(overall.line.standard == .init(value: 4, target: 3, unit: .months))
        #expect(overall.end == Self.wib("2026-11-26T09:00:00") && overall.measure!.withinTarget == true)
    }

    @Test(
        "the laboratory in office minutes: 15:55 to 07:35 the next morning is ten minutes; a failed test is fixed and run again on its own line"
    )
    func laboratory() throws {
        let path = [
            Self.at(.requestSubmitted, "2026-11-23T15:55:00", Self.operatorOPD),
            Self.at(.requestDispositioned, "2026-11-24T07:35:00", Self.kepala),
            Self.at(.evaluationStarted, "2026-11-24T07:35:01", Self.evaluation),
            Self.at(.phaseRecorded, "2026-11-24T07:50:01", Self.operatorOPD, phase: .assignment),
            Self.at(.phaseRecorded, "2026-11-24T15:50:01", Self.teknis, phase: .evaluation),
            Self.at(.phaseRecorded, "2026-11-25T08:00:00", Self.teknis, phase: .interchangeDocument),
            Self.at(.phaseRecorded, "2026-11-26T08:00:00", Self.teknis, phase: .design),
            Self.at(.contractAgreed, "2026-11-27T08:00:00", Self.teknis),
            Self.at(.integrationTestFailed, "2026-11-27T08:00:05", Self.hub),
            Self.at(.integrationTestPassed, "2026-11-27T09:00:05", Self.hub),
            Self.at(.apiProvisioned, "2026-11-27T09:00:05", Self.hub),
        ]
        let reading = Self.reading("laboratorium", path, now: "2026-11-27T09:30:05")
        #expect(reading.runs.map(\.line.number) == [1, 2, 3, 4, 5, 6, 7, 10, 7, 8])
        let direction = reading.runs[0]
        #expect(direction.measure!.standard == .init(value: 5, unit: .minutes))
        #expect(abs(direction.measure!.used - 2) < 1e-9, "5 + 5 office minutes against 5: 200 %")
        #expect(direction.measure!.breached && direction.endedBy == Self.kepala)
        #expect(reading.runs[2].phases == [.assignment] && reading.runs[2].endedBy == Self.operatorOPD)
        // The design step: Wednesday 08:00 to Thursday 08:00 is 510 office minutes of 2 250.
        #expect(abs(reading.runs[5].measure!.used * 2250 - 510) < 1e-6)
        let fix = reading.runs[7]
        #expect(fix.phases == [.fix] && fix.line.name == "Perbaikan paska testing aplikasi")
        #expect(abs(fix.measure!.used * 1350 - 60) < 1e-6, "an hour's fix of 1 350 minutes")
        #expect(reading.state == .provisioned && reading.current?.line.number == 8)
        // The deadline of a minutes standard is counted in office hours: 5 minutes from 15:58 on a Friday.
        let friday = Self.clock.deadline(
            .init(value: 5, unit: .minutes), from: Self.wib("2026-11-27T16:28:00"), hours: .standard)
        #expect(friday == Self.wib("2026-11-30T07:33:00"))
    }

    @Test(
        "a failed integration test in Pasuruan: the fix is a line outside the seed's numbering, with its own standard")
    func fixAndRerun() throws {
        let path = [
            Self.at(.requestSubmitted, "2026-11-02T09:00:00", Self.operatorOPD),
            Self.at(.requestDispositioned, "2026-11-02T10:00:00", Self.kepala),
            Self.at(.evaluationStarted, "2026-11-02T10:00:01", Self.evaluation),
            Self.at(.phaseRecorded, "2026-11-03T09:00:00", Self.teknis, phase: .evaluation),
            Self.at(.contractAgreed, "2026-11-04T09:00:00", Self.teknis),
            Self.at(.integrationTestFailed, "2026-11-04T09:00:05", Self.hub),
        ]
        let stuck = Self.reading("pasuruan", path, now: "2026-11-05T09:00:00")
        #expect(stuck.state == .integrationTestFailed && stuck.phase == .fix)
        #expect(stuck.current?.line.number == 0 && stuck.current?.line.role == .technical)
        #expect(stuck.current?.measure?.standard == .init(value: 1, unit: .months))
        let fixed = Self.reading(
            "pasuruan",
            path + [
                Self.at(.integrationTestPassed, "2026-11-05T10:00:00", Self.hub),
                Self.at(.apiProvisioned, "2026-11-05T10:00:00", Self.hub),
            ], now: "2026-11-05T11:00:00")
        #expect(fixed.runs.map(\.line.number) == [1, 2, 3, 4, 5, 0, 5, 6])
        #expect(fixed.runs[5].end == Self.wib("2026-11-05T10:00:00") && fixed.state == .provisioned)
    }

    @Test(
        "Sragen reads '14 hari' as working days: Idul Fitri's holidays and cuti bersama do not count"
    )
    func sragenWorkingDays() throws {
        let path = [
            Self.at(.requestSubmitted, "2026-03-13T09:00:00", Self.operatorOPD),
            Self.at(.requestDispositioned, "2026-03-13T10:00:00", Self.kepala),
            Self.at(.evaluationStarted, "2026-03-13T10:00:01", Self.evaluation),
        ]
        let reading = Self.reading("sragen", path, now: "2026-03-27T10:00:01")
        let evaluation = try #require(reading.current)
        #expect(evaluation.line.number == 3)
        // 16–27 March has 10 calendar weekdays, five of them days off (18, 19, 20, 23, 24 March).
        #expect(abs(evaluation.measure!.used * 14 - 5) < 1e-6)
        #expect(!evaluation.measure!.provisional)
    }

    @Test(
        "a step that reaches into 2027, whose decree is not loaded, gets a provisional deadline: weekends and the fixed-date holidays only"
    )
    func provisional2027() throws {
        let path = [
            Self.at(.requestSubmitted, "2026-12-10T09:00:00", Self.operatorOPD),
            Self.at(.requestDispositioned, "2026-12-10T10:00:00", Self.kepala),
            Self.at(.evaluationStarted, "2026-12-10T10:00:01", Self.evaluation),
        ]
        let reading = Self.reading("pasuruan", path, now: "2026-12-11T10:00:00")
        let evaluation = try #require(reading.current?.measure)
        #expect(evaluation.deadline == Self.wib("2027-01-10T10:00:01") && evaluation.provisional)
        #expect(reading.runs[0].measure?.provisional == false, "step 1 stayed in 2026")
        // One working day from Thursday 31 December 2026: 1 January 2027 is a fixed-date holiday, then the weekend.
        let deadline = Self.clock.deadline(.init(value: 1, unit: .workingDays), from: Self.wib("2026-12-31T09:00:00"))
        #expect(deadline == Self.wib("2027-01-04T09:00:00"))
        #expect(Self.clock.calendar.isProvisional(from: Self.wib("2026-12-31T09:00:00"), to: deadline))
        #expect(!Self.clock.calendar.isWorkingDay(Self.wib("2027-08-17T09:00:00")), "17 August, every year")
        #expect(Self.clock.calendar.isWorkingDay(Self.wib("2027-03-10T09:00:00")), "a Wednesday without a decree")
    }

    @Test(
        "the producer's acceptance before the delivery is refused where the profile has a delivery step; after it, allowed"
    )
    func earlyAcceptance() throws {
        for profile in SOPProfileCatalog.all.values {
            let refusal = try #require(ProcedureRules.acceptanceRefusal(profile: profile, deliveredAt: nil))
            #expect(refusal.contains(profile.line(for: .delivery)!.reference), "\(profile.id): \(refusal)")
            #expect(ProcedureRules.acceptanceRefusal(profile: profile, deliveredAt: Date()) == nil)
        }
    }

    @Test("a withdrawn request ends its open step at the withdrawal and takes no further step")
    func withdrawn() {
        let reading = Self.reading(
            "pasuruan",
            [
                Self.at(.requestSubmitted, "2026-11-02T09:00:00", Self.operatorOPD),
                Self.at(.requestWithdrawn, "2026-11-02T11:00:00", Self.operatorOPD),
                Self.at(.requestDispositioned, "2026-11-02T12:00:00", Self.kepala),
            ], now: "2026-11-03T09:00:00")
        #expect(reading.state == .withdrawn && reading.phase == nil && reading.current == nil)
        #expect(reading.runs.count == 1 && reading.runs[0].end == Self.wib("2026-11-02T11:00:00"))
    }
}

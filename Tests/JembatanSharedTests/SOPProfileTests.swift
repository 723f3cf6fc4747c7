import Foundation
import Testing

@testable import JembatanShared

@Suite("SOP profiles")
struct SOPProfileTests {
    @Test("the four shipped profiles load from their data files, numbered as their seeds number them")
    func catalogue() throws {
        #expect(Set(SOPProfileCatalog.all.keys) == ["pasuruan", "kaltim", "sragen", "laboratorium"])
        let numbers = SOPProfileCatalog.all.mapValues { $0.steps.map(\.number) }
        #expect(numbers["pasuruan"] == Array(1...9) && numbers["sragen"] == Array(1...9))
        #expect(numbers["kaltim"] == Array(1...12) && numbers["laboratorium"] == Array(1...12))
        for profile in SOPProfileCatalog.all.values {
            #expect(profile.violations.isEmpty, "\(profile.id): \(profile.violations)")
            #expect(profile.otherLines.allSatisfy { $0.number == 0 })
        }
        #expect(SOPProfileCatalog.profile(SOPProfileCatalog.builtInDefaultID) != nil)
        #expect(
            SOPProfileCatalog.profile("kaltim")?.step(11)?.name.contains("kembali pada proses 3") == true,
            "the seed's own wording")
    }

    @Test(
        "standards follow the seeds: Sragen 14 working days, Pasuruan a month, Kaltim's ranges keep both ends, the laboratory in office minutes"
    )
    func durations() throws {
        let sragen = try #require(SOPProfileCatalog.profile("sragen"))
        #expect(sragen.step(3)?.standard == .init(value: 14, unit: .workingDays))
        let pasuruan = try #require(SOPProfileCatalog.profile("pasuruan"))
        #expect(pasuruan.step(3)?.standard == .init(value: 1, unit: .months))
        #expect(pasuruan.step(7)?.standard == .init(value: 3, unit: .workingDays))
        #expect(pasuruan.step(9)?.standard == nil, "Pasuruan's report step has no standard")
        let kaltim = try #require(SOPProfileCatalog.profile("kaltim"))
        #expect(kaltim.step(6)?.standard == .init(value: 3, target: 1, unit: .workingDays))
        #expect(kaltim.step(6)?.standard?.label == "1–3 hari kerja")
        #expect(kaltim.step(8)?.standard == .init(value: 2, target: 1, unit: .workingDays))
        #expect(kaltim.step(11)?.standard == .init(value: 3, target: 1, unit: .workingDays))
        #expect(kaltim.step(12)?.standard == .init(value: 3, unit: .workingDays))
        #expect(kaltim.overall == .init(value: 4, target: 3, unit: .months), "3 sampai 4 bulan")
        let laboratory = try #require(SOPProfileCatalog.profile("laboratorium"))
        #expect(
            laboratory.steps.compactMap { $0.standard?.value }
                == [5, 15, 15, 600, 60, 2250, 10350, 60, 1350, 1350, 60, 60])
        #expect(laboratory.lines.compactMap(\.standard).allSatisfy { $0.unit == .minutes })
        #expect(laboratory.requiredInputs == [.purpose, .contactPerson])
    }

    @Test(
        "every profile covers each phase the services drive once; Kaltim ends with hand-over, the head's review and the report"
    )
    func phases() throws {
        for profile in SOPProfileCatalog.all.values {
            for phase in Phase.required {
                #expect(profile.line(for: phase) != nil, "\(profile.id) covers \(phase.rawValue)")
            }
            #expect(profile.line(for: .revision)?.role == .producer, "revision is the producer's time")
            #expect(profile.recordedBeforeAPI.first == .interchangeDocument, "\(profile.id)")
        }
        let kaltim = try #require(SOPProfileCatalog.profile("kaltim"))
        #expect(kaltim.stepNumber(of: .finalEvaluation) == 9 && kaltim.stepNumber(of: .handOver) == 10)
        #expect(kaltim.stepNumber(of: .headReview) == 11 && kaltim.step(11)?.role == .head)
        #expect(kaltim.stepNumber(of: .report) == 12)
        let pasuruan = try #require(SOPProfileCatalog.profile("pasuruan"))
        #expect(!pasuruan.has(.handOver) && !pasuruan.has(.headReview))
        #expect(pasuruan.stepNumber(of: .fix) == 0, "a line outside the seed's numbering")
        let laboratory = try #require(SOPProfileCatalog.profile("laboratorium"))
        #expect(laboratory.recordedBeforeDecision == [.assignment])
        #expect(laboratory.recordedBeforeAPI == [.interchangeDocument, .design, .build])
        #expect(laboratory.stepNumber(of: .fix) == 10 && laboratory.step(10)?.role == .technical)
        #expect(Phase.allCases.allSatisfy { !$0.label.isEmpty })
        #expect(
            RequestState.label(of: "completed") == "selesai"
                && RequestState.label(of: "unknown_state") == "unknown_state")
    }

    @Test("a profile an admin adds is refused with every rule it breaks, each naming its field")
    func violations() throws {
        var broken = try #require(SOPProfileCatalog.profile("pasuruan"))
        broken.id = "Bad Id"
        broken.steps[3].phases = [.evaluation]
        broken.steps[5].standard = .init(value: 2, target: 2, unit: .workingDays)
        broken.steps[6].number = 6
        let rules = Set(broken.violations.map { "\($0.field) \($0.rule)" })
        #expect(rules.contains("id pattern"))
        #expect(rules.contains("steps unique_phase"), "evaluation twice")
        #expect(rules.contains("steps required_phase"), "interchange_document lost")
        #expect(rules.contains("steps[5].standard.target range"))
        #expect(rules.contains("steps numbering"))
        let shipped = try #require(SOPProfileCatalog.profile("kaltim"))
        let decoded = try JSONDecoder().decode(SOPProfile.self, from: try JSONEncoder().encode(shipped))
        #expect(decoded == shipped, "a profile round-trips as data")
    }

    @Test("a state read from a column the code does not know is an error that names it, never a guess")
    func unknownStoredState() {
        #expect(throws: UnknownStoredValue.self) { try RequestState(stored: "approved") }
        #expect((try? RequestState(stored: "under_evaluation")) == .underEvaluation)
        #expect(
            UnknownStoredValue(type: "RequestState", value: "approved").description
                == "unknown RequestState 'approved' in the database")
        #expect(RequestState.completed.isClosed && RequestState.withdrawn.isClosed && !RequestState.returned.isClosed)
    }
}
